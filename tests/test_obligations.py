"""The plan's obligations as pack data (issue 17): packs that add, change and remove them, the Danish
errors for bad ones with file and line, and plan check's warnings for weakened law and dead conditions."""

from __future__ import annotations

import copy
import io
import json
import re

import docx
import pytest

from beredskab.cli.commands import cli
from beredskab.engine import Engine
from beredskab.errors import PackError
from beredskab.pack.check import check_pack

from .conftest import NOW, ROOT, TODAY

JOBCENTER = ROOT / "examples" / "plans" / "jobcenter"
JOBCENTER_EXAMPLES = JOBCENTER / "examples"


def items(engine, case, today=TODAY) -> dict:
    return {item.id: item for item in engine.evaluate(case, today).checklist}


def jobcenter_case(engine, name: str, change=None) -> dict:
    data = json.loads((JOBCENTER_EXAMPLES / name).read_text(encoding="utf-8"))
    if change:
        change(data)
    return engine.validate(data, now=NOW)


# --- errors at pack load: one Danish line with file and line ---------------------------------

@pytest.mark.parametrize("yaml_text, line, reason", [
    ("checklist:\n  school_board:\n    what: Skolebestyrelsen orienteres\n    who: [leader]\n"
     "    when: {filled: incident.school}\n", 5,
     "checklist.school_board: feltet 'incident.school' findes ikke i formularerne"),
    ("checklist:\n  school_board:\n    what: Skolebestyrelsen orienteres\n    who:\n      - leader\n"
     "      - headmaster\n", 6,
     "checklist.school_board: rollen 'headmaster' findes ikke i 'roles'; mulige: leader, safety_representative, "
     "union_representative, safety_organisation, director, work_environment_group, hr, employee"),
    ("documents:\n  visit_ban:\n    when:\n      contains: {incident.incident_types: threat}\n", 4,
     "ukendt betingelse 'contains' i 'documents.visit_ban.when'; mulige: equals, one_of, filled, empty, "
     "before_today, after_today, all, any, not"),
    ("due_dates:\n  school_board:\n    title: Orientering\n    from: incident.occurred_at.start\n"
     "    weeks: 2\n", 5,
     "ukendt nøgle 'weeks' i 'due_dates.school_board'; mulige: title, from, days, hours, months, basis, when, legal"),
    ("checklist:\n  ban_hearing:\n    done:\n      all:\n        - filled: ban.hearing.sent_at\n"
     "        - equals: {ban.hearing.no_response: ja}\n", 6,
     "checklist.ban_hearing: feltet 'ban.hearing.no_response' er ja/nej: værdien skal være true eller false"),
    ("checklist:\n  apv_followup:\n    what: Opfølgning {apv_days}\n", 3,
     "ukendt pladsholder {apv_days} i 'checklist.apv_followup.what'"),
], ids=["unknown-path", "unknown-role", "unknown-operator", "unknown-key", "bad-value", "unknown-placeholder"])
def test_a_bad_obligation_is_one_danish_line_naming_the_pack_file_and_line(make_pack, yaml_text, line, reason):
    pack = make_pack({"plan.yaml": yaml_text})
    with pytest.raises(PackError) as info:
        Engine.load(pack)
    assert info.value.lines() == [f"{reason} ({pack / 'plan.yaml'}, linje {line})"]


def test_plan_check_and_the_cli_report_a_bad_obligation_with_exit_code_2(make_pack, runner):
    pack = make_pack({"plan.yaml": "checklist:\n  debriefing:\n    done: {filled: incident.debriefed}\n"})
    with pytest.raises(PackError) as info:
        check_pack(pack)
    expected = (f"checklist.debriefing: feltet 'incident.debriefed' findes ikke i formularerne "
                f"({pack / 'plan.yaml'}, linje 3)")
    assert info.value.lines() == [expected]
    result = runner.invoke(cli, ["check", str(ROOT / "examples" / "trussel-telefon.json"), "--plan", str(pack)])
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: {expected}\n"
    assert result.stdout == ""


