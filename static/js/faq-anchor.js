// /faqs/ used to hold every answer, each at an anchor such as /faqs/#faq-12. The answers now have pages by
// theme; a link of the old kind comes here, and this sends it on to the answer's permanent address, which
// leads to the right page of its theme. A file of its own because the Content Security Policy allows no
// inline script.
(function () {
  "use strict";
  var match = /^#faq-(\d+)$/.exec(window.location.hash);
  if (match && !document.getElementById("faq-" + match[1])) {
    // This page is /faqs/; an answer's address is /faqs/<number>/.
    window.location.replace(window.location.pathname + match[1] + "/");
  }
})();
