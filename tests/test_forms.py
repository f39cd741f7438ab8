"""Forms: the YAML schemas load, cases validate, and every problem is one Danish line."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from beredskab.errors import CaseError, FormError
from beredskab.case.forms import load_forms
from beredskab.case.casefile import clean_strings, parse_case_json
from beredskab.pack.loader import Pack

from .conftest import NOW


def problems_of(forms, data) -> list[str]:
    with pytest.raises(CaseError) as info:
        forms.validate(data, now=NOW)
    return info.value.lines()


def test_forms_example_case_validates_and_is_normalised(phone_threat):
    incident = phone_threat.data["incident"]
    assert incident["occurred_at"]["start"] == datetime(2026, 11, 17, 10, 40)
    assert incident["note_date"] == date(2026, 11, 18)
    # optional fields that were left out are present as None/[] for templates
    assert incident["police"]["journal_number"] is None
    assert phone_threat.data["support"]["crisis_help_extent"] is None


def test_forms_choice_lists_come_from_plan_yaml(forms, engine):
    assert forms.schema["incident"]["schema"]["channel"]["allowed"] == list(engine.settings["choices"]["channel"])
    assert forms.label("channel", "phone") == "Telefon"


def test_case_rejects_missing_description(forms, phone_threat_data):
    del phone_threat_data["incident"]["description"]
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes"
    ]


def test_case_rejects_blank_employee_name_naming_the_path(forms, phone_threat_data):
    phone_threat_data["incident"]["affected_employees"][0]["name"] = "   "
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Navn' (incident.affected_employees[0].name): må ikke være tom"
    ]


def test_case_requires_first_day_of_absence_when_there_is_sick_leave(forms, phone_threat_data):
    phone_threat_data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": True}
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Første fraværsdag' (incident.affected_employees[0].sick_leave.first_day): skal udfyldes"
    ]


def test_case_accepts_no_first_day_without_sick_leave(forms, phone_threat_data):
    phone_threat_data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": False}
    forms.validate(phone_threat_data, now=NOW)


def test_case_rejects_end_before_start(forms, phone_threat_data):
    phone_threat_data["incident"]["occurred_at"]["end"] = "2026-11-17T09:00"
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Til (ved et forløb over tid)' (incident.occurred_at.end): ligger før 'Hændelsen skete (fra)'"
    ]


def test_case_rejects_future_incident_date(forms, phone_threat_data):
    phone_threat_data["incident"]["occurred_at"] = {"start": "2026-12-24T10:00"}
    lines = problems_of(forms, phone_threat_data)
    assert ("Felt 'Hændelsen skete (fra)' (incident.occurred_at.start): ligger i fremtiden (i dag er 26. november 2026)"
            in lines)
    # what was recorded after the episode cannot now lie before it
    assert "Felt 'Opfølgende samtale (debriefing)' (incident.debriefing_at): ligger før 'Hændelsen skete (fra)'" in lines


def test_case_rejects_a_date_that_does_not_exist_once(forms, phone_threat_data):
    phone_threat_data["incident"]["note_date"] = "2026-02-30"
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Notatets dato' (incident.note_date): datoen findes ikke i kalenderen"
    ]


def test_case_accepts_danish_dates(forms, phone_threat_data):
    phone_threat_data["incident"]["note_date"] = "18-11-2026"
    phone_threat_data["incident"]["occurred_at"] = {"start": "17.11.2026 kl. 10.40"}
    case = forms.validate(phone_threat_data, now=NOW)
    assert case["incident"]["occurred_at"]["start"] == datetime(2026, 11, 17, 10, 40)


@pytest.mark.parametrize(
    "case_id",
    ["../etc", "a/b", "med mellemrum", "C:evil", "..", ".skjult"],
    ids=["dotdot", "slash", "space", "drive", "only-dots", "hidden"],
)
def test_case_rejects_case_ids_unsafe_for_file_names(forms, phone_threat_data, case_id):
    phone_threat_data["incident"]["case_id"] = case_id
    [line] = problems_of(forms, phone_threat_data)
    assert line.startswith("Felt 'Sagsnummer' (incident.case_id): har ikke det rigtige format")


def test_case_suggests_the_closest_known_field(forms, phone_threat_data):
    phone_threat_data["incident"]["descripton"] = "x"
    phone_threat_data["suport"] = {}
    assert problems_of(forms, phone_threat_data) == [
        "Felt incident.descripton: ukendt felt – mente du 'description'?",
        "Felt suport: ukendt felt – mente du 'support'?",
    ]


def test_case_rejects_unknown_choice_without_echoing_the_value(forms, phone_threat_data):
    phone_threat_data["incident"]["channel"] = "Mette ringede"
    [line] = problems_of(forms, phone_threat_data)
    assert line.startswith("Felt 'Kontaktform' (incident.channel): er ikke et gyldigt valg; mulige værdier: personal")
    assert "Mette" not in line


def test_case_names_wrong_types_in_danish(forms, phone_threat_data):
    phone_threat_data["incident"]["affected_employees"][0]["sick_leave"]["has_leave"] = "måske"
    phone_threat_data["incident"]["witnesses"] = "Jens"
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Har hændelsen medført sygefravær for medarbejderen' (incident.affected_employees[0].sick_leave.has_leave): "
        "skal være ja eller nej (true/false)",
        "Felt 'Vidner' (incident.witnesses): skal være en liste ([ ... ])",
    ]


def test_case_requires_reporter_and_time_when_reported_to_police(forms, phone_threat_data):
    phone_threat_data["incident"]["police"] = {"reported": True}
    assert problems_of(forms, phone_threat_data) == [
        "Felt 'Anmeldt' (incident.police.reported_at): skal udfyldes",
        "Felt 'Anmeldt af' (incident.police.reported_by): skal udfyldes",
    ]


def test_clean_strings_removes_xml_illegal_characters_and_keeps_unicode():
    text = "Ærø\x00 og \x0bø\x0c 😀 שלום e\u0301"
    assert clean_strings({"a": [text]}) == {"a": ["Ærø og ø 😀 שלום e\u0301"]}


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"", "filen er tom (x.json)"),
        (b"[1, 2]", "skal indeholde ét JSON-objekt ({ ... }) med sektionerne incident, support og ban (x.json)"),
        (b'{"incident": {,}}', "ugyldig JSON: feltnavne skal stå i dobbelte anførselstegn (x.json, linje 1, kolonne 15)"),
        (b'{"a": 1,\n "b": }', "ugyldig JSON: forventede en værdi (x.json, linje 2, kolonne 7)"),
        ("{\"a\": \"æøå\"}".encode("cp1252"), "filen er ikke gemt som UTF-8; gem den igen som UTF-8 (i Notesblok: Gem som > Kodning: UTF-8) (x.json)"),
        (b'{"a": 1, "a": 2}', "feltet 'a' står to gange i samme objekt (x.json)"),
    ],
    ids=["empty", "not-object", "bad-json", "line-and-column", "cp1252", "duplicate-key"],
)
def test_parse_case_json_gives_one_danish_line(raw, expected):
    with pytest.raises(CaseError) as info:
        parse_case_json(raw, "x.json")
    assert info.value.lines() == [expected]


def test_parse_case_json_accepts_a_utf8_bom():
    assert parse_case_json('\ufeff{"a": "æ"}'.encode("utf-8")) == {"a": "æ"}


def test_load_forms_reports_a_missing_choice_list(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "plan.yaml").write_text("choices: {}\n", encoding="utf-8")
    (tmp_path / "forms" / "x.yaml").write_text(
        "x:\n  type: dict\n  schema:\n    y:\n      type: string\n      meta: {choices: nope}\n", encoding="utf-8"
    )
    with pytest.raises(FormError) as info:
        load_forms(Pack((tmp_path,)))
    assert info.value.lines() == [f"Felt x.y: valglisten 'nope' findes ikke i plan.yaml ({tmp_path / 'forms' / 'x.yaml'})"]


def test_load_forms_reports_yaml_syntax_with_line(tmp_path):
    (tmp_path / "forms").mkdir()
    (tmp_path / "plan.yaml").write_text("choices: {}\n", encoding="utf-8")
    (tmp_path / "forms" / "x.yaml").write_text("x:\n  type: dict\n  schema: [\n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        load_forms(Pack((tmp_path,)))
    assert info.value.lines()[0].startswith("ugyldig YAML (")
    assert "linje 4" in info.value.lines()[0]


def test_case_rejects_an_empty_item_in_a_list(forms, phone_threat_data):
    """A null where an employee should be is not an employee left out: found by the property test."""
    phone_threat_data["incident"]["affected_employees"] = [None]
    assert problems_of(forms, phone_threat_data) == ["Felt incident.affected_employees[0]: skal udfyldes"]
