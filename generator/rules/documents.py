"""Which documents a case calls for, and why (Danish): plan.yaml ``documents``.

Each document has a ``title`` and a ``description``; ``when`` is the condition
under which the case calls for it (without one it always does), ``reason`` the
Danish reason shown when it applies and ``reason_otherwise`` when it does not
(it can still be made by name, ``--doc``, unless a case section it ``needs`` is
missing: a ban decision without a ban section has nothing to say). ``per_employee:
true`` makes it once per affected employee, each under its own name, ``<document>_<n>``
(n from 1; below: :func:`instances`, :func:`document_of`, :func:`target`).
"""

from __future__ import annotations

from datetime import date
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import _spec
from ..errors import CaseError
from ._spec import RuleError, Where
from .conditions import Condition, parse
from .paths import Fields

KEYS = ("title", "description", "when", "needs", "reason", "reason_otherwise", "per_employee")

#: The reason of a document without one of its own.
DEFAULT_REASON = "dokument fra planpakken"
DEFAULT_REASON_OTHERWISE = "sagen opfylder ikke betingelsen for dokumentet"


class DocumentAdvice(NamedTuple):
    """Whether a document applies to a case, and why (Danish)."""

    name: str
    title: str
    applies: bool
    reason: str


class DocumentRule(NamedTuple):
    """A document as plan.yaml defines it."""

    name: str
    title: str
    description: str
    when: Condition | None
    reason: str
    reason_otherwise: str
    needs: tuple[str, ...] = ()  # case sections the document cannot be made without
    #: Made once per affected employee (``<document>_<n>``).
    per_employee: bool = False

    def advice(self, case: Mapping, today: date) -> DocumentAdvice:
        applies = self.when is None or self.when.holds(case, today)
        return DocumentAdvice(self.name, self.title, applies, self.reason if applies else self.reason_otherwise)


def parse_document(key: Any, raw: Any, fields: Fields, where: Where) -> DocumentRule:
    """One entry of ``documents``."""
    if not isinstance(key, str) or not key:
        raise RuleError(f"'{key}' er ikke et gyldigt dokumentnavn", where)
    spec = _spec.mapping(raw if raw is not None else {}, where, KEYS, "title, description, when, reason")
    return DocumentRule(
        name=key,
        title=_spec.text(spec.get("title"), (*where, "title"), required=False) or key,
        description=_spec.text(spec.get("description"), (*where, "description"), required=False) or "",
        when=parse(spec["when"], fields, (*where, "when")) if spec.get("when") is not None else None,
        reason=_spec.text(spec.get("reason"), (*where, "reason"), required=False) or DEFAULT_REASON,
        reason_otherwise=_spec.text(spec.get("reason_otherwise"), (*where, "reason_otherwise"), required=False)
        or DEFAULT_REASON_OTHERWISE,
        needs=tuple(_section(fields, name, (*where, "needs"))
                    for name in _spec.names(spec["needs"], (*where, "needs"))) if spec.get("needs") is not None else (),
        per_employee=_spec.flag(spec.get("per_employee"), (*where, "per_employee")),
    )


def _section(fields: Fields, name: str, where: Where) -> str:
    """A case section a document ``needs`` (a form's top-level field)."""
    if len(fields.get(name, where).parts) != 1:
        raise RuleError(f"'{name}' er ikke en sektion af sagen (fx ban)", where)
    return name


# -- a document's names in a case ---------------------------------------------------------


def instances(rules: Mapping[str, DocumentRule], data: Mapping, document: str) -> list[str]:
    """The names ``document`` is made under: itself, or ``<document>_<n>`` per affected employee."""
    rule = rules.get(document)
    if rule is None or not rule.per_employee:
        return [document]
    count = len(data["incident"]["affected_employees"])
    return [f"{document}_{number}" for number in range(1, count + 1)]


def document_of(rules: Mapping[str, DocumentRule], name: str) -> str:
    """The document behind a name: the name itself, or ``<document>`` of ``<document>_<n>``."""
    if name in rules:
        return name
    base, _, number = name.rpartition("_")
    if base in rules and rules[base].per_employee and number.isdigit() and int(number) >= 1:
        return base
    per_employee = any(rule.per_employee for rule in rules.values())
    raise CaseError(f"dokumentet '{name}' findes ikke; mulige: {', '.join(rules)}"
                    f"{' (et dokument pr. medarbejder med _1, _2 ...)' if per_employee else ''}")


def target(rules: Mapping[str, DocumentRule], data: Mapping, name: str) -> tuple[str, dict | None]:
    """The document behind a name and, for a per-employee one, the employee.

    The plain name of a per-employee document is its first employee's (a preview).
    """
    base = document_of(rules, name)
    if not rules[base].per_employee:
        return base, None
    employees = data["incident"]["affected_employees"]
    number = 1 if name == base else int(name.rpartition("_")[2])
    if number > len(employees):
        raise CaseError(f"dokumentet '{name}' findes ikke i sagen; den har {len(employees)} berørte medarbejder(e)")
    return base, employees[number - 1]
