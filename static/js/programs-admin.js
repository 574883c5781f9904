// Participants table (HR admins): a "select everyone on this page" box and a spoken count of the ticked
// rows. Without JavaScript the box stays hidden and each row is ticked on its own.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulk-form");
  var all = document.getElementById("select-all");
  if (!form || !all) {
    return;
  }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name='participant']"));
  var count = document.getElementById("bulk-count");
  function update() {
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    all.checked = ticked === boxes.length && ticked > 0;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
    if (count) {
      count.textContent = ticked ? ticked + " selected." : "";
    }
  }
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    update();
  });
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
});
