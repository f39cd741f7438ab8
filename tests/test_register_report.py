"""The annual review (årsopgørelse): a Word document with the register's figures and the chart, read back."""

from __future__ import annotations

import io
import stat
from datetime import date

import docx
import pytest
from docx.shared import Mm

from beredskab.cli.commands import cli
from beredskab.errors import CaseError
from beredskab.register import save
from beredskab.register.report import annual_review
from beredskab.register.stats import stats

from .conftest import EXAMPLES, TODAY


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_annual_review_has_the_figures_the_tables_and_the_chart(register, example_data):
    for name in ("phone_threat", "counter_violence", "harassment_ban"):
        save(register, example_data(name))
    result = stats(register, date(2026, 1, 1), date(2026, 12, 31))
    document = docx.Document(io.BytesIO(annual_review(register, result, TODAY)))
    texts = [p.text for p in document.paragraphs]
    assert "Årsopgørelse: vold og krænkende handlinger 1. januar 2026 – 31. december 2026" in texts
    assert document.paragraphs[texts.index(
        "Årsopgørelse: vold og krænkende handlinger 1. januar 2026 – 31. december 2026")].style.name.startswith("Heading")
    facts = _rows(document.tables[0])
    assert facts[:3] == [["Hændelser i alt", "3"], ["Med sygefravær", "1 (8 fraværsdage i alt)"],
                         ["Anmeldt til politiet", "1"]]
    by_title = {_rows(t)[0][0]: _rows(t)[1:] for t in document.tables[1:]}
    assert by_title["Kontaktform"][:2] == [["Personlig kontakt", "2"], ["Telefon", "1"]]
    assert ["november 2026", "2"] in by_title["Måned"]
    assert [row[0] for row in by_title["Hændelsestype"]] == [row.label for row in result.tables["incident_type"]]
    (chart,) = document.inline_shapes
    assert abs(chart.height - Mm(110)) < Mm(1) and chart.width > Mm(140)
    assert "Til drøftelse" in texts and document.core_properties.title == "Årsopgørelse"
    names = [e["name"] for e in example_data("counter_violence")["incident"]["affected_employees"]]
    full_text = "\n".join(texts + [c for t in document.tables for r in _rows(t) for c in r])
    assert not any(name in full_text for name in names)  # counts only, no person


def test_unknown_report_is_refused(engine):
    with pytest.raises(CaseError, match="rapporten 'nope' findes ikke; mulige: annual_review"):
        engine.render_report("nope", {})


def test_cli_stats_word_writes_the_annual_review(runner, db_path, tmp_path):
    db = ["--db", str(db_path)]
    runner.invoke(cli, ["cases", "import", *sorted(str(p) for p in EXAMPLES.glob("*.json")), *db])
    target = tmp_path / "aarsopgoerelse-2026.docx"
    result = runner.invoke(cli, ["stats", "--year", "2026", "--word", str(target), *db])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Skrevet: {target}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    document = docx.Document(str(target))
    assert _rows(document.tables[0])[0] == ["Hændelser i alt", "3"]
    assert len(document.inline_shapes) == 1
