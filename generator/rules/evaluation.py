"""The plan's rules: which documents a case calls for, its deadlines, the checklist, the Safetynet class.

One call, :func:`evaluate`, computes everything for a case and a ``today``;
templates get the result as ``rules`` and ``beredskab check`` prints it, so a
deadline in a document and in the terminal always comes from the same place.
The numbers (days, months, hours) come from plan.yaml ``deadlines``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from . import checklist as _checklist
from ..dates import add_days, add_hours, last_day_of_months, long_date, long_datetime
from ..errors import PackError

#: The plan.yaml ``deadlines`` the rules need, all whole numbers.
DEADLINE_SETTINGS = ("safetynet_days", "work_accident_days", "ban_max_months", "police_report_hours")

#: Perpetrators outside the workplace when plan.yaml has no ``safetynet.outside_perpetrators``.
DEFAULT_OUTSIDE = ("citizen", "other", "unknown")


@dataclass(frozen=True)
class Deadline:
    """One deadline of a case: a stable id, a Danish title and the day (or moment) it falls."""

    id: str
    title: str
    due: date | datetime
    basis: str

    @property
    def text(self) -> str:
        """The due date in long Danish."""
        return long_datetime(self.due)


@dataclass(frozen=True)
class DocumentAdvice:
    """Whether a document applies to a case, and why (Danish)."""

    name: str
    title: str
    applies: bool
    reason: str


@dataclass(frozen=True)
class Safetynet:
    """How the AMR registers the case in Safetynet."""

    cause: str
    cause_label: str
    occupational_injury: bool
    work_accident: bool


@dataclass(frozen=True)
class Evaluation:
    """Everything the rules say about one case on one day."""

    today: date
    documents: list[DocumentAdvice]
    deadlines: dict[str, Deadline]
    checklist: list[_checklist.Item]
    safetynet: Safetynet
    warnings: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[_checklist.Item]:
        return [item for item in self.checklist if item.overdue]

    @property
    def ban_ready(self) -> bool:
        """False while a ban's hearing is unfinished: the decision must not be sent."""
        return not any(item.id == "ban_hearing" and not item.done for item in self.checklist)


def documents(settings: dict) -> dict[str, dict]:
    """Every document the pack defines: name -> {title, description}, from plan.yaml."""
    docs = settings.get("documents") or {}
    if not isinstance(docs, dict) or not docs:
        raise PackError("plan.yaml skal have en liste 'documents' med mindst ét dokument")
    return docs


def deadline_settings(settings: dict) -> dict[str, int]:
    """plan.yaml ``deadlines`` checked: each number the rules use is a positive whole number."""
    raw = settings.get("deadlines")
    raw = raw if isinstance(raw, dict) else {}
    numbers = {}
    for name in DEADLINE_SETTINGS:
        value = raw.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise PackError(f"plan.yaml: 'deadlines.{name}' skal være et positivt helt tal")
        numbers[name] = value
    return numbers


# --- which documents apply ----------------------------------------------------------

def _police_reported(case: dict) -> bool:
    return bool(case["incident"]["police"].get("reported"))


#: Document name -> (applies?, Danish reason). Documents without a rule always apply.
_DOCUMENT_RULES: dict[str, Callable[[dict], tuple[bool, str]]] = {
    "incident_note": lambda case: (True, "planen kræver et notat efter hver episode"),
    "personnel_file_note": lambda case: (
        (False, "kan dannes; anbefales især, når hændelsen ikke er politianmeldt") if _police_reported(case)
        else (True, "hændelsen er ikke politianmeldt: notatet dokumenterer den til en eventuel erstatningssag")),
    "visit_ban": lambda case: (
        (True, "sagen har et forbud") if case.get("ban") else (False, "sagen har ikke et forbud (sektionen ban)")),
    "safetynet_summary": lambda case: (True, "sagen anmeldes altid som arbejdsskade i Safetynet"),
    "checklist": lambda case: (True, "planens opgaver i sagen"),
}


def document_advice(case: dict, settings: dict) -> list[DocumentAdvice]:
    """Each document of the pack, whether it applies to ``case`` and why."""
    advice = []
    for name, meta in documents(settings).items():
        rule = _DOCUMENT_RULES.get(name)
        applies, reason = rule(case) if rule else (True, "dokument fra planpakken")
        advice.append(DocumentAdvice(name, (meta or {}).get("title", name), applies, reason))
    return advice


def applicable_documents(case: dict, settings: dict) -> list[str]:
    """The documents this case calls for, in the order plan.yaml lists them."""
    return [a.name for a in document_advice(case, settings) if a.applies]


# --- deadlines ------------------------------------------------------------------------

def safetynet_deadline(incident_day: date | datetime, days: int) -> date:
    """The plan's internal deadline: registered in Safetynet within ``days`` days of the incident."""
    return add_days(incident_day, days)


