"""The plan traced: every row of docs/traceability.md points at fields, rules, documents and
sections that exist, and ``plan check`` warns when a pack removes one (issue #9)."""

from __future__ import annotations

import io
import json

import docx
import pytest

from beredskab.pack import traceability
from beredskab.errors import PackError
from beredskab.pack.check import check_pack

from .conftest import EXAMPLE_FILES, EXAMPLES, NOW, ROOT, TODAY

ROWS = traceability.load(ROOT / "docs" / "traceability.md")
JOBCENTER = ROOT / "examples" / "plans" / "jobcenter"

HEADER = ("| Id | Planens tekst | Forpligter | Felter | Regler | Dokument og afsnit | Status | Bemærkning |\n"
          "|---|---|---|---|---|---|---|---|\n")


def _pairs(attr: str) -> list[tuple[str, object]]:
    return [(row.id, value) for row in ROWS for value in getattr(row, attr)]


def _ids(pairs) -> list[str]:
    return [f"{row_id}:{getattr(v, 'section', None) or getattr(v, 'document', v)}" for row_id, v in pairs]


def item_ids(engine) -> list[str]:
    """The ids of the pack's checklist items (plan.yaml ``checklist``)."""
    return [item.id for item in engine.obligations.items]


def _docx_text(data: bytes) -> traceability.RenderedText:
    """Headings (by style) and the text of every paragraph and table cell of a .docx."""
    document = docx.Document(io.BytesIO(data))
    text = traceability.RenderedText()
    for paragraph in document.paragraphs:
        target = text.headings if paragraph.style.name.startswith("Heading") else text.blocks
        target.add(" ".join(paragraph.text.split()))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                text.blocks.add(" ".join(cell.text.split()))
    return text


@pytest.fixture(scope="module")
def generated(engine) -> dict[str, list[traceability.RenderedText]]:
    """Every document each bundled example calls for, generated and read back from .docx."""
    found: dict[str, list[traceability.RenderedText]] = {}
    for name in EXAMPLE_FILES.values():
        case = engine.load_case(EXAMPLES / name, now=NOW)
        evaluation = engine.evaluate(case, TODAY)
        for document in engine.select(case):
            data = engine.render(case, document, TODAY, evaluation)
            found.setdefault(engine.document_of(document), []).append(_docx_text(data))
    return found


# --- the table itself ----------------------------------------------------------------------

def test_traceability_table_has_a_row_for_each_part_of_the_plan():
    prefixes = {row.id.split("-")[0] for row in ROWS}
    assert prefixes == {"AK", "VK", "LA", "MA", "LE", "MED", "AMG"}
    assert len(ROWS) >= 40
    assert {party for row in ROWS for party in row.binds} == set(traceability.PARTIES)


def test_traceability_every_row_points_at_something_or_says_why_not():
    for row in ROWS:
        assert row.points_at_something or row.kind == "outside", row.id
        if row.kind == "outside":
            assert row.reason, row.id


@pytest.mark.parametrize("row_id, reference", _pairs("fields"), ids=_ids(_pairs("fields")))
def test_traceability_field_exists_in_the_forms(forms, row_id, reference):
    assert traceability.field_gap(forms.schema, reference) is None


@pytest.mark.parametrize("row_id, name", _pairs("rules"), ids=_ids(_pairs("rules")))
def test_traceability_rule_exists_and_checklist_items_are_in_plan_yaml(engine, row_id, name):
    assert traceability.is_rule(name)
    if "." not in name:
        assert name in item_ids(engine), "a bare rule id is a checklist item"
    assert traceability.rule_gap(engine.settings, name) is None


@pytest.mark.parametrize("row_id, place", _pairs("places"), ids=_ids(_pairs("places")))
def test_traceability_section_appears_in_a_generated_example_document(engine, generated, row_id, place):
    assert place.document in engine.documents()
    assert generated.get(place.document), f"no example generates {place.document}"
    if place.section:
        assert any(text.shows(place.section) for text in generated[place.document]), place.section


def test_traceability_every_checklist_item_and_document_traces_back_to_a_row(engine):
    named = {name for row in ROWS for name in row.rules}
    assert set(item_ids(engine)) <= named
    assert {f"due_dates.{name}" for name in engine.obligations.due_dates} <= named
    assert set(engine.documents()) <= {place.document for row in ROWS for place in row.places}


