"""A pack's form pattern (``regex``) cannot hang validation (issue 18).

Before, ``regex: "(a+)+$"`` in a pack's form hung ``validate``, ``plan check`` and
``batch`` on a 35-character value (catastrophic backtracking in Python's ``re``).
"""

from __future__ import annotations

import json

import pytest

from beredskab.engine import Engine
from beredskab.errors import CaseError

from .conftest import NOW, in_thread

FORM = "incident:\n  schema:\n    case_id:\n      regex: '{pattern}'\n      meta:\n        pattern_help: kun a'er\n"


@pytest.mark.parametrize("pattern, reason", [
    ("(a+)+$", "har ikke det rigtige format: kun a'er"),
    ("(a|aa)+$", "formularens mønster (regex) tager for lang tid at kontrollere; ret formularen"),
    ("(a", "formularens mønster (regex) er ugyldigt; ret formularen"),
], ids=["nested-quantifier", "overlapping-alternation", "invalid"])
def test_validate_stops_a_pattern_that_backtracks(make_pack, phone_threat_data, pattern, reason):
    engine = Engine.load(make_pack({"forms/incident.yaml": FORM.format(pattern=pattern)}))
    phone_threat_data["incident"]["case_id"] = "a" * 60 + "!"
    outcome = in_thread(lambda: engine.validate(phone_threat_data, now=NOW), timeout=20)
    assert isinstance(outcome, CaseError)
    assert f"Felt 'Sagsnummer' (incident.case_id): {reason}" in outcome.lines()


def test_validate_still_checks_an_ordinary_pattern(make_pack, phone_threat_data):
    engine = Engine.load(make_pack({"forms/incident.yaml": FORM.format(pattern="[A-Z]{3}-[0-9]{4}-[0-9]{3}")}))
    assert engine.validate(json.loads(json.dumps(phone_threat_data)), now=NOW).id == "KME-2026-031"
    phone_threat_data["incident"]["case_id"] = "KME-2026-31"
    with pytest.raises(CaseError, match="har ikke det rigtige format"):
        engine.validate(phone_threat_data, now=NOW)


@pytest.mark.parametrize("case_id", ["KME-2026-031", "a", "A.b-c_9", "con", "CON.txt", "com1", "a..b", "-a", "a-",
                                     "ÆØÅ-1", "lpt9x", "nul.", "x" * 60 + "!"])
def test_the_default_packs_patterns_judge_alike_with_re_and_regex(forms, phone_threat_data, case_id):
    """The bundled default pack is trusted: its patterns run on Python's ``re`` (as Cerberus's own rule
    does; ``regex`` costs ~14 ms to import), a department's on ``regex`` with a time limit."""
    import regex

    from beredskab.case._validator import _compiled_pattern, _trusted_pattern

    assert forms.trusted
    pattern = forms.schema["incident"]["schema"]["case_id"]["regex"]
    assert bool(_trusted_pattern(pattern).match(case_id)) == bool(_compiled_pattern(pattern).match(case_id))
    data = json.loads(json.dumps(phone_threat_data))
    data["incident"]["case_id"] = case_id
    try:
        forms.validate(data, now=NOW)
        accepted = True
    except CaseError as err:
        accepted = not any("incident.case_id" in line for line in err.lines())
    assert accepted == bool(regex.match(pattern + "$", case_id, flags=regex.VERSION0))


def test_a_departments_pack_is_not_trusted(make_pack):
    assert not Engine.load(make_pack({"forms/incident.yaml": FORM.format(pattern="a+")})).forms.trusted
