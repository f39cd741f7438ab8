"""Plan packs: each kind of override changes the generated .docx as intended."""

from __future__ import annotations

import copy
import io

import docx
import pytest

from beredskab.engine import Engine
from beredskab.errors import CaseError
from beredskab.pack.loader import PLAN_ENV

from .conftest import EXAMPLES, NOW, ROOT, TODAY
from .test_documents import fields_table, headings, open_docx

JOBCENTER = ROOT / "examples" / "plans" / "jobcenter"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def generate(pack, data: dict) -> docx.Document:
    """Load ``pack``, validate ``data`` with its forms and render the incident note."""
    engine = Engine.load(pack)
    case = engine.validate(copy.deepcopy(data), now=NOW)
    return open_docx(engine.render(case, "incident_note", today=TODAY))


def all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def header_texts(document) -> list[str]:
    """Every paragraph of the page header, the letterhead table's cells included."""
    header = document.sections[0].header
    cells = [p.text for table in header.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return cells + [p.text for p in header.paragraphs]


def test_pack_plan_yaml_changes_letterhead_and_director_title(make_pack, phone_threat_data):
    pack = make_pack({"plan.yaml": "unit: Børn & Skole\nworkplace: Skolevej 1\nroles:\n  director: skoledirektør\n"})
    phone_threat_data["incident"]["police"] = {
        "reported": True, "reported_by": "leader", "reported_at": "2026-11-17T12:00",
    }
    document = generate(pack, phone_threat_data)
    assert "Børn & Skole · Skolevej 1" in header_texts(document)
    assert "Aabenraa Kommune" in header_texts(document), "keys the pack leaves out come from the defaults"
    assert "Skoledirektør orienteret" in fields_table(document.tables[3])
    assert document.paragraphs[0].text == "Skolevej 1, 18. november 2026"


def test_pack_choice_list_changes_labels_adds_and_removes_choices(make_pack, phone_threat_data):
    pack = make_pack({"plan.yaml": "choices:\n  channel:\n    phone: Telefonopkald\n    video: Videosamtale\n"
                                   "    letter: ~\n"})
    document = generate(pack, phone_threat_data)
    assert fields_table(document.tables[0])["Kontaktform"] == "Telefonopkald"
    phone_threat_data["incident"]["channel"] = "video"
    assert fields_table(generate(pack, phone_threat_data).tables[0])["Kontaktform"] == "Videosamtale"
    phone_threat_data["incident"]["channel"] = "letter"
    with pytest.raises(CaseError, match="incident.channel"):
        generate(pack, phone_threat_data)


def test_pack_form_adds_a_field_that_a_template_block_shows(make_pack, phone_threat_data):
    pack = make_pack({
        "forms/incident.yaml": "incident:\n  schema:\n    room_number:\n      type: string\n      required: true\n"
                               "      meta:\n        label: Lokalenummer\n",
        "templates/incident_note.html.j2": '{% extends "default/incident_note.html.j2" %}\n'
                                           "{% block account %}<p>Lokale: {{ incident.room_number }}</p>"
                                           "{{ super() }}{% endblock %}\n",
    })
    with pytest.raises(CaseError, match="Lokalenummer"):
        generate(pack, phone_threat_data)
    phone_threat_data["incident"]["room_number"] = "2.14"
    document = generate(pack, phone_threat_data)
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("Hændelsesforløb") - 1] == "Lokale: 2.14"
    assert headings(document, 2)[:2] == ["Hændelsesforløb", "Handlinger under hændelsen"], "other blocks stay"


@pytest.mark.parametrize("override, field, accepted", [
    ("    location:\n      required: false\n", "location", True),
    ("    warning_signs:\n      required: true\n", "warning_signs", False),
], ids=["required-false-relaxes", "required-true-tightens"])
def test_pack_form_changes_whether_a_field_is_required(make_pack, phone_threat_data, override, field, accepted):
    pack = make_pack({"forms/incident.yaml": f"incident:\n  schema:\n{override}"})
    del phone_threat_data["incident"][field]
    engine = Engine.load(pack)
    if accepted:
        assert engine.validate(phone_threat_data, now=NOW).data["incident"][field] is None
    else:
        with pytest.raises(CaseError, match=f"incident.{field}"):
            engine.validate(phone_threat_data, now=NOW)


def test_pack_form_changes_label_and_help_but_keeps_the_rest(make_pack):
    pack = make_pack({"forms/incident.yaml": "incident:\n  schema:\n    location:\n      meta:\n"
                                             "        label: Lokale\n"})
    location = Engine.load(pack).forms.schema["incident"]["schema"]["location"]
    assert location["meta"]["label"] == "Lokale"
    assert location["meta"]["help"].startswith("Hvor skete det?")
    assert location["maxlength"] == 200 and location["required"] is True


def test_pack_form_removes_a_field_with_null(make_pack, phone_threat_data):
    # The checklist item 'debriefing' reads the field, so the pack makes it a reminder too
    # (tests/test_obligations.py: without that, loading the pack names the item and the field).
    pack = make_pack({"forms/incident.yaml": "incident:\n  schema:\n    debriefing_at: ~\n",
                      "plan.yaml": "checklist:\n  debriefing:\n    done: ~\n    done_at: ~\n"})
    engine = Engine.load(pack)
    assert "debriefing_at" not in engine.forms.schema["incident"]["schema"]
    with pytest.raises(CaseError, match="incident.debriefing_at"):
        engine.validate(phone_threat_data, now=NOW)


