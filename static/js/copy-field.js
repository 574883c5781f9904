// A "Copy" button beside a read-only field (data-copy="<the field's id>"). It stays hidden where the
// clipboard API is missing (the hint under the field says how to copy by hand); the element marked
// data-copy-status (a live region) says whether it worked.
(function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.querySelector("[data-copy-status]");
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          if (status) {
            status.textContent = " " + (status.dataset.copied || "Copied.");
          }
        },
        function () {
          field.select();
          if (status) {
            status.textContent = " " + (status.dataset.copyFailed || "Copying did not work: the address is selected, press Ctrl+C.");
          }
        }
      );
    });
  });
})();
