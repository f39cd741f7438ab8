"""The JSON Schema export: the example cases pass, known-bad cases fail, Danish titles for editors."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from beredskab.errors import CaseError
from beredskab.case._ecma_regex import ecma_pattern
from beredskab.case.json_schema import case_schema
from beredskab.engine import Engine

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


def _employee(key: str, value):
    """Change the first affected employee's group ``key`` (sick leave ...)."""
    def change(data: dict) -> None:
        data["incident"]["affected_employees"][0][key] = value
    return change

BAD = [
    (_set("incident.channel", "fax"), "unknown-choice"),
    (_set("incident.incident_types", ["threat", "war"]), "unknown-choice-in-list"),
    (_set("incident.incident_types", []), "empty-required-list"),
    (_set("incident.description", _DELETE), "missing-required-field"),
    (_set("incident.location", ""), "empty-required-text"),
    (_set("incident.case_id", "../etc"), "pattern"),
    (_set("incident.note_date", "18/11/26"), "date-format"),
    (_set("incident.occurred_at.start", "2026-11-17 kl"), "datetime-with-half-a-time"),
    (_employee("sick_leave", {"has_leave": False, "days": "tre"}), "wrong-type"),
    (_employee("sick_leave", {"has_leave": False, "days": -1}), "below-minimum"),
    (_employee("sick_leave", {"has_leave": True}), "conditional-required"),
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


# --- patterns as JavaScript reads them (issue #16) ------------------------------------------------

#: Set (as CI does) to make the Node.js test fail instead of skip when node is missing.
REQUIRE_NODE_ENV = "BEREDSKAB_REQUIRE_NODE"

#: Compiles each pattern with JavaScript's RegExp (the 'u' flag: the strict ECMA-262 grammar editors use)
#: and tests each sample; prints a matrix of booleans, or the first syntax error.
NODE_SCRIPT = """
const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(patterns.map(p => { const r = new RegExp(p, 'u'); return samples.map(s => r.test(s)); })));
"""

SAMPLES = ["KME-2026-031", "con", "CON", "Con.txt", "cOn1", "com1", "lpt9.x", "console", "a..b", "-a", "a",
           "2026-11-24", "24-11-2026", "2026-11-24T10:30", "24-11-2026 kl. 10.30", "24.11.2026 KL 9.05", "x y"]


@pytest.fixture
def node():
    program = shutil.which("node") or shutil.which("nodejs")
    if program is None:
        if os.environ.get(REQUIRE_NODE_ENV):
            pytest.fail(f"Node.js is required ({REQUIRE_NODE_ENV} is set) but missing")
        pytest.skip("Node.js is not installed")
    return program


def _patterns(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "pattern":
                yield item
            else:
                yield from _patterns(item)
    elif isinstance(value, list):
        for item in value:
            yield from _patterns(item)


def test_schema_patterns_compile_in_javascript_and_match_as_beredskab_does(forms, node):
    """The case_id pattern's (?i:...) is Python only; editors compile patterns as ECMA-262."""
    schema = case_schema(forms)
    patterns = sorted(set(_patterns(schema)))
    assert any("[cC][oO][nN]" in p for p in patterns) and not any("(?i" in p for p in patterns)
    result = subprocess.run([node, "-e", NODE_SCRIPT], input=json.dumps([patterns, SAMPLES]), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr  # a SyntaxError names the pattern
    javascript = dict(zip(patterns, json.loads(result.stdout)))
    case_id = schema["properties"]["incident"]["properties"]["case_id"]["pattern"]
    python = re.compile(forms.schema["incident"]["schema"]["case_id"]["regex"])
    assert javascript[case_id] == [bool(python.fullmatch(s)) for s in SAMPLES]
    for pattern, matches in javascript.items():  # the date patterns are ECMA-262 and Python alike
        if pattern != case_id:
            assert matches == [bool(re.search(pattern, s)) for s in SAMPLES], pattern


@pytest.mark.parametrize("python, ecma", [
    (r"(?i:ab)[x-z]", "(?:[aA][bB])[x-z]"),
    (r"(?i:[a-c_])", "(?:[a-c_A-C])"),
    (r"(?P<year>\d{4})-(?P=year)\Z", r"(?<year>\d{4})-\k<year>$"),
    (r"(?x) a b", None),
    (r"(?#comment)a", None),
], ids=["ignore-case-group", "ignore-case-class", "named-group", "verbose-flag", "comment"])
def test_ecma_pattern_rewrites_python_only_constructs_or_gives_none(python, ecma):
    assert ecma_pattern(python) == ecma


def test_schema_leaves_out_a_pattern_javascript_cannot_read(make_pack):
    pack = make_pack({"forms/incident.yaml": "incident:\n  schema:\n    location:\n      regex: '(?x) [a-z]+'\n"})
    forms = Engine.load(pack).forms
    location = case_schema(forms, ["incident"])["properties"]["incident"]["properties"]["location"]
    assert "pattern" not in json.dumps(location)
