"""The plan's rules: deadlines at their edges, the checklist's status, documents that apply, Safetynet class.

The rules are the obligations in plan.yaml, read by beredskab/rules (see tests/test_conditions.py for
the condition vocabulary and tests/test_obligations.py for packs that change them).
"""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest

from beredskab.dates import last_day_of_months
from beredskab.errors import PackError
from beredskab.rules.evaluation import evaluate
from beredskab.rules.obligations import load

from .conftest import TODAY


def with_settings(engine, settings: dict):
    """The obligations of ``settings`` (a changed copy of the default pack's) over the default forms."""
    return load(settings, engine.forms.schema)


def deadlines(engine, case: dict) -> dict:
    return engine.evaluate(case, TODAY).deadlines


# --- deadline arithmetic at the edges ------------------------------------------------

@pytest.mark.parametrize("incident, days, due", [
    (datetime(2026, 11, 17, 10, 40), 5, date(2026, 11, 22)),
    (datetime(2026, 1, 29, 8, 0), 5, date(2026, 2, 3)),
    (datetime(2026, 12, 29, 9, 0), 5, date(2027, 1, 3)),
    (datetime(2028, 2, 26, 9, 0), 5, date(2028, 3, 2)),
    (datetime(2028, 2, 24, 9, 0), 5, date(2028, 2, 29)),
    (datetime(2026, 11, 17, 23, 59), 1, date(2026, 11, 18)),
], ids=["ordinary", "month-end", "year-end", "leap-year-crossing", "lands-on-leap-day", "late-evening"])
def test_safetynet_deadline_counts_calendar_days_from_when_the_workplace_knew(engine, phone_threat, incident, days,
                                                                            due):
    """The plan's 5 days (issue 15: only for sick leave), from when the workplace learned of it."""
    settings = copy.deepcopy(engine.settings)
    settings["deadlines"]["safetynet_days"] = days
    phone_threat.data["incident"]["occurred_at"] = {"start": incident}
    phone_threat.data["incident"]["known_at"] = incident
    phone_threat.data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": True,
                                                                            "first_day": incident.date()}
    found = evaluate(with_settings(engine, settings), phone_threat.data, TODAY).deadlines
    assert found["safetynet_internal"].due == due


@pytest.mark.parametrize("first_day, due", [
    (date(2026, 11, 4), date(2026, 11, 18)),
    (date(2026, 1, 31), date(2026, 2, 14)),
    (date(2026, 12, 20), date(2027, 1, 3)),
    (date(2028, 2, 15), date(2028, 2, 29)),
    (date(2028, 2, 29), date(2028, 3, 14)),
], ids=["ordinary", "month-end", "year-end", "lands-on-leap-day", "from-leap-day"])
def test_work_accident_deadline_is_14_days_after_the_first_day_of_absence(engine, phone_threat, first_day, due):
    phone_threat.data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": True, "first_day": first_day}
    assert deadlines(engine, phone_threat)["work_accident_legal"].due == due


@pytest.mark.parametrize("start, due", [
    (datetime(2026, 11, 17, 10, 40), datetime(2026, 11, 20, 10, 40)),
    (datetime(2026, 10, 30, 22, 15), datetime(2026, 11, 2, 22, 15)),
    (datetime(2026, 12, 30, 9, 0), datetime(2027, 1, 2, 9, 0)),
    (datetime(2028, 2, 27, 12, 0), datetime(2028, 3, 1, 12, 0)),
], ids=["ordinary", "month-end", "year-end", "over-leap-day"])
def test_victim_compensation_deadline_is_72_hours_after_the_workplace_knew(engine, phone_threat, start, due):
    phone_threat.data["incident"]["occurred_at"] = {"start": start}
    phone_threat.data["incident"]["known_at"] = start
    assert deadlines(engine, phone_threat)["victim_compensation_police_report"].due == due


@pytest.mark.parametrize("valid_from, months, last", [
    (date(2026, 12, 1), 12, date(2027, 11, 30)),
    (date(2026, 11, 23), 6, date(2027, 5, 22)),
    (date(2026, 1, 1), 12, date(2026, 12, 31)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 1, 28), 1, date(2026, 2, 27)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2027, 2, 28), 12, date(2028, 2, 27)),
    (date(2027, 3, 1), 12, date(2028, 2, 29)),
], ids=["ordinary", "six-months", "year-end", "month-end-clamped", "short-month",
        "from-leap-day", "before-leap-year", "ends-on-leap-day"])
