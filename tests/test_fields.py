"""Field by field: typed text to values, --set assignments, one field checked in its case, skeletons."""

from __future__ import annotations

import pytest

from beredskab.errors import CaseError
from beredskab.case.fields import check_field, field_rules, from_text, parse_assignments, skeleton, split_path

from .conftest import NOW


@pytest.mark.parametrize(("path", "text", "value"), [
    ("incident.police.reported", "j", True),
    ("incident.police.reported", "Nej", False),
    ("incident.police.reported", "true", True),
    ("incident.police.reported", "måske", "måske"),
    ("incident.affected_employees[0].sick_leave.days", "12", 12),
    ("incident.affected_employees[0].sick_leave.days", "tolv", "tolv"),
    ("incident.incident_types", "threat, bullying", ["threat", "bullying"]),
    ("incident.incident_types", "", []),
    ("incident.note_date", "24-11-2026", "24-11-2026"),
    ("incident.location", "  Skranke 3 ", "Skranke 3"),
    ("incident.location", "", None),
    ("incident.affected_employees[0].sick_leave", '{"has_leave": true}', {"has_leave": True}),
], ids=["j", "nej", "true", "not-yes-no", "integer", "not-integer", "choice-list", "empty-list",
        "date-stays-text", "trimmed", "empty", "group-as-json"])
def test_from_text_coerces_by_the_schema(forms, path, text, value):
    assert from_text(field_rules(forms, split_path(path)), text) == value


def test_split_path_reads_list_indexes():
    assert split_path("incident.affected_employees[0].name") == ("incident", "affected_employees", 0, "name")


def test_parse_assignments_coerces_each_value(forms):
    assert parse_assignments(forms, ["incident.police.reported=j", "incident.police.journal_number=3700-1=2"]) == [
        ("incident.police.reported", True), ("incident.police.journal_number", "3700-1=2")]


@pytest.mark.parametrize(("assignment", "message"), [
    ("incident.police.reported", "--set skal skrives STI=VÆRDI, fx incident.location=Borgerservice"),
    ("=j", "--set skal skrives STI=VÆRDI, fx incident.location=Borgerservice"),
    ("incident.polise.reported=j", "Felt incident.polise.reported: ukendt felt i --set; se felterne med 'beredskab init case'"),
    ("incident.affected_employees[0].sick_leave={", "Felt 'Sygefravær' (incident.affected_employees[0].sick_leave): skal skrives som JSON, fx {\"navn\": \"værdi\"}"),
], ids=["no-equals", "no-path", "unknown-field", "bad-json"])
def test_parse_assignments_rejects_in_danish(forms, assignment, message):
    with pytest.raises(CaseError) as caught:
        parse_assignments(forms, [assignment])
    assert caught.value.lines() == [message]


def test_check_field_uses_the_case_for_rules_across_fields(forms, phone_threat_data):
    phone_threat_data["incident"]["occurred_at"]["end"] = "17-11-2026 kl. 10.00"
    problems, _ = check_field(forms, phone_threat_data, ("incident", "occurred_at", "end"), now=NOW)
    assert [p.format() for p in problems] == [
        "Felt 'Til (ved et forløb over tid)' (incident.occurred_at.end): ligger før 'Hændelsen skete (fra)'"]


def test_check_field_returns_the_normalised_value_as_iso_text(forms, phone_threat_data):
    phone_threat_data["incident"]["occurred_at"]["end"] = "17.11.2026 kl. 11.05"
    problems, value = check_field(forms, phone_threat_data, ("incident", "occurred_at", "end"), now=NOW)
    assert problems == [] and value == "2026-11-17T11:05"


def test_check_field_ignores_problems_of_other_fields(forms):
    problems, value = check_field(forms, {"incident": {"location": "Skranke 3"}}, ("incident", "location"), now=NOW)
    assert problems == [] and value == "Skranke 3"


def test_skeleton_has_every_field_empty(forms):
    blank = skeleton(forms, ["incident"])["incident"]
    assert list(blank) == list(forms.schema["incident"]["schema"])
    assert blank["case_id"] == "" and blank["incident_types"] == [] and blank["note_date"] is None
    # a group that needs an item gets one to fill in; an optional one gets none to delete (issue #16)
    assert blank["affected_employees"] == [{
        "name": "", "job_title": "", "unit": "", "injuries": {"physical": "", "psychological": ""},
        "sick_leave": {"has_leave": None, "first_day": None, "days": None}, "compensation_possible": None}]
    assert blank["witnesses"] == []
    # a choice is null, never "", which would be an invalid choice (issue #16)
    assert blank["channel"] is None
    assert blank["police"] == {"reported": None, "reported_by": None, "reported_at": None,
                               "journal_number": "", "director_informed_at": None}


@pytest.mark.parametrize("form", ["case", "incident", "support", "ban", "followup"])
def test_skeleton_problems_are_only_required_fields_still_empty(engine, forms, form):
    """`init` gives a file whose only problems are the required fields still empty (issue #16)."""
    data = engine.skeleton(form)
    if "incident" not in data:  # a form alone is added to a case that has its incident
        data["incident"] = engine.skeleton("incident")["incident"]
    with pytest.raises(CaseError) as info:
        engine.validate(data, now=NOW)
    assert info.value.problems
    for problem in info.value.problems:
        rules = field_rules(forms, split_path(problem.path))
        value = data
        for part in split_path(problem.path):
            value = value[part]
        assert rules.get("required") and value in (None, "", []), problem.format()
        assert problem.reason in ("skal udfyldes", "må ikke være tom", "skal have mindst 1 element(er)"), problem.format()


def test_skeleton_of_a_case_leaves_out_the_sections_a_case_may_leave_out(engine, forms):
    assert list(engine.skeleton("case")) == [s for s in forms.sections if forms.schema[s].get("required")] == ["incident"]
