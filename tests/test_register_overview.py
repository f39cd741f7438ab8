"""``overdue``: every open case's overdue and coming tasks, from the tasks the engine computed on save."""

from __future__ import annotations

from datetime import date

from beredskab.cli.commands import cli
from beredskab.register import close_case, save, set_fields
from beredskab.register.overview import overdue

from .conftest import EXAMPLES, TODAY


def _imported(register, example_data):
    for name in ("phone_threat", "counter_violence", "harassment_ban"):
        save(register, example_data(name))


def test_overdue_lists_what_the_action_plan_marks_overdue(register, engine, example_data):
    _imported(register, example_data)
    found = [(t.case_id, t.item_id) for t in overdue(register, TODAY)]
    expected = []
    for name in ("phone_threat", "counter_violence", "harassment_ban"):
        case = engine.validate(example_data(name))
        expected += [(case.id, item.id) for item in engine.checklist(case, TODAY) if item.overdue]
    assert sorted(found) == sorted(expected)
    assert ("KME-2026-031", "victim_compensation_police_report") in found
    assert ("KME-2026-031", "safetynet_registration") not in found, "the plan gives it no deadline (issue 15)"


def test_overdue_is_soonest_first_and_within_adds_coming_tasks(register, example_data):
    _imported(register, example_data)
    early = date(2026, 11, 18)
    tasks = overdue(register, early, within=7)
    assert [t.due for t in tasks] == sorted(t.due for t in tasks)
    coming = {(t.case_id, t.item_id): t for t in tasks if not t.overdue}
    reminder = coming[("KME-2026-031", "victim_compensation_police_report")]
    assert reminder.due == date(2026, 11, 20) and reminder.status == "Husk"
    assert reminder.who == "Nærmeste leder og den berørte medarbejder"
    assert ("KME-2026-031", "victim_compensation_police_report") not in {
        (t.case_id, t.item_id) for t in overdue(register, early)}


def test_overdue_follows_the_newest_version_and_leaves_closed_cases_out(register, example_data):
    _imported(register, example_data)
    assert ("KME-2026-031", "victim_compensation_police_report") in {(t.case_id, t.item_id)
                                                                     for t in overdue(register, TODAY)}
    set_fields(register, "KME-2026-031", [("incident.police.reported", True), ("incident.police.reported_by", "leader"),
                                          ("incident.police.reported_at", "2026-11-19T09:00")])
    assert ("KME-2026-031", "victim_compensation_police_report") not in {(t.case_id, t.item_id)
                                                                         for t in overdue(register, TODAY)}
    close_case(register, "KME-2026-031")
    assert "KME-2026-031" not in {t.case_id for t in overdue(register, TODAY)}


def test_drafts_have_no_tasks_in_the_overview(register, example_data):
    data = example_data("phone_threat")
    del data["incident"]["description"]
    save(register, data, draft=True)
    assert overdue(register, TODAY) == []


def test_cli_overdue_on_the_examples_with_a_fixed_today(runner, db_path):
    db = ["--db", str(db_path)]
    runner.invoke(cli, ["cases", "import", *sorted(str(p) for p in EXAMPLES.glob("*.json")), *db])
    result = runner.invoke(cli, ["overdue", "--today", "2026-11-26", *db])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Overskredne og kommende opgaver pr. 26. november 2026"
    assert ("[!] 2026-11-20  KME-2026-031  Husk: offererstatning kræver normalt, at forholdet er anmeldt til politiet "
            "inden 72 timer") in lines
    rows = [line for line in lines if line.startswith("[")]
    assert [row.split()[1] for row in rows] == sorted(row.split()[1] for row in rows)
    assert lines[-1].endswith("er overskredet; 0 har frist snart.")
    nothing = runner.invoke(cli, ["overdue", "--today", "2026-10-01", *db])
    assert nothing.output == "Ingen åbne sager har overskredne opgaver pr. 1. oktober 2026.\n"


def test_refresh_recomputes_stored_tasks_after_the_pack_changed(register, db_path, make_pack, example_data):
    from beredskab.engine import Engine
    from beredskab.register import Register, history
    from beredskab.register.saving import refresh_tasks

    data = example_data("phone_threat")  # with sick leave: the plan's 5 days apply (issue 15)
    data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": True, "first_day": "2026-11-18"}
    save(register, data)
    day = date(2026, 11, 25)
    before = {t.item_id: t.due for t in overdue(register, day) if t.case_id == "KME-2026-031"}
    assert before["work_accident_report"] == date(2026, 11, 22)  # 5 days after 17 November
    pack = make_pack({"plan.yaml": "deadlines:\n  safetynet_days: 10\n"})
    with Register.open(db_path, engine=Engine.load(pack), user="hbr") as other:
        assert refresh_tasks(other) == (1, 1)
        assert "work_accident_report" not in {t.item_id for t in overdue(other, day)}
        coming = {t.item_id: t.due for t in overdue(other, day, within=7)}
        assert coming["work_accident_report"] == date(2026, 11, 27)  # 10 days after 17 November
        assert refresh_tasks(other) == (1, 0)
        assert len(history(other, "KME-2026-031")) == 1  # no new version: the tasks are derived data
