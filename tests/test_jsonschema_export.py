"""The JSON Schema export: the example cases pass, known-bad cases fail, Danish titles for editors."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from beredskab.errors import CaseError
from beredskab.case.json_schema import case_schema

from .conftest import EXAMPLES, NOW

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def case_validator(engine) -> Draft202012Validator:
    schema = case_schema(engine.forms)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_schema_accepts_every_example_case(case_validator, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [e.message for e in case_validator.iter_errors(data)] == []


def test_schema_accepts_danish_dates_and_a_schema_pointer(case_validator, forms, phone_threat_data):
    phone_threat_data["$schema"] = "./beredskab.schema.json"
    phone_threat_data["incident"]["occurred_at"]["start"] = "17-11-2026 kl. 10.40"
    phone_threat_data["incident"]["note_date"] = "18.11.2026"
    assert list(case_validator.iter_errors(phone_threat_data)) == []
    forms.validate(phone_threat_data, now=NOW)  # beredskab accepts the same file


def _set(path: str, value):
    def change(data: dict) -> None:
        *parents, last = path.split(".")
        for part in parents:
            data = data[part]
        if value is _DELETE:
            del data[last]
        else:
            data[last] = value
    return change


_DELETE = object()

BAD = [
    (_set("incident.channel", "fax"), "unknown-choice"),
    (_set("incident.incident_types", ["threat", "war"]), "unknown-choice-in-list"),
    (_set("incident.incident_types", []), "empty-required-list"),
    (_set("incident.description", _DELETE), "missing-required-field"),
    (_set("incident.location", ""), "empty-required-text"),
    (_set("incident.case_id", "../etc"), "pattern"),
    (_set("incident.note_date", "18/11/26"), "date-format"),
    (_set("incident.occurred_at.start", "2026-11-17"), "datetime-without-time"),
    (_set("incident.sick_leave.days", "tre"), "wrong-type"),
    (_set("incident.sick_leave.days", -1), "below-minimum"),
    (_set("incident.sick_leave", {"has_leave": True}), "conditional-required"),
    (_set("incident.police.reportd", True), "unknown-field"),
    (_set("support.accepted", ["crisis_help"]), "conditional-on-a-list"),
    (_set("ukendt", {}), "unknown-section"),
]


@pytest.mark.parametrize("change", [b[0] for b in BAD], ids=[b[1] for b in BAD])
def test_schema_rejects_known_bad_cases_like_beredskab_does(case_validator, forms, phone_threat_data, change):
    change(phone_threat_data)
    assert list(case_validator.iter_errors(copy.deepcopy(phone_threat_data))) != []
    with pytest.raises(CaseError):
        forms.validate(phone_threat_data, now=NOW)


def test_schema_has_danish_titles_labels_and_required_fields(forms):
    schema = case_schema(forms, ["incident"])
    incident = schema["properties"]["incident"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["incident"] and schema["additionalProperties"] is False
    assert incident["title"] == "Hændelsen"
    assert "description" in incident["required"] and incident["additionalProperties"] is False
    channel = incident["properties"]["channel"]
    assert channel["title"] == "Kontaktform" and channel["description"] == "Hvordan foregik kontakten?"
    assert dict(zip(channel["enum"], channel["enumDescriptions"]))["phone"] == "Telefon"
    assert set(schema["properties"]) == {"$schema", "$version", "incident"}
