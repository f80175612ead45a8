// Money inputs (data-money): once an amount is typed, it is shown with thousands separators,
// as the page shows it after saving (1530000 → 1,530,000). The decimals stay as typed; text
// that is not a plain amount is left alone for the server to explain.
(function () {
  "use strict";
  var PLAIN = /^\s*(\d[\d,\s]*)(\.\d*)?\s*$/;
  document.addEventListener("change", function (event) {
    var input = event.target.closest("input[data-money]");
    if (!input) return;
    var match = PLAIN.exec(input.value);
    if (!match) return;
    var whole = match[1].replace(/[,\s]/g, "").replace(/^0+(?=\d)/, "");
    input.value = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (match[2] || "");
  });
})();
