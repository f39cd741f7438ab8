"""Deadlines: from which date of the case a deadline runs, and for how long.

plan.yaml ``due_dates`` names the case's deadlines (the list ``Frister`` in the
handleplan); each runs from a date field (``from``) for a number of ``days``,
``hours`` or ``months`` (the last day of that many months, the first day
counted), given as a whole number or as the name of a number in ``deadlines``.
A deadline applies when its ``when`` holds and its start date is filled; with
``[]`` in ``from`` it runs from the earliest date. ``legal: true`` marks a
deadline set by law that a pack must not loosen (``plan check`` warns).

A checklist item's ``due`` is a deadline's id, a date field (that day), or a
list of them: the earliest that applies.
"""

from __future__ import annotations

from datetime import date, datetime
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..dates import add_days, add_hours, as_date, last_day_of_months, long_date, long_datetime
from . import _spec
from ._spec import RuleError, Where
from .conditions import Condition, parse
from .paths import FieldPath, Fields

#: Unit -> how the deadline is counted from its start.
UNITS: dict[str, Callable[[Any, int], date | datetime]] = {
    "days": add_days,
    "hours": add_hours,
    "months": last_day_of_months,
}

KEYS = ("title", "from", "days", "hours", "months", "basis", "when", "legal")


class Deadline(NamedTuple):
    """One deadline of a case: its id, a Danish title and the day (or moment) it falls."""

    id: str
    title: str
    due: date | datetime
    basis: str

    @property
    def text(self) -> str:
        """The due date in long Danish."""
        return long_datetime(self.due)


class DueDate(NamedTuple):
    """A deadline as plan.yaml defines it."""

    id: str
    title: str
    start: FieldPath
    unit: str
    amount: int
    #: The name of the number in plan.yaml ``deadlines`` the amount comes from, if any.
    number: str | None
    basis: str
    when: Condition | None
    legal: bool

    def compute(self, case: Mapping, today: date, numbers: Mapping[str, int]) -> Deadline | None:
        """The deadline in ``case``, or None when it does not apply."""
        if self.when is not None and not self.when.holds(case, today):
            return None
        starts = self.start.values(case)
        if not starts:
            return None
        start = min(starts)
        values = {self.unit: str(self.amount), "date": long_date(start), "datetime": long_datetime(start)}
        basis = _spec.fill(self.basis, lambda name: values.get(name) or _number(numbers, name))
        return Deadline(self.id, self.title, UNITS[self.unit](start, self.amount), basis)


def _number(numbers: Mapping[str, int], name: str) -> str | None:
    return str(numbers[name]) if name in numbers else None


def numbers(raw: Any, where: Where = ("deadlines",)) -> dict[str, int]:
    """plan.yaml ``deadlines``: each a positive whole number."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise RuleError("'deadlines' skal være en samling af tal", where)
    found = {}
    for name, value in raw.items():
        if value is None:
            continue  # removed by a pack
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RuleError(f"'deadlines.{name}' skal være et positivt helt tal", (*where, name))
        found[str(name)] = value
    return found


def parse_due_date(key: Any, raw: Any, fields: Fields, numbers: Mapping[str, int], where: Where) -> DueDate:
    """One entry of ``due_dates``."""
    ident = _spec.identifier(key, where)
    spec = _spec.mapping(raw, where, KEYS, "title, from, days/hours/months, basis")
    units = [unit for unit in UNITS if spec.get(unit) is not None]
    if len(units) != 1:
        raise RuleError(f"fristen '{ident}' skal have præcis én af days, hours og months", where)
    unit = units[0]
    amount, number = _amount(spec[unit], numbers, (*where, unit))
    if spec.get("from") is None:
        raise RuleError(f"fristen '{ident}' mangler 'from' (det datofelt, fristen løber fra)", where)
    start = fields.get(spec["from"], (*where, "from"))
    if not start.is_date:
        raise RuleError(f"'from' skal være et datofelt, men '{start.text}' er ikke en dato", (*where, "from"))
    if unit == "hours" and start.type != "datetime":
        raise RuleError(f"en frist i timer skal løbe fra et felt med klokkeslæt; '{start.text}' er en dato",
                        (*where, "from"))
    known = {unit, "date", "datetime", *numbers}
    basis = _spec.text(spec.get("basis"), (*where, "basis"))
    return DueDate(
        id=ident, title=_spec.text(spec.get("title"), (*where, "title")), start=start, unit=unit,
        amount=amount, number=number,
        basis=_spec.placeholders(basis, known.__contains__, (*where, "basis")),
        when=parse(spec["when"], fields, (*where, "when")) if spec.get("when") is not None else None,
        legal=_spec.flag(spec.get("legal"), (*where, "legal")),
    )


def _amount(value: Any, numbers: Mapping[str, int], where: Where) -> tuple[int, str | None]:
    if isinstance(value, str):
        if value not in numbers:
            raise RuleError(f"tallet '{value}' findes ikke i 'deadlines'; mulige: {', '.join(numbers)}", where)
        return numbers[value], value
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RuleError(f"'{_spec.dotted(where)}' skal være et helt tal (0 eller mere) eller navnet på et tal "
                        f"i 'deadlines'", where)
    return value, None


class Due(NamedTuple):
    """A checklist item's deadline: deadline ids and date fields, the earliest that applies."""

    deadlines: tuple[str, ...]
    fields: tuple[FieldPath, ...]

    def compute(self, case: Mapping, found: Mapping[str, Deadline]) -> date | datetime | None:
        days: list[date | datetime] = [found[i].due for i in self.deadlines if i in found]
        for field in self.fields:
            values = field.values(case)
            if values:
                days.append(as_date(min(values)))
        return min(days, key=as_date) if days else None


def parse_due(raw: Any, fields: Fields, due_dates: Mapping[str, DueDate], where: Where) -> Due | None:
    """A checklist item's ``due``: an id in ``due_dates``, a date field, or a list of them."""
    if raw is None:
        return None
    refs = [raw] if isinstance(raw, str) else raw
    if not isinstance(refs, list) or not refs:
        raise RuleError(f"'{_spec.dotted(where)}' skal være en frist (et id i 'due_dates'), et datofelt "
                        f"eller en liste af dem", where)
    ids, paths = [], []
    for i, ref in enumerate(refs):
        here = where if isinstance(raw, str) else (*where, i)
        if isinstance(ref, str) and "." not in ref:
            if ref not in due_dates:
                raise RuleError(f"fristen '{ref}' findes ikke i 'due_dates'; mulige: {', '.join(due_dates)}", here)
            ids.append(ref)
            continue
        field = fields.get(ref, here)
        if not field.is_date:
            raise RuleError(f"'{field.text}' er ikke et datofelt", here)
        paths.append(field)
    return Due(tuple(ids), tuple(paths))
