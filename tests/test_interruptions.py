"""Interrupted and concurrent runs leave nothing behind and never hang (issue 18).

Before: a second Ctrl-C during ``batch --jobs 2`` hung parent and workers (5 of 5
runs); a first one once left an empty case folder with a 0-byte temp file;
interrupting ``generate --pdf`` left LibreOffice running, writing a 0644 PDF into a
0755 temp folder; two ``generate`` runs into one folder deleted each other's temp
files; ``--force`` made a read-only (0500) case folder writable.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from beredskab.cli.commands import cli
from beredskab.output import lock

from .conftest import EXAMPLES

PHONE = EXAMPLES / "trussel-telefon.json"
pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals and process groups")


def _beredskab(*args: str, env: dict | None = None) -> subprocess.Popen:
    """Start ``beredskab`` in its own process group, as a terminal runs a foreground job."""
    return subprocess.Popen([sys.executable, "-m", "beredskab", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, **(env or {})})


def _running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for a parent to reap it does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _leftovers(folder: Path) -> list[str]:
    """Empty folders and temp files under ``folder``."""
    found = []
    for path in folder.rglob("*"):
        if path.is_dir() and not any(path.iterdir()):
            found.append(f"empty folder {path.name}")
        elif path.name.endswith(".tmp"):
            found.append(f"temp file {path.name}")
    return found


def test_batch_second_ctrl_c_stops_parent_and_workers(tmp_path):
    cases = tmp_path / "sager"
    cases.mkdir()
    data = json.loads(PHONE.read_text(encoding="utf-8"))
    for number in range(400):
        data["incident"]["case_id"] = f"KME-2026-{number:04d}"
        (cases / f"sag{number:04d}.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    process = _beredskab("batch", str(cases), "--out", str(out), "--jobs", "2")
    deadline = time.monotonic() + 60
    while not (out.exists() and len(list(out.iterdir())) >= 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("batch hung after a second Ctrl-C")
    assert process.returncode == 1
    assert stderr.decode().strip().splitlines()[-1] == "Afbrudt."
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker of the group is left
    assert _leftovers(out) == []


FAKE_SOFFICE = """#!/bin/sh
# A stand-in for LibreOffice: the launcher starts a long-running child (soffice.bin) and waits.
outdir=""
while [ $# -gt 0 ]; do [ "$1" = "--outdir" ] && outdir="$2"; shift; done
stat -c %a "$outdir" > "{record}/outdir-mode"
stat -c %a "$(dirname "$outdir")/in" > "{record}/indir-mode"
sh -c 'echo $$ > "{record}/child-pid"; sleep 60; touch "{record}/child-finished"' &
wait
"""


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_generate_pdf_interrupted_stops_libreoffice_and_leaves_nothing(tmp_path, how):
    record = tmp_path / "record"
    record.mkdir()
    soffice = tmp_path / "soffice"
    soffice.write_text(FAKE_SOFFICE.format(record=record))
    soffice.chmod(0o700)
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out"
    process = _beredskab("generate", str(PHONE), "--out", str(out), "--pdf",
                         env={"BEREDSKAB_SOFFICE": str(soffice), "TMPDIR": str(temp)})
    deadline = time.monotonic() + 60
    while not (record / "child-pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int((record / "child-pid").read_text())
    os.killpg(process.pid, how) if how == signal.SIGINT else process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.decode().strip().splitlines()[-1] == "Afbrudt."
    time.sleep(0.3)
    assert not _running(child)  # LibreOffice's own process is gone too
    assert (record / "outdir-mode").read_text().strip() == "700"
    assert (record / "indir-mode").read_text().strip() == "700"
    assert list(temp.iterdir()) == []  # the private work folder is removed
    assert not out.exists() or _leftovers(out) == []


def test_generate_force_refuses_a_read_only_case_folder(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(cli, ["generate", str(PHONE), "--out", str(out)]).exit_code == 0
    folder = out / "KME-2026-031"
    folder.chmod(0o500)
    try:
        result = runner.invoke(cli, ["generate", str(PHONE), "--out", str(out), "--force"])
        mode = stat.S_IMODE(folder.stat().st_mode)
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2, result.output
    assert result.output == ("Fejl: mappen er skrivebeskyttet, så intet er skrevet; fjern selv skrivebeskyttelsen, "
                             f"hvis dokumenterne skal skrives ({folder})\n")
    assert mode == 0o500


def test_generate_waits_for_another_run_writing_the_same_case_folder(runner, tmp_path, monkeypatch):
    out = tmp_path / "out"
    folder = out / "KME-2026-031"
    holding, release = threading.Event(), threading.Event()

    def other_run():
        with lock.case_folder_lock(folder):
            holding.set()
            release.wait(10)

    other = threading.Thread(target=other_run)
    other.start()
    holding.wait(10)
    monkeypatch.setattr(lock, "LOCK_WAIT_SECONDS", 0.3)
    result = runner.invoke(cli, ["generate", str(PHONE), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output == ("Fejl: en anden kørsel skriver i sagsmappen lige nu; vent, til den er færdig, "
                             f"og prøv igen ({folder})\n")
    monkeypatch.setattr(lock, "LOCK_WAIT_SECONDS", 10)
    threading.Timer(0.5, release.set).start()
    result = runner.invoke(cli, ["generate", str(PHONE), "--out", str(out)])  # waits, then writes
    other.join()
    assert result.exit_code == 0, result.output
    assert len(list(folder.glob("*.docx"))) == 4


def test_generate_leaves_the_temp_files_of_a_run_that_still_runs(runner, tmp_path):
    folder = tmp_path / "out" / "KME-2026-031"
    folder.mkdir(parents=True)
    sleeper = subprocess.Popen(["sleep", "30"])
    dead = subprocess.Popen(["true"])
    dead.wait()
    try:
        alive_temp = folder / f".KME-2026-031_incident_note.docx.{sleeper.pid}.abcd.tmp"
        dead_temp = folder / f".KME-2026-031_incident_note.docx.{dead.pid}.efgh.tmp"
        alive_temp.write_bytes(b"another run's document")
        dead_temp.write_bytes(b"left by a killed run")
        result = runner.invoke(cli, ["generate", str(PHONE), "--out", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        assert alive_temp.exists()
        assert not dead_temp.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_generate_interrupted_right_after_making_a_temp_file_leaves_nothing(runner, tmp_path, monkeypatch):
    """Ctrl-C between creating a temp file and knowing its name left a 0-byte temp in an empty case folder."""
    from beredskab.output import files

    real = files.open_temp

    def interrupted(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        os.close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "open_temp", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(cli, ["generate", str(PHONE), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == "Afbrudt."
    assert list(out.iterdir()) == []
