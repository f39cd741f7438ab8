"""Output: atomic, private, all or nothing, never overwritten without force, nothing left behind.

Failures are injected mid-run (monkeypatching the step that fails) and a real
process is killed mid-write; after each, the folder holds the old documents or
the new ones, whole, and no temp files. Issue #7.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from beredskab.output import files as output
from beredskab.errors import EnvironmentFailure, OutputError

from .conftest import EXAMPLES, ROOT

CASE = EXAMPLES / "trussel-telefon.json"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def two_docs(tmp_path) -> dict[Path, bytes]:
    folder = tmp_path / "out" / "A-1"
    return {folder / "A-1_one.docx": b"new one", folder / "A-1_two.docx": b"new two"}


def test_write_all_creates_private_folders_and_files(tmp_path, two_docs):
    written = output.write_all(two_docs)
    assert written == list(two_docs)
    assert mode(tmp_path / "out") == 0o700 and mode(tmp_path / "out" / "A-1") == 0o700
    assert all(mode(p) == 0o600 and p.read_bytes() == data for p, data in two_docs.items())


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o700, 0o000])
def test_write_all_makes_folders_and_files_private_whatever_the_umask(tmp_path, two_docs, umask):
    old = os.umask(umask)
    try:
        output.write_all(two_docs)
    finally:
        os.umask(old)
    assert mode(tmp_path / "out") == 0o700 and mode(tmp_path / "out" / "A-1") == 0o700
    assert all(mode(p) == 0o600 and p.read_bytes() == data for p, data in two_docs.items())


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("before, after", [(0o755, 0o700), (0o2770, 0o700), (0o700, 0o700), (0o300, 0o300)])
def test_an_existing_case_folder_loses_the_rights_of_others_and_gains_none(tmp_path, two_docs, before, after):
    folder = next(iter(two_docs)).parent
    folder.mkdir(parents=True)
    folder.chmod(before)
    output.write_all(two_docs)
    assert mode(folder) == after


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_a_read_only_case_folder_is_refused_and_left_read_only(tmp_path, two_docs):
    folder = next(iter(two_docs)).parent
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="mappen er skrivebeskyttet"):
            output.write_all(two_docs)
        assert mode(folder) == 0o500 and list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_write_all_refuses_to_overwrite_without_force_and_names_every_file(two_docs):
    output.write_all(two_docs)
    with pytest.raises(OutputError) as info:
        output.write_all({p: b"other" for p in two_docs})
    assert info.value.lines() == [
        f"findes allerede og bliver ikke overskrevet; brug --force for at erstatte det ({p})" for p in two_docs]
    assert all(p.read_bytes() == data for p, data in two_docs.items())


def test_write_all_force_replaces_only_the_file_it_names(two_docs):
    output.write_all(two_docs)
    first, second = two_docs
    (first.parent / "notes.txt").write_text("mine", encoding="utf-8")
    before = listing(first.parent)
    output.write_all({first: b"newer"}, force=True)
    after = listing(first.parent)
    assert after.pop(first.name) == b"newer"
    before.pop(first.name)
    assert after == before


def test_write_all_refuses_a_symlink_even_with_force(tmp_path, two_docs):
    first, _ = two_docs
    first.parent.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    first.symlink_to(victim)
    with pytest.raises(OutputError) as info:
        output.write_all(two_docs, force=True)
    assert info.value.lines() == [f"der ligger et symbolsk link, hvor dokumentet skal skrives ({first})"]
    assert victim.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name]


def test_write_all_refuses_a_case_folder_that_is_a_symlink(tmp_path, two_docs):
    first, _ = two_docs
    first.parent.parent.mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    first.parent.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputError):
        output.write_all(two_docs)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def fail_on_call(monkeypatch, module, name: str, call: int, error: BaseException) -> None:
    """Make ``module.name`` raise ``error`` on its ``call``-th call (1-based)."""
    real = getattr(module, name)
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


@pytest.mark.parametrize(
    "step, call, error",
    [
        ("_place", 2, OSError(28, "No space left on device")),
        ("_write_temp", 2, OSError(28, "No space left on device")),
        ("_place", 2, KeyboardInterrupt()),
        ("_fsync_dir", 1, KeyboardInterrupt()),
    ],
    ids=["move-of-second-fails", "write-of-second-fails", "ctrl-c-between-moves", "ctrl-c-after-moves"],
)
def test_write_all_failure_mid_run_keeps_the_old_documents_and_leaves_no_temps(monkeypatch, two_docs, step, call, error):
    old = {p: f"old {p.stem}".encode() for p in two_docs}
    output.write_all(old)
    fail_on_call(monkeypatch, output, step, call, error)
    with pytest.raises((EnvironmentFailure, KeyboardInterrupt)) as info:
        output.write_all(two_docs, force=True)
    if isinstance(error, OSError):
        assert info.value.lines() == ["dokumenterne kunne ikke skrives (disken er fuld)"]
    folder = next(iter(two_docs)).parent
    assert listing(folder) == {p.name: data for p, data in old.items()}


def test_write_all_failure_mid_run_writes_no_new_document(monkeypatch, two_docs):
    fail_on_call(monkeypatch, output, "_place", 2, OSError(5, "Input/output error"))
    with pytest.raises(EnvironmentFailure) as info:
        output.write_all(two_docs)
    assert info.value.lines() == ["dokumenterne kunne ikke skrives (fejl ved læsning eller skrivning på drevet)"]
    assert list(next(iter(two_docs)).parent.iterdir()) == []


def test_write_all_keeps_a_file_that_appeared_while_writing(monkeypatch, two_docs):
    first, _ = two_docs
    real = output._write_temp

    def write_and_race(target, data, *args, **kwargs):
        temp = real(target, data, *args, **kwargs)
        if target == first:
            first.write_bytes(b"someone else's")
        return temp

    monkeypatch.setattr(output, "_write_temp", write_and_race)
    with pytest.raises(OutputError):
        output.write_all(two_docs)
    assert listing(first.parent) == {first.name: b"someone else's"}


def test_write_all_removes_temps_a_killed_run_left(two_docs):
    import os
    import subprocess
    import sys

    first, _ = two_docs
    first.parent.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (first.parent / f".{first.name}.{gone.stdout.strip()}.abc123.tmp").write_bytes(b"half")
    old = first.parent / f".{first.name}.abc123.tmp"  # an older run's name, without a pid: by age
    old.write_bytes(b"half")
    os.utime(old, (0, 0))
    output.write_all(two_docs)
    assert sorted(listing(first.parent)) == sorted(p.name for p in two_docs)


def test_generate_writes_nothing_when_a_document_fails_to_build(monkeypatch, engine, phone_threat, tmp_path):
    from beredskab.word import writer as word

    monkeypatch.setattr(word, "build_document", lambda *a, **k: (_ for _ in ()).throw(ValueError("Mette")))
    with pytest.raises(ValueError):
        engine.write(phone_threat, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- a real process, stopped in the middle of writing ---------------------------------

#: Runs `beredskab generate`, but the first fsync (of the new document's temp file)
#: announces itself through a file and then hangs, so the test can stop the process there.
HANG_IN_FSYNC = """
import os, sys, time
from pathlib import Path
ready = Path(sys.argv[1])
def hang(fd):
    ready.write_text("writing")
    time.sleep(600)
