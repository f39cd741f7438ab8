"""The ban form: a time-limited decision, its limit taken from plan.yaml, errors in Danish."""

from __future__ import annotations

import copy

import pytest

from beredskab.engine import Engine
from beredskab.errors import CaseError

from .conftest import NOW


def ban_problems(forms, data) -> list[str]:
    with pytest.raises(CaseError) as info:
        forms.validate(data, now=NOW)
    return info.value.lines()


@pytest.mark.parametrize("valid_to", ["2027-11-22", "2026-11-23"], ids=["longest-allowed", "one-day"])
def test_ban_accepts_a_period_within_the_limit(forms, example_data, valid_to):
    data = example_data("harassment_ban")
    data["ban"]["valid_to"] = valid_to
    assert forms.validate(data, now=NOW)["ban"]["valid_to"].isoformat() == valid_to


def test_ban_refuses_a_period_longer_than_ban_max_months(forms, example_data):
    data = example_data("harassment_ban")
    data["ban"]["valid_to"] = "2027-11-23"
    assert ban_problems(forms, data) == [
        "Felt 'Forbuddet gælder til og med' (ban.valid_to): må højst ligge 12 måneder efter "
        "'Forbuddet gælder fra og med' (senest 22. november 2027)"
    ]


def test_ban_refuses_an_end_before_the_start(forms, example_data):
    data = example_data("harassment_ban")
    data["ban"]["valid_to"] = "2026-11-22"
    assert ban_problems(forms, data) == [
        "Felt 'Forbuddet gælder til og med' (ban.valid_to): ligger før 'Forbuddet gælder fra og med'"
    ]


def test_ban_requires_both_dates_and_premises(forms, example_data):
    data = example_data("harassment_ban")
    del data["ban"]["valid_to"]
    data["ban"]["premises"] = []
    assert ban_problems(forms, data) == [
        "Felt 'Bygninger og områder, forbuddet omfatter' (ban.premises): skal have mindst 1 element(er)",
        "Felt 'Forbuddet gælder til og med' (ban.valid_to): skal udfyldes",
    ]


def test_ban_limit_comes_from_the_plan_pack(tmp_path, example_data):
    (tmp_path / "plan.yaml").write_text("deadlines:\n  ban_max_months: 3\n", encoding="utf-8")
    forms = Engine.load(tmp_path).forms
    data = example_data("harassment_ban")
    assert "højst ligge 3 måneder" in ban_problems(forms, copy.deepcopy(data))[0]
    data["ban"]["valid_to"] = "2027-02-22"
    assert forms.validate(data, now=NOW)["ban"]["valid_to"].isoformat() == "2027-02-22"


def test_ban_hearing_deadline_is_not_before_the_letter(forms, example_data):
    data = example_data("harassment_ban")
    data["ban"]["hearing"]["deadline"] = "2026-11-01"
    assert ban_problems(forms, data) == [
        "Felt 'Frist for borgerens svar' (ban.hearing.deadline): ligger før 'Partshøringsbrevet sendt'"
    ]
