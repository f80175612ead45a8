// The editor's 三级 cell offers indicators of the library (指标库) as one types: the row's 二级
// first, then the rest, by substring of the name or by pinyin initials ("myd" finds 满意度).
// Keyboard: ↓/↑ move through the offers, Enter picks, Esc closes. Picking fills the name, and the
// value, 计算符号, 指标解释 and 评（扣）分标准 where the row has none, and remembers the entry in
// the row's hidden `library_entry` field (the save flags the row when it is changed afterwards).
(function () {
  "use strict";
  var editor = document.getElementById("indicator-editor");
  if (!editor || !editor.dataset.libraryPick) return;
  var url = editor.dataset.libraryPick;
  var DELAY = 200;
  var list = document.createElement("ul");
  list.id = "library-pick-list";
  list.className = "library-pick list-unstyled";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", editor.dataset.libraryLabel || "");
  list.hidden = true;
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  editor.append(status);
  var box = null; // the 三级 textarea the list belongs to
  var results = [];
  var active = -1;
  var timer = null;
  var asked = 0;

  function rowOf(element) {
    return element.closest("tr.indicator-row");
  }

  function field(row, suffix) {
    var detail = row.nextElementSibling;
    return row.querySelector('[name$="-' + suffix + '"]') || (detail && detail.querySelector('[name$="-' + suffix + '"]'));
  }

  function close() {
    list.hidden = true;
    results = [];
    active = -1;
    if (box) {
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }
  }

  function attach(textarea) {
    if (box === textarea) return;
    if (box) close();
    box = textarea;
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-expanded", "false");
    box.after(list);
  }

  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
      item.classList.toggle("active", i === index);
    });
    if (index >= 0) {
      box.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else box.removeAttribute("aria-activedescendant");
  }

  function show(found) {
    results = found;
    list.replaceChildren();
    found.forEach(function (entry, i) {
      var item = document.createElement("li");
      item.id = "library-pick-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.entryId = entry.id;
      var name = document.createElement("span");
      name.className = "pick-name";
      name.textContent = entry.name;
      var meta = document.createElement("span");
      meta.className = "pick-meta small text-muted";
      meta.textContent = [entry.level2, entry.value || entry.unit, entry.scope].filter(Boolean).join(" · ");
      item.append(name, meta);
      if (entry.same_group) item.classList.add("same-group");
      list.append(item);
    });
    list.hidden = !found.length;
    box.setAttribute("aria-expanded", found.length ? "true" : "false");
    status.textContent = found.length ? (editor.dataset.libraryCount || "").replace("%s", found.length) : "";
    highlight(-1);
  }

  function ask(textarea) {
    var query = textarea.value.trim();
    if (!query || query.length > 30) {
      close();
      return;
    }
    var row = rowOf(textarea);
    var level2 = field(row, "level2");
    var number = ++asked;
    var address = url + "&q=" + encodeURIComponent(query) + "&level2=" + encodeURIComponent(level2 ? level2.value : "");
    fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        // An older answer arriving late must not replace a newer one.
        if (number !== asked || box !== textarea || document.activeElement !== textarea) return;
        show(data.results || []);
      })
      .catch(function () { close(); });
  }

  function set(element, value) {
    if (!element || element.value === value) return;
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fillEmpty(element, value) {
    if (element && value && !element.value.trim()) set(element, value);
  }

  function pick(index) {
    var entry = results[index];
    if (!entry || !box) return;
    var row = rowOf(box);
    set(box, entry.name);
    fillEmpty(field(row, "value"), entry.value);
    var details = window.perfgoalsEditor;
    if (details && (entry.explanation || entry.scoring || (entry.sign && !entry.value))) {
      details.writeDetails(row);
      fillEmpty(field(row, "explanation"), entry.explanation);
      fillEmpty(field(row, "scoring"), entry.scoring);
      if (!entry.value) fillEmpty(field(row, "sign"), entry.sign);
    }
    var hidden = field(row, "library_entry");
    if (!hidden) {
      var level3 = field(row, "level3");
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = level3.name.replace(/level3$/, "library_entry");
      row.querySelector("td").append(hidden);
    }
    hidden.value = String(entry.id);
    row.dataset.libraryEntry = String(entry.id);
    close();
    box.focus();
  }

  editor.addEventListener("focusin", function (event) {
    if (event.target.matches("textarea.level3")) attach(event.target);
  });

  editor.addEventListener("input", function (event) {
    if (!event.target.matches("textarea.level3") || event.isComposing || !event.isTrusted) return;
    attach(event.target);
    clearTimeout(timer);
    var textarea = event.target;
    timer = setTimeout(function () { ask(textarea); }, DELAY);
  });

  editor.addEventListener("compositionend", function (event) {
    if (!event.target.matches("textarea.level3")) return;
    clearTimeout(timer);
    var textarea = event.target;
    timer = setTimeout(function () { ask(textarea); }, DELAY);
  });

  // Captured before editor.js sees the key: while offers are open, Enter picks rather than
  // moving on to the value, and the arrows move through the offers.
  editor.addEventListener(
    "keydown",
    function (event) {
      if (event.target !== box || list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        event.stopPropagation();
        var last = results.length - 1;
        if (event.key === "ArrowDown") highlight(active < last ? active + 1 : 0);
        else highlight(active > 0 ? active - 1 : last);
      } else if (event.key === "Enter" && active >= 0 && !event.isComposing) {
        event.preventDefault();
        event.stopPropagation();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if (event.key === "Tab") close();
    },
    true
  );

  list.addEventListener("mousedown", function (event) {
    // Keep the focus in the cell; the click picks.
    event.preventDefault();
  });
  list.addEventListener("click", function (event) {
    var item = event.target.closest("[role=option]");
    if (item) pick(Array.prototype.indexOf.call(list.children, item));
  });

  editor.addEventListener("focusout", function (event) {
    if (event.target === box) setTimeout(function () { if (document.activeElement !== box) close(); }, 150);
  });
})();
