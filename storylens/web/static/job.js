// Poll an ingest job and show its progress; reload the page when it ends.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var id = box.getAttribute("data-job");
  function tick() {
    fetch("/api/v1/jobs/" + encodeURIComponent(id), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        document.getElementById("job-status").textContent = job.status;
        document.getElementById("job-stage").textContent = job.stage;
        document.getElementById("job-count").textContent = job.total ? job.done + "/" + job.total : String(job.done);
        var bar = document.getElementById("job-progress");
        if (job.total) { bar.max = job.total; bar.value = job.done; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(tick, 700);
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  }
  window.setTimeout(tick, 300);
}());
