"""The engine: the public library API that joins pack, case, rules, render, word and output.

An :class:`Engine` is loaded once per process (forms prepared, templates
compiled, reference document found) and then serves any number of cases, so
batch runs and the web server pay the start-up cost once. Every front end (the
CLI, batch, the pack checker, the case register, the web form) goes through it:
data in, bytes out; nothing here prints, exits, or reads the clock where a
``now``/``today`` argument is given.
"""

from __future__ import annotations

import tempfile
from functools import cached_property, partial
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .version import __version__
from .case.fields import parse_assignments, sections_of, skeleton
from .case.model import Case, with_overrides
from .case.forms import Forms, load_forms
from .case.casefile import parse_case_json, read_case_file
from .case.json_schema import case_schema
from .errors import CaseError, EnvironmentFailure, PackError, Problem
from .output import manifest
from .output.files import document_path, write_all
from .output.lock import case_folder_lock
from .pack.loader import Pack, load_pack
from .render.renderer import Renderer
from .rules import documents as document_rules, evaluation as rules, legal, reach
from .rules.checklist import Item
from .rules.documents import DocumentAdvice
from .rules.evaluation import Evaluation
from .rules.obligations import Obligations, load as load_obligations

if TYPE_CHECKING:  # imported where used: the default pack and runs without --pdf never need them
    from ._isolation import WorkerPool
    from .output.group import GroupCommit

#: Names a template sees besides the case sections (see Engine.context).
CONTEXT_NAMES = ("plan", "choices", "today", "rules", "doc", "employee")

#: The reference document (styles, letterhead) every document is built on.
REFERENCE_NAME = "reference.docx"


