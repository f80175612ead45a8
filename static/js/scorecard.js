// The review page's scorecard: the live total and grade, the decide button's wording for that grade,
// a mark on items whose score differs from the suggestion without a reason, and the bottom sheet
// closed on narrow screens. The server checks all of it again; this only saves a round trip.
(function () {
  "use strict";
  var sheet = document.querySelector("[data-review-sheet]");
  if (sheet && window.matchMedia("(max-width: 1199.98px)").matches) {
    sheet.open = false;
  }
  var form = document.getElementById("review-form");
  if (!form) {
    return;
  }
  var totalOut = document.getElementById("score-total");
  var gradeOut = document.getElementById("score-grade");
  var button = document.getElementById("decide-button");
  var grades = {};
  document.querySelectorAll("#grade-labels li").forEach(function (li) {
    grades[li.dataset.grade] = { label: li.dataset.label, button: li.dataset.button };
  });
  var bands = [
    ["excellent", parseFloat(form.dataset.excellent)],
    ["good", parseFloat(form.dataset.good)],
    ["fair", parseFloat(form.dataset.fair)],
  ];

  function gradeOf(total) {
    for (var i = 0; i < bands.length; i++) {
      if (total >= bands[i][1]) {
        return bands[i][0];
      }
    }
    return "poor";
  }

  function update() {
    var total = 0;
    form.querySelectorAll(".score-item").forEach(function (item) {
      var input = item.querySelector(".score-points");
      var remark = item.querySelector(".score-remark");
      var points = parseFloat(input.value);
      if (!isNaN(points)) {
        total += points;
      }
      var differs = !isNaN(points) && points !== parseFloat(item.dataset.suggested);
      item.classList.toggle("needs-reason", differs && remark.value.trim() === "");
    });
    var grade = gradeOf(total);
    totalOut.textContent = String(Math.round(total * 10) / 10);
    if (grades[grade]) {
      gradeOut.textContent = grades[grade].label;
      button.textContent = grades[grade].button;
    }
    form.dataset.grade = grade;
  }

  form.addEventListener("input", update);
  update();
})();
