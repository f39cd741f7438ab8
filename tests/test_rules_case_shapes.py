"""Deadlines by the shape of a case, as an HR consultant reads them (issue 15): sick leave, no
absence but possible compensation, a course over months, outside working hours, colleague bullying."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from beredskab.cli.commands import cli

from .conftest import NOW
from .test_documents import fields_table, open_docx


def items(engine, case, today) -> dict:
    return {item.id: item for item in engine.checklist(case, today=today)}


@pytest.fixture
def shape(engine, phone_threat_data):
    """The phone-threat example changed by ``change(incident)``, validated."""

    def make(change) -> object:
        change(phone_threat_data["incident"])
        return engine.validate(phone_threat_data, now=NOW)

    return make


# --- sick leave --------------------------------------------------------------------------------

def sick_leave(incident: dict) -> None:
    incident["affected_employees"][0]["sick_leave"] = {"has_leave": True, "first_day": "2026-11-18", "days": 3}


def test_sick_leave_has_the_plans_five_days_and_the_laws_fourteen_each_with_its_own_date(engine, shape):
    case = shape(sick_leave)
    found = items(engine, case, date(2026, 11, 26))
    plan, law = found["work_accident_report"], found["work_accident_legal_report"]
    assert plan.due == date(2026, 11, 22) and plan.overdue
    assert "planens frist 5 dage" in plan.what and plan.note == "Lovens frist: 2. december 2026."
    assert law.due == date(2026, 12, 2) and not law.overdue, "labelled with the 14-day rule: the legal date"
    assert "14 dage efter første fraværsdag (lovens frist)" in law.what
    assert law.note == "Planens frist: 22. november 2026."


def test_check_shows_both_dates_where_both_apply(runner, write_case, phone_threat_data):
    sick_leave(phone_threat_data["incident"])
    result = runner.invoke(cli, ["check", str(write_case(phone_threat_data)), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    law = lines.index("[ ] Arbejdsulykken anmeldes senest 14 dage efter første fraværsdag (lovens frist)")
    assert "Frist: 2. december 2026" in lines[law + 1] and lines[law + 2] == "    Planens frist: 22. november 2026."
    plan = next(i for i, line in enumerate(lines) if "(planens frist 5 dage)" in line)
    assert "Frist: 22. november 2026" in lines[plan + 1] and lines[plan + 2] == "    Lovens frist: 2. december 2026."


def test_the_legal_date_counts_from_the_earliest_first_day_of_absence(engine, phone_threat_data):
    sick_leave(phone_threat_data["incident"])
    phone_threat_data["incident"]["affected_employees"].append({
        "name": "Jens Østergaard", "job_title": "Byggesagsbehandler",
        "sick_leave": {"has_leave": True, "first_day": "2026-11-17"}})
    case = engine.validate(phone_threat_data, now=NOW)
    assert engine.evaluate(case, date(2026, 11, 26)).deadlines["work_accident_legal"].due == date(2026, 12, 1)


def test_the_ordinary_occupational_injury_registration_has_no_deadline_and_is_never_overdue(engine, shape):
    case = shape(sick_leave)
    registration = items(engine, case, date(2027, 11, 1))["safetynet_registration"]
    assert (registration.due, registration.due_text, registration.overdue) == (None, "Ingen frist i planen", False)
    assert "planens frist" not in registration.what
    assert registration.status == "Ikke udført"


def test_without_sick_leave_there_is_no_plan_deadline_at_all(engine, example):
    evaluation = engine.evaluate(example("phone_threat"), date(2026, 11, 26))
    assert "safetynet_internal" not in evaluation.deadlines
    assert not {"work_accident_report", "work_accident_legal_report"} & {i.id for i in evaluation.checklist}


# --- no absence, but possibly compensation ------------------------------------------------------

def benefits(incident: dict) -> None:
    incident["affected_employees"][0]["compensation_possible"] = True


def test_no_absence_with_possible_compensation_is_reported_within_14_days_of_the_accident(engine, shape):
    case = shape(benefits)
    evaluation = engine.evaluate(case, date(2026, 11, 26))
    deadline = evaluation.deadlines["work_accident_no_absence_legal"]
    assert deadline.due == date(2026, 12, 1)
    assert deadline.basis == "14 dage efter ulykkesdagen den 17. november 2026"
    report = {i.id: i for i in evaluation.checklist}["work_accident_no_absence_report"]
    assert report.due == date(2026, 12, 1) and not report.overdue
    assert "arbejdsskadesikringsloven" in report.what
    assert evaluation.safetynet.work_accident is True
    assert "safetynet_internal" not in evaluation.deadlines, "the plan's 5 days are for sick leave only"


def test_safetynet_summary_names_the_no_absence_deadline(engine, shape):
    summary = open_docx(engine.render(shape(benefits), "safetynet_summary", today=date(2026, 11, 26)))
    reporting = fields_table(summary.tables[0])
    assert reporting["Anmeldes som arbejdsulykke"] == "Ja, mulig ret til ydelser uden fravær for Mette Søndergaard"
    assert reporting["Anmeldelse af arbejdsulykke uden fravær (lovens frist)"] == (
        "1. december 2026 (14 dage efter ulykkesdagen den 17. november 2026)")


# --- a course over months -------------------------------------------------------------------------

def course(incident: dict) -> None:
    incident.update(
        occurred_at={"start": "2026-08-03", "end": "2026-10-30"},
        known_at="2026-11-02T09:00",
        incident_types=["bullying", "psychological_violence"],
        perpetrator={"kind": "colleague"},
        channel="personal",
        leader_notified={"name": "Lone Kristensen", "at": "2026-11-02T09:00"},
        employees_gathered_at="2026-11-03",
        safety_organisation_informed_at=None,
        debriefing_at=None,
    )


def test_a_course_counts_the_at_once_deadlines_from_when_the_workplace_knew(engine, shape):
    case = shape(course)
    found = items(engine, case, date(2026, 11, 2))
    informed = found["safety_organisation_informed"]
    assert informed.due == date(2026, 11, 2) and not informed.overdue, "not overdue before anyone knew"
    assert informed.due_text == "Straks (2. november 2026)"
    assert found["leader_informed"].done
    assert items(engine, case, date(2026, 11, 3))["safety_organisation_informed"].overdue


def test_a_course_of_bullying_gets_no_victim_compensation_reminder(engine, shape):
    evaluation = engine.evaluate(shape(course), date(2026, 11, 2))
    assert "victim_compensation_police_report" not in {i.id for i in evaluation.checklist}
    assert "victim_compensation_police_report" not in evaluation.deadlines
    assert evaluation.overdue == [], "the day the workplace learned of it, nothing has run out yet"


# --- outside working hours ---------------------------------------------------------------------

def outside_hours(incident: dict) -> None:
    incident.update(outside_working_hours=True, occurred_at={"start": "2026-11-15T19:30"}, channel="social_media")


def test_outside_working_hours_counts_like_any_other_work_related_incident(engine, shape, example):
    case, usual = shape(outside_hours), example("phone_threat")
    today = date(2026, 11, 16)
    assert [a.applies for a in engine.applicable(case)] == [a.applies for a in engine.applicable(usual)]
    assert {i.id for i in engine.checklist(case, today)} == {i.id for i in engine.checklist(usual, today)}
    reminder = items(engine, case, today)["victim_compensation_police_report"]
    assert reminder.due == datetime(2026, 11, 18, 19, 30)
    assert engine.evaluate(case, today).safetynet.cause == "violence"


def test_outside_working_hours_shows_in_the_note_and_the_summary(engine, shape):
    case = shape(outside_hours)
    note = open_docx(engine.render(case, "incident_note", today=date(2026, 11, 26)))
    assert fields_table(note.tables[0])["Uden for arbejdstid"] == "Ja, men på grund af arbejdet"
    summary = open_docx(engine.render(case, "safetynet_summary", today=date(2026, 11, 26)))
    event = next(t for t in map(fields_table, summary.tables) if "Arbejdsrelateret" in t)
    assert event["Arbejdsrelateret"] == "Ja, uden for arbejdstiden, men på grund af arbejdet"
    text = "\n".join(p.text for p in summary.paragraphs)
    assert "Det skete uden for arbejdstiden, men på grund af arbejdet." in text


# --- who the reminder of victim compensation is for -------------------------------------------------

@pytest.mark.parametrize("types, kind, reminded", [
    (["threat"], "colleague", True),
    (["physical_violence"], "manager", True),
    (["sexual_harassment"], "other", True),
    (["bullying"], "colleague", False),
    (["psychological_violence"], "citizen", False),
    (["bullying", "psychological_violence"], "manager", False),
], ids=["threat-by-colleague", "violence-by-manager", "sexual-harassment", "bullying", "psychological-violence",
        "bullying-and-psychological"])
def test_victim_compensation_reminder_needs_a_criminal_offence_whoever_did_it(engine, shape, types, kind, reminded):
    def change(incident):
        incident.update(incident_types=types, perpetrator={"kind": kind})

    found = items(engine, shape(change), date(2026, 11, 18))
    assert ("victim_compensation_police_report" in found) is reminded


# --- colleague bullying -----------------------------------------------------------------------------

def test_colleague_bullying_is_an_offensive_act_between_employees_without_plan_deadlines(engine, shape):
    def bullying(incident):
        incident.update(incident_types=["bullying"], perpetrator={"kind": "colleague"})

    evaluation = engine.evaluate(shape(bullying), date(2027, 3, 1))
    assert evaluation.safetynet.cause == "offensive_acts"
    assert evaluation.safetynet.work_accident is False
    assert set(evaluation.deadlines) == set()
    assert [i.id for i in evaluation.overdue] == [], "nothing in the plan has run out for bullying alone"


def test_old_case_file_keeps_its_deadlines(engine):
    from .conftest import DATA

    old = json.loads((DATA / "old-format" / "vold-skranke-v1.json").read_text(encoding="utf-8"))
    evaluation = engine.evaluate(engine.validate(old, now=NOW), date(2026, 11, 26))
    assert evaluation.deadlines["work_accident_legal"].due == date(2026, 11, 18)
