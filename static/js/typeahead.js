// <select data-typeahead="URL">: a search box that asks URL?q=… for matching options as one
// types, so the page carries only the chosen option, not every unit of a province.
// Without JavaScript the select still works with what it holds.
(function () {
  "use strict";

  function attach(select) {
    var list = document.createElement("datalist");
    list.id = select.id + "-options";
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-search";
    box.className = "form-control form-control-sm";
    box.setAttribute("list", list.id);
    box.setAttribute("autocomplete", "off");
    box.setAttribute("data-typeahead-box", "");
    box.placeholder = select.options.length ? select.options[0].text : "";
    if (select.selectedIndex > 0) box.value = select.options[select.selectedIndex].text;
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) label.htmlFor = box.id;
    select.classList.add("d-none");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.after(box, list);

    var found = {};
    var timer = null;

    function pick() {
      var name = box.value.trim();
      if (!name) {
        select.value = "";
        return;
      }
      if (!Object.prototype.hasOwnProperty.call(found, name)) return;
      var id = String(found[name]);
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === id; });
      if (!option) select.add(new Option(name, id));
      select.value = id;
    }

    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = select.getAttribute("data-typeahead") + "?q=" + encodeURIComponent(box.value.trim());
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            found = {};
            list.replaceChildren();
            data.results.forEach(function (item) {
              found[item.name] = item.id;
              var option = document.createElement("option");
              option.value = item.name;
              list.appendChild(option);
            });
            pick();
          });
      }, 200);
    });
    box.addEventListener("change", pick);
    // A name that matched nothing filters nothing, rather than leaving an earlier choice in force.
    if (select.form) {
      select.form.addEventListener("submit", function () {
        var chosen = select.selectedIndex > 0 ? select.options[select.selectedIndex].text : "";
        if (box.value.trim() !== chosen) select.value = "";
      });
    }
  }

  document.querySelectorAll("select[data-typeahead]").forEach(attach);
})();
