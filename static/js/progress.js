// 填报进度: draws the four charts from the page's json_script data, and the 催报 selection helpers.
// No inline script or style (CSP): ECharts sets element styles through the CSSOM, which CSP allows;
// tooltips use rich text rather than HTML for the same reason.
(function () {
  "use strict";
  const source = document.getElementById("progress-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const charts = [];
  const narrow = window.matchMedia("(max-width: 576px)").matches;

  function make(name, option) {
    const element = document.querySelector(`[data-chart="${name}"]`);
    if (!element) return;
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, tooltip: { renderMode: "richText" } }, option));
    charts.push(chart);
  }

  const empty = (text) => ({ title: { text, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 13 } } });

  // Status by department, stacked; the names are long, so the bars lie horizontal.
  const departments = data.departments;
  make("status", departments.length ? {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: departments, inverse: true, axisLabel: { width: narrow ? 80 : 160, overflow: "truncate" } },
    series: data.status.map((s) => ({ name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.color }, barMaxWidth: 22 })),
  } : empty(data.labels.empty));

  // Submissions per day, with the running total and the deadline as a line.
  const deadline = data.deadline;
  const days = data.days.slice();
  if (deadline && days.length && !days.includes(deadline)) {
    days.push(deadline);
    days.sort();
  }
  const at = (values) => days.map((day) => {
    const i = data.days.indexOf(day);
    return i < 0 ? null : values[i];
  });
  make("days", data.days.length ? {
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: days },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
    series: [
      {
        name: data.labels.per_day, type: "bar", data: at(data.per_day), itemStyle: { color: "#0d6efd" },
        markLine: deadline ? { symbol: "none", lineStyle: { color: "#dc3545", type: "dashed" }, label: { formatter: data.labels.deadline, position: "insideEndTop" }, data: [{ xAxis: deadline }] } : undefined,
      },
      { name: data.labels.cumulative, type: "line", yAxisIndex: 1, data: at(data.cumulative), connectNulls: true, itemStyle: { color: "#198754" } },
    ],
  } : empty(data.labels.empty));

  // Stored check results (errors, warnings only, clean) by department.
  make("checks", departments.length ? {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: departments, inverse: true, axisLabel: { width: 90, overflow: "truncate" } },
    series: data.checks.map((s) => ({ name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.color }, barMaxWidth: 22 })),
  } : empty(data.labels.empty));

  // Forms by warning rule (the rules most forms have), errors and warnings stacked.
  const rules = data.by_rule;
  make("rules", rules.rules.length ? {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: rules.rules, inverse: true, axisLabel: { width: narrow ? 100 : 220, overflow: "truncate" } },
    series: rules.series.map((s) => ({ name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.color }, barMaxWidth: 22 })),
  } : empty(data.labels.empty));

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();

(function () {
  "use strict";
  const form = document.querySelector("[data-urge-form]");
  if (!form) return;
  const boxes = () => Array.from(form.querySelectorAll('input[name="unit"]'));
  const all = form.querySelector("[data-select-not-started]");
  const none = form.querySelector("[data-select-none]");
  if (all) all.addEventListener("click", () => {
    boxes().forEach((box) => { box.checked = box.closest("tr").hasAttribute("data-not-started"); });
  });
  if (none) none.addEventListener("click", () => boxes().forEach((box) => { box.checked = false; }));
})();
