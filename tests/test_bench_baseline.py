"""The benchmark's docxtpl baseline keeps up with the case format.

``bench/run.py`` needs docxtpl (a bench-only extra), but the baseline's context is built from a
validated case with beredskab's own filters; when the case format changes (injuries moved to each
employee) the bench broke silently. This runs that part on every example.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from beredskab import Engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.joinpath("examples").glob("*.json"))


@pytest.fixture(scope="module")
def docxtpl_note():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import docxtpl_note
        yield docxtpl_note
    finally:
        sys.path.remove(str(ROOT / "bench"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_bench_baseline_context_is_built_from_every_example(docxtpl_note, example):
    engine = Engine.load()
    case = engine.load_case(example)
    context = docxtpl_note.context(engine, case.data, date(2026, 12, 1))
    assert context["case_id"] == case.id
    names = [e["name"] for e in case.data["incident"]["affected_employees"]]
    # one block of three rows (physical, psychological, sick leave) per affected employee
    assert len(context["injuries"]) == 3 * len(names)
    assert {row["label"] for row in context["injuries"]} == {"Fysiske skader", "Psykiske reaktioner", "Sygefravær"}


def test_bench_baseline_template_is_built_on_the_reference(docxtpl_note, tmp_path):
    from docx import Document

    out = docxtpl_note.build_template(tmp_path / "note.docx")
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert "{{ title }}" in paragraphs
    assert "{%p for para in description %}" in paragraphs
