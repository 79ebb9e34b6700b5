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

  // Selects that submit their filter form on change: data-autosubmit.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.requestSubmit();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { paintProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintProgress(event.target); });
  // A finished job reloads its page once, to show the result.
  document.addEventListener("jobFinished", function () { window.location.reload(); });
})();
