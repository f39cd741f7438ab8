"""Old case files stay readable: the shapes of format 1 are mapped to today's before validation."""

from __future__ import annotations

import copy
import json

import pytest

from beredskab.case.upgrade import upgrade

from .conftest import DATA, NOW

OLD = DATA / "old-format"


def old_case(name: str) -> dict:
    return json.loads((OLD / name).read_text(encoding="utf-8"))


def test_old_case_with_case_level_sick_leave_loads_with_the_leave_on_the_employee(engine):
    case = engine.validate(old_case("vold-skranke-v1.json"), now=NOW)
    employee = case.data["incident"]["affected_employees"][0]
    assert employee["sick_leave"]["has_leave"] is True
    assert employee["sick_leave"]["first_day"].isoformat() == "2026-11-04"
    assert employee["injuries"]["physical"].startswith("Blå mærker")
    assert "sick_leave" not in case.data["incident"] and "injuries" not in case.data["incident"]


def test_old_case_file_on_disk_loads_through_load_case(engine):
    case = engine.load_case(OLD / "vold-skranke-v1.json", now=NOW)
    assert case.id == "KME-2026-038"


def test_old_case_level_facts_go_to_every_employee_when_the_file_does_not_say_whom():
    data = old_case("vold-skranke-v1.json")
    data["incident"]["affected_employees"].append({"name": "Peter Lund", "job_title": "Kontorfuldmægtig"})
    upgraded = upgrade(data)
    leaves = [e["sick_leave"]["has_leave"] for e in upgraded["incident"]["affected_employees"]]
    assert leaves == [True, True]


def test_upgrade_keeps_an_employees_own_facts():
    data = old_case("vold-skranke-v1.json")
    data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": False}
    assert upgrade(data)["incident"]["affected_employees"][0]["sick_leave"] == {"has_leave": False}


def test_old_ban_premises_text_becomes_a_building_with_its_address(engine):
    case = engine.validate(old_case("chikane-forbud-v1.json"), now=NOW)
    assert case.data["ban"]["premises"] == [
        {"name": "Rådhuset", "address": "Skelbækvej 2, 6200 Aabenraa", "area": None}]
    assert "scope" not in case.data["ban"] and "administrations" not in case.data["ban"]


def test_old_ban_on_the_workplace_without_premises_gets_the_packs_workplace(engine):
    data = old_case("chikane-forbud-v1.json")
    data["ban"].update(scope="workplace", administrations=[])
    del data["ban"]["premises"]
    case = engine.validate(data, now=NOW)
    assert case.data["ban"]["premises"][0]["name"] == "Rådhuset"
    assert case.data["ban"]["premises"][0]["address"] == "Skelbækvej 2, 6200 Aabenraa"


def test_old_ban_text_without_an_address_asks_for_the_address(engine):
    from beredskab.errors import CaseError

    data = old_case("chikane-forbud-v1.json")
    data["ban"]["premises"] = "Rådhuset"
    with pytest.raises(CaseError) as info:
        engine.validate(data, now=NOW)
    assert info.value.lines() == ["Felt 'Adresse' (ban.premises[0].address): skal udfyldes"]


def test_upgrade_does_not_change_the_callers_data():
    data = old_case("vold-skranke-v1.json")
    before = copy.deepcopy(data)
    upgrade(data)
    assert data == before


@pytest.mark.parametrize("data", [
    [], "text", None,
    {"incident": "x"},
    {"incident": {"sick_leave": {"has_leave": True}, "affected_employees": "x"}},
    {"incident": {"injuries": 3, "affected_employees": [None, 1, {"name": "A"}]}},
    {"ban": {"premises": 7, "scope": ["x"]}},
    {"ban": {"scope": "named_administrations", "administrations": "x"}},
], ids=["list", "text", "null", "incident-text", "employees-text", "odd-items", "premises-number", "admins-text"])
def test_upgrade_never_fails_on_odd_input(data):
    upgrade(data)  # validation reports what is wrong; the upgrade only maps what it recognises
