/* Progressive enhancement of beredskab's forms; without this script every field is shown
   and the server decides (the forms' conditions are applied again when saving).
   - data-when='[{"field": NAME, "values": [...]}]': shown only while each named field has one of the values;
   - data-repeat: "Tilføj"/"Fjern" add and remove items in the page instead of a round trip;
   - an error summary gets the focus, so screen readers announce it. */
(function () {
  "use strict";

  function currentValues(form, name) {
    var values = [];
    var inputs = form.querySelectorAll("[name]");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.name !== name) continue;
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) continue;
      values.push(input.value);
    }
    return values;
  }

  function applyConditions(form) {
    var fields = form.querySelectorAll("[data-when]");
    for (var i = 0; i < fields.length; i++) {
      var el = fields[i];
      var rules;
      try { rules = JSON.parse(el.getAttribute("data-when")); } catch (e) { continue; }
      var show = rules.every(function (rule) {
        var actual = currentValues(form, rule.field);
        return actual.some(function (v) { return rule.values.indexOf(v) !== -1; });
      });
      el.hidden = !show;
    }
  }

  function renumber(container) {
    var items = container.querySelectorAll(":scope > [data-repeat-item]");
    for (var i = 0; i < items.length; i++) {
      var legend = items[i].querySelector(":scope > legend");
      var text = legend.getAttribute("data-item-label") + " " + (i + 1);
      legend.textContent = text;
      var name = items[i].querySelector(":scope > button [data-item-name]");
      if (name) name.textContent = text.toLowerCase();
    }
  }

  function nextIndex(fieldset) {
    var name = fieldset.getAttribute("data-repeat") + "[]";
    var highest = -1;
    var markers = fieldset.querySelectorAll("input[type=hidden]");
    for (var i = 0; i < markers.length; i++) {
      if (markers[i].name === name) highest = Math.max(highest, parseInt(markers[i].value, 10));
    }
    return highest + 1;
  }

  function addItem(form, fieldset) {
    var template = fieldset.querySelector(":scope > template");
    var container = fieldset.querySelector(":scope > .repeat-items");
    var index = nextIndex(fieldset);
    var html = template.innerHTML.split("__INDEX__").join(String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var item = holder.firstElementChild;
    container.appendChild(item);
    renumber(container);
    applyConditions(form);
    var first = item.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  function removeItem(form, item) {
    var fieldset = item.closest("[data-repeat]");
    var container = item.parentNode;
    item.parentNode.removeChild(item);
    renumber(container);
    var add = fieldset.querySelector(":scope > [data-repeat-add]");
    if (add) add.focus();
  }

  function livePreview(form) {
    var url = form.getAttribute("data-preview-url");
    var target = document.querySelector("[data-preview-target]");
    if (!url || !target || !window.fetch) return function () {};
    var timer = null;
    var button = document.querySelector("[data-preview-button]");
    if (button) button.hidden = true;  // the preview follows the form by itself
    function refresh() {
      fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) target.innerHTML = html; })
        .catch(function () {});
    }
    refresh();
    return function () { clearTimeout(timer); timer = setTimeout(refresh, 500); };
  }

  function enhance(form) {
    applyConditions(form);
    var preview = livePreview(form);
    form.addEventListener("input", preview);
    form.addEventListener("change", function () { applyConditions(form); preview(); });
    var select = document.getElementById("f-preview");
    if (select) select.addEventListener("change", preview);
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !form.contains(button)) return;
      if (button.hasAttribute("data-repeat-add")) {
        event.preventDefault();
        addItem(form, button.closest("[data-repeat]"));
      } else if (button.hasAttribute("data-repeat-remove")) {
        event.preventDefault();
        removeItem(form, button.closest("[data-repeat-item]"));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-case-form]");
    for (var i = 0; i < forms.length; i++) enhance(forms[i]);
    var summary = document.querySelector("[data-focus]");
    if (summary) summary.focus();
  });
})();
