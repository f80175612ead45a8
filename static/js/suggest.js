// 推荐指标: rows of similar earlier projects and of the library, for the name, 概况 and 立项依据
// typed so far; "添加" appends one to the editor's table through editor.js (window.perfgoalsEditor).
(function () {
  "use strict";
  var panel = document.getElementById("suggest-panel");
  var editor = window.perfgoalsEditor;
  if (!panel || !editor) return;
  var form = document.getElementById("perf-form");
  var results = panel.querySelector("[data-suggest-results]");
  var message = panel.querySelector("[data-suggest-message]");
  var list = panel.querySelector("[data-suggest-groups]");
  var opener = panel.querySelector("[data-action=suggest-open]");
  var label = panel.dataset;

  function field(name) {
    var element = form.querySelector('[name="' + name + '"]');
    return element ? element.value : "";
  }

  // The server's name key (projects/suggest/text.py name_key): years, digits and punctuation dropped.
  function nameKey(text) {
    return (text || "").normalize("NFKC").replace(/<[^>]*>/g, " ").toLowerCase()
      .replace(/(?:19|20)\d{2}\s*年?度?/g, "").replace(/[^\p{L}\p{N}]+|[\d_]+/gu, "");
  }

  function namesInForm() {
    var names = {};
    editor.rowNames().forEach(function (name) { names[nameKey(name)] = true; });
    return names;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function itemNode(item, present) {
    var li = element("li", "list-group-item suggest-item");
    li.dataset.suggestItem = item.key;
    var head = element("div", "d-flex flex-wrap align-items-start gap-2");
    var name = element("div", "flex-grow-1 suggest-name");
    name.appendChild(element("span", "fw-semibold", item.level3));
    if (item.value) name.appendChild(element("span", "ms-2 text-body-secondary suggest-value", item.value));
    head.appendChild(name);
    if (present) {
      li.dataset.inForm = "1";
      head.appendChild(element("span", "badge text-bg-light border", label.labelInForm));
    } else {
      var button = element("button", "btn btn-sm btn-outline-primary", label.labelAdd);
      button.type = "button";
      button.dataset.action = "suggest-add";
      button.suggestion = item;
      head.appendChild(button);
    }
    li.appendChild(head);
    li.appendChild(element("div", "small text-muted suggest-source", item.source));
    return li;
  }

  function show(body) {
    list.textContent = "";
    message.textContent = body.message || "";
    var present = namesInForm();
    (body.groups || []).forEach(function (group) {
      var box = element("div", "mb-3 suggest-group");
      box.dataset.suggestGroup = group.level2;
      box.appendChild(element("h3", "h6 mb-1", group.level1 + " / " + group.level2));
      var ul = element("ul", "list-group list-group-flush");
      group.items.forEach(function (item) { ul.appendChild(itemNode(item, present[item.key])); });
      box.appendChild(ul);
      list.appendChild(box);
    });
  }

  function load() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken"));
    ["project_name", "overview", "basis"].forEach(function (name) { data.append(name, field(name)); });
    if (panel.dataset.form) data.append("form", panel.dataset.form);
    else {
      data.append("kind", panel.dataset.kind);
      data.append("year", field("year"));
    }
    list.textContent = "";
    message.textContent = label.labelLoading;
    fetch(panel.dataset.url, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { message.textContent = label.labelFailed; });
  }

  opener.addEventListener("click", function () {
    results.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    load();
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action=suggest-add]");
    if (!button) return;
    var row = editor.addRow(button.suggestion);
    var item = button.closest("[data-suggest-item]");
    if (!row) {
      item.querySelector(".suggest-source").textContent = label.labelNoGroup;
      return;
    }
    item.dataset.inForm = "1";
    button.replaceWith(element("span", "badge text-bg-success", label.labelAdded));
  });
})();
