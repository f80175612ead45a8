// Indicator editor: rows entered as quickly as in a spreadsheet.
// Keyboard: Tab through a row; Enter in a name goes to its value, Enter in a value adds a row
// below; Alt+↑/↓ moves a row, Alt+Shift+↑/↓ moves it to the previous/next 二级, Alt+Delete
// removes it. Enter never submits the form. Positions follow the page on submit; leaving with
// unsaved changes asks first.
(function () {
  "use strict";
  var editor = document.getElementById("indicator-editor");
  if (!editor) return;
  var form = document.getElementById("perf-form");
  var template = document.getElementById("row-template");
  var total = form.querySelector('input[name$="-TOTAL_FORMS"]');
  var menu = document.getElementById("row-menu");
  var targets = window.perfgoalsTargets;
  var ROW = "tr.indicator-row";
  var SIGN_TEXT = { ge: "≥", gt: "＞", eq: "＝", lt: "＜", le: "≤" };

  function input(row, suffix) {
    return row.querySelector('[name$="-' + suffix + '"]') || detailOf(row).querySelector('[name$="-' + suffix + '"]');
  }

  // A row without details filled comes without their fields: written here, from the row
  // template, when first needed.
  function writeDetails(row) {
    var detail = detailOf(row);
    if (!detail.hasAttribute("data-unwritten")) return;
    var index = /-(\d+)-level3$/.exec(input(row, "level3").name)[1];
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, index).trim();
    detail.innerHTML = holder.querySelector("tr.row-detail").innerHTML;
    detail.removeAttribute("data-unwritten");
    offerScoring(row);
  }

  function detailOf(row) {
    return row.nextElementSibling;
  }

  // For static/js/library_pick.js, which fills detail fields of a picked row.
  // The editor's hooks for its other scripts (library_pick.js, suggest.js); more are added below.
  window.perfgoalsEditor = { writeDetails: writeDetails };

  function rowOf(element) {
    var row = element.closest("tr.indicator-row, tr.row-detail");
    if (!row) return null;
    return row.classList.contains("row-detail") ? row.previousElementSibling : row;
  }

  function groupOf(row) {
    return row.closest("tbody.indicator-group");
  }

  function liveRows(scope) {
    var rows = Array.prototype.slice.call(editor.querySelectorAll(ROW + ":not(.deleted)"));
    return scope ? rows.filter(function (row) { return groupOf(row).dataset.scope === scope; }) : rows;
  }

  // --- Structure: add, remove, move. -----------------------------------------------------

  var reordered = false;

  function renumber() {
    liveRows().forEach(function (row, i) {
      row.querySelector("[data-row-number]").textContent = String(i + 1);
    });
  }

  function structureChanged() {
    // Positions are renumbered from the page only once rows were added or moved: the page
    // groups rows by 二级, so renumbering an untouched form would regroup an imported one
    // whose rows interleave, and a save that changes nothing must change nothing.
    reordered = true;
    renumber();
  }

  function newRow(group, after) {
    var index = parseInt(total.value, 10);
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.firstElementChild;
    var detail = row.nextElementSibling;
    input(row, "level1").value = group.dataset.level1;
    input(row, "level2").value = group.dataset.level2;
    input(row, "scope").value = group.dataset.scope;
    row.id = "";
    var anchor = after ? detailOf(after).nextElementSibling : group.querySelector("tr.group-foot");
    group.insertBefore(row, anchor);
    group.insertBefore(detail, anchor);
    total.value = String(index + 1);
    setUp(row);
    structureChanged();
    return row;
  }

  function addRow(group, after) {
    var row = newRow(group, after);
    input(row, "level3").focus();
    return row;
  }

  function removeRow(row) {
    var rows = liveRows();
    var at = rows.indexOf(row);
    var next = rows[at + 1] || rows[at - 1];
    var id = input(row, "id");
    if (id && id.value) {
      input(row, "DELETE").checked = true;
      row.classList.add("d-none", "deleted");
      detailOf(row).hidden = true;
      detailOf(row).classList.add("deleted");
    } else {
      detailOf(row).remove();
      row.remove();
    }
    structureChanged();
    if (next) input(next, "level3").focus();
    else {
      var group = editor.querySelector("tbody.indicator-group [data-action=add-row]");
      if (group) group.focus();
    }
  }

  function place(row, group, before) {
    var detail = detailOf(row);
    var anchor = before || group.querySelector("tr.group-foot");
    group.insertBefore(row, anchor);
    group.insertBefore(detail, anchor);
    if (input(row, "level2").value !== group.dataset.level2 || input(row, "level1").value !== group.dataset.level1) {
      input(row, "level1").value = group.dataset.level1;
      input(row, "level2").value = group.dataset.level2;
      // The published 二级 label belonged to the group the row left.
      var label = input(row, "level2_label");
      if (label) label.remove();
    }
  }

  function move(row, step) {
    var group = groupOf(row);
    var rows = Array.prototype.slice.call(group.querySelectorAll(ROW + ":not(.deleted)"));
    var at = rows.indexOf(row);
    var other = rows[at + step];
    if (!other) return false;
    place(row, group, step < 0 ? other : detailOf(other).nextElementSibling);
    structureChanged();
    return true;
  }

  function moveToGroup(row, step) {
    var group = groupOf(row);
    var groups = Array.prototype.slice.call(group.closest("table").querySelectorAll("tbody.indicator-group"));
    var target = groups[groups.indexOf(group) + step];
    if (!target) return false;
    // Up: to the bottom of the group above; down: to the top of the group below.
    place(row, target, step < 0 ? null : target.querySelector("tr.group-head").nextElementSibling);
    structureChanged();
    return true;
  }

  // --- The value's parts, the sign, the default scoring. -----------------------------------

  function showParts(row) {
    var box = row.querySelector("[data-value-parts]");
    var value = input(row, "value").value;
    var sign = input(row, "sign");
    box.textContent = "";
    if (!value.trim()) return;
    var target = targets.parseTarget(value);
    // The sign shown is the one chosen, else the one the value states.
    var key = (sign && sign.value) || targets.signOf(target);
    var option = key && template.content.querySelector('select[name$="-sign"] option[value="' + key + '"]');
    var parts = [];
    if (option) parts.push(["sign", SIGN_TEXT[key] || option.text]);
    // A qualitative value is its own text: only its sign is shown beside it.
    if (target.kind !== "qualitative") {
      parts.push(["value", target.high === null ? target.low : target.low + "~" + target.high]);
      if (target.unit) parts.push(["unit", target.unit]);
    }
    parts.forEach(function (part) {
      var span = document.createElement("span");
      span.className = "value-part part-" + part[0];
      span.dataset.part = part[0];
      span.textContent = part[1];
      span.title = editor.getAttribute("data-part-" + part[0]) || "";
      box.appendChild(span);
    });
  }

  function offerScoring(row) {
    var sign = input(row, "sign");
    var scoring = input(row, "scoring");
    if (!sign) return;
    var button = detailOf(row).querySelector("[data-action=fill-scoring]");
    var key = sign.value || targets.signOf(targets.parseTarget(input(row, "value").value));
    var text = key ? editor.getAttribute("data-scoring-" + key) : "";
    scoring.placeholder = text || "";
    button.hidden = !text || scoring.value.trim() === text;
  }

  function valueTyped(row) {
    var sign = input(row, "sign");
    if (sign && !sign.dataset.explicit) {
      sign.value = targets.signOf(targets.parseTarget(input(row, "value").value));
    }
    showParts(row);
    offerScoring(row);
  }

  function setUp(row) {
    var sign = input(row, "sign");
    var derived = targets.signOf(targets.parseTarget(input(row, "value").value));
    // A stored sign other than the value's is the person's own choice: typing keeps it.
    if (sign && sign.value && sign.value !== derived) sign.dataset.explicit = "1";
    showParts(row);
    offerScoring(row);
  }

  function toggleDetails(row, open) {
    var detail = detailOf(row);
    var button = row.querySelector("[data-action=toggle-details]");
    var show = open === undefined ? detail.hidden : open;
    if (show) writeDetails(row);
    detail.hidden = !show;
    button.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) detail.querySelector("select, textarea, input:not([type=hidden])").focus();
    else {
      var filled = Array.prototype.filter.call(detail.querySelectorAll("select, textarea, input"), function (field) {
        return field.value.trim();
      }).length;
      button.querySelector("[data-detail-count]").textContent = filled ? String(filled) : "";
    }
  }

  // --- 年度 / 总体 tabs. ------------------------------------------------------------------

  var tabList = editor.querySelector("[data-scope-tabs]");

  function showTabs() {
    if (!tabList || !tabList.hidden) return;
    tabList.hidden = false;
    editor.querySelectorAll(".scope-copy").forEach(function (p) { p.hidden = false; });
  }

  function selectTab(scope) {
    editor.querySelectorAll("[data-scope-tab]").forEach(function (tab) {
      var selected = tab.dataset.scopeTab === scope;
      tab.classList.toggle("active", selected);
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
    });
    editor.querySelectorAll("[data-scope-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.scopePanel !== scope;
    });
  }

  function findGroup(scope, level1, level2) {
    return editor.querySelector('tbody.indicator-group[data-scope="' + scope + '"][data-level1="' + CSS.escape(level1) +
      '"][data-level2="' + CSS.escape(level2) + '"]');
  }

  function copyScope(from, to, button) {
    var source = liveRows(from);
    if (liveRows(to).length && !window.confirm(button.dataset.confirm)) return;
    source.forEach(function (row) {
      var group = groupOf(row);
      var target = findGroup(to, group.dataset.level1, group.dataset.level2);
      if (!target) {
        target = group.cloneNode(false);
        target.dataset.scope = to;
        target.appendChild(group.querySelector("tr.group-head").cloneNode(true));
        target.appendChild(group.querySelector("tr.group-foot").cloneNode(true));
        editor.querySelector('[data-scope-panel="' + to + '"] table').appendChild(target);
      }
      var copy = newRow(target, null);
      ["level3", "value", "sign", "value_note", "standard", "standard_note", "scoring", "explanation", "weight",
        "remark", "level2_label"].forEach(function (name) {
        var field = input(row, name);
        var copied = input(copy, name);
        if (field && !copied) {
          copied = field.cloneNode(false);
          copied.name = field.name.replace(/-\d+-/, "-" + copy.querySelector("[name$=-level3]").name.split("-")[1] + "-");
          copy.querySelector(".row-spacer").appendChild(copied);
        }
        if (field && copied) copied.value = field.value;
      });
      var sign = input(row, "sign");
      if (sign && sign.dataset.explicit) input(copy, "sign").dataset.explicit = "1";
      setUp(copy);
    });
    selectTab(to);
  }

  function yearOf(id) {
    var field = document.getElementById(id);
    var match = field && /^(\d{4})/.exec(field.value);
    return match ? match[1] : null;
  }

  ["id_planned_start", "id_planned_end"].forEach(function (id) {
    var field = document.getElementById(id);
    if (!field) return;
    field.addEventListener("change", function () {
      var start = yearOf("id_planned_start"), end = yearOf("id_planned_end");
      if (start && end && start !== end) showTabs();
    });
  });

  // --- The row menu: one button per row, one menu for the page. ---------------------------

  var menuRow = null;

  function openMenu(button) {
    closeMenu();
    menuRow = rowOf(button);
    button.after(menu);
    menu.hidden = false;
    menu.classList.add("show");
    button.setAttribute("aria-expanded", "true");
    menu.querySelector("[role=menuitem]").focus();
  }

  function closeMenu(refocus) {
    if (!menuRow) return;
    var button = menuRow.querySelector("[data-action=row-menu]");
    button.setAttribute("aria-expanded", "false");
    menu.hidden = true;
    menu.classList.remove("show");
    form.appendChild(menu);
    menuRow = null;
    if (refocus) button.focus();
  }

  function act(action, row) {
    if (action === "move-up") return move(row, -1);
    if (action === "move-down") return move(row, 1);
    if (action === "move-prev-group") return moveToGroup(row, -1);
    if (action === "move-next-group") return moveToGroup(row, 1);
    if (action === "remove-row") return removeRow(row);
  }

  menu.addEventListener("click", function (event) {
    var item = event.target.closest("[role=menuitem]");
    if (!item || !menuRow) return;
    var row = menuRow;
    var removing = item.dataset.action === "remove-row";
    closeMenu(!removing);
    act(item.dataset.action, row);
    if (!removing) row.querySelector("[data-action=row-menu]").focus();
  });

  menu.addEventListener("keydown", function (event) {
    var items = Array.prototype.slice.call(menu.querySelectorAll("[role=menuitem]"));
    var at = items.indexOf(document.activeElement);
    if (event.key === "Escape") { event.preventDefault(); closeMenu(true); }
    else if (event.key === "ArrowDown") { event.preventDefault(); items[(at + 1) % items.length].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); items[(at - 1 + items.length) % items.length].focus(); }
    else if (event.key === "Tab") closeMenu(false);
  });

  document.addEventListener("click", function (event) {
    if (menuRow && !menu.contains(event.target) && !event.target.closest("[data-action=row-menu]")) closeMenu(false);
  });

  editor.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || menu.contains(button)) return;
    var row = rowOf(button);
    var action = button.dataset.action;
    if (action === "add-row") addRow(groupOf(button), null);
    else if (action === "row-menu") {
      if (menuRow === row) closeMenu(true);
      else openMenu(button);
    } else if (action === "toggle-details") toggleDetails(row);
    else if (action === "fill-scoring") {
      var scoring = input(row, "scoring");
      scoring.value = scoring.placeholder;
      button.hidden = true;
      scoring.focus();
    } else if (action === "copy-scope") copyScope(button.dataset.from, button.dataset.to, button);
    else if (button.dataset.scopeTab) selectTab(button.dataset.scopeTab);
  });

  editor.addEventListener("input", function (event) {
    var row = rowOf(event.target);
    if (row && event.target.name && /-value$/.test(event.target.name)) valueTyped(row);
  });

  editor.addEventListener("change", function (event) {
    var row = rowOf(event.target);
    if (!row || !/-sign$/.test(event.target.name || "")) return;
    var derived = targets.signOf(targets.parseTarget(input(row, "value").value));
    if (event.target.value && event.target.value !== derived) event.target.dataset.explicit = "1";
    else delete event.target.dataset.explicit;
    showParts(row);
    offerScoring(row);
  });

  // --- Keys. -------------------------------------------------------------------------------

  editor.addEventListener("keydown", function (event) {
    if (event.target.closest("[data-scope-tabs]") && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      var tabs = Array.prototype.slice.call(tabList.querySelectorAll("[data-scope-tab]"));
      var next = tabs[(tabs.indexOf(event.target) + 1) % tabs.length];
      selectTab(next.dataset.scopeTab);
      next.focus();
      return;
    }
    var row = rowOf(event.target);
    if (!row) return;
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      var step = event.key === "ArrowUp" ? -1 : 1;
      var focused = document.activeElement;
      if (event.shiftKey) moveToGroup(row, step);
      else move(row, step);
      focused.focus();
      return;
    }
    if (event.altKey && event.key === "Delete") {
      event.preventDefault();
      removeRow(row);
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
      return;
    }
    var name = event.target.name || "";
    if (/-level3$/.test(name)) {
      // A name is one line that wraps: Enter goes on to the value.
      event.preventDefault();
      input(row, "value").focus();
    } else if (/-value$/.test(name)) {
      event.preventDefault();
      addRow(groupOf(row), row);
    }
  });

  // Enter in any other one-line field of the page does not submit the whole form.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" && !/^(submit|button|checkbox|radio)$/.test(target.type)) {
      event.preventDefault();
    }
  });

  // --- The unsaved-changes guard. ------------------------------------------------------------

  // The year of a new form is not compared: choosing it posts the page back with what was typed
  // (new_form.js), a submit like any other.
  // Blank fields are left out: details written when opened add blank fields, which change nothing.
  function serialized() {
    var data = new FormData(form);
    data.delete("year");
    var kept = [];
    data.forEach(function (value, key) {
      if (value !== "") kept.push([key, value]);
    });
    return new URLSearchParams(kept).toString();
  }

  var saved = serialized();
  var typed = false;
  var leaving = false;
  form.addEventListener("input", function () { typed = true; });
  // Scripts that tidy fields when the page loads (money formatting) are not the person's changes.
  window.addEventListener("load", function () {
    if (!typed && !reordered) saved = serialized();
  });

  function dirty() {
    return serialized() !== saved;
  }

  var question = editor.dataset.leaveQuestion || "";

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.target === "_blank" || event.defaultPrevented || link.getAttribute("href").charAt(0) === "#") return;
    if (!dirty()) return;
    if (window.confirm(question)) leaving = true;
    else event.preventDefault();
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !dirty()) return;
    event.preventDefault();
    event.returnValue = question;
  });

  form.addEventListener("submit", function () {
    leaving = true;
    if (!reordered) return;
    var position = 0;
    editor.querySelectorAll(ROW).forEach(function (row) {
      input(row, "position").value = String(position++);
    });
  });

  // A warning's link to a row of the other tab opens that tab.
  function showLinkedRow() {
    if (!/^#row-/.test(window.location.hash)) return;
    var target = document.getElementById(window.location.hash.slice(1));
    var panel = target && target.closest("[data-scope-panel]");
    if (panel && panel.hidden) {
      selectTab(panel.dataset.scopePanel);
      target.scrollIntoView();
    }
  }

  // For suggest.js: add a row under a 一级/二级 of the tab shown (null when this form's framework
  // has no such group), and the names of the rows there are.
  Object.assign(window.perfgoalsEditor, {
    addRow: function (fields) {
      var panel = editor.querySelector("[data-scope-panel]:not([hidden])");
      var group = panel && findGroup(panel.dataset.scopePanel, fields.level1, fields.level2);
      if (!group) return null;
      var row = newRow(group, null);
      input(row, "level3").value = fields.level3 || "";
      input(row, "value").value = fields.value || "";
      valueTyped(row);
      return row;
    },
    rowNames: function () {
      return liveRows().map(function (row) { return input(row, "level3").value; });
    }
  });

  editor.querySelectorAll(ROW).forEach(setUp);
  window.addEventListener("hashchange", showLinkedRow);
  showLinkedRow();
})();