def test_a_pack_removing_a_field_a_default_item_reads_is_told_which_item_and_where(make_pack):
    pack = make_pack({"forms/followup.yaml": "followup:\n  schema:\n    apv_followup_at: ~\n"})
    with pytest.raises(PackError) as info:
        Engine.load(pack)
    [message] = info.value.lines()
    default_line = next(i for i, text in enumerate((ROOT / "plan.yaml").read_text(encoding="utf-8").splitlines(), 1)
                        if text.strip() == "done: {filled: followup.apv_followup_at}")
    assert default_line > 300
    assert message == (f"checklist.apv_followup: feltet 'followup.apv_followup_at' findes ikke i formularerne "
                       f"({ROOT / 'plan.yaml'}, linje {default_line})")


def test_conditions_are_data_no_template_or_python_runs(make_pack):
    pack = make_pack({"plan.yaml": "documents:\n  visit_ban:\n    when: \"{{ ''.__class__ }}\"\n"})
    with pytest.raises(PackError) as info:
        Engine.load(pack)
    assert info.value.lines()[0].startswith("'documents.visit_ban.when' skal være én betingelse")


# --- packs change obligations: merged key by key, conditions replaced whole ------------------

def test_a_pack_replaces_a_document_condition_whole_and_keeps_the_rest(make_pack, phone_threat_data):
    pack = make_pack({"plan.yaml": "documents:\n  personnel_file_note:\n    when: {equals: {incident.channel: phone}}\n"})
    engine = Engine.load(pack)
    case = engine.validate(copy.deepcopy(phone_threat_data), now=NOW)
    advice = {a.name: a for a in engine.evaluate(case, TODAY).documents}["personnel_file_note"]
    assert advice.applies is True
    assert advice.title == "Notat til personalesagen", "the title comes from the defaults"
    phone_threat_data["incident"]["channel"] = "letter"
    case = engine.validate(phone_threat_data, now=NOW)
    advice = {a.name: a for a in engine.evaluate(case, TODAY).documents}["personnel_file_note"]
    assert (advice.applies, advice.reason) == (False, "kan dannes; anbefales især, når hændelsen ikke er politianmeldt")


def test_a_pack_removes_a_condition_with_null_and_the_document_always_applies(make_pack, phone_threat):
    engine = Engine.load(make_pack({"plan.yaml": "documents:\n  visit_ban:\n    when: ~\n"}))
    assert "visit_ban" in engine.evaluate(phone_threat, TODAY).applicable()


def test_a_pack_adds_an_item_with_its_own_deadline_and_number(make_pack, phone_threat):
    pack = make_pack({"plan.yaml": (
        "roles:\n  school_board: skolebestyrelsen\ndeadlines:\n  school_board_days: 3\n"
        "due_dates:\n  school_board:\n    title: Orientering af skolebestyrelsen\n"
        "    from: incident.occurred_at.start\n    days: school_board_days\n"
        "    basis: \"{days} dage efter hændelsen den {date}\"\n"
        "checklist:\n  school_board_informed:\n    what: Skolebestyrelsen orienteres (inden {school_board_days} dage)\n"
        "    who: [leader, school_board]\n    due: school_board\n    done: {filled: support.offered}\n"
        "    done_at: support.offered_at\n")})
    engine = Engine.load(pack)
    item = items(engine, phone_threat)["school_board_informed"]
    assert item.what == "Skolebestyrelsen orienteres (inden 3 dage)"
    assert item.who == "Nærmeste leder og skolebestyrelsen"
    assert (item.due_text, item.done) == ("20. november 2026", True)
    assert [i.id for i in engine.evaluate(phone_threat, TODAY).checklist][-1] == "school_board_informed"
    deadline = engine.evaluate(phone_threat, TODAY).deadlines["school_board"]
    assert deadline.basis == "3 dage efter hændelsen den 17. november 2026"


def test_the_obligations_are_read_once_per_pack_load_not_per_case(engine, phone_threat, example):
    obligations = engine.obligations
    engine.evaluate(phone_threat, TODAY)
    engine.evaluate(example("harassment_ban"), TODAY)
    assert engine.obligations is obligations


# --- plan check: the law's obligations -------------------------------------------------------

LEGAL = "er et lovkrav (legal: true i standardplanen), men pakken"