def test_traceability_reminders_show_as_husk_in_an_example_checklist(engine, example):
    shown = {}
    for name in EXAMPLE_FILES:
        for item in engine.evaluate(example(name), TODAY).checklist:
            shown[item.id] = item
    reminders = [name for row in ROWS if row.kind == "reminder" for name in row.rules if name in item_ids(engine)]
    assert {"police_interview_companion", "not_alone_in_difficult_conversation", "preventive_actions_shared",
            "union_representative_involved"} <= set(reminders)
    for name in reminders:
        assert shown[name].state == "reminder" and shown[name].status == "Husk", name


def test_traceability_covers_what_the_issue_lists():
    """Each topic of issue #9 has a row naming its field or rule."""
    fields = {f for row in ROWS for f in row.fields}
    named = {name for row in ROWS for name in row.rules}
    for option in ("job_relief", "collegial_talk", "wellbeing_scheme", "family_contact", "transport",
                   "family_information", "crisis_help"):
        assert f"support.offered={option}" in fields
    for action in ("tried_to_calm", "colleague_helped", "colleagues_warned", "conversation_ended",
                   "asked_to_leave", "left_or_hung_up", "police_called"):
        assert f"incident.actions_taken={action}" in fields
    assert {"incident.police.reported", "incident.police.reported_by=employee",
            "support.talks_with_employee=union_representative", "incident.police.director_informed_at", "ban.director.name", "followup.work_accident_reported_at"} <= fields
    assert {"leader_informed", "employees_gathered", "safety_organisation_informed", "support_assessed",
            "director_informed", "ban_director_signature", "safetynet_registration", "work_accident_report",
            "apv_followup"} <= named
    outside = " ".join(row.reason for row in ROWS if row.kind == "outside")
    assert "trivselsundersøgelsen hvert andet år" in outside


# --- the parser -------------------------------------------------------------------------------

@pytest.mark.parametrize("row, reason", [
    ("| X-1 | \"t\" | leder | | | | realiseret | |",
     "rækken peger hverken på et felt, en regel eller et dokument"),
    ("| X-1 | \"t\" | chef | `incident.location` | | | realiseret | |", "kolonnen Forpligter skal nævne nogle af"),
    ("| X-1 | \"t\" | leder | `incident.location` | | | klaret | |", "kolonnen Status skal begynde med en af"),
    ("| X-1 | \"t\" | leder | | | | uden for beredskab | |", "'uden for beredskab' skal have en grund"),
    ("| X-1 | \"t\" | leder | | `evaluate` | | påmindelse i handleplanen | |",
     "en påmindelse skal nævne sit punkt i handleplanen"),
    ("| X-1 | \"t\" | leder | | | `incident_note`: Politi | realiseret | |", "et afsnit skal stå i anførselstegn"),
    ("| X-1 | \"t\" | leder | `incident.location` |", "rækken har 4 kolonner, ikke 8"),
], ids=["points-at-nothing", "unknown-party", "unknown-status", "outside-without-reason",
        "reminder-without-item", "unquoted-section", "short-row"])
def test_traceability_parse_refuses_a_bad_row_with_its_line(row, reason):
    with pytest.raises(PackError) as info:
        traceability.parse("# T\n\n" + HEADER + row + "\n", "t.md")
    line = info.value.lines()[0]
    assert reason in line
    assert line.endswith("(t.md, linje 5)")


def test_traceability_parse_reads_fields_rules_and_sections():
    row, = traceability.parse(HEADER + (
        "| X-1 | \"t\" | leder, direktør | `ban.director.name`, `support.offered=crisis_help` | `ban_director_signature` "
        "| `visit_ban`: \"Underskrift\", \"Afgørelse\"; `checklist` | uden for beredskab: fordi | note |\n"))
    assert row.binds == ("leder", "direktør")
    assert row.fields == ("ban.director.name", "support.offered=crisis_help")
    assert row.places == (traceability.Place("visit_ban", "Underskrift"), traceability.Place("visit_ban", "Afgørelse"),
                          traceability.Place("checklist"))
    assert (row.kind, row.reason, row.remark) == ("outside", "fordi", "note")


@pytest.mark.parametrize("reference, gap", [
    ("incident.affected_employees[].name", None),
    ("support.offered=crisis_help", None),
    ("incident.police.director_informed_at", None),
    ("incident.nope", "feltet 'incident.nope' findes ikke i formularerne"),
    ("incident.location.inner", "feltet 'incident.location.inner' findes ikke i formularerne"),
    ("support.offered=coffee", "valget 'coffee' findes ikke i feltet 'support.offered'"),
    ("incident.channel=phone", None),
], ids=["list-item", "choice-in-list", "nested", "missing", "below-a-leaf", "missing-choice", "choice-of-string"])
def test_traceability_field_gap(forms, reference, gap):
    assert traceability.field_gap(forms.schema, reference) == gap


