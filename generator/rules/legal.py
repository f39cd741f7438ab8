"""The law's obligations a pack must not weaken (``plan check``).

The default plan marks what the law requires with ``legal: true``: the work
accident's 14 days, the hearing before a ban. A pack may add stricter internal
deadlines, but each change that removes or may loosen a legal rule is one
``Advarsel:`` line: the rule removed or no longer marked legal, a longer
deadline, another start date or unit, another ``when``/``done``, an item's
deadline that no longer includes the legal one, a document it no longer blocks.
"""

from __future__ import annotations

from .checklist import ItemRule
from .conditions import Condition
from .deadlines import DueDate
from .obligations import Obligations

_UNIT_NAMES = {"days": "dage", "hours": "timer", "months": "måneder"}


def _warning(what: str, change: str) -> str:
    return f"Advarsel: {what} er et lovkrav (legal: true i standardplanen), men pakken {change}"


def _same(one: Condition | None, other: Condition | None) -> bool:
    return (one.key if one else None) == (other.key if other else None)


def _due_date_changes(default: DueDate, pack: DueDate | None) -> list[str]:
    if pack is None:
        return ["fjerner den"]
    changes = []
    if not pack.legal:
        changes.append("markerer den ikke længere som lovkrav")
    if pack.unit != default.unit:
        changes.append(f"regner den i {_UNIT_NAMES[pack.unit]} i stedet for {_UNIT_NAMES[default.unit]}")
    elif pack.amount > default.amount:
        changes.append(f"gør den længere: {pack.amount} {_UNIT_NAMES[pack.unit]} i stedet for {default.amount}")
    if pack.start.text != default.start.text:
        changes.append(f"lader den løbe fra '{pack.start.text}' i stedet for '{default.start.text}'")
    if not _same(pack.when, default.when):
        changes.append("ændrer, hvornår den gælder (when)")
    return changes


def _item_changes(default: ItemRule, pack: ItemRule | None) -> list[str]:
    if pack is None:
        return ["fjerner det"]
    changes = []
    if not pack.legal:
        changes.append("markerer det ikke længere som lovkrav")
    if not _same(pack.when, default.when):
        changes.append("ændrer, hvornår det gælder (when)")
    if not _same(pack.done, default.done):
        changes.append("ændrer, hvornår det er udført (done)")
    if default.due is not None:
        kept = pack.due is not None and set(default.due.deadlines) <= set(pack.due.deadlines) and \
            {f.text for f in default.due.fields} <= {f.text for f in pack.due.fields}
        if not kept:
            changes.append("fjerner den lovbestemte frist fra punktets frist (due)")
    lost = [name for name in default.blocks if name not in pack.blocks]
    if lost:
        changes.append(f"lader det ikke længere stoppe dokumentet {', '.join(lost)} (blocks)")
    return changes


def warnings(default: Obligations, pack: Obligations) -> list[str]:
    """``Advarsel:`` lines for each legal rule of ``default`` that ``pack`` removes or may loosen."""
    found = []
    for rule in default.due_dates.values():
        if rule.legal:
            found += [_warning(f"fristen 'due_dates.{rule.id}'", change)
                      for change in _due_date_changes(rule, pack.due_dates.get(rule.id))]
    items = {item.id: item for item in pack.items}
    for item in default.items:
        if item.legal:
            found += [_warning(f"punktet 'checklist.{item.id}'", change)
                      for change in _item_changes(item, items.get(item.id))]
    return found
