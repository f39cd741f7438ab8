"""Conditions: when an obligation applies, when it is done, when a document applies.

A condition is data, a small vocabulary over field paths (docs/skabeloner.md,
"Betingelser"), read once when the pack is loaded and then tested per case:

    true / false                          always / never
    filled: incident.police.reported_at   the field has a value (no, 0 and a date count;
                                          an empty text, list or group does not)
    empty: followup                       the field has no value
    equals: {incident.police.reported: true}
                                          the field has this value (a list: holds it)
    one_of: {incident.perpetrator.kind: [citizen, other]}
                                          the field has one of these values
    before_today: ban.hearing.deadline    the date is before today
    after_today: ban.valid_to             the date is after today
    all: [condition, ...]                 every one holds
    any: [condition, ...]                 at least one holds
    not: condition                        it does not hold

A path with ``[]`` (``incident.affected_employees[].name``) holds when any item
does. There is no ``eval`` and no template language: nothing here runs pack code.
"""

from __future__ import annotations

from datetime import date
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..dates import as_date
from ._spec import RuleError, Where, dotted
from .paths import FieldPath, Fields

#: Operator -> what its argument is (for the error that names the right form).
OPERATORS = {
    "equals": "{feltsti: værdi}",
    "one_of": "{feltsti: [værdi, ...]}",
    "filled": "feltsti",
    "empty": "feltsti",
    "before_today": "feltsti",
    "after_today": "feltsti",
    "all": "[betingelse, ...]",
    "any": "[betingelse, ...]",
    "not": "betingelse",
}

_ON_FIELD = ("filled", "empty", "before_today", "after_today")
_ON_VALUES = ("equals", "one_of")
_NESTED = ("all", "any")
_COMPARABLE = ("string", "boolean", "integer", "list")


def is_filled(value: Any) -> bool:
    """A value counts as filled unless it is None or an empty text, list or group."""
    if value is None:
        return False
    if isinstance(value, (str, list, dict, tuple)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, list):
        return any(_same(v, wanted) for v in value)
    # true must not equal 1: compare types as well as values
    return value == wanted and isinstance(value, bool) == isinstance(wanted, bool)


class Condition(NamedTuple):
    """One parsed condition (see the module docstring)."""

    op: str
    field: FieldPath | None = None
    values: tuple = ()
    children: tuple["Condition", ...] = ()
    constant: bool = False

    def holds(self, case: Mapping, today: date) -> bool:
        """True when the condition holds for ``case`` on ``today``."""
        op = self.op
        if op == "constant":
            return self.constant
        if op == "all":
            return all(child.holds(case, today) for child in self.children)
        if op == "any":
            return any(child.holds(case, today) for child in self.children)
        if op == "not":
            return not self.children[0].holds(case, today)
        found = self.field.values(case)
        if op == "filled":
            return any(is_filled(v) for v in found)
        if op == "empty":
            return not any(is_filled(v) for v in found)
        if op == "before_today":
            return any(as_date(v) < today for v in found)
        if op == "after_today":
            return any(as_date(v) > today for v in found)
        return any(_same(v, wanted) for v in found for wanted in self.values)  # equals, one_of

    @property
    def key(self) -> tuple:
        """The condition as written (field paths by text): equal keys, the same condition in any pack."""
        return (self.op, self.field.text if self.field else None, self.values, self.constant,
                tuple(child.key for child in self.children))


ALWAYS = Condition("constant", constant=True)
NEVER = Condition("constant", constant=False)


#: How deep all/any/not may nest: a pack is untrusted, and a real condition needs a few levels.
MAX_DEPTH = 12


def parse(node: Any, fields: Fields, where: Where, depth: int = 0) -> Condition:
    """Read one condition from plan.yaml data; RuleError (Danish) when it breaks the vocabulary."""
    if depth > MAX_DEPTH:
        raise RuleError(f"betingelsen i '{dotted(where[:3])}' er indlejret mere end {MAX_DEPTH} niveauer", where)
    if isinstance(node, bool):
        return Condition("constant", constant=node)
    if not isinstance(node, Mapping) or len(node) != 1:
        raise RuleError(f"'{dotted(where)}' skal være én betingelse, fx 'filled: incident.police.reported_at' "
                        f"(mulige: true, false, {', '.join(OPERATORS)})", where)
    (op, argument), = node.items()
    here = (*where, op)
    if op not in OPERATORS:
        raise RuleError(f"ukendt betingelse '{op}' i '{dotted(where)}'; mulige: {', '.join(OPERATORS)}", here)
    if op in _ON_FIELD:
        field = fields.get(argument, here)
        if op in ("before_today", "after_today") and not field.is_date:
            raise RuleError(f"'{op}' kræver et datofelt, men '{field.text}' er ikke en dato", here)
        return Condition(op, field=field)
    if op in _NESTED:
        if not isinstance(argument, list) or not argument:
            raise RuleError(f"'{op}' skal have en liste af betingelser ({OPERATORS[op]})", here)
        return Condition(op, children=tuple(parse(child, fields, (*here, i), depth + 1)
                                            for i, child in enumerate(argument)))
    if op == "not":
        return Condition(op, children=(parse(argument, fields, here, depth + 1),))
    return _parse_values(op, argument, fields, here)


def _parse_values(op: str, argument: Any, fields: Fields, where: Where) -> Condition:
    if not isinstance(argument, Mapping) or len(argument) != 1:
        raise RuleError(f"'{op}' skal have formen {OPERATORS[op]}", where)
    (path, wanted), = argument.items()
    field = fields.get(path, (*where, path))
    if field.type not in _COMPARABLE:
        raise RuleError(f"feltet '{field.text}' kan ikke sammenlignes med en værdi "
                        f"(brug filled, empty, before_today eller after_today)", (*where, path))
    if op == "one_of":
        if not isinstance(wanted, list) or not wanted:
            raise RuleError(f"'one_of' skal have en liste af værdier: {OPERATORS[op]}", (*where, path))
        values = tuple(wanted)
    else:
        values = (wanted,)
    for value in values:
        if field.type == "boolean" and not isinstance(value, bool):
            raise RuleError(f"feltet '{field.text}' er ja/nej: værdien skal være true eller false", (*where, path))
        if field.type != "boolean" and (isinstance(value, bool) or not isinstance(value, (str, int))):
            raise RuleError(f"værdien for '{field.text}' skal være en tekst eller et tal", (*where, path))
    return Condition(op, field=field, values=values)