os.fsync = hang
sys.argv = ["beredskab", "generate", *sys.argv[2:]]
from beredskab.cli.commands import main
main()
"""


def start_hanging_generate(tmp_path: Path, out: Path) -> tuple[subprocess.Popen, Path]:
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-c", HANG_IN_FSYNC, str(ready), str(CASE), "--out", str(out), "--force"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    for _ in range(600):  # waits for the process to reach fsync; not a timing assertion
        if ready.exists() or process.poll() is not None:
            break
        time.sleep(0.1)
    assert ready.exists(), process.communicate()
    return process, ready


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_run_stopped_mid_write_keeps_the_old_document_and_leaves_no_temps(runner, tmp_path, sig):
    from beredskab.cli.commands import cli

    out = tmp_path / "out"
    assert runner.invoke(cli, ["generate", str(CASE), "--out", str(out)]).exit_code == 0
    folder = out / "KME-2026-031"
    before = listing(folder)
    process, _ = start_hanging_generate(tmp_path, out)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr.strip()) == (1, "Afbrudt.")  # click adds a newline after ^C
    assert listing(folder) == before


def test_a_killed_run_leaves_the_old_document_whole_and_the_next_run_cleans_up(runner, tmp_path):
    from beredskab.cli.commands import cli

    out = tmp_path / "out"
    assert runner.invoke(cli, ["generate", str(CASE), "--out", str(out)]).exit_code == 0
    folder = out / "KME-2026-031"
    document = folder / "KME-2026-031_incident_note.docx"
    before = document.read_bytes()
    process, _ = start_hanging_generate(tmp_path, out)
    process.kill()
    process.communicate(timeout=60)
    assert document.read_bytes() == before
    docx.Document(str(document))  # whole: it opens
    assert runner.invoke(cli, ["generate", str(CASE), "--out", str(out), "--force"]).exit_code == 0
    names = os.listdir(folder)
    assert document.name in names
    assert [n for n in names if n.startswith(".")] == []  # the killed run's temp files are gone


def test_write_all_replaces_the_files_named_in_replace_without_force(two_docs):
    output.write_all(two_docs)
    first, second = two_docs
    with pytest.raises(OutputError):
        output.write_all({first: b"x", second: b"y"}, replace=[second])
    output.write_all({second: b"merged"}, replace=[second])
    assert second.read_bytes() == b"merged" and first.read_bytes() == b"new one"
