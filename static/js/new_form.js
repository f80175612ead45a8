// A new form's year: the page is posted back for the chosen year (its indicator framework), and
// the server shows what was typed again, unsaved. Nothing is lost by switching.
(function () {
  "use strict";
  var select = document.querySelector("select[data-switch-year]");
  if (!select || !select.form) return;
  select.addEventListener("change", function () {
    var form = select.form;
    var url = new URL(form.action || window.location.href, window.location.href);
    url.searchParams.set("year", select.value);
    url.hash = "";
    form.action = url.toString();
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "switch_year";
    flag.value = "1";
    form.appendChild(flag);
    form.requestSubmit();
  });
})();
