// When a page opens with an error summary (a form sent with mistakes), move focus to it, so keyboard and screen
// reader users start at the list of problems, each linked to its field, instead of at the top of the page.
// A file of its own because the Content Security Policy allows no inline script.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