# --- plan check on packs ----------------------------------------------------------------------

@pytest.mark.parametrize("folder", [ROOT, JOBCENTER], ids=["defaults", "jobcenter"])
def test_packcheck_bundled_packs_remove_nothing_the_plan_needs(folder):
    assert check_pack(folder).warnings == []


def _examples_without(path: str) -> dict[str, str]:
    """The default examples as pack files, with one followup field taken out."""
    files = {}
    for name in EXAMPLE_FILES.values():
        data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        data.get("followup", {}).pop(path, None)
        files[f"examples/{name}"] = json.dumps(data, ensure_ascii=False)
    return files


def test_packcheck_warns_when_a_pack_removes_a_traced_field(make_pack):
    # The checklist item read the field; without it the item is a reminder (no done, no done_at).
    pack = make_pack({"forms/followup.yaml": "followup:\n  schema:\n    apv_followup_at: ~\n",
                      "plan.yaml": "checklist:\n  apv_followup:\n    done: ~\n    done_at: ~\n",
                      **_examples_without("apv_followup_at")})
    assert check_pack(pack).warnings == [
        "Advarsel: feltet 'followup.apv_followup_at' findes ikke i formularerne, men planens krav LE-01, AMG-01 "
        "realiseres med det (se docs/traceability.md i standardplanen)"
    ]


def test_packcheck_warns_when_a_pack_drops_a_checklist_item_or_a_choice(make_pack):
    pack = make_pack({"plan.yaml": "checklist:\n  police_interview_companion: null\n"
                                   "choices:\n  support_option:\n    family_contact: ~\n"})
    warnings = check_pack(pack).warnings
    assert warnings == [
        "Advarsel: valget 'family_contact' findes ikke i feltet 'support.offered', men planens krav VK-06 "
        "realiseres med det (se docs/traceability.md i standardplanen)",
        "Advarsel: valget 'family_contact' findes ikke i feltet 'support.accepted', men planens krav VK-06 "
        "realiseres med det (se docs/traceability.md i standardplanen)",
        "Advarsel: punktet 'checklist.police_interview_companion' er fjernet fra plan.yaml, men planens krav "
        "LA-11 realiseres med det (se docs/traceability.md i standardplanen)",
    ]


def test_packcheck_warns_when_a_pack_template_drops_a_traced_section(make_pack):
    pack = make_pack({"templates/incident_note.html.j2":
                      '{% extends "default/incident_note.html.j2" %}\n{% block police %}{% endblock %}\n'})
    warnings = check_pack(pack).warnings
    assert len(warnings) == 2
    assert warnings[0].startswith("Advarsel: afsnittet \"Politi\" findes ikke i dokumentet 'incident_note' "
                                  "i nogen eksempelsag, men planens krav LA-06, LA-08 realiseres med det")
    assert "\"Anmeldt af\"" in warnings[1] and "LA-09" in warnings[1]


def test_cli_plan_check_prints_warnings_on_stderr_and_exits_0(runner, make_pack):
    from beredskab.cli.commands import cli

    pack = make_pack({"plan.yaml": "checklist:\n  union_representative_involved: ~\n"})
    result = runner.invoke(cli, ["plan", "check", str(pack)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Advarsel: punktet 'checklist.union_representative_involved' er fjernet fra plan.yaml, men planens krav "
        "AMG-03 realiseres med det (se docs/traceability.md i standardplanen)"
    ]
    assert result.stdout.startswith(f"Planpakken {pack} er i orden")


def test_packcheck_without_the_table_warns_that_nothing_was_traced(make_pack, monkeypatch, tmp_path):
    monkeypatch.setattr(traceability, "default_table", lambda: tmp_path / "mangler.md")
    warnings = check_pack(make_pack({"plan.yaml": "unit: X\n"})).warnings
    assert warnings == [f"Advarsel: sporingstabellen kan ikke læses ({tmp_path / 'mangler.md'}); "
                        "planens krav er ikke kontrolleret"]


def test_traceability_table_is_installed_with_the_default_pack():
    """plan check reads the default pack's table, so an installed beredskab must carry it."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    installed = [p.strip() for p in config["options.package_data"]["beredskab.defaults"].split(",")]
    assert traceability.TABLE_PATH.as_posix() in installed
    assert traceability.default_table().is_file()
