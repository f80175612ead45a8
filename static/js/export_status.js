// The export status page (templates/projects/excel_export.html): polls the job's JSON until it
// is finished. A file of its own because the Content-Security-Policy forbids inline scripts and
// style attributes; element.style set from here is allowed.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var bar = document.getElementById("export-bar");
  var countTemplate = box.dataset.countTemplate || "";

  function setPercent(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", percent);
  }

  function setText(id, text) {
    var element = document.getElementById(id);
    element.hidden = !text;
    element.textContent = text || "";
  }

  function show(state) {
    document.getElementById("export-status").textContent = state.status_display;
    setPercent(state.percent);
    document.getElementById("export-count").textContent = countTemplate
      .replace("%(n)s", state.progress)
      .replace("%(total)s", state.total);
    setText("export-notice", state.notice);
    setText("export-error", state.error);
    var download = document.getElementById("export-download");
    if (state.download_url) {
      download.querySelector("a").href = state.download_url;
    }
    download.hidden = !state.download_url;
    // A finished background job (templates/projects/job_status.html) shows what it did: reload once.
    if (!state.active && state.lines && state.lines.length && !box.querySelector("[data-job-lines]")) {
      window.location.reload();
    }
    return state.active;
  }

  function poll() {
    fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) { if (show(state)) { setTimeout(poll, 1500); } })
      .catch(function () { setTimeout(poll, 5000); });
  }

  setPercent(parseInt(bar.parentNode.getAttribute("aria-valuenow"), 10) || 0);
  if (box.dataset.active) { setTimeout(poll, 1000); }
})();
