"""The HTML of a form's fields, from :class:`~beredskab.web.widgets.Widget` (the page's largest part).

The pattern is GOV.UK's and the Danish design system's form field: a label (a legend for a
group of inputs), the hint, the message, the input. It was a Jinja macro per kind of field;
drawn here in Python it costs a third of the time (a section page calls it for some hundred
fields, and Jinja's macro calls were half of the page's time). Every value is escaped
(:func:`markupsafe.escape`); what comes back is :class:`~markupsafe.Markup` for the page
template. ``tests/web/test_web_widgets.py`` reads the page back as a browser posts it; the browser tests
fill it by its labels.
"""

from __future__ import annotations

import json

from markupsafe import Markup, escape

from .widgets import INDEX_TOKEN, Widget

_OPTIONAL = ' <span class="optional">(valgfri)</span>'


def field_html(widget: Widget) -> Markup:
    """The HTML of one field (with its children, items and the template of a new item)."""
    parts: list[str] = []
    _field(widget, parts)
    return Markup("".join(parts))


def _when(w: Widget) -> str:
    """``data-when``: the condition the page's script shows and hides the field by."""
    if not w.condition:
        return ""
    text = json.dumps(w.condition, ensure_ascii=True, sort_keys=True)
    return f' data-when="{escape(text)}"'


def _described(w: Widget) -> str:
    return f' aria-describedby="{w.described_by}"' if w.described_by else ""


def _hint_and_message(w: Widget, parts: list[str]) -> None:
    if w.help:
        parts.append(f'<p class="hint" id="{w.id}-hjaelp">{escape(w.help)}</p>')
    _message(w, parts)


def _message(w: Widget, parts: list[str]) -> None:
    if w.error:
        parts.append(f'<p class="field-error" id="{w.id}-fejl"><span class="visually-hidden">Fejl:</span> '
                     f'{escape(w.error)}</p>')


def _legend(w: Widget) -> str:
    return f'{escape(w.label)}{"" if w.required else _OPTIONAL}'


def _field(w: Widget, parts: list[str]) -> None:
    error_class = " has-error" if w.error else ""
    kind = w.kind
    if kind == "group":
        parts.append(f'<fieldset class="group{error_class}" id="{w.id}"{_when(w)}{_described(w)}>\n'
                     f'  <legend>{escape(w.label)}</legend>\n  ')
        _hint_and_message(w, parts)
        for child in w.children:
            _field(child, parts)
        parts.append("</fieldset>\n")
    elif kind == "repeat":
        name = escape(w.name)
        parts.append(f'<fieldset class="repeat{error_class}" id="{w.id}" data-repeat="{name}"{_when(w)}'
                     f'{_described(w)}>\n  <legend>{escape(w.label)}</legend>\n  ')
        _hint_and_message(w, parts)
        parts.append('\n  <div class="repeat-items">\n  ')
        for item in w.items:
            _repeat_item(w, item, parts)
        parts.append(f'  </div>\n  <template data-repeat-template="{name}">')
        _repeat_item(w, w.template, parts)
        parts.append(f'</template>\n  <button type="submit" class="button secondary" name="_action" '
                     f'value="add:{name}" data-repeat-add="{name}">Tilføj {escape(w.item_label)}</button>\n'
                     f'</fieldset>\n')
    elif kind == "datetime":
        invalid = ' aria-invalid="true"' if w.error else ""
        day, clock = w.value
        parts.append(f'<div class="field{error_class}"{_when(w)}>\n<fieldset class="moment" id="{w.id}-felt"'
                     f'{_described(w)}>\n  <legend class="label">{_legend(w)}</legend>\n  ')
        _hint_and_message(w, parts)
        parts.append(f'\n  <div class="moment-parts">\n    <div><label for="{w.id}">Dato</label>\n'
                     f'    <input type="date" id="{w.id}" name="{escape(w.name)}.dato" value="{escape(day)}" '
                     f'class="input-date"{invalid}></div>\n'
                     f'    <div><label for="{w.id}-tid">Klokkeslæt <span class="optional">(hvis det kendes)</span>'
                     f'</label>\n    <input type="time" id="{w.id}-tid" name="{escape(w.name)}.tid" '
                     f'value="{escape(clock)}" class="input-time"{invalid}></div>\n  </div>\n</fieldset>\n</div>\n')
    elif kind in ("radios", "checkboxes", "boolean"):
        kind_attr = "checkbox" if kind == "checkboxes" else "radio"
        parts.append(f'<div class="field{error_class}"{_when(w)}>\n<fieldset class="choices" id="{w.id}"'
                     f'{_described(w)}>\n  <legend class="label">{_legend(w)}</legend>\n  ')
        _hint_and_message(w, parts)
        parts.append(f'\n  <div class="options{" inline" if kind == "boolean" else ""}">\n')
        name = escape(w.name)
        for index, (key, text) in enumerate(w.options):
            checked = (key in w.value) if kind == "checkboxes" else (key == w.value)
            parts.append(f'    <div class="option">\n      <input type="{kind_attr}" id="{w.id}-{index}" '
                         f'name="{name}" value="{escape(key)}"{" checked" if checked else ""}>\n'
                         f'      <label for="{w.id}-{index}">{escape(text)}</label>\n    </div>\n')
        parts.append("  </div>\n</fieldset>\n</div>\n")
    else:
        _single(w, error_class, parts)


