// Indicator editor: add a row under a 二级, remove, reorder; positions follow the table on submit.
(function () {
  "use strict";
  // On a new form the framework follows the year: reload the page for the chosen one.
  var yearSelect = document.querySelector("select[data-reload-on-change]");
  if (yearSelect) {
    yearSelect.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("year", yearSelect.value);
      window.location.assign(url.toString());
    });
  }
  var table = document.getElementById("indicator-editor");
  if (!table) return;
  var form = document.getElementById("perf-form");
  var template = document.getElementById("row-template");
  var total = form.querySelector('input[name$="-TOTAL_FORMS"]');

  function input(row, suffix) {
    return row.querySelector('[name$="-' + suffix + '"]');
  }

  function addRow(group) {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    input(row, "level1").value = group.dataset.level1;
    input(row, "level2").value = group.dataset.level2;
    row.id = "";
    group.appendChild(row);
    total.value = String(index + 1);
    input(row, "level3").focus();
  }

  function removeRow(row) {
    var id = input(row, "id");
    var next = row.nextElementSibling || row.previousElementSibling;
    if (id && id.value) {
      input(row, "DELETE").checked = true;
      row.classList.add("d-none", "deleted");
    } else {
      row.remove();
    }
    var focusTarget = next && next.querySelector("textarea, button");
    if (focusTarget) focusTarget.focus();
  }

  function move(row, step) {
    var sibling = row;
    do {
      sibling = step < 0 ? sibling.previousElementSibling : sibling.nextElementSibling;
    } while (sibling && sibling.classList.contains("deleted"));
    if (!sibling || !sibling.classList.contains("indicator-row")) return;
    if (step < 0) sibling.before(row);
    else sibling.after(row);
  }

  table.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var row = button.closest("tr.indicator-row");
    if (button.classList.contains("js-add")) addRow(button.closest("tbody"));
    else if (button.classList.contains("js-remove")) removeRow(row);
    else if (button.classList.contains("js-up")) { move(row, -1); button.focus(); }
    else if (button.classList.contains("js-down")) { move(row, 1); button.focus(); }
  });

  // Positions are renumbered from the page only once rows were added or moved: the page
  // groups rows by 二级, so renumbering an untouched form would regroup an imported one
  // whose rows interleave, and a save that changes nothing must change nothing.
  var reordered = false;
  table.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (button && (button.classList.contains("js-add") || button.classList.contains("js-up") ||
        button.classList.contains("js-down"))) {
      reordered = true;
    }
  });

  form.addEventListener("submit", function () {
    if (!reordered) return;
    var position = 0;
    table.querySelectorAll("tr.indicator-row").forEach(function (row) {
      input(row, "position").value = String(position++);
    });
  });
})();
