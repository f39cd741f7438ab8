"""The case list of the web form: each case's newest version with the facts a list shows
(incident day, types) and a search by case number or by a person's name.

One query with ``json_extract`` over the newest versions, like :mod:`stats`; the search by
name folds case and spacing as :mod:`people` does, over the newest version's texts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from .access import log_access
from .cases import CaseSummary, list_cases
from .people import _folded, names_person
from .session import Register


@dataclass(frozen=True)
class ListedCase:
    """One row of the case list: the register's summary, the incident day and its types."""

    summary: CaseSummary
    occurred_on: date | None
    types: list[str]


def listed_cases(reg: Register, query: str = "", created_by: str | None = None,
                 today: date | None = None) -> list[ListedCase]:
    """The cases (a leader's own with ``created_by``), newest incident first, those matching
    ``query`` in the case number or any text of the newest version (a person's name)."""
    summaries = {row.id: row for row in list_cases(reg, today=today, created_by=created_by)}
    with reg.read() as conn:
        rows = conn.execute(
            "SELECT c.id, json_extract(v.data, '$.incident.occurred_at.start'), "
            "json_extract(v.data, '$.incident.incident_types'), v.data "
            "FROM cases c JOIN versions v ON v.case_id = c.id AND v.version = c.current_version").fetchall()
    wanted = _folded(query)
    result = []
    for case_id, start, types, data in rows:
        if case_id not in summaries:
            continue
        if wanted and wanted not in _folded(case_id) and not names_person(json.loads(data), wanted):
            continue
        occurred = _day(start)
        result.append(ListedCase(summaries[case_id], occurred, _types(types)))
    if wanted:
        log_access(reg, "list", None)
    result.sort(key=lambda row: (row.occurred_on or date.min, row.summary.id), reverse=True)
    return result


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:  # a draft may hold anything typed
        return None


def _types(value) -> list[str]:
    try:
        types = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(t) for t in types] if isinstance(types, list) else []
