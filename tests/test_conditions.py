"""The condition vocabulary of the obligations: every operator on real cases, and its Danish errors."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from beredskab.rules._spec import RuleError
from beredskab.rules.conditions import OPERATORS, parse
from beredskab.rules.paths import Fields

from .conftest import TODAY


@pytest.fixture(scope="module")
def fields(engine):
    return Fields(engine.forms.schema)


def holds(fields, text: str, case, today: date = TODAY) -> bool:
    """Parse a condition written as in plan.yaml and test it on ``case``."""
    return parse(yaml.safe_load(text), fields, ("checklist", "x", "when")).holds(case.data, today)


def test_constants(fields, phone_threat):
    assert holds(fields, "true", phone_threat) is True
    assert holds(fields, "false", phone_threat) is False


def test_filled_and_empty_on_a_text_a_list_a_section_and_a_yes_no(fields, phone_threat, example):
    assert holds(fields, "filled: incident.debriefing_at", phone_threat)
    assert holds(fields, "filled: support.offered", phone_threat)
    assert not holds(fields, "filled: ban", phone_threat)
    assert holds(fields, "empty: ban", phone_threat)
    assert holds(fields, "filled: ban", example("harassment_ban"))
    # an answered no counts as filled: the question was answered
    assert holds(fields, "filled: incident.police.reported", phone_threat)
    phone_threat.data["incident"]["debriefing_at"] = None
    assert holds(fields, "empty: incident.debriefing_at", phone_threat)
    phone_threat.data["support"]["offered"] = []
    assert holds(fields, "empty: support.offered", phone_threat), "an empty list is empty"


def test_equals_on_a_yes_no_a_choice_and_a_choice_list(fields, phone_threat):
    assert holds(fields, "equals: {incident.police.reported: false}", phone_threat)
    assert not holds(fields, "equals: {incident.police.reported: true}", phone_threat)
    assert holds(fields, "equals: {incident.channel: phone}", phone_threat)
    assert not holds(fields, "equals: {incident.channel: letter}", phone_threat)
    assert holds(fields, "equals: {incident.incident_types: threat}", phone_threat), "a list holds the value"
    assert not holds(fields, "equals: {incident.incident_types: bullying}", phone_threat)


def test_equals_on_a_field_the_case_leaves_out_is_false(fields, phone_threat):
    assert phone_threat.section("ban") is None
    assert not holds(fields, "equals: {ban.hearing.no_response: true}", phone_threat)
    assert holds(fields, "not: {equals: {ban.hearing.no_response: true}}", phone_threat)


def test_one_of(fields, phone_threat):
    assert holds(fields, "one_of: {incident.perpetrator.kind: [citizen, other, unknown]}", phone_threat)
    phone_threat.data["incident"]["perpetrator"]["kind"] = "colleague"
    assert not holds(fields, "one_of: {incident.perpetrator.kind: [citizen, other, unknown]}", phone_threat)
    assert holds(fields, "one_of: {incident.incident_types: [bullying, threat]}", phone_threat)


@pytest.mark.parametrize("today, before, after", [
    (date(2026, 11, 22), False, True),
    (date(2026, 11, 23), False, False),  # the day itself is neither before nor after today
    (date(2026, 11, 24), True, False),
], ids=["day-before", "same-day", "day-after"])
def test_dates_compared_with_today(fields, example, today, before, after):
    ban = example("harassment_ban")
    assert ban.data["ban"]["valid_from"] == date(2026, 11, 23)
    assert holds(fields, "before_today: ban.valid_from", ban, today) is before
    assert holds(fields, "after_today: ban.valid_from", ban, today) is after


def test_all_any_not(fields, phone_threat):
    reported = "{equals: {incident.police.reported: true}}"
    phone = "{equals: {incident.channel: phone}}"
    assert holds(fields, f"all: [{phone}, not: {reported}]", phone_threat)
    assert not holds(fields, f"all: [{phone}, {reported}]", phone_threat)
    assert holds(fields, f"any: [{reported}, {phone}]", phone_threat)
    assert not holds(fields, f"any: [{reported}, filled: ban]", phone_threat)
    assert holds(fields, f"not: {reported}", phone_threat)


def test_a_path_through_a_list_holds_when_any_item_does(fields, phone_threat):
    employees = phone_threat.data["incident"]["affected_employees"]
    assert holds(fields, "filled: incident.affected_employees[].name", phone_threat)
    employees[0]["unit"] = None
    assert holds(fields, "empty: incident.affected_employees[].unit", phone_threat)
    employees.append({"name": "Jens Hansen", "unit": "Borgerservice"})
    assert holds(fields, "filled: incident.affected_employees[].unit", phone_threat)
    assert not holds(fields, "empty: incident.affected_employees[].unit", phone_threat)


def test_every_operator_is_covered_here():
    tested = {"equals", "one_of", "filled", "empty", "before_today", "after_today", "all", "any", "not"}
    assert set(OPERATORS) == tested


@pytest.mark.parametrize("text, reason, where", [
    ("contains: {incident.channel: phone}",
     "ukendt betingelse 'contains' i 'checklist.x.when'; mulige: equals, one_of, filled, empty, before_today, "
     "after_today, all, any, not", ("contains",)),
    ("filled: incident.nope", "feltet 'incident.nope' findes ikke i formularerne", ("filled",)),
    ("filled: 'incident.police reported'", "'incident.police reported' er ikke en feltsti (fx incident.police.reported)",
     ("filled",)),
    ("{filled: ban, empty: support}", "'checklist.x.when' skal være én betingelse, fx 'filled: "
     "incident.police.reported_at' (mulige: true, false, equals, one_of, filled, empty, before_today, after_today, "
     "all, any, not)", ()),
    ("equals: {incident.police.reported: ja}", "feltet 'incident.police.reported' er ja/nej: værdien skal være "
     "true eller false", ("equals", "incident.police.reported")),
    ("equals: incident.channel", "'equals' skal have formen {feltsti: værdi}", ("equals",)),
    ("one_of: {incident.channel: phone}", "'one_of' skal have en liste af værdier: {feltsti: [værdi, ...]}",
     ("one_of", "incident.channel")),
    ("before_today: incident.location", "'before_today' kræver et datofelt, men 'incident.location' er ikke en dato",
     ("before_today",)),
    ("all: {filled: ban}", "'all' skal have en liste af betingelser ([betingelse, ...])", ("all",)),
    ("any: [filled: ban, nope: x]", "ukendt betingelse 'nope' i 'checklist.x.when.any[1]'; mulige: equals, one_of, "
     "filled, empty, before_today, after_today, all, any, not", ("any", 1, "nope")),
    ("equals: {incident.occurred_at.start: 2026-11-17}", "feltet 'incident.occurred_at.start' kan ikke sammenlignes "
     "med en værdi (brug filled, empty, before_today eller after_today)", ("equals", "incident.occurred_at.start")),
    ("filled: incident.location[]", "'location[]' i feltet 'incident.location[]' er ikke en gentagen gruppe",
     ("filled",)),
    ("filled: incident.affected_employees.name", "'affected_employees' er en gentagen gruppe: skriv "
     "'affected_employees[]' i feltet 'incident.affected_employees.name'", ("filled",)),
], ids=["unknown-operator", "unknown-path", "not-a-path", "two-operators", "yes-no-value", "equals-shape",
        "one-of-not-a-list", "date-operator-on-text", "all-not-a-list", "nested-unknown", "equals-on-a-date",
        "brackets-on-a-non-list", "list-without-brackets"])
def test_a_bad_condition_is_a_danish_error_pointing_at_its_place(fields, text, reason, where):
    with pytest.raises(RuleError) as info:
        parse(yaml.safe_load(text), fields, ("checklist", "x", "when"))
    assert info.value.reason == reason
    assert info.value.where == ("checklist", "x", "when", *where)