def _single(w: Widget, error_class: str, parts: list[str]) -> None:
    """A field with one input: text, number, date, text area, lines or a select."""
    parts.append(f'<div class="field{error_class}"{_when(w)}>\n  <label class="label" for="{w.id}">{_legend(w)}'
                 f'</label>\n  ')
    _hint_and_message(w, parts)
    parts.append("\n  ")
    described, name, value = w.input_attributes, escape(w.name), escape(w.value)
    kind = w.kind
    if kind in ("textarea", "lines"):
        rows = 3 if kind == "lines" else 6
        limit = f' maxlength="{w.maxlength}"' if w.maxlength and kind == "textarea" else ""
        parts.append(f'<textarea id="{w.id}" name="{name}" rows="{rows}"{limit}{described}>{value}</textarea>\n')
    elif kind == "select":
        parts.append(f'<select id="{w.id}" name="{name}"{described}>\n    <option value="">Vælg</option>\n    ')
        for key, text in w.options:
            selected = " selected" if key == w.value else ""
            parts.append(f'<option value="{escape(key)}"{selected}>{escape(text)}</option>')
        parts.append("\n  </select>\n")
    elif kind == "date":
        parts.append(f'<input type="date" id="{w.id}" name="{name}" value="{value}" class="input-date"{described}>\n')
    elif kind == "number":
        parts.append(f'<input type="text" inputmode="numeric" id="{w.id}" name="{name}" value="{value}" '
                     f'class="input-number"{described}>\n')
    else:
        limit = f' maxlength="{w.maxlength}"' if w.maxlength else ""
        parts.append(f'<input type="text" id="{w.id}" name="{name}" value="{value}"{limit}{described}>\n')
    parts.append("</div>\n")


def _repeat_item(owner: Widget, item: Widget, parts: list[str]) -> None:
    index = INDEX_TOKEN if item.index is None else item.index
    parts.append(f'<fieldset class="repeat-item" id="{item.id}" data-repeat-item>\n'
                 f'  <legend data-item-label="{escape(owner.item_label.capitalize())}">{escape(item.label)}</legend>\n'
                 f'  <input type="hidden" name="{escape(owner.name)}[]" value="{index}">\n  ')
    _message(item, parts)
    parts.append("\n  ")
    for child in item.children:
        _field(child, parts)
    parts.append(f'  <button type="submit" class="button link" name="_action" value="remove:{escape(item.name)}" '
                 f'data-repeat-remove>Fjern <span data-item-name>{escape(item.label.lower())}</span></button>\n'
                 f'</fieldset>')
