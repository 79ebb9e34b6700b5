// Behaviour for every page. No inline scripts: the Content-Security-Policy allows only our files.
(function () {
  "use strict";

  // Progress bars carry their value in data-progress; inline style attributes are not allowed.
  function paintProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
  }

  // Forms that ask before doing something that cannot be undone: data-confirm="question".
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Selects that submit their filter form on change: data-autosubmit. data-clears names the
  // fields below it (a street once the district changes) whose choice no longer applies.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches("[data-autosubmit]")) {
      return;
    }
    (field.getAttribute("data-clears") || "").split(" ").forEach(function (name) {
      var below = name && field.form.elements.namedItem(name);
      if (below) {
        below.value = "";
      }
    });
    field.form.requestSubmit();
  });

  document.addEventListener("DOMContentLoaded", function () { paintProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintProgress(event.target); });
  // A finished job reloads its page once, to show the result.
  document.addEventListener("jobFinished", function () { window.location.reload(); });
})();
