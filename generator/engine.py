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

from . import __version__, rules
from .errors import CaseError, PackError
from .forms import Forms, load_case, load_forms
from .output import document_path, write_all
from .plan import Pack, load_pack
from .render import Renderer

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

    def context(self, case: dict, document: str, today: date) -> dict:
        """What a template sees: the case sections, the plan's settings and the document."""
        meta = self.documents()[document]
        return {
            **{section: case.get(section) for section in self.forms.sections},
            "plan": self.settings,
            "choices": self.forms.choices,
            "today": today,
            "rules": rules.evaluate(case, self.settings, today),
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

    def render_html(self, case: dict, document: str, today: date | None = None) -> str:
        """The HTML subset of one document (before it becomes Word)."""
        return self.renderer.render(document, self.context(case, document, today or date.today()))

    def render_docx(self, case: dict, document: str, today: date | None = None) -> bytes:
        """One document as .docx bytes."""
        from .word import build_document  # python-docx is heavy; only commands that write need it

        today = today or date.today()
        html = self.render_html(case, document, today)
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
                 today: date | None = None) -> list[Path]:
        """Render the chosen documents of ``case`` and write them all, or none."""
        case_id = case["incident"]["case_id"]
        files = {
            document_path(Path(out_dir), case_id, name): self.render_docx(case, name, today)
            for name in self.select(case, names)
        }
        return write_all(files, force=force)
