"""A department's pack cannot read outside itself through a symbolic link, in any command (issue 18).

Before, a symlinked plan.yaml or form was read at ``generate`` time (a template then
printed a secret into the document; only ``plan check`` flagged it), a symlinked
templates/ folder embedded an outside image while ``plan check`` said all was well,
and a symlinked reference.docx or logo.png silently fell back to the defaults.
"""

from __future__ import annotations

import shutil

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import PackError
from beredskab.pack.loader import load_pack

from .conftest import EXAMPLES, ROOT

SECRET = "hemmelig-noegle-4711"
OUTSIDE_MESSAGE = "er et symbolsk link, der peger uden for planpakken; kopiér filen ind i pakken"


def _outside(tmp_path):
    folder = tmp_path / "outside"
    (folder / "templates").mkdir(parents=True)
    (folder / "plan.yaml").write_text(f"unit: {SECRET}\n", encoding="utf-8")
    (folder / "incident.yaml").write_text(f"case_id:\n  meta:\n    label: {SECRET}\n", encoding="utf-8")
    (folder / "templates" / "incident_note.html.j2").write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    shutil.copy(ROOT / "templates" / "reference.docx", folder / "reference.docx")
    shutil.copy(ROOT / "templates" / "logo.png", folder / "logo.png")
    return folder


#: What is linked out of the pack: its place in the pack -> the file or folder outside it.
LINKS = {"plan.yaml": ("plan.yaml", "plan.yaml"), "form": ("forms/incident.yaml", "incident.yaml"),
         "templates-folder": ("templates", "templates"), "reference.docx": ("templates/reference.docx", "reference.docx"),
         "logo.png": ("templates/logo.png", "logo.png")}


def _link(pack, outside, link: str):
    inside, target = LINKS[link]
    (pack / inside).parent.mkdir(parents=True, exist_ok=True)
    (pack / inside).symlink_to(outside / target, target_is_directory=(outside / target).is_dir())
    return pack / inside


CASE = str(EXAMPLES / "trussel-telefon.json")
COMMANDS = {
    "validate": ["validate", CASE],
    "check": ["check", CASE, "--today", "2026-11-26"],
    "generate": ["generate", CASE, "--out", "{out}"],
    "plan-check": ["plan", "check", "{pack}"],
    "forms": ["forms"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("link", LINKS)
def test_every_command_refuses_a_symlink_out_of_the_pack(tmp_path, runner, link, command):
    pack = tmp_path / "pack"
    pack.mkdir()
    linked = _link(pack, _outside(tmp_path), link)
    args = [a.format(out=tmp_path / "out", pack=pack) for a in COMMANDS[command]]
    if command != "plan-check":
        args += ["--plan", str(pack)]
    result = runner.invoke(cli, args)
    # also where the command never reads the linked file (validate and the letterhead): the pack is refused
    assert result.exit_code == 2, result.output
    assert f"{OUTSIDE_MESSAGE} ({linked})" in result.output
    assert SECRET not in result.output
    assert not (tmp_path / "out").exists()


# -- an asset found once per process is searched again when it changes ------------------------


def _pack_with_assets(tmp_path):
    pack = tmp_path / "pack"
    (pack / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "reference.docx", pack / "templates" / "reference.docx")
    return load_pack(pack)


def test_an_asset_that_turns_into_a_link_out_of_the_pack_is_refused_in_the_same_process(tmp_path):
    pack = _pack_with_assets(tmp_path)
    own = pack.find_asset("reference.docx")
    assert own == (tmp_path / "pack" / "templates" / "reference.docx").resolve()
    assert pack.find_asset("reference.docx") == own  # found again from what the process knows
    outside = _outside(tmp_path)
    own.unlink()
    own.symlink_to(outside / "reference.docx")  # now a link out of the pack
    with pytest.raises(PackError, match="peger uden for planpakken"):
        pack.find_asset("reference.docx")


def test_an_asset_whose_templates_folder_turns_into_a_link_out_is_refused_in_the_same_process(tmp_path):
    pack = _pack_with_assets(tmp_path)
    assert pack.find_asset("reference.docx") is not None
    outside = _outside(tmp_path)
    shutil.copy(ROOT / "templates" / "reference.docx", outside / "templates" / "reference.docx")
    shutil.rmtree(tmp_path / "pack" / "templates")
    (tmp_path / "pack" / "templates").symlink_to(outside / "templates", target_is_directory=True)
    with pytest.raises(PackError, match="peger uden for planpakken"):
        pack.find_asset("reference.docx")


def test_an_asset_added_removed_or_replaced_in_a_pack_is_found_where_it_now_is(tmp_path):
    pack = _pack_with_assets(tmp_path)
    default_logo = (ROOT / "templates" / "logo.png").resolve()
    assert pack.find_asset("logo.png") == default_logo  # the default pack's, while the pack has none
    logo = tmp_path / "pack" / "templates" / "logo.png"
    shutil.copy(ROOT / "templates" / "logo.png", logo)
    assert pack.find_asset("logo.png") == logo.resolve()  # the pack's own, once it has one
    logo.unlink()
    assert pack.find_asset("logo.png") == default_logo
    reference = tmp_path / "pack" / "templates" / "reference.docx"
    reference.unlink()
    assert pack.find_asset("reference.docx") == (ROOT / "templates" / "reference.docx").resolve()
    elsewhere = tmp_path / "pack" / "templates" / "letterhead.docx"
    shutil.copy(ROOT / "templates" / "reference.docx", elsewhere)
    reference.symlink_to(elsewhere)  # a link inside the pack is followed, as before
    assert pack.find_asset("reference.docx") == elsewhere.resolve()
    assert pack.find_asset("../plan.yaml") is None
