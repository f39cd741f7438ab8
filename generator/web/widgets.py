"""Form widgets from the pack's forms: one widget per field, built from the same prepared schema
that drives prompts, ``--set`` and the JSON Schema, so a field is defined once.

A :class:`Widget` knows what the page template needs to draw a field: its HTML name (the
field's path in the case, ``incident.affected_employees[0].name``), the Danish label and
help from ``meta``, the kind of input, the choices with their Danish labels, the current
value, the Danish problem to show above it and the condition (``required_when`` or
``meta.when``) under which it applies, resolved to the HTML name of the field it looks at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape

from ..case.fields import choice_keys, condition_of, is_group_list
from ..case.forms import Forms
from ..case.paths import label_of
from ..dates import DateParseError, parse_date, parse_moment

#: Placeholder for the index of a new item of a repeatable group in its <template>.
INDEX_TOKEN = "__INDEX__"

#: Up to this many single choices are radio buttons; longer lists are a <select>.
MAX_RADIOS = 7


@dataclass
class Widget:
    """One field of a form, ready for the page template (see ``templates/_fields.html``)."""

    kind: str  # text textarea number date datetime boolean radios select checkboxes lines group repeat
    name: str
    label: str
    help: str = ""
    required: bool = False
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list["Widget"] = field(default_factory=list)
    items: list["Widget"] = field(default_factory=list)
    template: "Widget | None" = None
    condition: list[dict] = field(default_factory=list)
    error: str | None = None
    maxlength: int | None = None
    item_label: str = ""
    index: int | None = None
    readonly: bool = False

    @cached_property
    def id(self) -> str:
        return html_id(self.name)

    @cached_property
    def anchor(self) -> str:
        """The id an error summary links to: the first input of the field."""
        if self.kind in ("group", "repeat"):
            first = self.children[0] if self.children else (self.items[0] if self.items else None)
            return first.anchor if first is not None else self.id
        if self.kind in ("radios", "checkboxes", "boolean"):
            return f"{self.id}-0"
        return self.id

    @cached_property
    def input_attributes(self) -> Markup:
        return _attributes(self)

    @cached_property
    def described_by(self) -> str:
        ids = [f"{self.id}-fejl"] if self.error else []
        if self.help:
            ids.append(f"{self.id}-hjaelp")
        return " ".join(ids)


def _attributes(widget: "Widget") -> Markup:
    """aria-describedby, aria-invalid and aria-required of an input, ready for the page."""
    text = f' aria-describedby="{escape(widget.described_by)}"' if widget.described_by else ""
    if widget.error:
        text += ' aria-invalid="true"'
    if widget.required:
        text += ' aria-required="true"'
    if widget.readonly:
        text += " readonly"
    return Markup(text)


@lru_cache(maxsize=4096)
def html_id(name: str) -> str:
    """An id safe in HTML and CSS selectors for a field path."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", name).strip("-")


def section_widgets(forms: Forms, section: str, data: dict | None, problems: dict[str, str],
                    readonly: set[str] = frozenset()) -> list[Widget]:
    """The widgets of one case section, filled from ``data`` (the section's raw dict); the
    fields named in ``readonly`` are shown but cannot be changed (an existing case's number)."""
    rules = forms.schema[section]
    widgets = _children(forms, rules, section, data if isinstance(data, dict) else {}, problems)
    for widget in widgets:
        widget.readonly = widget.name in readonly
    return widgets


def _children(forms: Forms, rules: dict, prefix: str, data: dict, problems: dict[str, str]) -> list[Widget]:
    inner = rules.get("schema") or {}
    return [_widget(forms, child, f"{prefix}.{key}", data.get(key), problems, prefix)
            for key, child in inner.items() if isinstance(child, dict)]


