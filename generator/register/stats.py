"""Figures for the annual review: incidents counted by type, channel, perpetrator, unit and month.

The work environment group discusses violence and offensive acts once a year
and feeds the psychological risk assessment (APV) with them; these are the
counts it needs, over the newest valid version of every case whose incident
falls in the period (closed cases included; drafts are counted apart, not in
the tables). The few fields read are pulled out by SQLite (``json_extract``),
so 10,000 cases are counted without loading each whole case.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from ..dates import long_date, month_year
from ..errors import RegisterError
from .access import log_access
from .session import Register

#: The fields read, as JSON paths into the stored (normalised) case. Sick leave is per
#: employee (case format 2); ``$.incident.sick_leave`` is read for versions stored before.
_FIELDS = (
    "$.incident.incident_types", "$.incident.channel", "$.incident.perpetrator.kind",
    "$.incident.affected_employees", "$.incident.occurred_at.start", "$.incident.sick_leave.has_leave",
    "$.incident.sick_leave.days", "$.incident.police.reported",
)

#: The tables of the review: key -> (Danish title, choice list whose labels and order it uses).
TABLES = {
    "incident_type": ("Hændelsestype", "incident_type"),
    "channel": ("Kontaktform", "channel"),
    "perpetrator_kind": ("Udøver", "perpetrator_kind"),
    "unit": ("Afdeling", None),
    "month": ("Måned", None),
}

#: The label of a case whose affected employees name no unit.
NO_UNIT = "(ikke oplyst)"

_PERIOD = "substr(json_extract(v.data, '$.incident.occurred_at.start'), 1, 10) BETWEEN ? AND ?"


@dataclass(frozen=True)
class Row:
    """One row of a table: the key in the case file, its Danish label and the number of cases."""

    key: str
    label: str
    count: int


@dataclass
class Stats:
    """The annual review's figures for one period."""

    start: date
    end: date
    #: Valid cases whose incident falls in the period.
    cases: int = 0
    #: Drafts whose incident date falls in the period: not in the tables until they are valid.
    drafts: int = 0
    sick_leave_cases: int = 0
    sick_leave_days: int = 0
    police_reports: int = 0
    #: Table key (see TABLES) -> rows, in the order of the choice list (units: most first; months: in order).
    tables: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def period_text(self) -> str:
        return f"{long_date(self.start)} – {long_date(self.end)}"

    def title(self, table: str) -> str:
        return TABLES[table][0]

    def to_json(self) -> dict:
        """The figures as JSON data (``stats --json``, the annual review's template)."""
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["titles"] = {key: title for key, (title, _) in TABLES.items()}
        return data


def period(year: int | None = None, start: date | None = None, end: date | None = None,
           today: date | None = None) -> tuple[date, date]:
    """The period asked for: a calendar year, or from ``start`` to ``end``; default this year."""
    if year is not None and (start or end):
        raise RegisterError("angiv enten --year eller --from og --to, ikke begge")
    if (start is None) != (end is None):
        raise RegisterError("--from og --to skal angives sammen")
    if start is not None and end is not None:
        if end < start:
            raise RegisterError("--to ligger før --from")
        return start, end
    year = year if year is not None else (today or date.today()).year
    return date(year, 1, 1), date(year, 12, 31)


def stats(reg: Register, start: date, end: date) -> Stats:
    """Count the incidents of the cases whose incident day lies from ``start`` to ``end`` (both included)."""
    result = Stats(start=start, end=end)
    period = (start.isoformat(), end.isoformat())
    extract = "json_extract(v.data, " + ", ".join(f"'{path}'" for path in _FIELDS) + ")"
    base = "FROM cases c JOIN versions v ON v.case_id = c.id AND v.version = c.current_version WHERE "
    with reg.read() as conn:
        rows = conn.execute(f"SELECT {extract} {base} v.valid = 1 AND {_PERIOD}", period).fetchall()
        result.drafts = conn.execute(f"SELECT count(*) {base} v.valid = 0 AND {_PERIOD}", period).fetchone()[0]
    counters: dict[str, Counter] = {key: Counter() for key in TABLES}
    for (text,) in rows:
        types, channel, kind, employees, start_at, has_leave, days, reported = json.loads(text)
        result.cases += 1
        counters["incident_type"].update(set(types or ()))
        counters["channel"][channel] += 1
        counters["perpetrator_kind"][kind] += 1
        units = {(e.get("unit") or "").strip() for e in employees or () if isinstance(e, dict)} - {""}
        counters["unit"].update(units or {NO_UNIT})
        counters["month"][start_at[:7]] += 1
        leaves = [e.get("sick_leave") for e in employees or () if isinstance(e, dict)]
        leaves = [leave for leave in leaves if isinstance(leave, dict) and leave.get("has_leave")]
        if leaves or has_leave:
            result.sick_leave_cases += 1
            result.sick_leave_days += sum(int(leave.get("days") or 0) for leave in leaves) if leaves else int(days or 0)
        if reported:
            result.police_reports += 1
    forms = reg.engine.forms
    for key, (_, choices) in TABLES.items():
        counter = counters[key]
        if choices is not None:
            keys = list(forms.choices.get(choices, {})) + sorted(k for k in counter if k not in forms.choices.get(choices, {}))
            result.tables[key] = [Row(k, forms.label(choices, k), counter[k]) for k in keys]
        elif key == "month":
            result.tables[key] = [Row(m, month_year(date.fromisoformat(m + "-01")), counter[m]) for m in _months(start, end)]
        else:
            result.tables[key] = [Row(k, k, n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    log_access(reg, "stats", None)
    return result


def _months(start: date, end: date) -> list[str]:
    """Every month from ``start`` to ``end`` as ``YYYY-MM``."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def stats_lines(result: Stats) -> list[str]:
    """The figures as terminal lines: the totals, then one table per dimension."""
    lines = [
        f"Årsopgørelse {result.period_text}",
        "",
        f"Hændelser: {result.cases}",
        f"Med sygefravær: {result.sick_leave_cases} ({result.sick_leave_days} fraværsdage)",
        f"Politianmeldt: {result.police_reports}",
    ]
    if result.drafts:
        lines.append(f"Kladder i perioden, ikke talt med: {result.drafts}")
    for key, rows in result.tables.items():
        lines += ["", result.title(key)]
        width = max((len(r.label) for r in rows), default=0)
        lines += [f"  {r.label:<{width}}  {r.count:>5}" for r in rows]
        if not rows:
            lines.append("  (ingen)")
    return lines
