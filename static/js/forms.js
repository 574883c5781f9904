// After a form comes back with errors, move focus to the first problem so keyboard and screen-reader users
// land on it: the first invalid field (its label and error are announced through aria-describedby), or the
// summary of errors that belong to no single field.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("form [aria-invalid='true']") || document.querySelector(".form-errors");
  if (target) {
    target.focus();
  }
});