def test_pack_template_replaces_the_default_by_name(make_pack, phone_threat_data):
    pack = make_pack({"templates/incident_note.html.j2": "<h1>Kort notat</h1>\n<p>Sag {{ incident.case_id }}</p>\n"})
    document = generate(pack, phone_threat_data)
    assert [p.text for p in document.paragraphs] == ["Kort notat", "Sag KME-2026-031"]
    assert document.paragraphs[0].style.name == "Heading 1"


def test_pack_base_template_changes_the_letterhead_of_every_document(make_pack, phone_threat_data):
    pack = make_pack({"templates/_base.html.j2": '{% extends "default/_base.html.j2" %}\n'
                                                 '{% block confidentiality %}FORTROLIGT{% endblock %}\n'})
    document = generate(pack, phone_threat_data)
    assert "FORTROLIGT" in header_texts(document)
    assert "Fortroligt – indeholder personoplysninger" not in header_texts(document)
    assert headings(document, 1) == ["Notat om hændelsen"]


def test_pack_reference_docx_and_logo_replace_the_letterhead(make_pack, phone_threat_data):
    reference = (JOBCENTER / "templates" / "reference.docx").read_bytes()
    logo = (JOBCENTER / "templates" / "logo.png").read_bytes()
    pack = make_pack({"templates/reference.docx": reference, "templates/logo.png": logo})
    document = generate(pack, phone_threat_data)
    assert str(document.styles["Heading 1"].font.color.rgb) == "1E6B3A"
    [blip] = document.sections[0].header._element.iter(BLIP)
    image = document.sections[0].header.part.related_parts[blip.get(R_EMBED)]
    assert image.blob == logo
    default = generate(make_pack({}, name="empty"), phone_threat_data)
    assert default.styles["Heading 1"].font.color.rgb != document.styles["Heading 1"].font.color.rgb


def test_pack_is_found_through_the_environment_variable(make_pack, monkeypatch):
    pack = make_pack({"plan.yaml": "unit: Miljø\n"})
    monkeypatch.setenv(PLAN_ENV, str(pack))
    assert Engine.load().settings["unit"] == "Miljø"


def test_example_pack_jobcenter_generates_its_own_note(runner, tmp_path):
    from beredskab.cli.commands import cli

    case = JOBCENTER / "examples" / "trussel-samtale.json"
    result = runner.invoke(cli, ["generate", str(case), "--plan", str(JOBCENTER), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    document = docx.Document(io.BytesIO((tmp_path / "AMB-2026-007" / "AMB-2026-007_incident_note.docx").read_bytes()))
    assert "Arbejdsmarked & Borgerservice · Jobcenter Aabenraa" in header_texts(document)
    assert fields_table(document.tables[1]) == {"Samtalens art": "Samtale om sanktion", "Overfaldsalarmen brugt": "Ja"}
    assert "Arbejdsmarkedsdirektør orienteret" in fields_table(document.tables[4])
    assert "☒ Overfaldsalarmen blev aktiveret" in all_text(document)


def test_example_pack_jobcenter_refuses_the_default_example(runner):
    """The pack makes alarm_used required, so a case from the default plan does not fit it."""
    from beredskab.cli.commands import cli

    result = runner.invoke(cli, ["validate", str(EXAMPLES / "trussel-telefon.json"), "--plan", str(JOBCENTER)])
    assert result.exit_code == 2
    assert "Felt 'Overfaldsalarmen blev brugt' (incident.alarm_used): skal udfyldes" in result.stderr


# --- the jobcenter pack is its own workplace ------------------------------------------------------

@pytest.mark.parametrize("example", ["forbud-venteomraade.json", "trussel-samtale.json"])
def test_example_pack_jobcenter_documents_name_only_its_own_administration(example):
    engine = Engine.load(JOBCENTER)
    case = engine.load_case(JOBCENTER / "examples" / example, now=NOW)
    for name in engine.select(case):
        document = open_docx(engine.render(case, name, today=TODAY))
        text = all_text(document) + "\n".join(header_texts(document))
        for other in ("Kultur, Miljø & Erhverv", "Natur & Miljø", "naboklage", "Forvaltningsdirektør"):
            assert other not in text, (name, other)
        assert "Jobcenter Aabenraa" in text


def test_example_pack_jobcenter_ban_is_signed_by_its_director(engine):
    jobcenter = Engine.load(JOBCENTER)
    case = jobcenter.load_case(JOBCENTER / "examples" / "forbud-venteomraade.json", now=NOW)
    letter = open_docx(jobcenter.render(case, "visit_ban", today=TODAY))
    signature = [p.text for p in letter.paragraphs if p.style.name == "Beredskab Underskrift"]
    assert signature[:2] == ["Jens Kjær", "Arbejdsmarkedsdirektør, Arbejdsmarked & Borgerservice"]


def test_plan_check_warns_when_a_ban_is_not_signed_by_the_packs_director(make_pack, example_data):
    import json

    from beredskab.pack.check import check_pack

    data = example_data("harassment_ban")
    pack = make_pack({
        "plan.yaml": "roles:\n  director: arbejdsmarkedsdirektør\n",
        "examples/forbud.json": json.dumps(data, ensure_ascii=False),
    })
    warnings = check_pack(pack).warnings
    assert ("forbuddet i eksempelsagen forbud.json underskrives ikke af planens arbejdsmarkedsdirektør "
            "(plan.yaml roles.director): 'ban.director.title' nævner en anden titel") in warnings
    assert not [w for w in check_pack(JOBCENTER).warnings if "underskrives ikke" in w]
