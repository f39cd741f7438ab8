"""The per-user cache of compiled templates: private, checked, never in the way."""

from __future__ import annotations

import os
import stat

import pytest

from beredskab.render._cache import CACHE_ENV, TemplateCache
from beredskab.render.renderer import Renderer

from .conftest import TODAY


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache" / "templates"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def note_html(engine, renderer: Renderer, case: dict) -> str:
    return renderer.render("incident_note", engine.context(case, "incident_note", TODAY))


def test_template_cache_folder_and_files_are_private(engine, phone_threat, cache_dir):
    renderer = Renderer(engine.pack, engine.forms)
    assert isinstance(renderer.env.bytecode_cache, TemplateCache)
    note_html(engine, renderer, phone_threat)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    files = list(cache_dir.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_template_cache_second_renderer_reads_code_and_references_without_compiling(
        engine, phone_threat, cache_dir, monkeypatch):
    first = Renderer(engine.pack, engine.forms)
    html, sources = note_html(engine, first, phone_threat), first.sources("incident_note")
    second = Renderer(engine.pack, engine.forms)
    monkeypatch.setattr(second.env, "compile", lambda *a, **k: pytest.fail("compiled again"))
    monkeypatch.setattr(second.env, "_parse", lambda *a, **k: pytest.fail("parsed again"))
    assert note_html(engine, second, phone_threat) == html
    assert second.sources("incident_note") == sources


def test_template_cache_compiles_a_changed_template(make_pack, cache_dir):
    from beredskab.engine import Engine

    pack = make_pack({"templates/incident_note.html.j2": "<p>Første udgave</p>"})
    assert "Første" in Engine.load(pack).renderer.render("incident_note", {})
    (pack / "templates" / "incident_note.html.j2").write_text("<p>Anden udgave</p>", encoding="utf-8")
    assert "Anden" in Engine.load(pack).renderer.render("incident_note", {})


@pytest.mark.parametrize("content", [b"", b"garbage", b"j2\x00" * 50], ids=["empty", "garbage", "foreign"])
def test_template_cache_damaged_files_mean_compile(engine, phone_threat, cache_dir, content):
    html = note_html(engine, Renderer(engine.pack, engine.forms), phone_threat)
    for path in cache_dir.iterdir():
        path.write_bytes(content)
    assert note_html(engine, Renderer(engine.pack, engine.forms), phone_threat) == html


def test_template_cache_unwritable_folder_means_no_files(engine, phone_threat, cache_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("read-only file system")

    monkeypatch.setattr("beredskab.cache_folder.os.replace", refuse)
    assert "<h1" in note_html(engine, Renderer(engine.pack, engine.forms), phone_threat)
    assert list(cache_dir.iterdir()) == []


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o707], ids=["others-read", "group-write", "others-write"])
def test_template_cache_refuses_a_folder_others_can_use(engine, cache_dir, mode):
    cache_dir.mkdir(parents=True)
    cache_dir.chmod(mode)
    assert Renderer(engine.pack, engine.forms).env.bytecode_cache is None


def test_template_cache_refuses_a_symbolic_link(engine, tmp_path, monkeypatch):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(target)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "link"))
    assert Renderer(engine.pack, engine.forms).env.bytecode_cache is None


@pytest.mark.parametrize("value", ["off", "OFF", "0"])
def test_template_cache_turned_off(engine, monkeypatch, value):
    monkeypatch.setenv(CACHE_ENV, value)
    assert Renderer(engine.pack, engine.forms).env.bytecode_cache is None


def test_template_cache_default_folder_is_the_users_xdg_cache(engine, tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = Renderer(engine.pack, engine.forms).env.bytecode_cache
    assert os.path.samefile(cache.directory, tmp_path / "xdg" / "beredskab" / "templates")


def _forged_bucket(engine, cache_dir, name: str) -> None:
    """Overwrite the cached code of template ``name`` with code printing PWNED for the same source."""
    import marshal
    import pickle

    from jinja2.bccache import bc_magic

    env = Renderer(engine.pack, engine.forms).env
    source, filename, _ = env.loader.get_source(env, name)
    cache = env.bytecode_cache
    bucket = cache.get_bucket(env, name, filename, source)
    code = env.compile("PWNED", name, filename)
    data = bc_magic + pickle.dumps(bucket.checksum, 2) + marshal.dumps(code) + marshal.dumps([])
    return cache._file_name(bucket), data


def test_template_cache_never_reads_a_folder_swapped_in_after_it_was_opened(engine, phone_threat, cache_dir):
    """Issue 18: the cache folder was swapped between its one lstat check and the opens; the attacker's
    code then ran. The cache works from the folder it opened, whatever lies at its path later."""
    renderer = Renderer(engine.pack, engine.forms)  # opens the folder
    file_name, forged = _forged_bucket(engine, cache_dir, "incident_note.html.j2")
    cache_dir.rename(cache_dir.parent / "moved")
    cache_dir.mkdir(mode=0o700)
    (cache_dir / file_name).write_bytes(forged)
    (cache_dir / file_name).chmod(0o600)
    assert "PWNED" not in note_html(engine, renderer, phone_threat)


def test_template_cache_refuses_a_folder_under_a_parent_others_can_write(engine, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # not sticky: another user could rename our folder and put theirs in its place
    monkeypatch.setenv(CACHE_ENV, str(shared / "cache"))
    assert Renderer(engine.pack, engine.forms).env.bytecode_cache is None
    shared.chmod(0o1777)  # sticky, as /tmp: others cannot rename what is ours
    assert Renderer(engine.pack, engine.forms).env.bytecode_cache is not None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another user needs root")
def test_template_cache_never_reads_a_file_another_user_owns(engine, phone_threat, cache_dir):
    renderer = Renderer(engine.pack, engine.forms)
    file_name, forged = _forged_bucket(engine, cache_dir, "incident_note.html.j2")
    (cache_dir / file_name).write_bytes(forged)
    (cache_dir / file_name).chmod(0o600)
    os.chown(cache_dir / file_name, 65534, 65534)
    assert "PWNED" not in note_html(engine, renderer, phone_threat)
