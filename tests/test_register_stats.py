"""``stats``: the annual review's counts over the register, and the chart as a real PNG/SVG."""

from __future__ import annotations

import json
import struct
from datetime import date

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import CaseError, RegisterError
from beredskab.register import close_case, save
from beredskab.register.chart import draw
from beredskab.register.stats import period, stats

from .conftest import EXAMPLES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def examples_saved(register, example_data):
    for name in ("phone_threat", "counter_violence", "harassment_ban"):
        save(register, example_data(name))
    return register


def _counts(result, table: str) -> dict[str, int]:
    return {row.key: row.count for row in result.tables[table] if row.count}


def test_stats_count_the_examples_by_every_dimension(examples_saved, example_data):
    result = stats(examples_saved, date(2026, 1, 1), date(2026, 12, 31))
    data = [example_data(n)["incident"] for n in ("phone_threat", "counter_violence", "harassment_ban")]
    assert result.cases == 3 and result.drafts == 0
    expected_types: dict[str, int] = {}
    for incident in data:
        for kind in incident["incident_types"]:
            expected_types[kind] = expected_types.get(kind, 0) + 1
    assert _counts(result, "incident_type") == expected_types
    assert _counts(result, "channel") == {"personal": 2, "phone": 1}
    assert _counts(result, "perpetrator_kind") == {"citizen": 3}
    assert sum(_counts(result, "month").values()) == 3
    assert result.sick_leave_cases == 1 and result.sick_leave_days == 8
    assert result.police_reports == sum(1 for i in data if i["police"]["reported"])
    assert [row.label for row in result.tables["channel"]][:2] == ["Personlig kontakt", "Telefon"]
    assert [row.key for row in result.tables["month"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert result.tables["month"][10].label == "november 2026"


def test_stats_period_closed_cases_count_and_drafts_apart(examples_saved, example_data):
    close_case(examples_saved, "KME-2026-038")
    november = stats(examples_saved, date(2026, 11, 1), date(2026, 11, 30))
    assert november.cases == 2  # the phone threat and the counter violence (closed) in November
    draft = example_data("phone_threat")
    draft["incident"]["case_id"] = "KME-2026-040"
    del draft["incident"]["description"]
    save(examples_saved, draft, draft=True)
    again = stats(examples_saved, date(2026, 11, 1), date(2026, 11, 30))
    assert (again.cases, again.drafts) == (2, 1)
    assert stats(examples_saved, date(2025, 1, 1), date(2025, 12, 31)).cases == 0


def test_stats_count_a_case_once_per_unit(register, example_data):
    data = example_data("counter_violence")
    no_leave = {"has_leave": False}
    data["incident"]["affected_employees"] = [
        {"name": "A", "job_title": "B", "unit": "Borgerservice", "sick_leave": no_leave},
        {"name": "C", "job_title": "D", "unit": "Borgerservice", "sick_leave": no_leave},
        {"name": "E", "job_title": "F", "sick_leave": no_leave}]
    save(register, data)
    result = stats(register, date(2026, 1, 1), date(2026, 12, 31))
    assert _counts(result, "unit") == {"Borgerservice": 1}
    data["incident"]["affected_employees"] = [{"name": "E", "job_title": "F", "sick_leave": no_leave}]
    save(register, data)
    assert _counts(stats(register, date(2026, 1, 1), date(2026, 12, 31)), "unit") == {"(ikke oplyst)": 1}


@pytest.mark.parametrize("args, message", [
    ((2026, date(2026, 1, 1), date(2026, 2, 1)), "ikke begge"),
    ((None, date(2026, 1, 1), None), "skal angives sammen"),
    ((None, date(2026, 3, 1), date(2026, 2, 1)), "ligger før"),
], ids=["year-and-dates", "from-without-to", "backwards"])
def test_stats_period_refuses_what_cannot_be_a_period(args, message):
    with pytest.raises(RegisterError, match=message):
        period(*args)


def test_stats_period_defaults_to_this_year():
    assert period(today=date(2027, 5, 4)) == (date(2027, 1, 1), date(2027, 12, 31))


def test_chart_is_a_real_png_and_svg(examples_saved):
    result = stats(examples_saved, date(2026, 1, 1), date(2026, 12, 31))
    png = draw(result, "png")
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (1500, 1125) and len(png) > 20_000
    svg = draw(result, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")


def test_cli_stats_with_chart_on_the_examples(runner, db_path, tmp_path):
    db = ["--db", str(db_path)]
    runner.invoke(cli, ["cases", "import", *sorted(str(p) for p in EXAMPLES.glob("*.json")), *db])
    chart = tmp_path / "vold-2026.png"
    result = runner.invoke(cli, ["stats", "--year", "2026", "--chart", str(chart), *db])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == ["Årsopgørelse 1. januar 2026 – 31. december 2026", "", "Hændelser: 3",
                         "Med sygefravær: 1 (8 fraværsdage)", "Politianmeldt: 1"]
    assert "  Personlig kontakt      2" in lines
    assert lines[-1] == f"Skrevet: {chart}"
    data = chart.read_bytes()
    assert data[:8] == PNG_SIGNATURE and chart.stat().st_size > 20_000
    as_json = runner.invoke(cli, ["stats", "--from", "2026-11-01", "--to", "2026-11-30", "--json", *db])
    assert json.loads(as_json.stdout)["cases"] == 2


def test_cli_stats_refuses_another_chart_format(runner, db_path, tmp_path):
    result = runner.invoke(cli, ["stats", "--chart", str(tmp_path / "x.pdf"), "--db", str(db_path)])
    assert result.exit_code == 2
    assert result.stderr == "Fejl: diagrammet (--chart) kan gemmes som .png eller .svg, ikke '.pdf'\n"
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(CaseError):
        from beredskab.register.chart import chart_format
        chart_format(".gif")


def test_stats_count_sick_leave_of_every_employee_once_per_case(register, example_data):
    """Issue 15: sick leave is per employee; a case counts once, with the days of all its employees."""
    data = example_data("counter_violence")
    data["incident"]["affected_employees"].append({
        "name": "Karin Holt", "job_title": "Kontorfuldmægtig", "sick_leave": {"has_leave": True,
                                                                             "first_day": "2026-11-05", "days": 2}})
    save(register, data)
    result = stats(register, date(2026, 1, 1), date(2026, 12, 31))
    assert (result.sick_leave_cases, result.sick_leave_days) == (1, 10), "one case, the days of both employees"
