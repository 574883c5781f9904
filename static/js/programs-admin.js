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
      count.textContent = selectedText(count, ticked);
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

// "3 selected." in the page's language: the element carries the sentence for one and for many
// (data-one, data-many with %(count)s), written by the template in the reader's language.
function selectedText(count, ticked) {
  if (!ticked) {
    return "";
  }
  var sentence = ticked === 1 ? count.dataset.one || "1 selected." : count.dataset.many || "{count} selected.";
  return sentence.replace("{count}", String(ticked));
}
