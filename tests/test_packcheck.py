"""plan check: one Danish line with file and line per problem, for each kind of broken pack."""

from __future__ import annotations

import io

import docx
import pytest

from beredskab.errors import PackError
from beredskab.pack.check import check_pack
from beredskab.pack.starter import init_pack

from .conftest import DATA, ROOT

JOBCENTER = ROOT / "examples" / "plans" / "jobcenter"
EXTENDS = '{% extends "default/incident_note.html.j2" %}\n'


def problems(folder) -> list[str]:
    with pytest.raises(PackError) as info:
        check_pack(folder)
    return info.value.lines()


@pytest.mark.parametrize("folder", [ROOT, JOBCENTER], ids=["defaults", "jobcenter"])
def test_packcheck_accepts_the_bundled_packs(folder):
    summary = check_pack(folder).summary()
    assert summary.startswith(f"Planpakken {folder} er i orden: 4 formularer")
    examples = len(list((folder / "examples").glob("*.json")))
    assert f"5 dokumenter dannet med {examples} eksempelsager" in summary


def test_packcheck_accepts_the_starter_pack(tmp_path):
    init_pack(tmp_path / "minplan")
    assert "er i orden" in check_pack(tmp_path / "minplan").summary()


def test_packcheck_reports_yaml_syntax_with_file_and_line():
    path = DATA / "bad-yaml-pack" / "forms" / "incident.yaml"
    assert problems(DATA / "bad-yaml-pack") == [f"ugyldig YAML ({path}, linje 7, kolonne 1)"]


def test_packcheck_reports_an_invalid_cerberus_rule_with_file_and_line():
    path = DATA / "bad-schema-pack" / "forms" / "incident.yaml"
    assert problems(DATA / "bad-schema-pack") == [
        "formularerne er ikke et gyldigt Cerberus-skema: incident.schema.location.maxlenght "
        f"(ukendt regel eller forkert værdi) ({path}, linje 5)"
    ]


def test_packcheck_reports_a_form_naming_an_unknown_choice_list(make_pack):
    pack = make_pack({"forms/support.yaml": "support:\n  schema:\n    offered:\n      meta:\n        choices: hjælp\n"})
    assert problems(pack) == [
        f"Felt support.offered: valglisten 'hjælp' findes ikke i plan.yaml ({pack / 'forms' / 'support.yaml'}, linje 5)"
    ]


def test_packcheck_reports_plan_yaml_that_is_not_a_mapping(make_pack):
    pack = make_pack({"plan.yaml": "- unit\n- workplace\n"})
    assert problems(pack) == [f"plan.yaml skal være en samling af nøgler og værdier ({pack / 'plan.yaml'})"]


def test_packcheck_reports_a_template_syntax_error_with_file_and_line(make_pack):
    pack = make_pack({"templates/incident_note.html.j2": EXTENDS + "{% block facts %}\n{% if x %}\n{% endblock %}\n"})
    [line] = problems(pack)
    assert line.startswith("fejl i skabelonens syntaks:")
    assert line.endswith(f"({pack / 'templates' / 'incident_note.html.j2'}, linje 4)")


def test_packcheck_reports_an_extended_template_that_does_not_exist(make_pack):
    pack = make_pack({"templates/incident_note.html.j2": '\n{% extends "notat.html.j2" %}\n'})
    assert problems(pack) == [
        "skabelonen 'notat.html.j2' findes ikke i planpakken eller standardplanen (standardskabelonerne hedder "
        f"'default/<navn>') ({pack / 'templates' / 'incident_note.html.j2'}, linje 2)"
    ]


def test_packcheck_reports_a_template_name_computed_from_data(make_pack):
    pack = make_pack({"templates/incident_note.html.j2": "{% include incident.location %}\n"})
    assert problems(pack) == [
        "skabelonens navn skal skrives direkte i {% extends %}/{% include %}, ikke beregnes "
        f"({pack / 'templates' / 'incident_note.html.j2'}, linje 1)"
    ]


@pytest.mark.parametrize("body, reason", [
    ("{{ incdent.location }}", "skabelonen bruger variablen 'incdent', som ikke findes"),
    ("{% if incident.police.reported %}{{ incident.police.journal_nummer }}{% endif %}",
     "feltet 'incident.police.journal_nummer' findes ikke i formularen 'incident'"),
    ("{{ plan.roles.direktør }}", "'plan.roles.direktør' findes ikke i plan.yaml"),
    ("{{ incident.channel | label('kanal') }}", "valglisten 'kanal' i label(...) findes ikke i plan.yaml"),
    ("{% for k, v in choices.kanal.items() %}{{ v }}{% endfor %}",
     "'choices.kanal' findes ikke i valglisterne i plan.yaml"),
], ids=["variable", "case-field", "plan-setting", "label-filter", "choices-variable"])
def test_packcheck_reports_names_that_do_not_exist_even_in_untaken_branches(make_pack, body, reason):
    pack = make_pack({"templates/incident_note.html.j2": EXTENDS + "{% block facts %}\n" + body + "\n{% endblock %}\n"})
    assert f"{reason} ({pack / 'templates' / 'incident_note.html.j2'}, linje 3)" in problems(pack)


