"""The checklist (handleplan): the plan's obligations in a case, each with who, by when and done or not.

Each item of plan.yaml ``checklist`` has a stable id, a Danish text (``what``),
who does it (roles), when it applies (``when``), its deadline (``due``, with
``due_text`` for "Straks" and the like), when it is done (``done``, a condition;
without one the item is a reminder, *Husk*) and the field telling when it was
done (``done_at``). An item is overdue when it is not done and its day has
passed (the due day itself is not late). ``warning`` is shown while a tracked
item is not done, and ``blocks`` names documents that must not be sent until it is.
"""

from __future__ import annotations

from datetime import date, datetime
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..dates import as_date, long_date, long_datetime
from . import _spec
from ._spec import RuleError, Where
from .conditions import Condition, parse
from .deadlines import Deadline, Due, DueDate, parse_due
from .paths import FieldPath, Fields

#: Danish status per state.
STATUS = {"done": "Udført", "overdue": "Overskredet", "open": "Ikke udført", "reminder": "Husk"}

KEYS = ("what", "who", "when", "due", "due_text", "done", "done_at", "note", "warning", "blocks", "legal")


class Item(NamedTuple):
    """One row of the checklist."""

    id: str
    what: str
    who: str
    due: date | datetime | None
    due_text: str
    #: True done, False not done, None not tracked in the case (a reminder).
    done: bool | None
    done_at: date | datetime | None
    overdue: bool
    note: str | None = None
    warning: str | None = None
    blocks: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        if self.done:
            return "done"
        if self.overdue:
            return "overdue"
        return "reminder" if self.done is None else "open"

    @property
    def status(self) -> str:
        """Danish status, with the day it was done when known."""
        text = STATUS[self.state]  # one word for overdue, tracked or a reminder: "Overskredet"
        if self.done and self.done_at is not None:
            text += f" {long_datetime(self.done_at)}"
        return text


class ItemRule(NamedTuple):
    """A checklist item as plan.yaml defines it."""

    id: str
    what: str
    who: str
    when: Condition | None
    due: Due | None
    due_text: str | None
    done: Condition | None
    done_at: FieldPath | None
    note: str | None
    warning: str | None
    blocks: tuple[str, ...]
    legal: bool

    def build(self, case: Mapping, today: date, deadlines: Mapping[str, Deadline],
              lookup: Callable[[str], str | None]) -> Item | None:
        """The row for ``case`` as of ``today``, or None when the item does not apply."""
        if self.when is not None and not self.when.holds(case, today):
            return None
        due = self.due.compute(case, deadlines) if self.due is not None else None
        done = self.done.holds(case, today) if self.done is not None else None
        done_at = self.done_at.first(case) if self.done_at is not None else None
        due_text = self.due_text or ""
        if due is not None:
            day = long_datetime(due) if isinstance(due, datetime) else long_date(due)
            due_text = f"{due_text} ({day})" if due_text else day
        warning = _spec.fill(self.warning, lookup) if self.warning and done is False else None
        return Item(
            id=self.id, what=_spec.fill(self.what, lookup), who=self.who, due=due, due_text=due_text,
            done=done, done_at=done_at, overdue=not done and due is not None and as_date(due) < today,
            note=_spec.fill(self.note, lookup) if self.note else None, warning=warning,
            blocks=self.blocks if not done else (),
        )


def who_text(roles: tuple[str, ...], titles: Mapping[str, Any]) -> str:
    """``Nærmeste leder og den berørte medarbejder``: the roles' titles, the first capitalised."""
    text = " og ".join(str(titles[r]) for r in roles)
    return text[:1].upper() + text[1:]


def parse_item(key: Any, raw: Any, fields: Fields, roles: Mapping[str, Any], due_dates: Mapping[str, DueDate],
               documents: Mapping[str, Any], known: Callable[[str], bool], where: Where) -> ItemRule:
    """One entry of ``checklist``; ``known`` accepts the placeholders a text may use."""
    ident = _spec.identifier(key, where)
    spec = _spec.mapping(raw, where, KEYS, "what, who, when, due, done ...")
    who = _spec.names(spec.get("who"), (*where, "who"))
    for i, role in enumerate(who):
        if role not in roles:
            raise RuleError(f"rollen '{role}' findes ikke i 'roles'; mulige: {', '.join(roles)}",
                            (*where, "who") if isinstance(spec.get("who"), str) else (*where, "who", i))
    blocks = _spec.names(spec["blocks"], (*where, "blocks")) if spec.get("blocks") is not None else ()
    for name in blocks:
        if name not in documents:
            raise RuleError(f"dokumentet '{name}' findes ikke i 'documents'", (*where, "blocks"))

    def date_field(name: str) -> FieldPath | None:
        if spec.get(name) is None:
            return None
        field = fields.get(spec[name], (*where, name))
        if not field.is_date:
            raise RuleError(f"'{name}' skal være et datofelt, men '{field.text}' er ikke en dato", (*where, name))
        return field

    def optional_text(name: str) -> str | None:
        value = _spec.text(spec.get(name), (*where, name), required=name == "what")
        return _spec.placeholders(value, known, (*where, name)) if value is not None else None

    def condition(name: str) -> Condition | None:
        return parse(spec[name], fields, (*where, name)) if spec.get(name) is not None else None

    return ItemRule(
        id=ident, what=optional_text("what"), who=who_text(who, roles), when=condition("when"),
        due=parse_due(spec.get("due"), fields, due_dates, (*where, "due")),
        due_text=_spec.text(spec.get("due_text"), (*where, "due_text"), required=False),
        done=condition("done"), done_at=date_field("done_at"), note=optional_text("note"), warning=optional_text("warning"),
        blocks=blocks, legal=_spec.flag(spec.get("legal"), (*where, "legal")),
    )