class Engine:
    """A plan pack ready to turn cases into documents.

    (A plain class, not a dataclass: defining a dataclass costs ~0.5 ms of every start.)
    """

    def __init__(self, pack: Pack, forms: Forms, renderer: Renderer, workers: WorkerPool | None = None):
        self.pack = pack
        self.forms = forms
        self.renderer = renderer
        #: Worker processes that render this pack's documents: set for a pack other than the
        #: bundled default, whose templates are untrusted (see ``_isolation``); None renders here.
        self.workers = workers
        #: Document -> (its template sources, their manifest record), per process: see template_record.
        self._template_records: dict[str, tuple[dict[str, str], dict]] = {}

    def __repr__(self) -> str:
        return f"Engine({self.pack!r})"

    @classmethod
    def load(cls, plan_dir: str | Path | None = None, workers: int = 1) -> "Engine":
        """The engine of the pack in ``plan_dir`` (None: the default pack).

        :param workers: most worker processes rendering an untrusted pack's documents at
            once (a threaded web server may want more than one; they start on first use).
        """
        engine = cls.from_pack(load_pack(plan_dir), workers=workers)
        engine.obligations  # noqa: B018 - read and checked once per pack load, not per case
        return engine

    @classmethod
    def from_pack(cls, pack: Pack, forms: Forms | None = None, workers: int = 1) -> "Engine":
        """The engine of a loaded pack (``plan check`` passes forms it has checked one by one)."""
        engine = cls._in_process(pack, forms)
        if not pack.trusted:
            from ._isolation import WorkerPool  # multiprocessing: only for an untrusted pack

            engine.workers = WorkerPool(partial(cls._in_process, pack), size=workers)
        return engine

    @classmethod
    def _in_process(cls, pack: Pack, forms: Forms | None = None) -> "Engine":
        """An engine rendering in this process (the default pack; and inside a worker)."""
        forms = forms if forms is not None else load_forms(pack)
        return cls(pack=pack, forms=forms, renderer=Renderer(pack, forms))  # obligations: on first use

    @property
    def settings(self) -> dict:
        return self.pack.settings

    @cached_property
    def obligations(self) -> Obligations:
        """The plan's obligations (plan.yaml checklist, due_dates, documents, safetynet), checked."""
        return load_obligations(self.settings, self.forms.schema, self.pack.locate)

    def obligation_warnings(self) -> list[str]:
        """``Advarsel:`` lines for ``plan check``: legal obligations of the default plan that this
        pack removes or loosens, and obligations that can never apply or be done with its forms."""
        default = self if self.pack.dirs == (self.pack.default_dir,) else Engine.load(self.pack.default_dir)
        return legal.warnings(default.obligations, self.obligations) + reach.warnings(self.obligations)

    def documents(self) -> dict[str, dict]:
        """Every document of the pack: name -> {title, description, per_employee}."""
        return {name: {"title": rule.title, "description": rule.description, "per_employee": rule.per_employee}
                for name, rule in self.obligations.documents.items()}

    # -- case data in --------------------------------------------------------------------

    def validate(self, data: dict, now: datetime | None = None) -> Case:
        """Clean, normalise and validate case data; raise CaseError with every problem.

        Each :class:`~beredskab.errors.Problem` carries the field path, its Danish label
        and the Danish reason, so a form can show it next to its field. ``now`` is the
        moment "not in the future" is judged at (default: the clock).
        """
        return Case(self.forms.validate(data, now=now))

    def load_case(self, path: str | Path, overrides: Iterable[tuple[str, Any]] = (),
                  now: datetime | None = None) -> Case:
        """Read a case file, apply ``overrides`` (path, value) and validate; errors name the file."""
        data = read_case_file(path)
        try:
            return self.validate(with_overrides(data, overrides), now=now)
        except CaseError as err:
            raise err.with_file(str(path))

    def parse_case(self, raw: bytes, name: str = "<input>", now: datetime | None = None) -> Case:
        """Parse the bytes of a case (JSON, a BOM allowed) and validate them."""
        return self.validate(parse_case_json(raw, name), now=now)

    def assignments(self, texts: Iterable[str]) -> list[tuple[str, Any]]:
        """``--set PATH=VALUE`` texts as (path, value), each value read by its field's type."""
        return parse_assignments(self.forms, texts)

    def skeleton(self, form: str) -> dict:
        """An empty case of one form (or ``case``: the sections every case has), ready to fill in."""
        return skeleton(self.forms, sections_of(self.forms, form), optional_sections=form != "case")

    def json_schema(self, form: str) -> dict:
        """The JSON Schema of one form (or ``case``), for editors."""
        return case_schema(self.forms, sections_of(self.forms, form))

    # -- what the plan asks ----------------------------------------------------------------

    def evaluate(self, case: Case, today: date | None = None) -> Evaluation:
        """The plan's rules applied to ``case`` on ``today``: documents, deadlines, checklist."""
        return rules.evaluate(self.obligations, case.data, today or date.today())

    def applicable(self, case: Case, today: date | None = None) -> list[DocumentAdvice]:
        """Every document of the pack: whether it applies to ``case``, and the Danish reason."""
        return self.evaluate(case, today).documents

    def checklist(self, case: Case, today: date | None = None) -> list[Item]:
        """The dated checklist of the plan's obligations in ``case`` (what, who, due, status)."""
        return self.evaluate(case, today).checklist

    def check_lines(self, case: Case, today: date | None = None) -> list[str]:
        """The action plan as Danish text lines (``beredskab check``)."""
        return rules.check_lines(self.evaluate(case, today), case.id)

    def select(self, case: Case, names: Iterable[str] = (), today: date | None = None,
               evaluation: Evaluation | None = None) -> list[str]:
        """The documents to make: those asked for by name, else every one that applies.

        A document made once per affected employee (``per_employee: true`` in plan.yaml)
        is one name per employee, ``<document>_<n>`` (n from 1); its plain name asks for all.
        ``evaluation`` is the case's rules result when the caller has it already.
        """
        asked = list(names)
        advice = (evaluation or self.evaluate(case, today)).documents if not asked else []
        names = asked or [item.name for item in advice if item.applies]
        chosen: list[str] = []
        for name in names:
            for instance in self.instances(case, name):
                self._target(case, instance)  # an unknown name or number is a Danish error
                if instance not in chosen:
                    chosen.append(instance)
        self._needs(case, [self.document_of(name) for name in asked])
        return chosen

    def instances(self, case: Case, document: str) -> list[str]:
        """The names ``document`` is made under: itself, or ``<document>_<n>`` per affected employee."""
        return document_rules.instances(self.obligations.documents, case.data, document)

    def document_of(self, name: str) -> str:
        """The document behind a name: the name itself, or ``<document>`` of ``<document>_<n>``."""
        return document_rules.document_of(self.obligations.documents, name)

    def _target(self, case: Case, name: str) -> tuple[str, dict | None]:
        """The document behind a name and, for a per-employee one, the employee (``rules.documents``)."""
        return document_rules.target(self.obligations.documents, case.data, name)

    def _needs(self, case: Case, names: list[str]) -> None:
        """Refuse a document asked for by name whose case lacks a section it needs (plan.yaml ``needs``)."""
        problems = []
        for name in names:
            for section in self.obligations.documents[name].needs:
                if not case.section(section):
                    problems.append(f"sagen har ingen '{self.forms.title(section)}' ({section}), som dokumentet "
                                    f"'{name}' bygger på; udfyld den med 'beredskab fill {section} -o SAG.json'")
        if problems:
            raise CaseError([Problem(reason) for reason in problems])

    # -- documents out ---------------------------------------------------------------------

    def context_names(self) -> set[str]:
        """Every name a template sees (``plan check`` flags any other)."""
        return set(self.forms.sections) | set(CONTEXT_NAMES)

    def context(self, case: Case, document: str, today: date,
                evaluation: Evaluation | None = None) -> dict:
        """What a template sees: the case sections, the plan's settings, the rules and the document.

        ``evaluation`` is the case's rules result, computed once per case by callers that
        render several documents.
        """
        base, employee = self._target(case, document)
        return {
            **{section: case.section(section) for section in self.forms.sections},
            "plan": self.settings,
            "choices": self.forms.choices,
            "today": today,
            "rules": evaluation or self.evaluate(case, today),
            "employee": employee,
            "doc": {
                "name": document,
                "title": self.obligations.documents[base].title,
                "case_id": case.id,
                "date": today,
            },
        }

    def preview(self, case: Case, document: str, today: date | None = None,
                evaluation: Evaluation | None = None) -> str:
        """One document as the HTML subset it is rendered to (a browser preview; before Word)."""
        base, _ = self._target(case, document)
        today = today or date.today()
        if self.workers is not None:  # untrusted: rendered where the OS bounds time and memory
            return self.workers.call("preview", case, document, today)
        return self.renderer.render(base, self.context(case, document, today, evaluation))

    def render(self, case: Case, document: str, today: date | None = None,
               evaluation: Evaluation | None = None, now: datetime | None = None) -> bytes:
        """One document as .docx bytes; no file is written."""
        if self.workers is not None:
            self._target(case, document)  # an unknown name is a Danish error here, not in the worker
            return self.workers.call("render", case, document, today or date.today(), None, now)
        html = self.preview(case, document, today, evaluation)
        return self.docx_from_html(case, document, html, now=now)

    def docx_from_html(self, case: Case, document: str, html: str, now: datetime | None = None) -> bytes:
        """The .docx of a document whose HTML is rendered already (``plan check`` reads both)."""
        if self.workers is not None:
            return self.workers.call("docx_from_html", case, document, html, now)
        base, _ = self._target(case, document)
        title = self.obligations.documents[base].title
        return self._docx(html, f"{title} – {case.id}", title, self.pack.find_asset, now)

    def reports(self) -> dict[str, dict]:
        """The pack's documents made from the case register as a whole, not from one case
        (plan.yaml ``reports``, e.g. ``annual_review``): name -> {title, description}."""
        reports = self.settings.get("reports")
        return reports if isinstance(reports, dict) else {}

    def render_report(self, name: str, report: dict, today: date | None = None,
                      pictures: dict[str, bytes] | None = None, now: datetime | None = None) -> bytes:
        """A report of plan.yaml ``reports`` as .docx bytes.

        Its template sees ``plan``, ``choices``, ``today``, ``doc`` (name, title, date) and
        ``report`` (the figures the caller gives); ``pictures`` (file name -> PNG bytes, e.g. a
        chart) are what an ``<img class="chart" src="name">`` in it shows.
        """
        meta = self.reports().get(name)
        if not isinstance(meta, dict):
            raise CaseError(f"rapporten '{name}' findes ikke; mulige: {', '.join(self.reports()) or 'ingen'}")
        today = today or date.today()
        if self.workers is not None:
            return self.workers.call("render_report", name, report, today, pictures, now)
        title = meta.get("title", name)
        context = {"plan": self.settings, "choices": self.forms.choices, "today": today, "report": report,
                   "doc": {"name": name, "title": title, "case_id": None, "date": today}}
        html = self.renderer.render(name, context)
        pictures = pictures or {}
        with tempfile.TemporaryDirectory(prefix="beredskab-") as folder:  # 0700, removed afterwards
            for file_name, data in pictures.items():
                (Path(folder) / Path(file_name).name).write_bytes(data)

            def resolve(src: str) -> Path | None:
                return Path(folder) / src if src in pictures else self.pack.find_asset(src)

            return self._docx(html, title, title, resolve, now)

    def _docx(self, html: str, title: str, subject: str, resolve_asset, now: datetime | None) -> bytes:
        """HTML subset -> .docx on the pack's reference document, with the document properties."""
        from .word.writer import build_document  # the writer and its reference: only commands that write need them

        reference = self.pack.find_asset(REFERENCE_NAME)
        if reference is None:
            raise PackError(f"planpakken mangler templates/{REFERENCE_NAME}")
        properties = {
            "title": title,
            # The organisation, not a person: document metadata travels further than the text.
            "author": ", ".join(p for p in (self.settings.get("organisation"), self.settings.get("unit")) if p),
            "subject": subject,
            "keywords": f"beredskab {__version__}",
            "created": (now or datetime.now()).replace(microsecond=0, tzinfo=None),
            "language": "da-DK",
        }
        return build_document(html, reference, resolve_asset=resolve_asset, properties=properties)

    def write(self, case: Case, out_dir: str | Path, names: Iterable[str] = (), force: bool = False,
              today: date | None = None, pdf: bool = False, now: datetime | None = None,
              group: GroupCommit | None = None) -> list[Path]:
        """Render the chosen documents of ``case`` (and PDF/A copies) and write them with the
        case's manifest into ``out_dir/<case id>/``, all or none; return the documents' paths.

        With ``group`` (``output/group.py``, a batch's chunk) the files are staged in it
        and written by its ``commit()``, which says whether they were; without ``pdf`` only.

        When the PDFs cannot be made (no LibreOffice), the Word documents are still
        written, and then the EnvironmentFailure is raised. With ``pdf`` and without
        ``force``, a document that lies there as generated (manifest) but has no PDF
        yet is kept, and its PDF is made from it.
        """
        today = today or date.today()
        now = now or datetime.now().astimezone()
        now = now.replace(microsecond=0)
        evaluation = self.evaluate(case, today)
        reference = self.pack.find_asset(REFERENCE_NAME)
        reference_sha256 = manifest.file_sha256(reference) if reference else None
        case_sha256 = manifest.case_hash(case.data)
        files: dict[Path, bytes] = {}
        entries: dict[str, dict] = {}
        folder = Path(out_dir) / case.id
        selected = {name: document_path(Path(out_dir), case.id, name)
                    for name in self.select(case, names, today, evaluation)}
        kept = {} if force or not pdf else manifest.unchanged(
            folder, [p.name for p in selected.values() if not p.with_suffix(".pdf").exists()])
        sources = {name: data for name, (data, _) in kept.items()}
        for name, path in selected.items():
            if path.name in kept:
                entries[path.name] = kept[path.name][1]
                continue
            files[path] = sources[path.name] = self.render(case, name, today, evaluation, now=now)
            entries[path.name] = manifest.document_entry(
                name, files[path], template=self.template_record(self._target(case, name)[0]),
                reference_sha256=reference_sha256,
                forms=self.forms.versions, case_sha256=case_sha256, generated_at=now)
        failure = None
        if pdf:
            from .output.pdf import convert as convert_pdf

            try:
                pdfs = convert_pdf(sources)
            except EnvironmentFailure as err:
                failure, pdfs = err, {}
            for path in selected.values():
                pdf_path = path.with_suffix(".pdf")
                if pdf_path.name in pdfs:
                    files[pdf_path] = pdfs[pdf_path.name]
                    entries[pdf_path.name] = manifest.pdf_entry(entries[path.name], path.name, files[pdf_path], now)
        manifest_path = folder / manifest.MANIFEST_NAME

        def with_manifest() -> dict[Path, bytes]:  # under the folder's lock: the manifest read is the one replaced
            files[manifest_path] = manifest.merged(folder, case.id, entries, now)
            return files

        if group is not None and not pdf:
            return group.stage(folder, with_manifest, force=force, replace=[manifest_path])
        with case_folder_lock(folder):  # one run at a time
            written = write_all(with_manifest(), force=force, replace=[manifest_path])
        if failure is not None:
            for problem in failure.problems:  # tell the user what did happen, then what did not
                problem.reason += "; Word-dokumenterne er skrevet"
                problem.file = str(folder)
            raise failure
        return [path for path in written if path != manifest_path]

    def missing(self, case: Case, out_dir: str | Path, names: Iterable[str] = (), today: date | None = None,
                pdf: bool = False) -> list[str]:
        """The chosen documents of ``case`` not yet in ``out_dir`` (or without their PDF when ``pdf``):
        what a resumed ``batch --skip-existing`` still has to make."""
        chosen = {name: document_path(Path(out_dir), case.id, name) for name in self.select(case, names, today)}
        return [name for name, path in chosen.items()
                if not path.exists() or (pdf and not path.with_suffix(".pdf").exists())]

    def template_record(self, document: str) -> dict:
        """The template of ``document`` and every template it extends, with their hashes (for audits).

        Hashed again only when a source changed (``Renderer.sources`` reads a file again
        when it changed on disk), not for every case of a batch.
        """
        sources = self.renderer.sources(document)
        known = self._template_records.get(document)
        if known is None or known[0] != sources:
            known = (sources, manifest.template_record(self.renderer.template_name(document), sources))
            self._template_records[document] = known
        record = known[1]
        return {**record, "sources": dict(record["sources"])}