def test_ban_last_day_counts_the_first_day_in(engine, example, valid_from, months, last):
    settings = copy.deepcopy(engine.settings)
    settings["deadlines"]["ban_max_months"] = months
    case = example("harassment_ban")
    case.data["ban"]["valid_from"] = valid_from
    assert evaluate(with_settings(engine, settings), case.data, TODAY).deadlines["ban_max_end"].due == last
    assert last_day_of_months(valid_from, months) == last


# --- deadlines of a case ---------------------------------------------------------------

def test_case_deadlines_of_the_phone_threat(phone_threat, engine):
    found = deadlines(engine, phone_threat)
    assert list(found) == ["victim_compensation_police_report"], "no sick leave: no deadline of the plan's 5 days"
    assert found["victim_compensation_police_report"].text == "20. november 2026 kl. 10.40"


def test_case_deadlines_with_sick_leave_and_police_report(example, engine):
    found = deadlines(engine, example("counter_violence"))
    assert list(found) == ["safetynet_internal", "work_accident_legal"]
    assert found["work_accident_legal"].due == date(2026, 11, 18)
    assert found["work_accident_legal"].basis == "14 dage efter første fraværsdag den 4. november 2026"


def test_case_deadlines_follow_the_numbers_in_plan_yaml(example, engine):
    settings = copy.deepcopy(engine.settings)
    settings["deadlines"]["safetynet_days"] = 3
    found = evaluate(with_settings(engine, settings), example("counter_violence").data, TODAY).deadlines
    assert found["safetynet_internal"].due == date(2026, 11, 6)
    assert found["safetynet_internal"].basis == "3 dage efter, at arbejdspladsen fik kendskab til hændelsen den 3. november 2026"


@pytest.mark.parametrize("value", ["5", 0, True], ids=["text", "zero", "boolean"])
def test_deadline_settings_refuse_a_bad_number(engine, value):
    settings = copy.deepcopy(engine.settings)
    settings["deadlines"]["safetynet_days"] = value
    with pytest.raises(PackError) as info:
        with_settings(engine, settings)
    assert info.value.lines() == ["'deadlines.safetynet_days' skal være et positivt helt tal (plan.yaml)"]


def test_a_deadline_naming_a_number_the_pack_removed_is_a_pack_error(engine):
    settings = copy.deepcopy(engine.settings)
    settings["deadlines"]["safetynet_days"] = None
    with pytest.raises(PackError) as info:
        with_settings(engine, settings)
    assert info.value.lines()[0].startswith("due_dates.safetynet_internal: tallet 'safetynet_days' findes ikke "
                                            "i 'deadlines'")


# --- the checklist -----------------------------------------------------------------------

def items_by_id(evaluation) -> dict:
    return {item.id: item for item in evaluation.checklist}


@pytest.mark.parametrize("today, overdue", [
    (date(2026, 11, 21), False),
    (date(2026, 11, 22), False),
    (date(2026, 11, 23), True),
], ids=["before", "due-day", "day-after"])
def test_checklist_work_accident_is_overdue_only_after_its_day(engine, phone_threat, today, overdue):
    phone_threat.data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": True,
                                                                            "first_day": date(2026, 11, 18)}
    item = items_by_id(engine.evaluate(phone_threat, today))["work_accident_report"]
    assert item.due == date(2026, 11, 22)
    assert item.overdue is overdue
    assert item.status == ("Overskredet" if overdue else "Ikke udført")


@pytest.mark.parametrize("first_day, legal", [
    ("2026-11-17", date(2026, 12, 1)),
    ("2026-11-18", date(2026, 12, 2)),
], ids=["absent-from-the-day", "absent-from-the-next-day"])
def test_checklist_work_accident_has_the_plans_five_days_and_the_laws_own_item(engine, phone_threat, first_day, legal):
    """Issue 9: the plan says 'inden 5 dage'. Issue 15: an item labelled with the law's 14 days has the
    law's date; each names the other's date."""
    phone_threat.data["incident"]["affected_employees"][0]["sick_leave"] = {
        "has_leave": True, "first_day": date.fromisoformat(first_day), "days": 3}
    items = items_by_id(engine.evaluate(phone_threat, date(2026, 11, 23)))
    plan, law = items["work_accident_report"], items["work_accident_legal_report"]
    assert (plan.due, plan.overdue) == (date(2026, 11, 22), True)
    assert (law.due, law.overdue) == (legal, False)
    assert plan.note == f"Lovens frist: {legal.day}. december 2026." and law.note == "Planens frist: 22. november 2026."


