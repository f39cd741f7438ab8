"""Check a plan pack before it meets a real case: its files, forms, templates and documents.

A department edits its pack without Python, so ``beredskab plan check`` must
find every mistake it can, all at once, each as one Danish line with file and
line. The checks, in order (a stage whose input is broken is skipped):

1. files: no symbolic link points out of the pack; every YAML file parses;
2. forms: each form, merged over the default, is a valid Cerberus schema;
   obligations: plan.yaml's checklist, due_dates, documents and safetynet name
   fields, roles and conditions that exist (docs/skabeloner.md, chapter 9);
3. templates: each compiles; what they extend or include exists and is named
   literally; every variable, case field (``incident.x``), plan.yaml setting
   (``plan.x``) and choice list (``label('x')``, ``choices.x``) they use exists;
4. documents: every document that an example case (the pack's ``examples/*.json``,
   else the defaults') calls for renders, passes the HTML subset check and
   becomes a .docx; the pack's reference.docx has every style the writer uses;
5. the plan traced: what the pack removed of the fields, choices, checklist items,
   documents and sections that docs/traceability.md relies on gives warnings
   (``PackReport.warnings``), not problems: a department may drop a duty on purpose;
   so do legal obligations the pack removes or loosens, obligations that can
   never apply or never be done with the pack's forms, and an example's ban not
   signed by the pack's director role.

Static checks see branches the example never takes; rendering sees what only
data shows. Both are needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..engine import REFERENCE_NAME, Engine
from ..errors import BeredskabError, PackError, Problem, TemplateError
from ..case.forms import Forms, load_forms, schema_error_parts
from cerberus import SchemaError  # after case.forms, which imports Cerberus (case/_validator)
from .loader import OUTSIDE_PACK, Pack, load_pack
from .yaml_files import read_yaml, yaml_line
from ._report import PackReport, _Collector
from ._templatecheck import check_templates
from .traceability import RenderedText, html_text, pack_warnings

#: "Now" for validating example cases: examples may be dated ahead, and the check is about the pack.
EXAMPLE_NOW = datetime(2999, 12, 31, 12, 0)

#: The folders of a pack that beredskab reads.
_PACK_FOLDERS = ("forms", "templates", "examples")


@dataclass(frozen=True)
class _OneForm(Pack):
    """The pack seen through one form, so each form is checked on its own."""

    only: str = ""

    def form_names(self) -> list[str]:
        return [self.only]


def check_pack(plan_dir: str | Path) -> PackReport:
    """Check the pack in ``plan_dir``; raise PackError with every problem, else return a report."""
    folder = Path(plan_dir)
    pack = load_pack(folder)
    report = PackReport(folder=folder)
    found = _Collector()
    _check_files(folder, found)
    if not found.problems:
        forms = _check_forms(pack, folder, found, report)
        if forms is not None:
            engine = Engine.from_pack(pack, forms)
            obligations = _check_obligations(engine, found)
            check_templates(engine, folder, found, report)
            if obligations:
                rendered = _check_documents(engine, folder, found, report)
                reference_warnings = _check_reference(pack, folder, found)
                report.warnings = (reference_warnings + engine.obligation_warnings()
                                   + pack_warnings(engine, rendered) + signatory_warnings(engine, report.examples))
    if found.problems:
        raise PackError(found.problems)
    return report


# -- 1. files ------------------------------------------------------------------------


def _check_files(folder: Path, found: _Collector) -> None:
    """No symlink leaves the pack; plan.yaml and every form file is valid YAML."""
    root = folder.resolve()
    parts = [folder / "plan.yaml", *(folder / sub for sub in _PACK_FOLDERS),
             *(p for sub in _PACK_FOLDERS if not (folder / sub).is_symlink() for p in sorted((folder / sub).rglob("*")))]
    for path in parts:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            found.add(OUTSIDE_PACK, file=str(path))
    for path in [folder / "plan.yaml", *sorted((folder / "forms").glob("*.yaml"))]:
        if path.is_file() and not path.is_symlink():
            try:
                read_yaml(path)
            except PackError as err:
                found.extend(err)
    if found.problems:
        return
    try:
        load_pack(folder).settings  # noqa: B018 - plan.yaml must be a mapping
    except PackError as err:
        found.extend(err)


# -- 2. forms ------------------------------------------------------------------------


def _check_forms(pack: Pack, folder: Path, found: _Collector, report: PackReport) -> Forms | None:
    """Each form on its own (so all broken ones are named), then all together."""
    before = len(found.problems)
    for name in pack.form_names():
        try:
            load_forms(_OneForm(pack.dirs, only=name))
        except BeredskabError as err:
            own = folder / "forms" / f"{name}.yaml"
            where = own if own.is_file() else pack.default_dir / "forms" / f"{name}.yaml"
            keys = _error_keys(err)
            line = _yaml_line(where, keys) if keys else None
            found.extend(err, file=str(where), line=line)
        else:
            report.forms.append(name)
    if len(found.problems) > before:
        return None
    try:
        return load_forms(pack)
    except BeredskabError as err:
        found.extend(err)
        return None


def _error_keys(err: BeredskabError) -> list[str]:
    """The YAML keys leading to what a FormError is about."""
    if isinstance(err.__cause__, SchemaError):
        return schema_error_parts(err.__cause__)
    path = next((p.path for p in err.problems if p.path), None)
    if not path:
        return []
    keys: list[str] = []
    for part in path.replace("[]", ".[]").split("."):
        if part == "[]":
            keys.append("schema")
        else:
            keys.extend(["schema", part] if keys else [part])
    return [*keys, "meta", "choices"] if "valglisten" in err.problems[0].reason else keys


def _yaml_line(path: Path, keys: list[str]) -> int | None:
    """The line of the deepest of ``keys`` found in the YAML file (1-based)."""
    return yaml_line(path, tuple(keys))[1]


def _check_obligations(engine: Engine, found: _Collector) -> bool:
    """The plan's obligations (plan.yaml checklist, due_dates, documents, safetynet) read and checked."""
    try:
        engine.obligations  # noqa: B018 - reading them checks them
    except BeredskabError as err:
        found.extend(err)
        return False
    return True