def test_packcheck_reports_an_unknown_html_tag_when_rendering_the_example(make_pack):
    pack = make_pack({"templates/incident_note.html.j2": EXTENDS + '{% block facts %}<font>x</font>{% endblock %}\n'})
    [line] = problems(pack)
    assert "<font>" in line
    assert line.endswith(f"(dokument incident_note, eksempel chikane-forbud.json) ({pack / 'templates' / 'incident_note.html.j2'})")


def test_packcheck_reports_an_example_that_does_not_fit_the_pack_forms(make_pack):
    pack = make_pack({"forms/incident.yaml": "incident:\n  schema:\n    room:\n      type: string\n      required: true\n"
                                             "      meta:\n        label: Lokale\n"})
    assert problems(pack) == [
        f"Felt 'Lokale' (incident.room): skal udfyldes ({ROOT / 'examples' / name})"
        for name in ("chikane-forbud.json", "trussel-telefon.json", "vold-skranke.json")
    ]


def test_packcheck_reports_a_removed_field_that_a_default_template_uses(make_pack, phone_threat_data):
    pack = make_pack({"forms/incident.yaml": "incident:\n  schema:\n    witnesses: ~\n"})
    lines = problems(pack)
    assert lines[0] == ("feltet 'incident.witnesses' findes ikke i formularen 'incident' "
                        f"({ROOT / 'templates' / 'incident_note.html.j2'}, linje 23)")


def test_packcheck_reports_a_reference_docx_without_the_writer_styles(make_pack):
    document = docx.Document(str(ROOT / "templates" / "reference.docx"))
    document.styles["Beredskab Felter"].name = "Mine felter"
    data = io.BytesIO()
    document.save(data)
    pack = make_pack({"templates/reference.docx": data.getvalue()})
    assert f"mangler typografierne 'Beredskab Felter' (omdøb dem ikke i Word) ({pack / 'templates' / 'reference.docx'})" \
        in problems(pack)


def test_packcheck_reports_a_symlink_out_of_the_pack(make_pack, tmp_path):
    (tmp_path / "outside.yaml").write_text("incident: {}\n", encoding="utf-8")
    pack = make_pack({"plan.yaml": "unit: X\n"})
    (pack / "forms").mkdir()
    (pack / "forms" / "incident.yaml").symlink_to(tmp_path / "outside.yaml")
    assert problems(pack) == [
        "er et symbolsk link, der peger uden for planpakken; kopiér filen ind i pakken "
        f"({pack / 'forms' / 'incident.yaml'})"
    ]


def test_packcheck_reports_every_hostile_template_once():
    lines = problems(DATA / "hostile-pack")
    templates = DATA / "hostile-pack" / "templates"
    assert len(lines) == len(list(templates.glob("*.j2")))
    assert any(line.startswith("skabelonen forsøger at bruge Pythons indre dele") for line in lines)
    assert all("Traceback" not in line for line in lines)


def test_cli_plan_check_prints_a_summary_or_the_problems(runner):
    from beredskab.cli.commands import cli

    result = runner.invoke(cli, ["plan", "check", str(JOBCENTER)])
    assert result.exit_code == 0
    assert result.output.startswith(f"Planpakken {JOBCENTER} er i orden")
    result = runner.invoke(cli, ["plan", "check", str(DATA / "bad-yaml-pack")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: ugyldig YAML (")


def test_cli_plan_check_uses_the_plan_option_when_no_folder_is_given(runner):
    from beredskab.cli.commands import cli

    assert runner.invoke(cli, ["plan", "check", "--plan", str(JOBCENTER)]).exit_code == 0
    result = runner.invoke(cli, ["plan", "check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Fejl: mangler MAPPE"


def test_cli_plan_init_writes_a_starter_pack_and_keeps_existing_files(runner, tmp_path):
    from beredskab.cli.commands import cli

    folder = tmp_path / "minplan"
    result = runner.invoke(cli, ["plan", "init", str(folder)])
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == ["README.md", "forms/incident.yaml", "plan.yaml", "templates/incident_note.html.j2"]
    assert '{% extends "default/incident_note.html.j2" %}' in (folder / "templates" / "incident_note.html.j2").read_text()
    (folder / "plan.yaml").write_text("unit: Min enhed\n", encoding="utf-8")
    result = runner.invoke(cli, ["plan", "init", str(folder)])
    assert result.exit_code == 2
    assert f"Fejl: findes allerede og bliver ikke overskrevet; brug --force for at erstatte det ({folder / 'plan.yaml'})" \
        in result.stderr.splitlines()
    assert (folder / "plan.yaml").read_text(encoding="utf-8") == "unit: Min enhed\n"
    assert runner.invoke(cli, ["plan", "init", str(folder), "--force"]).exit_code == 0
    assert (folder / "plan.yaml").read_text(encoding="utf-8").startswith("# Planpakkens indstillinger.")
