// A "Print" button (data-print): hidden in the page's HTML and shown only here, since it needs JavaScript
// (window.print); without it the browser's own Print menu gives the same clean paper version (print CSS).
(function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