# -- 3. templates --------------------------------------------------------------------


def _examples(pack: Pack, folder: Path) -> list[Path]:
    own = sorted((folder / "examples").glob("*.json"))
    return own or sorted((pack.default_dir / "examples").glob("*.json"))


def signatory_warnings(engine: Engine, examples: list[Path]) -> list[str]:
    """A ban in an example case not signed by the pack's director role (plan.yaml ``roles.director``).

    The plan: a ban is signed by the director; a pack copied from another
    department easily keeps the other director's title. The title is not echoed.
    """
    director = str((engine.settings.get("roles") or {}).get("director") or "").strip()
    warnings = []
    for example in examples if director else ():
        try:
            ban = engine.load_case(example, now=EXAMPLE_NOW).section("ban")
        except BeredskabError:
            continue  # reported as a problem by the document check
        title = str(((ban or {}).get("director") or {}).get("title") or "")
        if ban and director.casefold() not in title.casefold():
            warnings.append(f"forbuddet i eksempelsagen {example.name} underskrives ikke af planens {director} "
                            "(plan.yaml roles.director): 'ban.director.title' nævner en anden titel")
    return warnings


def _check_documents(engine: Engine, folder: Path, found: _Collector, report: PackReport,
                     ) -> dict[str, list[RenderedText]]:
    """Render every document each example case calls for, all the way to .docx bytes.

    A document no example calls for is a problem: the pack needs an example that does.
    Returns the text of every rendered document, for the traceability warnings.
    """
    report.examples = _examples(engine.pack, folder)
    if not report.examples:
        found.add("planpakken har ingen eksempelsag (examples/*.json) at prøve dokumenterne med", file=str(folder))
        return {}
    rendered: dict[str, list[RenderedText]] = {}
    cases: list[tuple[Path, dict]] = []
    called_for: set[str] = set()
    failed: set[str] = set()
    for example in report.examples:
        try:
            case = engine.load_case(example, now=EXAMPLE_NOW)
            selected = engine.select(case)
            evaluation = engine.evaluate(case)
        except BeredskabError as err:
            found.extend(err, file=str(example))
            continue
        cases.append((example, case))
        called_for.update(engine.document_of(name) for name in selected)
        for document in selected:
            if document in failed:
                continue  # one report per broken template, not one per example
            html, error = _render(engine, case, document, evaluation)
            if error is None:
                report.rendered.add(document)
                rendered.setdefault(engine.document_of(document), []).append(html_text(html))
            else:
                failed.add(document)
                _report(found, engine, document, error, f"dokument {document}, eksempel {example.name}")
    for document in engine.documents():
        if document not in called_for and cases:
            # Rendering it with a case that does not call for it proves nothing (and fails
            # on the sections it needs); the pack needs an example that does.
            found.add(f"ingen eksempelsag kræver dokumentet '{document}'; tilføj en eksempelsag, der gør",
                      file=str(folder / "examples"))
    return rendered


def _render(engine: Engine, case: dict, document: str, evaluation) -> tuple[str, BeredskabError | None]:
    """Render ``document`` to HTML and on to .docx bytes; return the HTML, or the error instead of raising it."""
    try:
        html = engine.preview(case, document, today=date.today(), evaluation=evaluation)
        engine.docx_from_html(case, document, html)
    except BeredskabError as err:
        return "", err
    except Exception as err:  # noqa: BLE001 - python-docx on a broken reference.docx
        return "", PackError(f"dokumentet kunne ikke dannes ({type(err).__name__})")
    return html, None


def _report(found: _Collector, engine: Engine, document: str, err: BeredskabError, note: str) -> None:
    """Add a rendering problem, saying which document and example it came from."""
    for problem in err.problems:
        problem.reason += f" ({note})"
    name = engine.renderer.template_name(document)
    try:
        name = engine.renderer.env.loader.get_source(engine.renderer.env, name)[1]
    except Exception:  # noqa: BLE001 - a missing template: its name is all there is
        pass
    found.extend(err, file=name)


def _check_reference(pack: Pack, folder: Path, found: _Collector) -> list[str]:
    """The pack's own reference.docx holds every style the Word writer uses; return the
    ``Advarsel`` lines for what it brings that documents do not take."""
    path = folder / "templates" / REFERENCE_NAME
    if not path.is_file():
        return []
    from io import BytesIO

    from docx import Document

    from ..word.writer import STYLE_MAP, cleaned_reference

    try:
        data, warnings = cleaned_reference(path)
    except TemplateError as err:
        found.extend(err, file=str(path))
        return []
    try:
        names = {style.name for style in Document(BytesIO(data)).styles}
    except Exception:  # noqa: BLE001 - not a Word file at all
        found.add("kan ikke åbnes som et Word-dokument (.docx)", file=str(path))
        return []
    missing = sorted(set(STYLE_MAP.values()) - names)
    if missing:
        found.add(f"mangler typografierne {', '.join(repr(m) for m in missing)} (omdøb dem ikke i Word)",
                  file=str(path))
    return [f"Advarsel: {warning}" for warning in warnings]