def _widget(forms: Forms, rules: dict, name: str, value: Any, problems: dict[str, str], parent: str) -> Widget:
    meta = rules.get("meta") or {}
    widget = Widget(kind="text", name=name, label=label_of(rules) or name.rsplit(".", 1)[-1],
                    help=meta.get("help") or "", required=bool(rules.get("required")),
                    error=problems.get(name), maxlength=rules.get("maxlength"),
                    condition=_condition(rules, parent))
    kind = rules.get("type")
    keys = choice_keys(rules)
    labels = forms.choices.get(meta.get("choices"), {}) if meta.get("choices") else {}
    options = [(key, labels.get(key, key)) for key in keys]
    if kind == "dict":
        widget.kind = "group"
        widget.children = _children(forms, rules, name, value if isinstance(value, dict) else {}, problems)
    elif is_group_list(rules):
        widget.kind = "repeat"
        widget.item_label = meta.get("item_label") or "element"
        items = value if isinstance(value, list) else []
        if not items and widget.required:
            items = [{}]  # a required group shows its first item's fields at once
        widget.items = [_item(forms, rules["schema"], f"{name}[{i}]", item, problems, widget, i)
                        for i, item in enumerate(items)]
        widget.template = _item(forms, rules["schema"], f"{name}[{INDEX_TOKEN}]", {}, {}, widget, None)
    elif kind == "list" and options:
        widget.kind = "checkboxes"
        widget.options = options
        widget.value = [str(v) for v in value] if isinstance(value, list) else []
    elif kind == "list":
        widget.kind = "lines"  # a list of short texts, one a line
        widget.value = "\n".join(str(v) for v in value) if isinstance(value, list) else _text(value)
    elif options:
        widget.kind = "radios" if len(options) <= MAX_RADIOS else "select"
        widget.options = options
        widget.value = _text(value)
    elif kind == "boolean":
        widget.kind = "boolean"
        widget.options = [("true", "Ja"), ("false", "Nej")]
        widget.value = "true" if value is True else "false" if value is False else _text(value)
    elif kind == "integer":
        widget.kind = "number"
        widget.value = _text(value)
    elif kind == "date":
        widget.kind = "date"
        widget.value = _date_value(value)
    elif kind == "datetime":
        widget.kind = "datetime"
        widget.value = _datetime_value(value)
    else:
        widget.kind = "textarea" if meta.get("long") else "text"
        widget.value = _text(value)
    return widget


def _item(forms: Forms, rules: dict, name: str, value: Any, problems: dict[str, str], owner: Widget,
          index: int | None) -> Widget:
    number = "" if index is None else f" {index + 1}"
    item = Widget(kind="group", name=name, label=f"{owner.item_label.capitalize()}{number}", index=index,
                  error=problems.get(name), item_label=owner.item_label)
    item.children = _children(forms, rules, name, value if isinstance(value, dict) else {}, problems)
    return item


def _condition(rules: dict, parent: str) -> list[dict]:
    """The field's condition with each looked-at field named by its HTML name, values as form text."""
    condition = condition_of(rules) or {}
    resolved = []
    for path, expected in condition.items():
        target = path[1:] if path.startswith("^") else f"{parent}.{path}"
        values = expected if isinstance(expected, list) else [expected]
        resolved.append({"field": target, "values": [_form_text(v) for v in values]})
    return resolved


def _form_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else _form_text(value)


def _date_value(value: Any) -> str:
    """An ISO date for <input type=date>; text it cannot show stays as typed."""
    if isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    try:
        return parse_date(value).isoformat() if value not in (None, "") else ""
    except DateParseError:  # the validator names the problem; the page keeps what was typed
        return _text(value)


def _datetime_value(value: Any) -> tuple[str, str]:
    """The day (``2026-11-24``) and the time (``10:30``, or empty when only the day is known)
    for the two inputs of a moment: a day without a time is kept as a day."""
    try:
        moment = parse_moment(value) if value not in (None, "") else None
    except DateParseError:  # the validator names the problem; a day input cannot show the text
        return "", ""
    if moment is None:
        return "", ""
    if isinstance(moment, datetime):
        return moment.date().isoformat(), moment.strftime("%H:%M")
    return moment.isoformat(), ""
