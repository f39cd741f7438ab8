"""Obligations that can never apply or never be done with a pack's forms (``plan check``).

A condition is judged from the forms alone: ``equals`` on a choice the field does
not offer can never hold, ``empty`` on a field every case must fill never holds,
``after_today`` on a date the forms refuse in the future never holds; ``all``,
``any`` and ``not`` combine that. It is a conservative check: a condition reported
here can truly never hold; one not reported may still be unreachable in practice.
"""

from __future__ import annotations

from .conditions import Condition
from .obligations import Obligations


def can_be(condition: Condition, wanted: bool) -> bool:
    """True when some valid case makes ``condition`` come out as ``wanted``."""
    op, field = condition.op, condition.field
    if op == "constant":
        return condition.constant is wanted
    if op == "not":
        return can_be(condition.children[0], not wanted)
    if op in ("all", "any"):
        parts = [can_be(child, wanted) for child in condition.children]
        every = (op == "all") is wanted
        return all(parts) if every else any(parts)
    if op in ("filled", "empty"):
        return (op == "filled") is wanted or not field.always_filled
    if op == "after_today":
        return not wanted or not field.not_future
    if op in ("equals", "one_of") and wanted and field.choices is not None:
        return any(value in field.choices for value in condition.values)
    return True


def dead_choices(condition: Condition) -> list[str]:
    """Why parts of ``condition`` name choices that the fields do not offer (Danish)."""
    found = []
    if condition.op in ("equals", "one_of") and condition.field.choices is not None:
        found += [f"valget '{value}' findes ikke i feltet '{condition.field.text}'"
                  for value in condition.values if value not in condition.field.choices]
    for child in condition.children:
        found += dead_choices(child)
    return found


def _never(what: str, condition: Condition, verb: str) -> str:
    reasons = dead_choices(condition)
    because = f" ({'; '.join(reasons)})" if reasons else ""
    return f"Advarsel: {what} kan aldrig {verb} med pakkens formularer{because}"


def warnings(obligations: Obligations) -> list[str]:
    """``Advarsel:`` lines for every item, deadline, document and Safetynet cause that cannot apply or be done."""
    found = []
    for rule in obligations.due_dates.values():
        if rule.when is not None and not can_be(rule.when, True):
            found.append(_never(f"fristen 'due_dates.{rule.id}'", rule.when, "gælde"))
    for item in obligations.items:
        if item.when is not None and not can_be(item.when, True):
            found.append(_never(f"punktet 'checklist.{item.id}'", item.when, "gælde"))
        elif item.done is not None and not can_be(item.done, True):
            found.append(_never(f"punktet 'checklist.{item.id}'", item.done, "blive udført"))
    for document in obligations.documents.values():
        if document.when is not None and not can_be(document.when, True):
            found.append(_never(f"dokumentet 'documents.{document.name}'", document.when, "gælde"))
    for name, when in obligations.safetynet.causes:
        if not can_be(when, True):
            found.append(_never(f"årsagskategorien 'safetynet.causes.{name}'", when, "gælde"))
    return found
