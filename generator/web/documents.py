"""A case's documents and action plan: which documents apply and why, a preview of each,
downloads (.docx, PDF when LibreOffice is there, a zip of all), and the checklist with
"Markér som udført" (a new version of the case).

Every preview and download is recorded in the register (access log and document records).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from markupsafe import Markup

from ..case.fields import field_rules
from ..case.paths import split_path
from ..case.model import with_overrides
from ..errors import CaseError, StaleCase
from ..output.pdf import convert as convert_pdf
from ..output.pdf import find_soffice
from ..register import cases as register_cases
from ..register import saving as register_saving
from ..register import documents as register_documents
from ..register.access import log_access
from . import state
from .formdata import parse_section
from .cases import visible_case

bp = Blueprint("documents", __name__)

#: Media type of a Word document.
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _valid_case(case_id: str):
    """The visible case as the engine's Case, or None while it is a draft."""
    record = visible_case(case_id)
    if record.current.draft:
        return record, None
    return record, state.engine().validate(record.current.data)


@bp.route("/sager/<case_id>/dokumenter")
def index(case_id: str):
    record, case = _valid_case(case_id)
    engine = state.engine()
    advice = engine.applicable(case) if case is not None else []
    shown = request.args.get("vis")
    names = [a.name for a in advice if a.applies]
    if shown not in engine.documents():
        shown = names[0] if names else None
    preview = None
    if case is not None and shown:
        preview = preview_html(case, shown)
        log_access(state.register(), "preview", case_id)
    return render_template("cases/documents.html", record=record, case_id=case_id, advice=advice,
                           shown=shown, preview=preview, pdf=find_soffice() is not None,
                           tabs=_tabs(), section="_documents", active="cases")


@bp.route("/sager/<case_id>/<section>/forhaandsvisning", methods=["POST"])
def live_preview(case_id: str, section: str):
    """The preview of one document from the form as it is on the page, not saved (the page's
    script asks for it while the user types; without the script the button posts here)."""
    engine = state.engine()
    record = visible_case(case_id)
    if section not in engine.forms.sections:
        abort(404)
    data = copy.deepcopy(record.current.data)
    data[section] = parse_section(engine.forms, section, request.form, data)
    name = request.form.get("_preview", "")
    if name not in engine.documents():
        name = "incident_note" if "incident_note" in engine.documents() else next(iter(engine.documents()))
    try:
        case = engine.validate(data)
    except CaseError as err:
        html, problems = None, len(err.problems)
    else:
        html, problems = preview_html(case, name), 0
        log_access(state.register(), "preview", case_id)
    fragment = render_template("cases/_preview.html", preview=html, problems=problems,
                               title=engine.documents()[name].get("title", name))
    if request.headers.get("X-Requested-With") == "fetch":
        return fragment
    return render_template("cases/preview_page.html", fragment=fragment, case_id=case_id, section=section,
                           tabs=_tabs(), record=record, active="cases")


@bp.route("/sager/<case_id>/dokumenter/<name>.<kind>")
def download(case_id: str, name: str, kind: str):
    """One document as .docx (or PDF/A when LibreOffice is there), recorded in the register."""
    record, case = _valid_case(case_id)
    if case is None or name not in state.engine().documents() or kind not in ("docx", "pdf"):
        abort(404)
    issued = register_documents.issue(state.register(), case_id, name, today=state.today())
    if kind == "docx":
        return _attachment(issued.data, issued.file_name, DOCX_TYPE)
    pdf_name = issued.file_name.removesuffix(".docx") + ".pdf"
    return _attachment(convert_pdf({issued.file_name: issued.data})[pdf_name], pdf_name, "application/pdf")


@bp.route("/sager/<case_id>/dokumenter.zip")
def download_all(case_id: str):
    """Every document the plan calls for in the case, in one zip; each recorded in the register."""
    record, case = _valid_case(case_id)
    if case is None:
        abort(404)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in state.engine().select(case):
            issued = register_documents.issue(state.register(), case_id, name, today=state.today())
            archive.writestr(issued.file_name, issued.data)
    return _attachment(buffer.getvalue(), f"{case_id}_dokumenter.zip", "application/zip")


#: A picture a template may show (the letterhead's logo): a plain file name in the pack.
_PICTURE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}\.(png|jpe?g|gif)$")
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"/:]+)(")')


def preview_html(case, name: str) -> Markup:
    """A document's preview for the page: the sandboxed, autoescaped HTML subset, its pictures
    pointed at the pack's files (served by :func:`picture`)."""
    html = state.engine().preview(case, name, today=state.today())
    html = _IMG_SRC.sub(lambda m: m.group(1) + url_for("documents.picture", name=m.group(2)) + m.group(3), html)
    return Markup(html)  # noqa: S704 - rendered in Jinja's sandbox with autoescape


@bp.route("/planpakke/<name>")
def picture(name: str):
    """A picture of the plan pack (the logo in a preview); only pictures, only inside the pack."""
    path = state.engine().pack.find_asset(name) if _PICTURE.fullmatch(name) else None
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


def _attachment(data: bytes, filename: str, mimetype: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename,
                     max_age=0)


@bp.route("/sager/<case_id>/handleplan", methods=["GET", "POST"])
def plan(case_id: str):
    record, case = _valid_case(case_id)
    engine = state.engine()
    if request.method == "POST" and case is not None:
        item_id = request.form.get("item", "")
        path = done_field(engine, item_id)
        if path is None:
            abort(400)
        data = _with_value(engine, record.current.data, path, state.register().now())
        try:
            with state.durable() as register:
                register_saving.save(register, data, reason=f"handleplan: {item_id} udført",
                                      base_version=int(request.form.get("_base_version") or 0))
        except StaleCase as err:
            state.notice(err.lines()[0], "error")
        except CaseError as err:
            state.notice("Opgaven kunne ikke markeres som udført: " + "; ".join(err.lines()), "error")
        else:
            state.notice("Opgaven er markeret som udført, og sagen er gemt i en ny version.", "success")
        return redirect(url_for("documents.plan", case_id=case_id))
    items = engine.checklist(case, today=state.today()) if case is not None else []
    markable = {item.id for item in items if not item.done and done_field(engine, item.id)}
    return render_template("cases/plan.html", record=record, case_id=case_id, items=items, markable=markable,
                           tabs=_tabs(), section="_plan", active="cases")


def done_field(engine, item_id: str) -> str | None:
    """The date field that records a checklist item as done, from the pack (``done: {filled: PATH}``);
    None when the item is not marked by a date (then the page offers no button)."""
    spec = (engine.settings.get("checklist") or {}).get(item_id)
    done = spec.get("done") if isinstance(spec, dict) else None
    path = done.get("filled") if isinstance(done, dict) else None
    if not isinstance(path, str):
        return None
    rules = field_rules(engine.forms, split_path(path)) or {}
    return path if rules.get("type") in ("date", "datetime") else None


def _with_value(engine, data: dict, path: str, now: datetime) -> dict:
    """A copy of ``data`` with the date or time field at ``path`` set to ``now``."""
    rules = field_rules(engine.forms, split_path(path)) or {}
    value = now.strftime("%Y-%m-%dT%H:%M") if rules.get("type") == "datetime" else now.date().isoformat()
    return with_overrides(copy.deepcopy(data), [(path, value)])


def _tabs() -> list[tuple[str, str]]:
    forms = state.engine().forms
    return [(name, forms.title(name)) for name in forms.sections]