def obligation_warnings(make_pack, yaml_text: str, **files) -> list[str]:
    return Engine.load(make_pack({"plan.yaml": yaml_text, **files})).obligation_warnings()


def test_the_default_plan_marks_the_law(engine):
    assert [rule.id for rule in engine.obligations.due_dates.values() if rule.legal] == [
        "work_accident_legal", "work_accident_no_absence_legal"]
    assert [item.id for item in engine.obligations.items if item.legal] == [
        "work_accident_legal_report", "work_accident_no_absence_report", "ban_hearing"]
    assert engine.obligation_warnings() == []


@pytest.mark.parametrize("yaml_text, warnings", [
    ("checklist:\n  ban_hearing: ~\n", [f"Advarsel: punktet 'checklist.ban_hearing' {LEGAL} fjerner det"]),
    ("deadlines:\n  work_accident_days: 21\n",
     [f"Advarsel: fristen 'due_dates.work_accident_legal' {LEGAL} gør den længere: 21 dage i stedet for 14",
      f"Advarsel: fristen 'due_dates.work_accident_no_absence_legal' {LEGAL} gør den længere: 21 dage i stedet "
      f"for 14"]),
    ("due_dates:\n  work_accident_legal:\n    days: 30\n    legal: false\n",
     [f"Advarsel: fristen 'due_dates.work_accident_legal' {LEGAL} markerer den ikke længere som lovkrav",
      f"Advarsel: fristen 'due_dates.work_accident_legal' {LEGAL} gør den længere: 30 dage i stedet for 14"]),
    ("due_dates:\n  work_accident_legal:\n    from: followup.safetynet_registered_at\n",
     [f"Advarsel: fristen 'due_dates.work_accident_legal' {LEGAL} lader den løbe fra "
      f"'followup.safetynet_registered_at' i stedet for 'incident.affected_employees[].sick_leave.first_day'"]),
    ("checklist:\n  ban_hearing:\n    done: {filled: ban.hearing.sent_at}\n    blocks: ~\n",
     [f"Advarsel: punktet 'checklist.ban_hearing' {LEGAL} ændrer, hvornår det er udført (done)",
      f"Advarsel: punktet 'checklist.ban_hearing' {LEGAL} lader det ikke længere stoppe dokumentet visit_ban "
      f"(blocks)"]),
    ("checklist:\n  work_accident_legal_report:\n    due: safetynet_internal\n"
     "    when: {equals: {incident.perpetrator.kind: citizen}}\n",
     [f"Advarsel: punktet 'checklist.work_accident_legal_report' {LEGAL} ændrer, hvornår det gælder (when)",
      f"Advarsel: punktet 'checklist.work_accident_legal_report' {LEGAL} fjerner den lovbestemte frist fra "
      f"punktets frist (due)"]),
], ids=["hearing-removed", "law-days-longer", "unmarked-and-longer", "other-start", "hearing-weakened",
        "item-narrowed"])
def test_plan_check_warns_when_a_pack_removes_or_loosens_a_legal_rule(make_pack, yaml_text, warnings):
    assert obligation_warnings(make_pack, yaml_text) == warnings


def test_stricter_internal_deadlines_on_top_of_the_law_are_no_warning(make_pack):
    assert obligation_warnings(make_pack, (
        "deadlines:\n  work_accident_days: 10\n  own_days: 3\n"
        "due_dates:\n  own:\n    title: Egen frist\n    from: incident.occurred_at.start\n    days: own_days\n"
        "    basis: \"{days} dage\"\n"
        "checklist:\n  work_accident_report:\n    due: [own, safetynet_internal, work_accident_legal]\n")) == []


def test_cli_plan_check_prints_the_legal_warning_and_exits_0(make_pack, runner):
    pack = make_pack({"plan.yaml": "checklist:\n  ban_hearing: ~\n"})
    result = runner.invoke(cli, ["plan", "check", str(pack)])
    assert result.exit_code == 0, result.output
    assert f"Advarsel: punktet 'checklist.ban_hearing' {LEGAL} fjerner det" in result.stderr.splitlines()


# --- plan check: obligations that can never apply or never be done ---------------------------

