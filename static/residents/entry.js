// The fast entry grid of survey answers (templates/residents/entry/grid.html).
//
// One household a row. Tab moves to the next cell, Enter to the next row (a new one is added at the
// end), Shift+Enter back up. A row saves itself when the clerk leaves it: POST to the row endpoint,
// which answers JSON (200 saved, 400 {errors: {cell: message}}). Nothing typed is lost: every row
// not yet confirmed by the server lives in localStorage (a key per campaign and user) and comes back
// when the page is reloaded; a row the server could not be reached for (connection dropped, server
// error) is marked 未保存 and sent again when the connection returns (the online event, and every
// few seconds). Each row carries a UUID made here (entry_key): the server saves a row sent twice as
// one answer. Closing the tab while rows are unsaved asks first.
(function () {
  "use strict";

  var grid = document.getElementById("entry-grid");
  if (!grid) {
    return;
  }
  var body = grid.querySelector("tbody");
  var template = document.getElementById("entry-row-template");
  var compoundBox = document.getElementById("entry-compound");
  var summary = document.getElementById("entry-summary");
  var counter = document.getElementById("entry-count");
  var label = grid.dataset;
  var storageKey = label.storageKey;
  var csrfToken = (JSON.parse(document.body.getAttribute("hx-headers") || "{}") || {})["X-CSRFToken"];
  var itemNames = {};
  document.querySelectorAll(".entry-legend [data-number]").forEach(function (item) {
    itemNames[item.dataset.number] = item.dataset.name;
  });
  // Cells a row is empty without: the origin and the day come filled in.
  var DEFAULTED = { origin: true, answered_on: true };

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    // Plain http on a street office's network is no secure context: no randomUUID there.
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) { return name in values ? values[name] : whole; });
  }

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr.entry-row"));
  }

  function fields(tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("[data-field]"));
  }

  function values(tr) {
    var result = {};
    fields(tr).forEach(function (field) { result[field.dataset.field] = field.value; });
    return result;
  }

  function isBlank(tr) {
    return fields(tr).every(function (field) {
      return DEFAULTED[field.dataset.field] || !field.value.trim();
    });
  }

  function signature(tr) {
    return JSON.stringify([tr.dataset.compound, values(tr)]);
  }

  // --- Local storage: every row the server has not confirmed --------------------------------------

  function store() {
    var kept = rows().filter(function (tr) {
      return !isBlank(tr) && signature(tr) !== tr.dataset.savedAs;
    }).map(function (tr) {
      return { key: tr.dataset.key, compound: tr.dataset.compound, values: values(tr), errors: tr.errors || {} };
    });
    try {
      if (kept.length) {
        window.localStorage.setItem(storageKey, JSON.stringify({ rows: kept }));
      } else {
        window.localStorage.removeItem(storageKey);
      }
    } catch (error) {
      // A full or disabled storage must not stop the typing; the row still saves to the server.
    }
  }

  function stored() {
    try {
      return (JSON.parse(window.localStorage.getItem(storageKey) || "{}") || {}).rows || [];
    } catch (error) {
      return [];
    }
  }

  // --- Rows ---------------------------------------------------------------------------------------

  function compoundOf(tr) {
    return tr.dataset.compound;
  }

  function addRow(data, before) {
    var tr = template.content.firstElementChild.cloneNode(true);
    var previous = before ? null : rows().pop();
    tr.dataset.key = (data && data.key) || uuid();
    tr.dataset.compound = (data && data.compound) || compoundBox.value;
    var household = tr.querySelector("[data-field=household]");
    household.setAttribute("list", "entry-households-" + tr.dataset.compound);
    if (data && data.values) {
      fields(tr).forEach(function (field) {
        if (field.dataset.field in data.values) {
          field.value = data.values[field.dataset.field];
        }
      });
    } else if (previous) {
      // The next questionnaire of the stack was most likely taken the same way on the same day.
      ["origin", "answered_on"].forEach(function (name) {
        var from = previous.querySelector("[data-field=" + name + "]");
        var to = tr.querySelector("[data-field=" + name + "]");
        if (from && to) {
          to.value = from.value;
        }
      });
    }
    if (before) {
      body.insertBefore(tr, before);
    } else {
      body.appendChild(tr);
    }
    renumber();
    hints(tr);
    return tr;
  }

  function renumber() {
    rows().forEach(function (tr, index) {
      tr.querySelector(".entry-number").textContent = String(index + 1);
    });
  }

  function hints(tr) {
    var household = tr.querySelector("[data-field=household]");
    var hint = tr.querySelector("[data-hint=household]");
    var list = document.getElementById("entry-households-" + compoundOf(tr));
    var found = "";
    if (list && household.value.trim()) {
      var code = household.value.trim();
      Array.prototype.some.call(list.options, function (option) {
        if (option.value === code) {
          found = option.textContent;
          return true;
        }
        return false;
      });
    }
    var compoundName = compoundBox.tagName === "SELECT"
      ? (compoundBox.querySelector("option[value='" + compoundOf(tr) + "']") || {}).textContent || ""
      : "";
    hint.textContent = [compoundName, found].filter(Boolean).join(" · ");
    var items = tr.querySelector("[data-field=wanted_items]");
    if (items) {
      var names = items.value.split(/[\s,，、;；/]+/).filter(Boolean).map(function (number) {
        return itemNames[number] || ("?" + number);
      });
      tr.querySelector("[data-hint=wanted_items]").textContent = names.join("、");
    }
  }

  function setStatus(tr, state, title) {
    var badge = tr.querySelector(".entry-status");
    var classes = { saving: "text-bg-info", saved: "text-bg-success", unsaved: "text-bg-warning", error: "text-bg-danger" };
    var texts = { saving: label.labelSaving, saved: label.labelSaved, unsaved: label.labelUnsaved, error: label.labelError };
    tr.dataset.state = state || "";
    badge.className = "entry-status badge " + (classes[state] || "");
    badge.textContent = texts[state] || "";
    if (state === "error" && !title) {
      // The refused cells may be scrolled out of sight on a tablet: the state says what they are.
      title = Object.keys(tr.errors || {}).map(function (name) { return tr.errors[name]; }).join(" ");
    }
    badge.title = title || "";
    tr.classList.toggle("entry-row-error", state === "error");
    tr.classList.toggle("entry-row-unsaved", state === "unsaved");
    tr.classList.toggle("entry-row-saved", state === "saved");
    tally();
  }

  function showErrors(tr, errors) {
    tr.errors = errors || {};
    tr.querySelectorAll("[data-error]").forEach(function (slot) { slot.textContent = ""; });
    fields(tr).forEach(function (field) {
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-invalid");
    });
    // The refused cells by their column, beside the household: on a tablet they may be scrolled away.
    var columns = Object.keys(tr.errors).map(function (name) {
      var field = tr.querySelector("[data-field='" + name + "']");
      var cell = field && field.closest("td");
      return cell ? grid.tHead.rows[0].cells[cell.cellIndex].textContent.trim() : "";
    }).filter(Boolean);
    tr.querySelector("[data-cells]").textContent = columns.length ? format(label.labelCells, { cells: columns.join("、") }) : "";
    Object.keys(tr.errors).forEach(function (name) {
      var slot = tr.querySelector("[data-error='" + name + "']") || tr.querySelector("[data-error=household]");
      slot.textContent = slot.textContent ? slot.textContent + " " + tr.errors[name] : tr.errors[name];
      var field = tr.querySelector("[data-field='" + name + "']");
      if (field) {
        field.classList.add("is-invalid");
        field.setAttribute("aria-invalid", "true");
      }
    });
  }

  function tally() {
    var count = { saved: 0, unsaved: 0, error: 0 };
    rows().forEach(function (tr) {
      if (tr.dataset.state in count) {
        count[tr.dataset.state] += 1;
      }
    });
    summary.textContent = format(label.labelSummary, { saved: count.saved, unsaved: count.unsaved, errors: count.error });
  }

  // A household typed twice in this grid is flagged before the server is asked.
  function sameHousehold(tr) {
    var code = tr.querySelector("[data-field=household]").value.trim();
    var found = 0;
    rows().some(function (other, index) {
      if (other !== tr && other.dataset.compound === tr.dataset.compound &&
          other.querySelector("[data-field=household]").value.trim() === code && code) {
        found = index + 1;
        return true;
      }
      return other === tr;
    });
    return found;
  }

  // --- Saving -------------------------------------------------------------------------------------

  function save(tr) {
    if (!tr.isConnected || isBlank(tr) || signature(tr) === tr.dataset.savedAs) {
      return;
    }
    if (tr.dataset.sending) {
      tr.dataset.again = "1";
      return;
    }
    var earlier = sameHousehold(tr);
    if (earlier) {
      showErrors(tr, { household: format(label.labelSameRow, { row: earlier }) });
      setStatus(tr, "error");
      store();
      return;
    }
    var sent = signature(tr);
    var form = new FormData();
    form.append("entry_key", tr.dataset.key);
    form.append("compound", tr.dataset.compound);
    var typed = values(tr);
    Object.keys(typed).forEach(function (name) { form.append(name, typed[name]); });
    tr.dataset.sending = "1";
    setStatus(tr, "saving");
    window.fetch(label.rowUrl, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, "Accept": "application/json" },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        // Sent to the login page (the session ended) or a server error page: keep it, send it again.
        // Refused by the CSRF check (the clerk logged in again elsewhere): ask for the new token first.
        if (response.status === 403) {
          refreshToken();
        }
        var title = response.redirected ? label.labelLogin : label.labelUnsavedHint;
        setStatus(tr, "unsaved", title);
        return null;
      }
      return response.json().then(function (answer) {
        if (answer.saved) {
          tr.dataset.savedAs = sent;
          showErrors(tr, {});
          setStatus(tr, "saved");
          if (counter && answer.entered !== undefined) {
            counter.textContent = counter.textContent.replace(/\d+/, String(answer.entered));
          }
        } else if (answer.errors) {
          showErrors(tr, answer.errors);
          setStatus(tr, "error");
        } else {
          setStatus(tr, "error", label.labelRefused);
        }
      });
    }, function () {
      setStatus(tr, "unsaved", label.labelUnsavedHint);
    }).then(function () {
      delete tr.dataset.sending;
      store();
      if (tr.dataset.again) {
        delete tr.dataset.again;
        save(tr);
      }
    });
  }

  function refreshToken() {
    window.fetch(window.location.pathname + "?token=1", {
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
    }).then(function (response) {
      return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0 ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.csrf) {
        csrfToken = answer.csrf;
      }
    }, function () {});
  }

  function retry() {
    rows().forEach(function (tr) {
      if (tr.dataset.state === "unsaved" && !tr.dataset.sending) {
        save(tr);
      }
    });
  }

  // --- Moving with the keyboard -------------------------------------------------------------------

  function focusCell(tr, name) {
    var field = tr.querySelector("[data-field='" + name + "']") || tr.querySelector("[data-field]");
    field.focus();
    if (field.select && field.tagName === "INPUT") {
      field.select();
    }
  }

  body.addEventListener("keydown", function (event) {
    var field = event.target.closest("[data-field]");
    if (!field || event.isComposing) {
      return;
    }
    var tr = field.closest("tr");
    var all = rows();
    var index = all.indexOf(tr);
    if (event.key === "Enter") {
      event.preventDefault();
      if (event.shiftKey) {
        if (index > 0) {
          focusCell(all[index - 1], field.dataset.field);
        }
        return;
      }
      var next = all[index + 1] || addRow();
      focusCell(next, "household");
    } else if (event.key === "Tab" && !event.shiftKey && index === all.length - 1) {
      var cells = fields(tr);
      if (field === cells[cells.length - 1]) {
        addRow();  // the browser's Tab then lands in the new row's first cell
      }
    }
  });

  // A cell reached with Tab or Enter shows beside the fixed household column, not half under it.
  body.addEventListener("focusin", function (event) {
    var cell = event.target.closest("td");
    var scroller = grid.closest(".entry-scroller");
    if (!cell || !scroller) {
      return;
    }
    var hidden = cell.parentElement.firstElementChild.getBoundingClientRect().right - cell.getBoundingClientRect().left;
    if (hidden > 0) {
      scroller.scrollLeft -= hidden;
    }
  });

  body.addEventListener("input", function (event) {
    var tr = event.target.closest("tr");
    if (tr) {
      hints(tr);
      if (tr.dataset.state === "saved") {
        setStatus(tr, "");
      }
      store();
    }
  });

  // A row is saved when the focus leaves it (for another row, the page's other controls or nothing).
  body.addEventListener("focusout", function (event) {
    var tr = event.target.closest("tr");
    if (!tr || (event.relatedTarget && tr.contains(event.relatedTarget))) {
      return;
    }
    save(tr);
  });

  if (compoundBox.tagName === "SELECT") {
    compoundBox.addEventListener("change", function () {
      var last = rows().pop();
      if (last && isBlank(last)) {
        last.dataset.compound = compoundBox.value;
        last.querySelector("[data-field=household]").setAttribute("list", "entry-households-" + compoundBox.value);
        hints(last);
      }
    });
  }

  window.addEventListener("online", retry);
  window.setInterval(retry, Number(label.retryMs) || 5000);

  window.addEventListener("beforeunload", function (event) {
    var waiting = rows().some(function (tr) {
      return !isBlank(tr) && signature(tr) !== tr.dataset.savedAs;
    });
    if (waiting) {
      event.preventDefault();
      event.returnValue = label.labelLeave;
      return label.labelLeave;
    }
    return undefined;
  });

  // --- Start: the rows this browser kept, then an empty one to type in ------------------------------

  // The answers saved before, loaded to be corrected (?existing=1): saved rows, under their own keys;
  // a row this browser still keeps under the same key is the newer and comes instead.
  var kept = stored();
  var keptKeys = kept.map(function (data) { return data.key; });
  JSON.parse(label.existing || "[]").forEach(function (data) {
    if (keptKeys.indexOf(data.key) !== -1) {
      return;
    }
    var tr = addRow(data);
    tr.dataset.savedAs = signature(tr);
    setStatus(tr, "saved");
  });
  kept.forEach(function (data) {
    var tr = addRow(data);
    if (data.errors && Object.keys(data.errors).length) {
      showErrors(tr, data.errors);
      setStatus(tr, "error");
    } else {
      setStatus(tr, "unsaved", label.labelUnsavedHint);
    }
  });
  addRow();
  tally();
  retry();
  focusCell(rows()[rows().length - 1], "household");
})();
