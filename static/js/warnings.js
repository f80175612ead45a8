// The check's summary: "只看错误" hides warnings and hints, and a warning's link scrolls to its
// row or field without putting an #anchor in the address (the next save would reopen mid-page,
// its success message off-screen).
(function () {
  "use strict";
  var summary = document.querySelector("[data-warning-summary]");
  if (!summary) return;
  var NOT_ERRORS = "[data-severity-group]:not([data-severity-group=error]), " +
    ".field-warning:not(.sev-error), .row-warning:not(.sev-error), .cell-warn:not(.sev-error)";

  var onlyErrors = summary.querySelector("[data-only-errors]");
  if (onlyErrors) {
    onlyErrors.addEventListener("change", function () {
      document.querySelectorAll(NOT_ERRORS).forEach(function (element) {
        element.hidden = onlyErrors.checked;
      });
    });
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-warning-link]");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    var control = target.querySelector("input:not([type=hidden]), textarea, select");
    if (control) control.focus({ preventScroll: true });
  });
})();