def test_plan_check_reports_conditions_that_can_never_hold_with_the_pack_forms(make_pack):
    warnings = obligation_warnings(make_pack, (
        "choices:\n  channel:\n    social_media: ~\n"
        "documents:\n  visit_ban:\n    when: {equals: {incident.channel: social_media}}\n"
        "checklist:\n  debriefing:\n    done: {empty: incident.location}\n"
        "  support_offered:\n    when:\n      all:\n        - filled: support\n"
        "        - after_today: support.offered_at\n"
        "due_dates:\n  ban_max_end:\n    when: {one_of: {incident.perpetrator.kind: [robot, alien]}}\n"))
    assert warnings == [
        "Advarsel: fristen 'due_dates.ban_max_end' kan aldrig gælde med pakkens formularer (valget 'robot' findes "
        "ikke i feltet 'incident.perpetrator.kind'; valget 'alien' findes ikke i feltet 'incident.perpetrator.kind')",
        "Advarsel: punktet 'checklist.support_offered' kan aldrig gælde med pakkens formularer",
        "Advarsel: punktet 'checklist.debriefing' kan aldrig blive udført med pakkens formularer",
        "Advarsel: dokumentet 'documents.visit_ban' kan aldrig gælde med pakkens formularer (valget 'social_media' "
        "findes ikke i feltet 'incident.channel')",
    ]


def test_plan_check_reports_a_safetynet_cause_that_can_never_hold(make_pack):
    warnings = obligation_warnings(make_pack, "safetynet:\n  causes:\n    violence: {not: true}\n")
    assert warnings == ["Advarsel: årsagskategorien 'safetynet.causes.violence' kan aldrig gælde med pakkens "
                        "formularer"]


# --- the worked example of docs/skabeloner.md ----------------------------------------------

def test_the_worked_example_in_the_guide_adds_an_item_and_drops_the_visit_ban(make_pack, example):
    guide = (ROOT / "docs" / "skabeloner.md").read_text(encoding="utf-8")
    chapter = guide[guide.index("### Eksempel: en skole"):]
    plan_yaml = re.search(r"```yaml\n(.*?)```", chapter, re.S).group(1)
    engine = Engine.load(make_pack({"plan.yaml": plan_yaml}))
    case = example("harassment_ban")
    evaluation = engine.evaluate(case, TODAY)
    found = {item.id: item for item in evaluation.checklist}
    assert found["school_board_informed"].what == "Skolebestyrelsens formand orienteres om episoden (inden 3 dage)"
    assert found["school_board_informed"].due_text == "31. oktober 2026"
    assert not {"ban_hearing", "ban_director_signature", "not_alone_in_difficult_conversation"} & set(found)
    assert "visit_ban" not in engine.documents() and "visit_ban" not in evaluation.applicable()
    case.data["incident"]["perpetrator"]["kind"] = "colleague"
    assert "school_board_informed" not in {item.id for item in engine.evaluate(case, TODAY).checklist}
    assert engine.obligation_warnings() == [f"Advarsel: punktet 'checklist.ban_hearing' {LEGAL} fjerner det"]


# --- the jobcenter pack: its own obligation and its own document condition -------------------

@pytest.fixture(scope="module")
def jobcenter():
    return Engine.load(JOBCENTER)


def test_jobcenter_alarm_review_is_done_in_its_example_and_open_without_the_date(jobcenter):
    case = jobcenter_case(jobcenter, "trussel-samtale.json")
    item = items(jobcenter, case, TODAY)["alarm_reviewed"]
    assert item.what == "Sikkerhedskoordinatoren gennemgår forløbet og tester overfaldsalarmen (inden 2 dage)"
    assert item.who == "Jobcentrets sikkerhedskoordinator og nærmeste leder"
    assert (item.due_text, item.status) == ("7. oktober 2026", "Udført 6. oktober 2026")
    case = jobcenter_case(jobcenter, "trussel-samtale.json", lambda data: data.pop("followup"))
    item = items(jobcenter, case, TODAY)["alarm_reviewed"]
    assert (item.done, item.overdue, item.status) == (False, True, "Overskredet")


