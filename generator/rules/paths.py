"""Field paths in obligations: ``incident.police.reported``, ``incident.affected_employees[].name``.

A path names a field of the pack's forms as it stands in the case file; ``[]``
steps into every item of a repeatable group. Paths are checked against the
forms when the pack is loaded (:class:`Fields`), and each becomes a
:class:`FieldPath` that reads its values from a validated case quickly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._spec import RuleError, Where

_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\])?)*")

#: Field types that hold a date (compared with today, a deadline's start).
DATE_TYPES = ("date", "datetime")


class FieldPath(NamedTuple):
    """One field of the forms, as rules read it."""

    text: str
    parts: tuple[str | None, ...]  # None: every item of a list
    type: str
    #: The values a choice field (or each item of a choice list) may have; None when free.
    choices: tuple | None
    #: True when every valid case has a value here (every step is required, no list step).
    always_filled: bool
    #: True when the forms refuse a date after today here (``not_future``).
    not_future: bool = False

    def values(self, case: Mapping) -> list[Any]:
        """The values at this path in ``case``: one, or one per item of a list step; never None."""
        current: list[Any] = [case]
        for part in self.parts:
            found = []
            for value in current:
                if part is None:
                    if isinstance(value, list):
                        found.extend(v for v in value if v is not None)
                elif isinstance(value, Mapping):
                    child = value.get(part)
                    if child is not None:
                        found.append(child)
            current = found
        return current

    def first(self, case: Mapping) -> Any:
        """The first value at this path, or None."""
        found = self.values(case)
        return found[0] if found else None

    @property
    def is_date(self) -> bool:
        return self.type in DATE_TYPES


class Fields:
    """The pack's forms as field paths: each path checked once and kept."""

    def __init__(self, schema: Mapping):
        self._schema = schema
        self._known: dict[str, FieldPath] = {}

    def get(self, path: Any, where: Where) -> FieldPath:
        """The field at ``path``; RuleError (Danish) when it is not a path of the forms."""
        if isinstance(path, str) and path in self._known:
            return self._known[path]
        if not isinstance(path, str) or not _PATH.fullmatch(path):
            raise RuleError(f"'{path}' er ikke en feltsti (fx incident.police.reported)", where)
        parts: list[str | None] = []
        rules: Mapping = {"type": "dict", "schema": self._schema, "required": True}
        always = True
        for name in path.split("."):
            step = name.removesuffix("[]")
            if rules.get("type") == "list" and parts[-1] is not None:
                raise RuleError(f"'{parts[-1]}' er en gentagen gruppe: skriv '{parts[-1]}[]' i feltet '{path}'",
                                where)
            inner = rules.get("schema") if rules.get("type") == "dict" else None
            rules = inner.get(step) if isinstance(inner, Mapping) else None
            if not isinstance(rules, Mapping):
                raise RuleError(f"feltet '{path}' findes ikke i formularerne", where)
            parts.append(step)
            always = always and bool(rules.get("required"))
            if name.endswith("[]"):
                item = rules.get("schema")
                if rules.get("type") != "list" or not isinstance(item, Mapping) or item.get("type") != "dict":
                    raise RuleError(f"'{name}' i feltet '{path}' er ikke en gentagen gruppe", where)
                parts.append(None)
                rules, always = item, False
        allowed = rules.get("allowed")
        if allowed is None and rules.get("type") == "list":
            allowed = (rules.get("schema") or {}).get("allowed")
        field = FieldPath(path, tuple(parts), str(rules.get("type")), tuple(allowed) if allowed else None, always,
                          bool(rules.get("not_future")))
        self._known[path] = field
        return field
