"""When things happened and were known: a day without a time, a period, known_at, and "now" for a run."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import CaseError

from .conftest import NOW, TODAY
from .test_documents import fields_table, open_docx


def row(document, label: str) -> str:
    """The value beside ``label`` in the document's first fields table that has it."""
    for table in document.tables:
        facts = fields_table(table)
        if label in facts:
            return facts[label]
    raise AssertionError(f"no row {label!r}")


def problems(engine, data, now=NOW) -> list[str]:
    with pytest.raises(CaseError) as info:
        engine.validate(data, now=now)
    return info.value.lines()


def test_a_time_field_takes_a_day_without_a_time(engine, phone_threat_data):
    phone_threat_data["incident"]["leader_notified"]["at"] = "2026-11-17"
    phone_threat_data["incident"]["debriefing_at"] = "18-11-2026"
    incident = engine.validate(phone_threat_data, now=NOW).data["incident"]
    assert incident["leader_notified"]["at"] == date(2026, 11, 17)
    assert not isinstance(incident["leader_notified"]["at"], datetime)
    assert incident["debriefing_at"] == date(2026, 11, 18)


def test_a_day_without_a_time_is_shown_without_an_invented_time(engine, phone_threat_data):
    phone_threat_data["incident"]["debriefing_at"] = "2026-11-18"
    case = engine.validate(phone_threat_data, now=NOW)
    note = open_docx(engine.render(case, "incident_note", today=TODAY))
    assert row(note, "Opfølgende samtale (debriefing)") == "18. november 2026"


def test_known_at_defaults_to_the_start(engine, phone_threat_data):
    incident = engine.validate(phone_threat_data, now=NOW).data["incident"]
    assert incident["known_at"] == datetime(2026, 11, 17, 10, 40)


def test_known_at_may_not_lie_before_the_start(engine, phone_threat_data):
    phone_threat_data["incident"]["known_at"] = "2026-11-16T09:00"
    assert problems(engine, phone_threat_data) == [
        "Felt 'Arbejdspladsen fik kendskab til hændelsen' (incident.known_at): ligger før 'Hændelsen skete (fra)'"]


def test_a_course_over_months_is_written_as_a_period_in_the_notes(engine, phone_threat_data):
    incident = phone_threat_data["incident"]
    incident["occurred_at"] = {"start": "2026-08-03", "end": "2026-10-30"}
    incident["known_at"] = "2026-11-02"
    case = engine.validate(phone_threat_data, now=NOW)
    note = open_docx(engine.render(case, "incident_note", today=TODAY))
    assert row(note, "Tidspunkt") == "Fra 3. august 2026 til 30. oktober 2026"
    assert row(note, "Arbejdspladsen fik kendskab") == "2. november 2026"
    personnel = open_docx(engine.render(case, "personnel_file_note_1", today=TODAY))
    account = next(p.text for p in personnel.paragraphs if p.text.startswith("I perioden"))
    assert account.startswith("I perioden fra 3. august 2026 til 30. oktober 2026 blev Mette Søndergaard udsat for")


def test_not_in_the_future_names_the_day_it_compared_with(engine, phone_threat_data):
    phone_threat_data["incident"]["note_date"] = "2026-11-27"
    assert problems(engine, phone_threat_data, now=datetime(2026, 11, 26, 12, 0)) == [
        "Felt 'Notatets dato' (incident.note_date): ligger i fremtiden (i dag er 26. november 2026)"]


def test_validate_with_today_judges_the_future_by_that_day(runner, write_case, phone_threat_data):
    phone_threat_data["incident"]["note_date"] = "2026-11-20"
    path = write_case(phone_threat_data)
    refused = runner.invoke(cli, ["validate", str(path), "--today", "2026-11-19"])
    assert refused.exit_code == 2
    assert "ligger i fremtiden (i dag er 19. november 2026)" in refused.output
    accepted = runner.invoke(cli, ["validate", str(path), "--today", "2026-11-20"])
    assert accepted.exit_code == 0, accepted.output


@pytest.mark.parametrize("command", ["check", "generate"])
def test_check_and_generate_judge_the_future_by_today_too(runner, write_case, phone_threat_data, tmp_path, command):
    path = write_case(phone_threat_data)
    extra = ["--out", str(tmp_path / "out")] if command == "generate" else []
    result = runner.invoke(cli, [command, str(path), "--today", "2026-11-17", *extra])
    assert result.exit_code == 2
    assert "ligger i fremtiden (i dag er 17. november 2026)" in result.output