def test_jobcenter_alarm_review_only_when_the_alarm_was_used(jobcenter):
    case = jobcenter_case(jobcenter, "forbud-venteomraade.json")
    assert case.data["incident"]["alarm_used"] is False
    assert "alarm_reviewed" not in items(jobcenter, case, TODAY)
    assert "alarm_review" not in jobcenter.evaluate(case, TODAY).deadlines


def test_jobcenter_makes_the_personnel_file_note_after_a_sanction_meeting_even_when_reported(jobcenter):
    case = jobcenter_case(jobcenter, "trussel-samtale.json")
    assert case.data["incident"]["police"]["reported"] is True  # the default plan would not call for the note
    advice = {a.name: a for a in jobcenter.evaluate(case, TODAY).documents}["personnel_file_note"]
    assert advice.applies is True
    assert advice.reason == ("hændelsen er ikke politianmeldt, eller den skete under en samtale om sanktion: "
                             "notatet dokumenterer den til en eventuel erstatningssag")
    case = jobcenter_case(jobcenter, "trussel-samtale.json",
                          lambda data: data["incident"].update(meeting_type="follow_up"))
    assert "personnel_file_note" not in jobcenter.evaluate(case, TODAY).applicable()


def test_jobcenter_generate_writes_the_personnel_file_note_and_the_checklist_shows_the_review(runner, tmp_path):
    example = str(JOBCENTER_EXAMPLES / "trussel-samtale.json")
    result = runner.invoke(cli, ["generate", example, "--plan", str(JOBCENTER), "--out", str(tmp_path),
                                 "--today", "2026-10-08"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "AMB-2026-007"
    assert sorted(p.name for p in folder.glob("*.docx")) == [
        "AMB-2026-007_checklist.docx", "AMB-2026-007_incident_note.docx",
        "AMB-2026-007_personnel_file_note_1.docx", "AMB-2026-007_safetynet_summary.docx"]
    checklist = docx.Document(io.BytesIO((folder / "AMB-2026-007_checklist.docx").read_bytes()))
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in checklist.tables[1].rows}
    assert rows["Sikkerhedskoordinatoren gennemgår forløbet og tester overfaldsalarmen (inden 2 dage)"] == [
        "Jobcentrets sikkerhedskoordinator og nærmeste leder", "7. oktober 2026", "Udført 6. oktober 2026"]
    deadlines = [[c.text for c in row.cells] for row in checklist.tables[2].rows]
    assert ["Gennemgang af overfaldsalarmen (jobcentrets frist)", "7. oktober 2026",
            "2 dage efter hændelsen den 5. oktober 2026"] in deadlines


def test_a_hostile_condition_is_bounded_and_echoed_safely(make_pack):
    deep = "documents:\n  visit_ban:\n    when: " + "{not: " * 40 + "true" + "}" * 40 + "\n"
    with pytest.raises(PackError) as info:
        Engine.load(make_pack({"plan.yaml": deep}))
    assert info.value.lines()[0].startswith("betingelsen i 'documents.visit_ban.when' er indlejret mere end 12 niveauer")
    long_path = "incident." + "x" * 5000 + "\\nFejl: falsk"
    pack = make_pack({"plan.yaml": f"documents:\n  visit_ban:\n    when: {{filled: \"{long_path}\"}}\n"}, name="long")
    with pytest.raises(PackError) as info:
        Engine.load(pack)
    [line] = info.value.lines()
    assert len(line) < 700 and "\n" not in line


def test_the_starter_pack_example_obligation_works_when_uncommented(make_pack, example):
    text = (ROOT / "generator" / "pack" / "starter_pack" / "plan.yaml").read_text(encoding="utf-8")
    block = text[text.index("# checklist:"):]
    plan_yaml = "\n".join(line[2:] for line in block.splitlines() if line.startswith("# "))
    engine = Engine.load(make_pack({"plan.yaml": plan_yaml}))
    case = example("counter_violence")
    assert "school_board_informed" in {item.id for item in engine.evaluate(case, TODAY).checklist}
    assert "personnel_file_note" in engine.evaluate(case, TODAY).applicable()
    assert engine.obligation_warnings() == []
