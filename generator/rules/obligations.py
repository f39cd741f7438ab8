"""The plan's obligations, read from plan.yaml once per pack and checked.

:func:`load` reads ``deadlines`` (numbers), ``due_dates``, ``checklist``,
``documents`` and ``safetynet`` from the merged settings, checks every field
path, role, operator, id and placeholder against the pack's forms and roles,
and returns :class:`Obligations`, ready to evaluate any number of cases. A
problem is a one-line Danish PackError naming the file and line (``locate``
finds them in the pack's plan.yaml files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..errors import PackError, shown
from ._spec import RuleError, Where, dotted
from .checklist import ItemRule, parse_item
from .deadlines import Deadline, DueDate, numbers as read_numbers, parse_due_date
from .documents import DocumentRule, parse_document
from .paths import Fields
from .safetynet import CAUSE_CHOICES, SafetynetRule, parse_safetynet

#: Finds the file and line of a place in plan.yaml: keys -> (file, line), either may be None.
Locate = Callable[[Where], "tuple[str | None, int | None]"]

#: Longest message about a bad obligation (it quotes what the pack wrote).
MAX_REASON_CHARS = 400

#: The text a placeholder naming a deadline that does not apply to the case gets.
NO_DEADLINE = "ingen frist i sagen"


class Obligations(NamedTuple):
    """Every rule of the plan, parsed and checked: what :func:`.evaluation.evaluate` applies to a case."""

    numbers: Mapping[str, int]
    due_dates: Mapping[str, DueDate]
    items: tuple[ItemRule, ...]
    documents: Mapping[str, DocumentRule]
    safetynet: SafetynetRule
    texts: Mapping[str, str]

    def lookup(self, deadlines: Mapping[str, Deadline]) -> Callable[[str], str | None]:
        """What a ``{name}`` in a checklist text becomes in a case with ``deadlines``."""

        def value(name: str) -> str | None:
            if name in self.numbers:
                return str(self.numbers[name])
            if name in self.due_dates:
                return deadlines[name].text if name in deadlines else NO_DEADLINE
            if name.startswith("texts."):
                return self.texts.get(name[len("texts."):])
            return None

        return value

    def known(self, name: str) -> bool:
        """True when ``{name}`` may stand in a checklist text."""
        if name.startswith("texts."):
            return name[len("texts."):] in self.texts
        return name in self.numbers or name in self.due_dates


def _section(settings: Mapping, key: str) -> Mapping:
    raw = settings.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise RuleError(f"'{key}' skal være en samling af nøgler", (key,))
    return raw


def _parse(settings: Mapping, schema: Mapping) -> Obligations:
    fields = Fields(schema)
    numbers = read_numbers(settings.get("deadlines"))
    texts = {str(k): v for k, v in _section(settings, "texts").items() if isinstance(v, str)}
    roles = _section(settings, "roles")
    due_dates = {key: parse_due_date(key, raw, fields, numbers, ("due_dates", key))
                 for key, raw in _section(settings, "due_dates").items() if raw is not None}
    documents_raw = {k: v for k, v in _section(settings, "documents").items() if v is not None}
    if not documents_raw:
        raise RuleError("plan.yaml skal have en samling 'documents' med mindst ét dokument", ("documents",))
    documents = {key: parse_document(key, raw, fields, ("documents", key)) for key, raw in documents_raw.items()}
    labels = (_section(settings, "choices").get(CAUSE_CHOICES)) or {}
    safetynet = parse_safetynet(settings.get("safetynet") or {}, fields,
                                labels if isinstance(labels, Mapping) else {}, ("safetynet",))
    partial = Obligations(numbers, due_dates, (), documents, safetynet, texts)
    items = tuple(parse_item(key, raw, fields, roles, due_dates, documents, partial.known, ("checklist", key))
                  for key, raw in _section(settings, "checklist").items() if raw is not None)
    return Obligations(numbers, due_dates, items, documents, safetynet, texts)


def load(settings: Mapping[str, Any], schema: Mapping, locate: Locate | None = None) -> Obligations:
    """The obligations of a pack from its merged settings and its forms' case schema."""
    try:
        return _parse(settings, schema)
    except RuleError as err:
        file, line = locate(err.where) if locate is not None else (None, None)
        rule = dotted(err.where[:2])
        reason = err.reason if f"'{rule}" in err.reason or len(err.where) < 3 else f"{rule}: {err.reason}"
        # a pack is untrusted: what it wrote is echoed without control characters and cut short
        raise PackError(shown(reason, limit=MAX_REASON_CHARS), file=file or "plan.yaml", line=line) from None
