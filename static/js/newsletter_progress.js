// A newsletter being sent: ask the portal for its progress every few seconds and show it, until it is done.
// (A static file, so the page keeps its Content Security Policy of no inline script.)
(function () {
  "use strict";
  var panel = document.getElementById("send-progress");
  if (!panel || panel.dataset.done === "true") {
    return;
  }
  var summary = document.getElementById("send-progress-summary");
  var bar = document.getElementById("send-progress-bar");
  var delay = 3000;

  function show(progress) {
    bar.max = Math.max(progress.total, progress.handled, 1);
    bar.value = progress.handled;
    bar.textContent = progress.handled + " of " + progress.total;
    // The summary is a status region: screen readers announce the new text without moving focus.
    if (summary.textContent !== progress.summary) {
      summary.textContent = progress.summary;
    }
  }

  function poll() {
    fetch(panel.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress answered " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (!progress.done) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // A dropped connection or a restart: try again a little later.
        window.setTimeout(poll, delay * 3);
      });
  }

  window.setTimeout(poll, delay);
})();
