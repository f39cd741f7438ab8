"""The cases: the register's list, a new case, and one case's sections as forms with "Gem"."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from ..errors import CaseError, Problem, StaleCase, UnknownCase
from ..register import cases as register_cases
from ..register.access import log_access
from ..register import saving as register_saving
from ..register.cases import CaseRecord
from ..register.listing import listed_cases
from . import state
from .formdata import apply_action, parse_section
from .problems import by_path, summary
from .widgets import section_widgets

bp = Blueprint("cases", __name__)

#: The section a new case starts with (it holds the case number).
FIRST_SECTION = "incident"


def visible_case(case_id: str, log: bool = True) -> CaseRecord:
    """The case if the user may see it; 404 for a case that does not exist *or* is another's
    (a leader learns nothing of other leaders' case numbers). ``log=False``: the caller logs
    what it does with the case instead (a save logs "save" in its own transaction)."""
    try:
        record = register_cases.get_case(state.register(), case_id, log=log)
    except UnknownCase:
        abort(404)
    if not g.user.may_see(record.created_by):
        abort(404)
    return record


@bp.route("/", methods=["GET", "POST"])
def index():
    # The search is posted, not put in the address: a person's name is case data, and addresses
    # end up in browser history and proxy logs.
    query = request.form.get("q", "").strip()[:200] if request.method == "POST" else ""
    rows = listed_cases(state.register(), query, created_by=None if g.user.sees_all else g.user.name,
                        today=state.today())
    return render_template("cases/list.html", rows=rows, query=query, active="cases",
                           type_label=lambda key: state.engine().forms.label("incident_type", key))


@bp.route("/sager/ny", methods=["GET", "POST"])
def new():
    return _section_page(None, FIRST_SECTION)


@bp.route("/sager/<case_id>")
def show(case_id: str):
    visible_case(case_id)
    return redirect(url_for("cases.section", case_id=case_id, section=FIRST_SECTION))


@bp.route("/sager/<case_id>/<section>", methods=["GET", "POST"])
def section(case_id: str, section: str):
    return _section_page(case_id, section)


def _section_page(case_id: str | None, section: str):
    engine = state.engine()
    if section not in engine.forms.sections:
        abort(404)
    posted = request.method == "POST"
    # A post is logged as what it does: a save as "save" (with the version, in one
    # transaction), any page it shows instead as "show" (below).
    record = visible_case(case_id, log=not posted) if case_id else None
    # The record is this request's own (parsed from the register just now); a post replaces
    # one section, so a copy of the top level keeps the record as read.
    case = dict(record.current.data) if record else {}
    base_version = record.current.version if record else 0
    problems, stale, status = [], None, 200
    if posted:
        base_version = _int(request.form.get("_base_version"), base_version)
        case[section] = parse_section(engine.forms, section, request.form, case)
        if record and section == FIRST_SECTION:  # the case number is the case's key: kept
            case[section]["case_id"] = case_id
        action = request.form.get("_action", "save")
        if action != "save":
            apply_action(engine.forms, section, case[section], action)
        else:
            try:
                with state.durable() as register:
                    saved = register_saving.save(register, case, reason="webformular",
                                                 base_version=base_version, draft=True)
            except StaleCase as err:
                if record is None:  # a new case under a number that is taken
                    problems, status = [Problem("findes allerede; vælg et andet sagsnummer", path="incident.case_id",
                                                label="Sagsnummeret")], 409
                else:
                    stale, status = err.lines()[0], 409
                    problems = state.problems_of(case)
            except CaseError as err:  # a draft needs a valid case number; or a closed case
                problems, status = list(err.problems), 400
            else:
                problems = [] if saved.valid else state.problems_of(case)
                if not problems:
                    state.notice(f"Gemt som version {saved.version}.", "success")
                    return redirect(url_for("cases.section", case_id=saved.case_id, section=section), 303)
                state.notice(f"Gemt som kladde (version {saved.version}). Ret fejlene, før der kan dannes dokumenter.",
                      "warning")
                if saved.case_id != case_id:  # a new case: its own address from now on
                    return redirect(url_for("cases.section", case_id=saved.case_id, section=section, fejl=1), 303)
                record = visible_case(case_id, log=False)
                base_version = record.current.version
    elif record and request.args.get("fejl"):
        problems = state.problems_of(case)
    if posted and record is not None:
        log_access(state.register(), "show", record.id)
    widgets = section_widgets(engine.forms, section, case.get(section), by_path(problems, section),
                              readonly={"incident.case_id"} if record else set())
    items = summary(problems, section, widgets,
                    lambda other: url_for("cases.section", case_id=case_id, section=other) if case_id else "",
                    engine.forms.sections)
    return render_template(
        "cases/section.html", widgets=widgets, problems=items, stale=stale,
        case_id=case_id, section=section, record=record, base_version=base_version,
        section_title=engine.forms.title(section) if case_id else "Ny sag",
        section_description=engine.forms.description(section),
        tabs=[(name, engine.forms.title(name)) for name in engine.forms.sections],
        previews=[(name, meta.get("title", name)) for name, meta in engine.documents().items()] if case_id else [],
        active="cases"), status


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default
