"""Field paths of a case: ``incident.affected_employees[0].name`` to parts and back, and the rules at a path."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterable


def is_empty(value: Any) -> bool:
    """True for what counts as 'not filled in': None, '', [] and {}."""
    return value is None or value == "" or value == [] or value == {}


def split_path(dotted: str) -> tuple:
    """``incident.affected_employees[0].name`` -> ``('incident', 'affected_employees', 0, 'name')``."""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", dotted) if p]
    return tuple(int(p) if p.isdigit() else p for p in parts)


def document_path(parts: Iterable) -> str:
    """``('incident', 'affected_employees', 0, 'name')`` -> ``incident.affected_employees[0].name``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def within(path: str | None, field: str) -> bool:
    """True when ``path`` is ``field`` or lies inside it (``incident.police.reported`` in ``incident.police``)."""
    return path is not None and (path == field or path.startswith((f"{field}.", f"{field}[")))


def rules_at(schema: dict, parts: Iterable) -> dict | None:
    """The rules of the field at a document path, walking mappings and list items."""
    current: dict | None = {"type": "dict", "schema": schema}
    for part in parts:
        if current is None:
            return None
        inner = current.get("schema")
        if isinstance(part, int):
            current = inner if current.get("type") == "list" and isinstance(inner, Mapping) else None
        else:
            current = inner.get(part) if isinstance(inner, Mapping) else None
    return current


def label_of(rules: dict | None) -> str | None:
    """The Danish label in a field's ``meta``."""
    if not isinstance(rules, dict):
        return None
    meta = rules.get("meta") or {}
    return meta.get("label") if isinstance(meta, dict) else None
