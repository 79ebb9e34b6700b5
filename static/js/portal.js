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

  // The item grid of a project: the unit follows the chosen item; "More rows" adds empty rows
  // from the formset's template and counts them in the management form.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches(".item-grid .item-cell select")) {
      return;
    }
    var option = select.options[select.selectedIndex];
    var unit = select.closest("tr").querySelector(".unit-cell");
    if (unit) {
      unit.textContent = (option && option.dataset.unit) || "";
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches(".item-grid input[name$='-DELETE']")) {
      event.target.closest("tr").classList.toggle("is-deleted", event.target.checked);
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("#add-item-row")) {
      return;
    }
    var total = document.querySelector("#item-grid-form input[name$='-TOTAL_FORMS']");
    var template = document.getElementById("item-row-template");
    var body = document.querySelector("#item-grid tbody");
    var index = Number(total.value);
    for (var i = 0; i < 5; i += 1) {
      var html = template.innerHTML.replace(/__prefix__/g, String(index + i)).replace(/__num__/g, String(index + i + 1));
      body.insertAdjacentHTML("beforeend", html);
    }
    total.value = String(index + 5);
    body.querySelector("tr[data-row='" + (index + 1) + "'] select").focus();
  });

  // A form is sent once: while the browser waits for the answer its submit buttons are disabled, so
  // a double click or a second tap sends nothing more (the server refuses a second send of the same
  // form anyway, by its submission token). They are disabled only after the submit event has been
  // dispatched: the clicked button's name and value are already in what is sent, and a submit that
  // another handler cancelled (data-confirm) leaves them as they were.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit";
    });
  }
  function releaseForm(form) {
    delete form.dataset.sending;
    submitButtons(form).forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    window.setTimeout(function () {
      if (event.defaultPrevented) {
        return;
      }
      form.dataset.sending = "1";
      submitButtons(form).forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
      // A page that never answers (the network dropped) must not keep the form locked for good.
      window.setTimeout(function () { releaseForm(form); }, 30000);
    }, 0);
  });
  // Back to a page kept in the browser's cache: its forms may be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-sending]").forEach(releaseForm);
    }
  });

  document.addEventListener("DOMContentLoaded", function () { paintProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintProgress(event.target); });
  // A finished job reloads its page once, to show the result.
  document.addEventListener("jobFinished", function () { window.location.reload(); });
})();
