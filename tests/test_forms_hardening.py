"""Forms hardening: limits on every text, pasted text cleaned, Unicode kept exactly. Issue #7."""

from __future__ import annotations

import io

import docx
import pytest

from beredskab.case.forms import MAX_TEXT_CHARS
from beredskab.case.casefile import parse_case_json
from beredskab.pack.yaml_files import read_yaml

from .conftest import NOW, ROOT, TODAY


def string_fields(rules: dict, path: str):
    """(path, rules) of every string field in a form definition, list items included."""
    kind = rules.get("type")
    if kind == "string":
        yield path, rules
    inner = rules.get("schema")
    if kind == "dict" and isinstance(inner, dict):
        for name, child in inner.items():
            yield from string_fields(child, f"{path}.{name}")
    elif kind == "list" and isinstance(inner, dict):
        yield from string_fields(inner, f"{path}[]")


FORM_FILES = sorted((ROOT / "forms").glob("*.yaml"))


@pytest.mark.parametrize("form", FORM_FILES, ids=[f.stem for f in FORM_FILES])
def test_forms_every_free_text_field_sets_a_maxlength(form):
    (section, rules), = read_yaml(form).items()
    unlimited = [path for path, field in string_fields(rules, section)
                 if "maxlength" not in field and "choices" not in (field.get("meta") or {})]
    assert unlimited == []


def test_forms_a_text_field_without_maxlength_gets_the_safety_limit(tmp_path):
    from beredskab.case.forms import load_forms
    from beredskab.pack.loader import Pack

    (tmp_path / "forms").mkdir()
    (tmp_path / "plan.yaml").write_text("choices: {}\n", encoding="utf-8")
    (tmp_path / "forms" / "x.yaml").write_text("x:\n  type: dict\n  schema:\n    y: {type: string}\n", encoding="utf-8")
    assert load_forms(Pack((tmp_path,))).schema["x"]["schema"]["y"]["maxlength"] == MAX_TEXT_CHARS


def test_parse_case_json_keeps_line_breaks_and_tabs_pasted_into_a_text():
    assert parse_case_json('{"a": "linje 1\nlinje\t2"}'.encode("utf-8")) == {"a": "linje 1\nlinje\t2"}


#: Text as people paste it, and what the document must show.
UNICODE = {
    "danish": ("Søren Ærø-Åsted", "Søren Ærø-Åsted"),
    "emoji": ("Pia 😀👍🏽 (kollega)", "Pia 😀👍🏽 (kollega)"),
    "right-to-left": ("יעל כהן / مريم", "יעל כהן / مريم"),
    "combining-marks": ("Zoe\u0308 Rene\u0301", "Zoe\u0308 Rene\u0301"),
    "no-break-space": ("Jens\u00a0Hansen", "Jens\u00a0Hansen"),
    "markup-and-template-code": ("<b>Bo</b> & {{ plan }} {% if %}", "<b>Bo</b> & {{ plan }} {% if %}"),
    "control-characters": ("Lis\x00e\x0b Ha\x0cnsen\x1f", "Lise Hansen"),
    "windows-line-breaks": ("  Kim\r\nLarsen  ", "Kim Larsen"),
}


@pytest.mark.parametrize("raw, shown", UNICODE.values(), ids=list(UNICODE))
def test_generated_document_keeps_every_kind_of_unicode_exactly(engine, phone_threat_data, raw, shown):
    phone_threat_data["incident"]["affected_employees"][0]["name"] = raw
    case = engine.validate(phone_threat_data, now=NOW)
    document = docx.Document(io.BytesIO(engine.render(case, "incident_note", TODAY)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(cell.startswith(f"{shown}, Byggesagsbehandler") for cell in cells)
