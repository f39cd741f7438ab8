"""The overview across cases: every open case's overdue and coming tasks, soonest first.

The engine computed each version's dated tasks when it was saved (what, who,
due day, done); only "overdue or not" depends on the day asked about, so the
overview is one indexed query, not a re-evaluation of every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import long_date
from .access import log_access
from .session import Register


@dataclass(frozen=True, slots=True)
class DueTask:
    """One task of an open case that is overdue or falls due soon."""

    case_id: str
    item_id: str
    what: str
    who: str
    due: date
    due_text: str
    #: False: not done; None: a reminder the case does not track (its date has a deadline all the same).
    done: bool | None
    overdue: bool

    @property
    def status(self) -> str:
        """Danish status, as the action plan says it."""
        if self.overdue:
            return "Overskredet"  # one word for overdue, as the action plan says it
        return "Ikke udført" if self.done is False else "Husk"


def overdue(reg: Register, today: date | None = None, within: int = 0) -> list[DueTask]:
    """The tasks of open cases not done whose day has passed, and those due within ``within``
    days of ``today`` (default: the clock's day), soonest first, then by case number."""
    today = today or reg.now().date()
    horizon = today + timedelta(days=max(0, within))
    with reg.read() as conn:
        rows = conn.execute(
            "SELECT t.case_id, t.item_id, t.what, t.who, t.due, t.due_text, t.done "
            "FROM tasks t JOIN cases c ON c.id = t.case_id AND c.current_version = t.version "
            "WHERE t.due <= ? AND t.done IS NOT 1 AND c.closed_at IS NULL "
            "ORDER BY t.due, t.case_id, t.position", (horizon.isoformat(),)).fetchall()
    log_access(reg, "overdue", None)
    tasks = []
    for r in rows:
        due = date.fromisoformat(r["due"])
        tasks.append(DueTask(case_id=r["case_id"], item_id=r["item_id"], what=r["what"], who=r["who"], due=due,
                             due_text=r["due_text"], done=None if r["done"] is None else bool(r["done"]),
                             overdue=due < today))
    return tasks


def overdue_lines(tasks: list[DueTask], today: date, within: int = 0) -> list[str]:
    """The overview as terminal lines: one task per line with case, task, who and due day."""
    if not tasks:
        span = f" eller med frist inden for {within} dage" if within else ""
        return [f"Ingen åbne sager har overskredne opgaver{span} pr. {long_date(today)}."]
    lines = [f"Overskredne og kommende opgaver pr. {long_date(today)}", ""]
    for task in tasks:
        mark = "[!]" if task.overdue else "[ ]"
        lines.append(f"{mark} {task.due.isoformat()}  {task.case_id}  {task.what}")
        lines.append(f"    Hvem: {task.who} · Frist: {task.due_text} · Status: {task.status}")
    late = sum(t.overdue for t in tasks)
    cases = len({t.case_id for t in tasks if t.overdue})
    lines += ["", f"{late} opgave(r) i {cases} sag(er) er overskredet; {len(tasks) - late} har frist snart."]
    return lines
