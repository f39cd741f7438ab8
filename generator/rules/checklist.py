"""The checklist (handleplan): the plan's obligations in a case, each with who, by when and done or not.

Each item has a stable id (``leader_informed``, ``safetynet_registration`` ...).
Its Danish text and who does it come from plan.yaml ``checklist``, so a
department rewords or drops an item without code; whether it applies, its
deadline and whether it is done are the rule functions below, one per id.
An item is overdue when it is not done and its day has passed (the due day
itself is not late).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from ..dates import as_date, long_date, long_datetime
from ..errors import PackError

#: Danish status per state.
STATUS = {"done": "Udført", "overdue": "Overskredet", "open": "Ikke udført", "reminder": "Husk"}

#: "By when" for obligations the plan gives no date, only a manner.
AT_ONCE = "Straks"
SOON = "Hurtigst muligt"
ONGOING = "Løbende"

#: Warning while a ban's hearing is unfinished, when plan.yaml has no ``texts.ban_not_ready``.
BAN_NOT_READY = "MÅ IKKE SENDES: Partshøringen af borgeren er ikke afsluttet."

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Item:
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
        if self.state == "overdue" and self.done is None:
            return "Fristen er udløbet"
        text = STATUS[self.state]
        if self.done and self.done_at is not None:
            text += f" {long_datetime(self.done_at)}"
        return text


@dataclass(frozen=True)
class _Spec:
    """What a rule function says about an item that applies."""

    due: date | datetime | None = None
    due_text: str | None = None
    done: bool | None = False
    done_at: date | datetime | None = None
    note: str | None = None
    warning: str | None = None


@dataclass(frozen=True)
class _Facts:
    """The case as the rule functions read it; absent sections are empty groups."""

    incident: dict
    support: dict
    followup: dict
    ban: dict
    deadlines: dict
    settings: dict
    today: date

    @property
    def start(self) -> datetime:
        return self.incident["occurred_at"]["start"]

    @property
    def reported(self) -> bool:
        return bool(self.incident["police"].get("reported"))


Rule = Callable[[_Facts], "_Spec | None"]


def leader_informed(f: _Facts) -> _Spec:
    at = (f.incident.get("leader_notified") or {}).get("at")
    return _Spec(due=as_date(f.start), due_text=AT_ONCE, done=at is not None, done_at=at)


def employees_gathered(f: _Facts) -> _Spec:
    at = f.incident.get("employees_gathered_at")
    return _Spec(due=as_date(f.start), due_text=SOON, done=at is not None, done_at=at)


def safety_organisation_informed(f: _Facts) -> _Spec:
    at = f.incident.get("safety_organisation_informed_at")
    return _Spec(due=as_date(f.start), due_text=AT_ONCE, done=at is not None, done_at=at)


def support_assessed(f: _Facts) -> _Spec:
    return _Spec(due_text=SOON, done=bool(f.support.get("assessed_jointly")), done_at=f.support.get("assessed_at"))


def support_offered(f: _Facts) -> _Spec:
    return _Spec(due_text=SOON, done=bool(f.support.get("offered")), done_at=f.support.get("offered_at"))


def incident_note(f: _Facts) -> _Spec:
    return _Spec(due_text=SOON, done=True, done_at=f.incident.get("note_date"))


def debriefing(f: _Facts) -> _Spec:
    at = f.incident.get("debriefing_at")
    return _Spec(due_text=SOON, done=at is not None, done_at=at)


def director_informed(f: _Facts) -> _Spec | None:
    if not f.reported:
        return None
    reported_at = f.incident["police"].get("reported_at")
    at = f.incident["police"].get("director_informed_at")
    return _Spec(due=as_date(reported_at) if reported_at else None, due_text="Straks efter anmeldelsen",
                 done=at is not None, done_at=at)


def police_interview_companion(f: _Facts) -> _Spec | None:
    return _Spec(due_text="Ved afhøring og retsmøder", done=None) if f.reported else None


def personnel_file_note(f: _Facts) -> _Spec | None:
    return None if f.reported else _Spec(due_text=SOON, done=None)


def victim_compensation_police_report(f: _Facts) -> _Spec | None:
    deadline = f.deadlines.get("victim_compensation_police_report")
    if f.reported or deadline is None:
        return None
    return _Spec(due=deadline.due, done=None,
                 note="Medarbejderen kan også selv anmelde hændelsen til politiet.")


def safetynet_registration(f: _Facts) -> _Spec:
    deadline = f.deadlines["safetynet_internal"]
    at = f.followup.get("safetynet_registered_at")
    return _Spec(due=deadline.due, done=at is not None, done_at=at)


def work_accident_report(f: _Facts) -> _Spec | None:
    deadline = f.deadlines.get("work_accident_legal")
    if deadline is None:
        return None
    at = f.followup.get("work_accident_reported_at")
    internal = f.deadlines["safetynet_internal"]
    # The plan asks for the report within its internal deadline; the law's is the outer limit.
    return _Spec(due=min(internal.due, deadline.due), done=at is not None, done_at=at,
                 note=f"Planens interne frist: {internal.text}. Lovens frist: {deadline.text}.")


def hearing_done(ban: dict) -> bool:
    """The hearing is finished: the letter was sent and the citizen answered or the answer was waived."""
    hearing = ban.get("hearing") or {}
    return bool(hearing.get("sent_at") and (hearing.get("response") or hearing.get("no_response")))


def ban_hearing(f: _Facts) -> _Spec | None:
    if not f.ban:
        return None
    done = hearing_done(f.ban)
    warning = None
    if not done:
        warning = (f.settings.get("texts") or {}).get("ban_not_ready") or BAN_NOT_READY
    return _Spec(due=f.ban["valid_from"], due_text="Før afgørelsen sendes", done=done,
                 warning=warning)


def ban_director_signature(f: _Facts) -> _Spec | None:
    if not f.ban:
        return None
    return _Spec(due=f.ban["valid_from"], done=f.ban.get("signed_at") is not None, done_at=f.ban.get("signed_at"))


def apv_followup(f: _Facts) -> _Spec:
    return _Spec(due_text=ONGOING, done=f.followup.get("apv_followup_at") is not None,
                 done_at=f.followup.get("apv_followup_at"))


def not_alone_in_difficult_conversation(f: _Facts) -> _Spec | None:
    # The plan: a conversation that tells a citizen an unwelcome decision is never held alone.
    # A ban is such a decision; the hearing and the decision are both told to the citizen.
    return _Spec(due_text="Når borgeren får afgørelsen at vide", done=None) if f.ban else None


def preventive_actions_shared(f: _Facts) -> _Spec:
    return _Spec(due_text="Når de forebyggende handlinger er aftalt", done=None)


def union_representative_involved(f: _Facts) -> _Spec:
    return _Spec(due_text=ONGOING, done=None)


#: Item id -> rule. The order of plan.yaml ``checklist`` is the order of the rows.
RULES: dict[str, Rule] = {rule.__name__: rule for rule in (
    leader_informed, employees_gathered, safety_organisation_informed, support_assessed, support_offered,
    incident_note, debriefing, director_informed, police_interview_companion, personnel_file_note,
    victim_compensation_police_report, safetynet_registration, work_accident_report, ban_hearing,
    ban_director_signature, apv_followup,
    not_alone_in_difficult_conversation, preventive_actions_shared, union_representative_involved,
)}


def _who(roles: list | str | None, titles: dict) -> str:
    names = [roles] if isinstance(roles, str) else list(roles or [])
    text = " og ".join(str(titles.get(r, r)) for r in names)
    return text[:1].upper() + text[1:]


def _fill(text: str, numbers: dict[str, int]) -> str:
    """Put plan.yaml numbers into ``{name}``; no str.format, pack text is untrusted."""
    return _PLACEHOLDER.sub(lambda m: str(numbers.get(m.group(1), m.group(0))), text)


def build(case: dict, settings: dict, numbers: dict[str, int], deadlines: dict, today: date) -> list[Item]:
    """The checklist rows that apply to ``case``, in plan.yaml order, with status as of ``today``."""
    texts = settings.get("checklist") or {}
    if not isinstance(texts, dict):
        raise PackError("plan.yaml: 'checklist' skal være en samling af punkter")
    facts = _Facts(incident=case["incident"], support=case.get("support") or {},
                   followup=case.get("followup") or {}, ban=case.get("ban") or {},
                   deadlines=deadlines, settings=settings, today=today)
    titles = settings.get("roles") or {}
    items = []
    for item_id, text in texts.items():
        if text is None:
            continue  # a pack dropped this item
        rule = RULES.get(item_id)
        if rule is None or not isinstance(text, dict) or not text.get("what"):
            raise PackError(f"plan.yaml: punktet 'checklist.{item_id}' er ukendt eller mangler 'what'; "
                            f"mulige: {', '.join(RULES)}")
        spec = rule(facts)
        if spec is None:
            continue
        overdue = not spec.done and spec.due is not None and as_date(spec.due) < today
        due_text = spec.due_text or ""
        if spec.due is not None:
            day = long_datetime(spec.due) if isinstance(spec.due, datetime) else long_date(spec.due)
            due_text = f"{due_text} ({day})" if due_text else day
        items.append(Item(
            id=item_id, what=_fill(str(text["what"]), numbers), who=_who(text.get("who"), titles),
            due=spec.due, due_text=due_text, done=spec.done, done_at=spec.done_at, overdue=overdue,
            note=spec.note, warning=spec.warning,
        ))
    return items