def test_checklist_done_items_are_never_overdue(engine, example):
    items = items_by_id(engine.evaluate(example("counter_violence"), date(2027, 6, 1)))
    assert items["work_accident_legal_report"].overdue is False
    assert items["safetynet_registration"].done is True
    assert items["safetynet_registration"].overdue is False
    assert items["safetynet_registration"].status == "Udført 5. november 2026"
    assert items["work_accident_report"].status == "Udført 6. november 2026"


def test_checklist_rows_follow_plan_yaml_and_apply_to_the_case(engine, phone_threat, example):
    ids = [item.id for item in engine.evaluate(phone_threat, TODAY).checklist]
    assert ids == [
        "leader_informed", "employees_gathered", "safety_organisation_informed", "support_assessed",
        "support_offered", "incident_note", "debriefing", "personnel_file_note",
        "victim_compensation_police_report", "safetynet_registration", "apv_followup",
        "preventive_actions_shared", "union_representative_involved",
    ]
    police = [item.id for item in engine.evaluate(example("counter_violence"), TODAY).checklist]
    assert "director_informed" in police and "work_accident_report" in police
    assert "victim_compensation_police_report" not in police and "personnel_file_note" not in police
    ban = [item.id for item in engine.evaluate(example("harassment_ban"), TODAY).checklist]
    assert ban[-6:] == ["ban_hearing", "ban_director_signature", "apv_followup",
                        "not_alone_in_difficult_conversation", "preventive_actions_shared",
                        "union_representative_involved"]


def test_checklist_fills_in_numbers_and_role_titles(engine, phone_threat):
    items = items_by_id(engine.evaluate(phone_threat, TODAY))
    reminder = items["victim_compensation_police_report"]
    assert reminder.what.endswith("anmeldt til politiet inden 72 timer")
    assert reminder.who == "Nærmeste leder og den berørte medarbejder"
    assert reminder.status == "Overskredet"
    assert items["leader_informed"].due_text == "Straks (17. november 2026)"


def test_checklist_director_must_be_informed_of_a_police_report(engine, example):
    case = example("counter_violence")
    case.data["incident"]["police"]["director_informed_at"] = None
    item = items_by_id(engine.evaluate(case, date(2026, 11, 4)))["director_informed"]
    assert (item.done, item.overdue, item.status) == (False, True, "Overskredet")


def test_checklist_ban_without_hearing_warns_that_it_must_not_be_sent(engine, example):
    case = example("harassment_ban")
    case.data["ban"]["hearing"] = {}
    evaluation = engine.evaluate(case, TODAY)
    assert evaluation.ban_ready is False
    assert items_by_id(evaluation)["ban_hearing"].done is False
    assert evaluation.warnings == [engine.settings["texts"]["ban_not_ready"]]
    assert evaluation.warnings[0].startswith("MÅ IKKE SENDES")


def test_checklist_hearing_sent_but_unanswered_is_not_finished(engine, example):
    case = example("harassment_ban")
    case.data["ban"]["hearing"]["response"] = None
    assert engine.evaluate(case, TODAY).ban_ready is False
    case.data["ban"]["hearing"]["no_response"] = True
    assert engine.evaluate(case, TODAY).ban_ready is True


def test_checklist_a_pack_can_drop_an_item(engine, phone_threat):
    settings = copy.deepcopy(engine.settings)
    settings["checklist"]["apv_followup"] = None
    ids = [item.id for item in evaluate(with_settings(engine, settings), phone_threat.data, TODAY).checklist]
    assert "apv_followup" not in ids


def test_checklist_unknown_item_in_plan_yaml_is_a_pack_error(engine, phone_threat):
    settings = copy.deepcopy(engine.settings)
    settings["checklist"]["coffee"] = {"what": "Lav kaffe", "who": ["leader", "barista"]}
    with pytest.raises(PackError) as info:
        with_settings(engine, settings)
    assert info.value.lines() == ["checklist.coffee: rollen 'barista' findes ikke i 'roles'; mulige: leader, "
                                  "safety_representative, union_representative, safety_organisation, director, "
                                  "work_environment_group, hr, employee (plan.yaml)"]


