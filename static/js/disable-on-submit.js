// Double-submit guard for forms marked data-disable-on-submit: the first submit disables the form's buttons
// (showing data-busy-text if given) and any further submit is ignored. Delegated from the document, so it
// also covers forms that htmx swaps in later.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-disable-on-submit")) {
      return;
    }
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = true;
      if (button.dataset.busyText) {
        button.dataset.idleText = button.textContent;
        button.textContent = button.dataset.busyText;
      }
    });
  });
  // A page restored from the back/forward cache comes back with its buttons still disabled.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button").forEach(function (button) {
        button.disabled = false;
        if (button.dataset.idleText) {
          button.textContent = button.dataset.idleText;
        }
      });
    });
  });
})();
