// Proposed matches (HR admins): a "select every match on this page" box and a spoken count of the ticked
// rows. The row checkboxes live in the table but belong to #approve-form (form="approve-form"). The results
// can arrive later through htmx (when a run finishes), so this also runs after every htmx swap.
(function () {
  function setUp() {
    var form = document.getElementById("approve-form");
    var all = document.getElementById("select-all-matches");
    if (!form || !all || all.dataset.ready === "true") {
      return;
    }
    all.dataset.ready = "true";
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name='match'][form='approve-form']"));
    var count = document.getElementById("approve-count");
    function update() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length && ticked > 0;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      if (count) {
        count.textContent = selectedText(count, ticked);
      }
    }
    all.hidden = boxes.length === 0;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", setUp);
})();

// "3 selected." in the page's language: the element carries the sentence for one and for many
// (data-one, data-many with %(count)s), written by the template in the reader's language.
function selectedText(count, ticked) {
  if (!ticked) {
    return "";
  }
  var sentence = ticked === 1 ? count.dataset.one || "1 selected." : count.dataset.many || "{count} selected.";
  return sentence.replace("{count}", String(ticked));
}
