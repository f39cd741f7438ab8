"""The README's "Use as a library" section runs as written, and the public API keeps its promises."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import docx
import pytest

import beredskab
from beredskab import Case, CaseError, Engine

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, 0)


def readme_library_code() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Use as a library", 1)[1]
    [code] = re.findall(r"```python\n(.*?)```", section.split("\n### ", 1)[0], flags=re.S)
    return code


def test_library_readme_section_runs_and_prints_what_it_says(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(readme_library_code(), "README.md", "exec"), {})  # noqa: S102 - our own README
    printed = out.getvalue()
    assert printed.startswith("KME-2026-031\n")
    assert "incident_note True" in printed
    assert "visit_ban False" in printed
    assert "Nærmeste leder" in printed
    # the problems of an incomplete case name each field by path and Danish label
    assert re.search(r"^incident\.location \| [^|]+ \| .+$", printed, flags=re.M)


def test_library_public_names_are_all_importable():
    for name in beredskab.__all__:
        assert getattr(beredskab, name) is not None
    with pytest.raises(AttributeError):
        beredskab.no_such_name  # noqa: B018


def test_library_validate_returns_a_case_and_never_shows_its_data(engine, phone_threat_data):
    case = engine.validate(phone_threat_data, now=NOW)
    assert isinstance(case, Case)
    assert case.id == "KME-2026-031"
    assert case.section("ban") is None
    assert "Søndergaard" not in repr(case)


def test_library_validate_judges_the_future_at_now(engine, phone_threat_data):
    """"Not in the future" is judged at the ``now`` given, not the clock."""
    with pytest.raises(CaseError) as err:
        engine.validate(phone_threat_data, now=datetime(2026, 11, 1, 12, 0))
    assert any(p.path == "incident.occurred_at.start" for p in err.value.problems)


def test_library_case_error_carries_path_label_and_reason(engine):
    with pytest.raises(CaseError) as err:
        engine.validate({"incident": {"case_id": "KME-2026-031"}}, now=NOW)
    problem = next(p for p in err.value.problems if p.path == "incident.location")
    assert problem.label and problem.reason
    assert problem.format().startswith(f"Felt '{problem.label}' (incident.location):")


def test_library_render_gives_docx_bytes_and_writes_nothing(engine, phone_threat, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = engine.render(phone_threat, "incident_note", today=TODAY)
    assert list(tmp_path.iterdir()) == []
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Notat om hændelsen" in text


def test_library_render_of_an_unknown_document_is_a_danish_case_error(engine, phone_threat):
    with pytest.raises(CaseError, match="dokumentet 'nope' findes ikke"):
        engine.preview(phone_threat, "nope", today=TODAY)


def test_library_preview_is_the_html_subset_of_the_document(engine, phone_threat):
    html = engine.preview(phone_threat, "incident_note", today=TODAY)
    assert html.lstrip().startswith("<")
    assert "KME-2026-031" in html


def test_library_render_is_the_same_for_the_same_input(engine, phone_threat):
    """No implicit clock: given today and now, the bytes are reproducible."""
    one = engine.render(phone_threat, "incident_note", today=TODAY, now=NOW)
    two = engine.render(phone_threat, "incident_note", today=TODAY, now=NOW)
    assert one == two


def test_library_python_m_beredskab_prints_the_version():
    done = subprocess.run([sys.executable, "-m", "beredskab", "--version"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0
    assert done.stdout.strip() == f"beredskab {beredskab.__version__}"


def test_library_engine_of_another_pack(tmp_path):
    engine = Engine.load(ROOT / "examples" / "plans" / "jobcenter")
    assert "incident_note" in engine.documents()
