"""What a pack's YAML parsed to is recorded in the private cache folder, as JSON (issue 19).

A new process reads the record instead of importing and running PyYAML; a changed
file is parsed (and checked) again; a record that is not the user's own private
file is never read.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from beredskab.cache_folder import CACHE_ENV, cache_folder
from beredskab.case.forms import load_forms
from beredskab.errors import PackError
from beredskab.pack import yaml_files
from beredskab.pack.loader import load_pack
from beredskab.pack.yaml_files import read_yaml

from .conftest import DATA


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def records(folder: Path) -> list[Path]:
    return sorted(folder.glob("yaml-*.json"))


def no_parsing(monkeypatch) -> list[Path]:
    parsed: list[Path] = []
    original = yaml_files._parse_yaml
    monkeypatch.setattr(yaml_files, "_parse_yaml", lambda text, path: parsed.append(path) or original(text, path))
    return parsed


YAML = """\
approved: 2026-11-01
stamp: 2026-11-01 10:30:00+01:00
name: "Æblegård"
count: 3
share: 0.5
flags: [true, false, null]
nested: {a: [1, {b: x}]}
"""


def test_a_record_gives_back_exactly_what_the_yaml_parsed_to(cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "plan.yaml"
    path.write_text(YAML, encoding="utf-8")
    first = read_yaml(path, cache_folder())
    assert first["approved"] == date(2026, 11, 1)
    assert first["stamp"] == datetime(2026, 11, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    [record] = records(cache_dir)
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    parsed = no_parsing(monkeypatch)
    second = read_yaml(path, cache_folder())
    assert parsed == []
    assert second == first
    assert [type(second[k]) for k in second] == [type(first[k]) for k in first]


def test_a_changed_file_is_parsed_and_checked_again(cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "plan.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml(path, cache_folder()) == {"a": 1}
    path.write_text("a: 2\n", encoding="utf-8")  # same size: the content names the record, not the time
    parsed = no_parsing(monkeypatch)
    assert read_yaml(path, cache_folder()) == {"a": 2}
    assert parsed == [path]
    path.write_text("a: &x [*x]\n", encoding="utf-8")  # a check refuses the new content
    with pytest.raises(PackError, match="henviser til sig selv"):
        read_yaml(path, cache_folder())


@pytest.mark.parametrize("spoil", ["readable by others", "symlink", "damaged"])
def test_a_record_that_is_not_the_users_own_private_file_is_not_read(cache_dir, tmp_path, monkeypatch, spoil):
    path = tmp_path / "plan.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    read_yaml(path, cache_folder())
    [record] = records(cache_dir)
    if spoil == "readable by others":
        record.write_text('{"a": 666}', encoding="utf-8")
        record.chmod(0o644)
    elif spoil == "symlink":
        planted = tmp_path / "planted.json"
        planted.write_text('{"a": 666}', encoding="utf-8")
        planted.chmod(0o600)
        record.unlink()
        record.symlink_to(planted)
    else:
        record.write_text('{"a": ', encoding="utf-8")
    parsed = no_parsing(monkeypatch)
    assert read_yaml(path, cache_folder()) == {"a": 1}
    assert parsed == [path]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file of another user needs root")
def test_another_users_record_is_not_read(cache_dir, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    read_yaml(path, cache_folder())
    [record] = records(cache_dir)
    record.write_text('{"a": 666}', encoding="utf-8")
    os.chown(record, 65534, 65534)  # nobody
    assert read_yaml(path, cache_folder()) == {"a": 1}


@pytest.mark.parametrize("text", ["1: one\n", "a: !!set {x, y}\n", "$date: x\n", "a: .nan\n", "a: !!binary aGk=\n"])
def test_what_json_cannot_give_back_exactly_is_not_recorded(cache_dir, tmp_path, text):
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    first = read_yaml(path, cache_folder())
    assert records(cache_dir) == []
    second = read_yaml(path, cache_folder())
    assert repr(second) == repr(first)


def test_forms_and_plan_from_records_are_the_same_as_parsed(cache_dir, monkeypatch):
    for plan in (None, DATA.parent.parent / "examples" / "plans" / "jobcenter"):
        parsed_forms = load_forms(load_pack(plan))
        parsed_settings = load_pack(plan).settings
        parsed = no_parsing(monkeypatch)
        assert load_pack(plan).settings == parsed_settings
        assert load_forms(load_pack(plan)) == parsed_forms
        assert parsed == []
        monkeypatch.undo()
        monkeypatch.setenv(CACHE_ENV, str(cache_dir))


def test_a_new_process_with_records_does_not_import_pyyaml(cache_dir, tmp_path):
    """With the pack's records in place, ``generate`` imports neither PyYAML nor importlib.metadata
    (Cerberus's version, see case/_cerberus.py), nor the register's or the web form's modules."""
    case = DATA.parent.parent / "examples" / "trussel-telefon.json"
    script = (
        "import sys\n"
        "from beredskab.cli.commands import main\n"
        "sys.argv = ['beredskab', 'generate', sys.argv[1], '--out', sys.argv[2], '--doc', 'incident_note']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "loaded = [m for m in ('yaml', 'importlib.metadata', 'regex', 'sqlite3', 'beredskab.register',"
        " 'beredskab.cli.cases') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    env = {**os.environ, CACHE_ENV: str(cache_dir)}
    runs = [subprocess.run([sys.executable, "-c", script, str(case), str(tmp_path / f"out{n}")], env=env,
                           capture_output=True, text=True, check=True) for n in range(2)]
    assert records(cache_dir)
    assert "LOADED ['yaml']" in runs[0].stdout  # the first run parses
    assert "LOADED []" in runs[1].stdout, runs[1].stdout


def test_the_record_names_the_content_and_the_limits(tmp_path):
    name = yaml_files._record_name(b"a: 1\n")
    assert name.startswith("yaml-") and name.endswith(".json")
    assert name != yaml_files._record_name(b"a: 2\n")
    assert json.loads(json.dumps(yaml_files._to_record({"d": date(2026, 1, 2)}))) == {"d": {"$date": "2026-01-02"}}
