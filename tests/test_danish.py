"""The Danish a reader sees: lists in running text, one word per status, hyphenation, tables kept whole."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, TODAY
from .test_documents import fields_table, open_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATES = sorted((ROOT / "templates").glob("*.html.j2"))


def test_choice_labels_in_running_text_are_lower_case_after_the_first_and_joined_with_og(engine, example):
    note = open_docx(engine.render(example("harassment_ban"), "incident_note", today=TODAY))
    facts = fields_table(note.tables[0])
    assert facts["Type af hændelse"] == "Seksuel chikane og psykisk vold"
    personnel = open_docx(engine.render(example("harassment_ban"), "personnel_file_note_1", today=TODAY))
    text = "\n".join(p.text for p in personnel.paragraphs)
    assert "blev Camilla Frost udsat for seksuel chikane og psykisk vold fra en borger" in text


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_templates_use_one_word_for_not_stated_and_one_for_overdue(template):
    source = template.read_text(encoding="utf-8")
    for variant in ("Ingen oplyst", "Ingen skade oplyst", "Ikke angivet", "Fristen udløb", "Fristen er udløbet"):
        assert variant not in source, variant
    assert not re.search(r"\| join\(', '\)", source), "choice labels in text are joined with 'og' (m.choices)"


def test_checklist_uses_one_word_for_overdue(engine, example):
    statuses = {item.status for item in engine.checklist(example("phone_threat"), today=TODAY) if item.overdue}
    assert statuses == {"Overskredet"}


@pytest.mark.parametrize("reference", [ROOT / "templates" / "reference.docx",
                                       ROOT / "examples" / "plans" / "jobcenter" / "templates" / "reference.docx"],
                         ids=["default", "jobcenter"])
def test_reference_documents_hyphenate_automatically(reference: Path):
    settings = zipfile.ZipFile(reference).read("word/settings.xml").decode("utf-8")
    assert '<w:autoHyphenation w:val="true"/>' in settings
    order = [settings.index(tag) for tag in ("<w:defaultTabStop", "<w:autoHyphenation", "<w:hyphenationZone")]
    assert order == sorted(order), "CT_Settings order: defaultTabStop, autoHyphenation, hyphenationZone"


def test_generated_documents_keep_the_hyphenation_setting(engine, example):
    data = engine.render(example("phone_threat"), "incident_note", today=TODAY)
    assert b'w:autoHyphenation w:val="true"' in zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml")


def _keeps(row) -> list[bool]:
    return [p._p.pPr is not None and p._p.pPr.find(f"{W}keepNext") is not None
            for cell in row.cells for p in cell.paragraphs]


def test_a_short_table_is_kept_on_one_page(engine, example):
    note = open_docx(engine.render(example("phone_threat"), "incident_note", today=TODAY))
    facts = note.tables[0]
    assert len(facts.rows) < 12
    for row in facts.rows[:-1]:
        assert all(_keeps(row)), "every row but the last keeps with the next"
    assert not any(_keeps(facts.rows[-1])), "the last row does not pull the text after the table along"


def test_a_long_table_never_leaves_its_first_or_last_row_alone(engine, example):
    checklist = open_docx(engine.render(example("harassment_ban"), "checklist", today=TODAY))
    tasks = checklist.tables[1]
    assert len(tasks.rows) > 12
    kept = [all(_keeps(row)) for row in tasks.rows]
    assert kept[0] and kept[-2] and not kept[-1]
    assert not all(kept[1:-2]), "a long table may break between its middle rows"


def test_a_signature_never_stands_alone_on_a_page(engine, example):
    note = open_docx(engine.render(example("counter_violence"), "personnel_file_note_1", today=TODAY))
    paragraphs = note.paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.style.name == "Beredskab Underskrift")
    before = paragraphs[first - 2]  # the text before the room to sign
    assert before.text.startswith("Aftalt omfang af psykologisk krisehjælp")
    assert before._p.pPr.find(f"{W}keepNext") is not None
