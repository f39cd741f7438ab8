"""A posted form back into case data: the inverse of :mod:`widgets`, walking the same schema.

Values come back as the JSON a case file holds (dates as ISO text, booleans, lists); nothing
is judged here beyond the shape: the forms' validator, the same one that checks case files,
gives the Danish reasons. A field whose condition (``required_when``, ``meta.when``) does not
hold is dropped, so a value hidden in the browser never lingers in the case: the server applies
the rule the page's script shows.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..case.fields import applies, choice_keys, from_text, is_group_list
from ..case.forms import Forms

#: Most items a repeatable group takes from one post (a bound on hostile input).
MAX_ITEMS = 200

_ITEM = re.compile(r"^(.*)\[(\d+)\]$")


def parse_section(forms: Forms, section: str, form: Mapping, case: dict) -> dict:
    """The section's data from ``form`` (a Werkzeug MultiDict); ``case`` is the rest of the case."""
    rules = forms.schema[section]
    data = _group(rules, section, form)
    root = {**case, section: data}
    _drop_inapplicable(rules, data, root)
    return data


def _value(rules: dict, name: str, form: Mapping) -> Any:
    kind = rules.get("type")
    if kind == "dict":
        return _group(rules, name, form)
    if is_group_list(rules):
        items = []
        for index in _indices(form, name):
            item = _group(rules["schema"], f"{name}[{index}]", form)
            if _filled(item):  # an added item left empty is not data
                items.append(item)
        return items
    if kind == "list" and choice_keys(rules):
        return [v for v in form.getlist(name) if v]
    if kind == "list":
        return [line.strip() for line in str(form.get(name, "")).splitlines() if line.strip()]
    if kind == "datetime":  # a day, and a time when it is known
        day = str(form.get(f"{name}.dato", "")).strip()
        clock = str(form.get(f"{name}.tid", "")).strip()
        return (f"{day}T{clock}" if clock else day) or (f"T{clock}" if clock else None)
    if kind == "boolean":
        text = form.get(name, "")
        return True if text == "true" else False if text == "false" else (text or None)
    return from_text(rules, str(form.get(name, "")))


def _group(rules: dict, name: str, form: Mapping) -> dict:
    data = {}
    for key, child in (rules.get("schema") or {}).items():
        if isinstance(child, dict):
            value = _value(child, f"{name}.{key}", form)
            # A required group stays, empty: its fields then each get "skal udfyldes".
            if value not in (None, "", [], {}) or (value == {} and child.get("required")):
                data[key] = value
    return data


def _indices(form: Mapping, name: str) -> list[int]:
    """The items of a repeatable group in page order: each item posts its index as ``name[]``."""
    seen: list[int] = []
    for text in form.getlist(f"{name}[]"):
        if text.isdigit() and int(text) not in seen and len(seen) < MAX_ITEMS:
            seen.append(int(text))
    return seen


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return value not in (None, "")


def _drop_inapplicable(rules: dict, data: dict, root: dict) -> None:
    for key, child in (rules.get("schema") or {}).items():
        if not isinstance(child, dict) or key not in data:
            continue
        if not applies(child, data, root):
            del data[key]
        elif child.get("type") == "dict" and isinstance(data[key], dict):
            _drop_inapplicable(child, data[key], root)
        elif is_group_list(child) and isinstance(data[key], list):
            for item in data[key]:
                _drop_inapplicable(child["schema"], item, root)


def apply_action(forms: Forms, section: str, data: dict, action: str) -> str | None:
    """Add or remove an item of a repeatable group, as the no-script buttons ask.

    ``add:PATH`` appends an empty item, ``remove:PATH[i]`` removes one; returns the HTML name
    of the item to put the focus on, or None when ``action`` names nothing in this section.
    """
    verb, _, path = action.partition(":")
    if not path.startswith(f"{section}."):
        return None
    if verb == "add":
        items = _list_at(data, path[len(section) + 1:])
        if items is None or len(items) >= MAX_ITEMS:
            return None
        items.append({})
        return f"{path}[{len(items) - 1}]"
    match = _ITEM.match(path)
    if verb == "remove" and match:
        items = _list_at(data, match.group(1)[len(section) + 1:])
        index = int(match.group(2))
        if items is not None and index < len(items):
            del items[index]
            return match.group(1)
    return None


def _list_at(data: dict, dotted: str) -> list | None:
    """The list at ``a.b`` inside ``data``, created when missing; None when the path is not a list."""
    current: Any = data
    parts = dotted.split(".")
    for part in parts[:-1]:
        if not isinstance(current, dict):
            return None
        current = current.setdefault(part, {})
    if not isinstance(current, dict):
        return None
    items = current.setdefault(parts[-1], [])
    return items if isinstance(items, list) else None