def work_accident_deadline(first_day_of_absence: date, days: int) -> date:
    """The legal deadline for a work accident: ``days`` days after the first day of absence."""
    return add_days(first_day_of_absence, days)


def victim_compensation_deadline(start: datetime, hours: int) -> datetime:
    """Victim compensation normally needs a police report within ``hours`` hours of the incident."""
    return add_hours(start, hours)


def ban_last_day(valid_from: date, months: int) -> date:
    """The last day a ban starting on ``valid_from`` may last (``months`` months, that day included)."""
    return last_day_of_months(valid_from, months)


def case_deadlines(case: dict, numbers: dict[str, int]) -> dict[str, Deadline]:
    """Every deadline of the case by id; those that do not apply are left out."""
    incident = case["incident"]
    start = incident["occurred_at"]["start"]
    found = [
        Deadline("safetynet_internal", "Anmeldelse i Safetynet (planens interne frist)",
                 safetynet_deadline(start, numbers["safetynet_days"]),
                 f"{numbers['safetynet_days']} dage efter hændelsen den {long_date(start)}"),
    ]
    leave = incident["sick_leave"]
    if leave.get("has_leave") and leave.get("first_day"):
        found.append(Deadline(
            "work_accident_legal", "Anmeldelse af arbejdsulykke (lovens frist)",
            work_accident_deadline(leave["first_day"], numbers["work_accident_days"]),
            f"{numbers['work_accident_days']} dage efter første fraværsdag den {long_date(leave['first_day'])}"))
    if not _police_reported(case):
        found.append(Deadline(
            "victim_compensation_police_report", "Politianmeldelse af hensyn til offererstatning",
            victim_compensation_deadline(start, numbers["police_report_hours"]),
            f"{numbers['police_report_hours']} timer efter hændelsen den {long_datetime(start)}"))
    ban = case.get("ban")
    if ban:
        found.append(Deadline(
            "ban_max_end", "Seneste slutdato for forbuddet",
            ban_last_day(ban["valid_from"], numbers["ban_max_months"]),
            f"højst {numbers['ban_max_months']} måneder fra {long_date(ban['valid_from'])}"))
    return {d.id: d for d in found}


# --- Safetynet ------------------------------------------------------------------------

def safetynet_class(case: dict, settings: dict) -> Safetynet:
    """Cause category and report kinds: a perpetrator from outside makes any offensive act violence."""
    incident = case["incident"]
    outside = (settings.get("safetynet") or {}).get("outside_perpetrators") or DEFAULT_OUTSIDE
    cause = "violence" if incident["perpetrator"]["kind"] in outside else "offensive_acts"
    labels = (settings.get("choices") or {}).get("safetynet_cause") or {}
    return Safetynet(
        cause=cause,
        cause_label=labels.get(cause, cause),
        occupational_injury=True,
        work_accident=bool(incident["sick_leave"].get("has_leave")),
    )


# --- all together ---------------------------------------------------------------------

def evaluate(case: dict, settings: dict, today: date) -> Evaluation:
    """Apply every rule of the plan to ``case`` as of ``today``."""
    numbers = deadline_settings(settings)
    deadlines = case_deadlines(case, numbers)
    items = _checklist.build(case, settings, numbers, deadlines, today)
    warnings = [item.warning for item in items if item.warning]
    return Evaluation(
        today=today,
        documents=document_advice(case, settings),
        deadlines=deadlines,
        checklist=items,
        safetynet=safetynet_class(case, settings),
        warnings=warnings,
    )


def check_lines(evaluation: Evaluation, case_id: str) -> list[str]:
    """The checklist as terminal lines (``beredskab check``): one line per item, marks for status."""
    lines = [f"Handleplan for sag {case_id} pr. {long_date(evaluation.today)}", ""]
    marks = {"done": "[x]", "overdue": "[!]", "open": "[ ]", "reminder": "[i]"}
    for item in evaluation.checklist:
        lines.append(f"{marks[item.state]} {item.what}")
        lines.append(f"    Hvem: {item.who} · Frist: {item.due_text} · Status: {item.status}")
    if evaluation.deadlines:
        lines += ["", "Frister:"]
        lines += [f"  {d.title}: {d.text} ({d.basis})" for d in evaluation.deadlines.values()]
    lines += ["", "Dokumenter:"]
    for advice in evaluation.documents:
        mark = "+" if advice.applies else "-"
        lines.append(f"  {mark} {advice.name}: {advice.title} – {advice.reason}")
    if evaluation.warnings:
        lines += ["", "Advarsler:"]
        lines += [f"  ! {warning}" for warning in evaluation.warnings]
    overdue = len(evaluation.overdue)
    lines += ["", f"{overdue} opgave(r) er overskredet." if overdue else "Ingen opgaver er overskredet."]
    return lines
