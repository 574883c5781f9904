// A new goal started from a template: fill in the title and description the template gives, unless the
// person typed their own, so they see what they will get. Without JavaScript the server fills in what was
// left blank, the same way.
(function () {
  var data = document.getElementById("goal-templates");
  var select = document.getElementById("id_template");
  if (!data || !select) {
    return;
  }
  var templates = {};
  JSON.parse(data.textContent).forEach(function (template) {
    templates[template.id] = template;
  });
  var fields = { title: document.getElementById("id_title"), description: document.getElementById("id_description") };
  var filled = { title: "", description: "" }; // what we put in last, so choosing another template replaces it
  select.addEventListener("change", function () {
    var template = templates[select.value];
    Object.keys(fields).forEach(function (key) {
      var field = fields[key];
      if (field && (field.value === "" || field.value === filled[key])) {
        field.value = template ? template[key] : "";
        filled[key] = field.value;
      }
    });
  });
})();
