// The main navigation's Menu button on narrow screens shows and hides its links: Bootstrap's collapse toggle,
// the only Bootstrap behaviour the portal uses, without the 80 KB of Bootstrap's JavaScript on every page.
document.querySelectorAll('[data-bs-toggle="collapse"]').forEach(function (button) {
  var target = document.querySelector(button.getAttribute("data-bs-target"));
  if (!target) {
    return;
  }
  button.addEventListener("click", function () {
    var open = target.classList.toggle("show");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.classList.toggle("collapsed", !open);
  });
});