def test_checklist_text_placeholders_are_not_python_format(engine, phone_threat):
    settings = copy.deepcopy(engine.settings)
    settings["checklist"]["apv_followup"]["what"] = (
        "{safetynet_days} {victim_compensation_police_report} {0} {texts.no_ban}")
    item = items_by_id(evaluate(with_settings(engine, settings), phone_threat.data, TODAY))["apv_followup"]
    assert item.what == f"5 20. november 2026 kl. 10.40 {{0}} {engine.settings['texts']['no_ban']}"
    settings["checklist"]["apv_followup"]["what"] = "{safetynet_days.__class__}"
    with pytest.raises(PackError) as info:
        with_settings(engine, settings)
    assert info.value.lines() == ["ukendt pladsholder {safetynet_days.__class__} i 'checklist.apv_followup.what' "
                                  "(plan.yaml)"]


@pytest.mark.parametrize("name, item_id, applies", [
    ("phone_threat", "not_alone_in_difficult_conversation", False),
    ("harassment_ban", "not_alone_in_difficult_conversation", True),
    ("counter_violence", "police_interview_companion", True),
    ("phone_threat", "police_interview_companion", False),
    ("phone_threat", "preventive_actions_shared", True),
    ("counter_violence", "union_representative_involved", True),
], ids=["no-ban-no-talk", "ban-talk", "police-companion", "no-police-no-companion",
        "preventive-actions", "union-representative"])
def test_checklist_reminders_of_the_plan_apply_where_they_should(engine, example, name, item_id, applies):
    """Obligations the case does not track are reminders (Husk): listed where they apply, never overdue."""
    item = items_by_id(engine.evaluate(example(name), date(2030, 1, 1))).get(item_id)
    assert (item is not None) is applies
    if applies:
        assert (item.done, item.overdue, item.state, item.status) == (None, False, "reminder", "Husk")
        assert item.what == engine.settings["checklist"][item_id]["what"]


def test_checklist_reminders_name_who_the_plan_binds(engine, example):
    items = items_by_id(engine.evaluate(example("harassment_ban"), TODAY))
    assert items["not_alone_in_difficult_conversation"].who == "Nærmeste leder"
    assert items["preventive_actions_shared"].who == "Arbejdsmiljøgruppen"
    assert items["union_representative_involved"].what.startswith("Anbefaling: ")
    assert "(TR)" in items["union_representative_involved"].what


# --- documents and Safetynet --------------------------------------------------------------

@pytest.mark.parametrize("name, documents", [
    ("phone_threat", ["incident_note", "personnel_file_note", "safetynet_summary", "checklist"]),
    ("counter_violence", ["incident_note", "safetynet_summary", "checklist"]),
    ("harassment_ban", ["incident_note", "personnel_file_note", "visit_ban", "safetynet_summary", "checklist"]),
], ids=["no-police-report", "police-report", "ban"])
def test_applicable_documents_per_example(engine, example, name, documents):
    assert engine.evaluate(example(name), TODAY).applicable() == documents
    # a per-employee document is one name per employee (issue 15)
    files = [f"{d}_1" if d == "personnel_file_note" else d for d in documents]
    assert engine.select(example(name), today=TODAY) == files


@pytest.mark.parametrize("kind, types, cause", [
    ("citizen", ["sexual_harassment"], "violence"),
    ("citizen", ["other_offensive"], "violence"),
    ("unknown", ["threat"], "violence"),
    ("colleague", ["sexual_harassment"], "offensive_acts"),
    ("manager", ["bullying"], "offensive_acts"),
], ids=["harassment-by-citizen", "offensive-act-by-citizen", "unknown-person", "colleague", "manager"])
def test_safetynet_class_counts_offensive_acts_from_outside_as_violence(engine, phone_threat, kind, types, cause):
    phone_threat.data["incident"]["perpetrator"]["kind"] = kind
    phone_threat.data["incident"]["incident_types"] = types
    found = engine.evaluate(phone_threat, TODAY).safetynet
    assert found.cause == cause
    assert found.cause_label == engine.settings["choices"]["safetynet_cause"][cause]


def test_safetynet_class_work_accident_only_with_sick_leave(engine, phone_threat, example):
    assert engine.evaluate(phone_threat, TODAY).safetynet.work_accident is False
    violence = engine.evaluate(example("counter_violence"), TODAY).safetynet
    assert (violence.occupational_injury, violence.work_accident) == (True, True)
