"""The engine: join plan, forms, rules, render, word and output into one run.

An :class:`Engine` is loaded once per process (forms prepared, templates
compiled, reference document found) and then renders any number of cases, so
batch runs pay the start-up cost once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from . import __version__

from .output import manifest

from .rules import evaluation as rules
from .errors import CaseError, EnvironmentFailure, PackError
from .case.forms import Forms, load_case, load_forms
from .output.files import document_path, write_all
from .output.pdf import convert as convert_pdf
from .pack.loader import Pack, load_pack
from .render.renderer import Renderer

#: Names a template sees besides the case sections (see Engine.context).
CONTEXT_NAMES = ("plan", "choices", "today", "rules", "doc")

#: The reference document (styles, letterhead) every document is built on.
REFERENCE_NAME = "reference.docx"


@dataclass
class Engine:
    """A plan pack ready to turn cases into documents."""

    pack: Pack
    forms: Forms
    renderer: Renderer

    @classmethod
    def load(cls, plan_dir: str | Path | None = None) -> "Engine":
        pack = load_pack(plan_dir)
        forms = load_forms(pack)
        return cls(pack=pack, forms=forms, renderer=Renderer(pack, forms))

    @property
    def settings(self) -> dict:
        return self.pack.settings

    def documents(self) -> dict[str, dict]:
        """Every document of the pack: name -> {title, description}."""
        return rules.documents(self.settings)

    def load_case(self, path: str | Path, overrides: Iterable[tuple[str, Any]] = (),
                  now: datetime | None = None) -> dict:
        """Read and validate a case file."""
        return load_case(path, self.forms, now=now, overrides=overrides)

    def select(self, case: dict, names: Iterable[str] = ()) -> list[str]:
        """The documents to make: those asked for by name, else every one that applies."""
        names = list(names)
        known = self.documents()
        for name in names:
            if name not in known:
                raise CaseError(f"dokumentet '{name}' findes ikke; mulige: {', '.join(known)}")
        return names or rules.applicable_documents(case, self.settings)

    def context_names(self) -> set[str]:
        """Every name a template sees (``plan check`` flags any other)."""
        return set(self.forms.sections) | set(CONTEXT_NAMES)

    def context(self, case: dict, document: str, today: date,
                evaluation: rules.Evaluation | None = None) -> dict:
        """What a template sees: the case sections, the plan's settings, the rules and the document.

        ``evaluation`` is the case's rules result, computed once per case by callers that
        render several documents.
        """
        meta = self.documents()[document]
        return {
            **{section: case.get(section) for section in self.forms.sections},
            "plan": self.settings,
            "choices": self.forms.choices,
            "today": today,
            "rules": evaluation or rules.evaluate(case, self.settings, today),
            "doc": {
                "name": document,
                "title": meta.get("title", document),
                "case_id": case["incident"]["case_id"],
                "date": today,
            },
        }

    def evaluate(self, case: dict, today: date | None = None) -> rules.Evaluation:
        """The plan's rules applied to ``case``: documents, deadlines, checklist (``beredskab check``)."""
        return rules.evaluate(case, self.settings, today or date.today())

    def render_html(self, case: dict, document: str, today: date | None = None,
                    evaluation: rules.Evaluation | None = None) -> str:
        """The HTML subset of one document (before it becomes Word)."""
        return self.renderer.render(document, self.context(case, document, today or date.today(), evaluation))

    def render_docx(self, case: dict, document: str, today: date | None = None,
                    evaluation: rules.Evaluation | None = None) -> bytes:
        """One document as .docx bytes."""
        html = self.render_html(case, document, today or date.today(), evaluation)
        return self.docx_from_html(case, document, html)

    def docx_from_html(self, case: dict, document: str, html: str) -> bytes:
        """The .docx of a document whose HTML is rendered already (``plan check`` reads both)."""
        from .word.writer import build_document  # python-docx is heavy; only commands that write need it

        reference = self.pack.find_asset(REFERENCE_NAME)
        if reference is None:
            raise PackError(f"planpakken mangler templates/{REFERENCE_NAME}")
        title = self.documents()[document].get("title", document)
        properties = {
            "title": f"{title} – {case['incident']['case_id']}",
            # The organisation, not a person: document metadata travels further than the text.
            "author": ", ".join(p for p in (self.settings.get("organisation"), self.settings.get("unit")) if p),
            "subject": title,
            "keywords": f"beredskab {__version__}",
            "created": datetime.now().replace(microsecond=0),
            "language": "da-DK",
        }
        return build_document(html, reference, resolve_asset=self.pack.find_asset, properties=properties)

    def generate(self, case: dict, out_dir: str | Path, names: Iterable[str] = (), force: bool = False,
                 today: date | None = None, pdf: bool = False) -> list[Path]:
        """Render the chosen documents of ``case`` (and PDF/A copies) and write them with the
        case's manifest, all or none; return the documents' paths.

        When the PDFs cannot be made (no LibreOffice), the Word documents are still
        written, and then the EnvironmentFailure is raised.
        """
        case_id = case["incident"]["case_id"]
        today = today or date.today()
        evaluation = self.evaluate(case, today)
        now = datetime.now().astimezone().replace(microsecond=0)
        reference = self.pack.find_asset(REFERENCE_NAME)
        reference_sha256 = manifest.sha256(reference.read_bytes()) if reference else None
        case_sha256 = manifest.case_hash(case)
        files: dict[Path, bytes] = {}
        entries: dict[str, dict] = {}
        for name in self.select(case, names):
            path = document_path(Path(out_dir), case_id, name)
            files[path] = self.render_docx(case, name, today, evaluation)
            template = manifest.template_record(self.renderer.template_name(name), self.renderer.sources(name))
            entries[path.name] = manifest.document_entry(
                name, files[path], template=template, reference_sha256=reference_sha256,
                forms=self.forms.versions, case_sha256=case_sha256, generated_at=now)
        failure = None
        if pdf:
            try:
                pdfs = convert_pdf({path.name: data for path, data in files.items()})
            except EnvironmentFailure as err:
                failure, pdfs = err, {}
            for path in list(files):
                pdf_path = path.with_suffix(".pdf")
                if pdf_path.name in pdfs:
                    files[pdf_path] = pdfs[pdf_path.name]
                    entries[pdf_path.name] = manifest.pdf_entry(entries[path.name], path.name, files[pdf_path], now)
        folder = Path(out_dir) / case_id
        manifest_path = folder / manifest.MANIFEST_NAME
        files[manifest_path] = manifest.merged(folder, case_id, entries, now)
        written = write_all(files, force=force, replace=[manifest_path])
        if failure is not None:
            for problem in failure.problems:  # tell the user what did happen, then what did not
                problem.reason += "; Word-dokumenterne er skrevet"
                problem.file = str(folder)
            raise failure
        return [path for path in written if path != manifest_path]
