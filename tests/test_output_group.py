"""Group commit (output/group.py): a batch chunk's cases made durable with one sync, with every
guarantee of write_all per case (issue 19).

Failures and interrupts are injected at each step (monkeypatching the step that fails),
and a real batch is interrupted mid-run; after each, every case reported as written is
there whole, nothing else is new, and no temp file or empty folder is left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from beredskab.errors import EnvironmentFailure, OutputError
from beredskab.output import files as output
from beredskab.output import group as group_module
from beredskab.output.group import GroupCommit
from beredskab.output.manifest import verify

from .conftest import EXAMPLES, TODAY
from .test_output import fail_on_call, listing, mode


class Syncs:
    """A stand-in for syncfs that counts its calls (and checks it is given an open descriptor)."""

    def __init__(self, error: OSError | None = None):
        self.calls = 0
        self.error = error

    def __call__(self, descriptor: int) -> None:
        os.fstat(descriptor)
        self.calls += 1
        if self.error is not None:
            raise self.error


def case_files(out: Path, case_id: str) -> dict[Path, bytes]:
    folder = out / case_id
    return {folder / f"{case_id}_note.docx": f"note of {case_id}".encode(), folder / "manifest.json": b"{}"}


def stage_cases(group: GroupCommit, out: Path, ids: list[str], force: bool = False) -> None:
    for case_id in ids:
        files = case_files(out, case_id)
        group.stage(out / case_id, lambda files=files: files, force=force, replace=[out / case_id / "manifest.json"])


def leftovers(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*")
                  if p.name.endswith(".tmp") or (p.is_dir() and not any(p.iterdir())))


def test_nothing_is_in_place_before_the_commit_and_everything_after(tmp_path, monkeypatch):
    out = tmp_path / "out"
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    syncs = Syncs()
    group = GroupCommit(syncfs=syncs)
    stage_cases(group, out, ["A-1", "A-2", "A-3"])
    assert not any(p.name.endswith(".docx") for p in out.rglob("*"))  # staged: temp files only
    results = group.commit()
    assert [r.error for r in results] == [None, None, None]
    assert [r.documents for r in results] == [[out / c / f"{c}_note.docx"] for c in ("A-1", "A-2", "A-3")]
    for case_id in ("A-1", "A-2", "A-3"):
        assert listing(out / case_id) == {f"{case_id}_note.docx": f"note of {case_id}".encode(), "manifest.json": b"{}"}
        assert mode(out / case_id / f"{case_id}_note.docx") == 0o600 and mode(out / case_id) == 0o700
    assert syncs.calls == 2  # the temp files once, the moves once: not three fsyncs per case
    assert fsyncs == []
    assert leftovers(out) == []


def test_without_syncfs_each_file_and_folder_is_flushed_as_write_all_does(tmp_path, monkeypatch):
    out = tmp_path / "out"
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    group = GroupCommit(syncfs=None)
    stage_cases(group, out, ["A-1", "A-2"])
    assert len(fsyncs) == 4  # each temp file as it is written
    assert [r.error for r in group.commit()] == [None, None]
    assert len(fsyncs) == 6  # and each folder after the moves
    assert sorted(p.name for p in out.rglob("*.docx")) == ["A-1_note.docx", "A-2_note.docx"]


def test_a_case_whose_target_appeared_meanwhile_is_refused_alone(tmp_path):
    out = tmp_path / "out"
    group = GroupCommit(syncfs=Syncs())
    stage_cases(group, out, ["A-1", "A-2", "A-3"])
    (out / "A-2" / "A-2_note.docx").write_bytes(b"someone else's")
    results = group.commit()
    assert results[0].error is None and results[2].error is None
    assert isinstance(results[1].error, OutputError) and "findes allerede" in results[1].error.lines()[0]
    assert listing(out / "A-2") == {"A-2_note.docx": b"someone else's"}
    assert listing(out / "A-1") == {"A-1_note.docx": b"note of A-1", "manifest.json": b"{}"}
    assert listing(out / "A-3") == {"A-3_note.docx": b"note of A-3", "manifest.json": b"{}"}
    assert leftovers(out) == []


def test_a_failed_sync_writes_no_case_and_says_so_for_each(tmp_path):
    out = tmp_path / "out"
    (out / "A-1").mkdir(parents=True)
    (out / "A-1" / "A-1_note.docx").write_bytes(b"old")
    group = GroupCommit(syncfs=Syncs(OSError(5, "Input/output error")))
    stage_cases(group, out, ["A-1", "A-2"], force=True)
    results = group.commit()
    assert all(isinstance(r.error, EnvironmentFailure) for r in results)
    assert results[0].error.lines() == ["dokumenterne kunne ikke skrives (fejl ved læsning eller skrivning på drevet)"]
    assert listing(out / "A-1") == {"A-1_note.docx": b"old"}
    assert not (out / "A-2").exists()  # the folder the case created is removed again
    assert leftovers(out) == []


@pytest.mark.parametrize("step, call", [("_place", 3), ("_place", 5), ("_fsync_dir", 2)],
                         ids=["ctrl-c-in-second-case", "ctrl-c-in-third-case", "ctrl-c-syncing-folders"])
def test_an_interrupted_commit_leaves_the_old_files_and_no_case_of_the_chunk(tmp_path, monkeypatch, step, call):
    out = tmp_path / "out"
    (out / "A-1").mkdir(parents=True)
    old = {"A-1_note.docx": b"old note", "manifest.json": b'{"old": 1}'}
    for name, data in old.items():
        (out / "A-1" / name).write_bytes(data)
    group = GroupCommit(syncfs=None if step == "_fsync_dir" else Syncs())
    stage_cases(group, out, ["A-1", "A-2", "A-3"], force=True)
    fail_on_call(monkeypatch, output, step, call, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        group.commit()
    assert listing(out / "A-1") == old  # replaced, then rolled back: none of the chunk was reported
    assert sorted(p.name for p in out.iterdir()) == ["A-1"]
    assert leftovers(out) == []


def test_an_interrupt_while_staging_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    group = GroupCommit(syncfs=Syncs())
    stage_cases(group, out, ["A-1"])
    fail_on_call(monkeypatch, output, "_write_temp", 2, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt) as info:
        stage_cases(group, out, ["A-2"])
    group.abandon(info.value)
    assert not out.exists()  # the folders the two cases created are removed again


def test_the_same_folder_twice_commits_the_first_before_staging_the_second(tmp_path):
    out = tmp_path / "out"
    syncs = Syncs()
    group = GroupCommit(syncfs=syncs)
    stage_cases(group, out, ["A-1"])
    stage_cases(group, out, ["A-1"], force=True)  # a second lock on the folder would wait for the first
    assert syncs.calls == 2 and (out / "A-1" / "A-1_note.docx").exists()
    with pytest.raises(OutputError, match="findes allerede"):  # without force: refused, as write_all does
        stage_cases(group, out, ["A-1"])
    assert [r.error for r in group.commit()] == [None, None]
    assert syncs.calls == 4
    assert listing(out / "A-1") == {"A-1_note.docx": b"note of A-1", "manifest.json": b"{}"}
    assert leftovers(out) == []


def test_syncfs_is_there_on_linux():
    if sys.platform.startswith("linux"):
        assert group_module._syncfs() is not None
        descriptor = os.open(".", os.O_RDONLY)
        try:
            group_module._syncfs()(descriptor)
        finally:
            os.close(descriptor)
    else:
        assert group_module._syncfs() is None


def test_batch_writes_through_the_group_and_every_document_reads_back(tmp_path, phone_threat_data, monkeypatch):
    from beredskab.cli.batch import CHUNK_SIZE, run_batch

    cases = tmp_path / "cases.jsonl"
    lines = []
    for number in range(CHUNK_SIZE + 3):
        phone_threat_data["incident"]["case_id"] = f"G-{number}"
        lines.append(json.dumps(phone_threat_data))
    lines.insert(2, lines[1])  # the same case twice in a chunk: the second is refused, nothing lost
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    syncs = Syncs()
    monkeypatch.setattr(group_module, "_syncfs", lambda: syncs)
    out = tmp_path / "out"
    outcomes = list(run_batch(cases, out, ["incident_note"], jobs=1, today=TODAY))
    refused = [o for o in outcomes if o.refused]
    assert [o.index for o in refused] == [2]
    assert "findes allerede" in refused[0].problems[0]
    assert syncs.calls == 2 * 3  # the first chunk twice (the repeated case commits it early), then the rest
    for outcome in outcomes:
        for written in outcome.written:
            assert docx.Document(written).paragraphs
    for folder in out.iterdir():
        assert verify(folder) == [f"{folder.name}_incident_note.docx"]
    assert leftovers(out) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_an_interrupted_batch_reported_only_what_is_on_disk(tmp_path, phone_threat_data):
    cases = tmp_path / "cases.jsonl"
    with cases.open("w", encoding="utf-8") as handle:
        for number in range(400):
            phone_threat_data["incident"]["case_id"] = f"I-{number:04d}"
            handle.write(json.dumps(phone_threat_data) + "\n")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "beredskab", "batch", str(cases), "--out", str(out),
                                "--jobs", "1", "--doc", "incident_note"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    reported: list[str] = []
    deadline = time.monotonic() + 60
    while len(reported) < 12 and time.monotonic() < deadline:
        line = process.stderr.readline().decode()
        if not line:
            break
        if line.strip().endswith("1 dokument"):
            reported.append(line)
    os.killpg(process.pid, signal.SIGINT)
    rest = process.communicate(timeout=30)[1].decode()
    reported += [line for line in rest.splitlines() if line.strip().endswith("1 dokument")]
    assert process.returncode == 1 and rest.strip().splitlines()[-1] == "Afbrudt."
    assert len(reported) >= 12
    numbers = [int(line.split("linje ")[1].split(":")[0]) for line in reported]
    present = sorted(p.name for p in out.iterdir())
    for number in numbers:  # every case reported as written is there, whole
        case_id = f"I-{number - 1:04d}"
        assert case_id in present
        assert verify(out / case_id) == [f"{case_id}_incident_note.docx"]
    for case_id in present:  # and nothing half: every folder there holds a whole case
        assert verify(out / case_id) == [f"{case_id}_incident_note.docx"]
    assert leftovers(out) == []


def test_two_groups_with_the_same_cases_in_turn_do_not_wait_for_each_other(tmp_path, monkeypatch):
    """Two batch workers whose chunks hold the same cases in the opposite order: a group holding
    locks never waits for another, so neither sits out the lock's wait and refuses."""
    import threading

    from beredskab.output import lock

    monkeypatch.setattr(lock, "LOCK_WAIT_SECONDS", 20)
    out = tmp_path / "out"
    first, second = GroupCommit(syncfs=Syncs()), GroupCommit(syncfs=Syncs())
    stage_cases(first, out, ["X"], force=True)
    results: dict[str, list] = {}
    holding = threading.Event()

    def other_worker():
        stage_cases(second, out, ["Y"], force=True)
        holding.set()
        stage_cases(second, out, ["X"], force=True)  # held by the first: commits Y, then waits for X
        results["second"] = second.commit()

    worker = threading.Thread(target=other_worker)
    worker.start()
    assert holding.wait(10)
    start = time.monotonic()
    stage_cases(first, out, ["Y"], force=True)  # held by the second, or free once it committed Y
    results["first"] = first.commit()
    worker.join(30)
    assert not worker.is_alive()
    assert time.monotonic() - start < 15
    assert [r.error for r in results["first"] + results["second"]] == [None] * 4
    assert sorted(p.name for p in out.iterdir()) == ["X", "Y"]
    assert leftovers(out) == []


def test_with_skip_existing_the_same_case_again_in_a_chunk_is_skipped(tmp_path, phone_threat_data):
    """As before the group commit: the second copy finds the first one's documents and is skipped."""
    from beredskab.cli.batch import run_batch

    cases = tmp_path / "cases.jsonl"
    line = json.dumps(phone_threat_data)
    cases.write_text(f"{line}\n{line}\n", encoding="utf-8")
    outcomes = list(run_batch(cases, tmp_path / "out", ["incident_note"], jobs=1, today=TODAY, skip_existing=True))
    assert [(o.refused, o.skipped, len(o.written)) for o in outcomes] == [(False, False, 1), (False, True, 0)]


def test_rename_new_is_there_on_linux_and_never_replaces_a_file(tmp_path):
    rename_new = group_module._rename_new()
    if not sys.platform.startswith("linux"):
        assert rename_new is None
        return
    (tmp_path / "temp").write_bytes(b"new")
    (tmp_path / "target").write_bytes(b"someone else's")
    with pytest.raises(FileExistsError):
        rename_new(tmp_path / "temp", tmp_path / "target")
    assert (tmp_path / "target").read_bytes() == b"someone else's"
    rename_new(tmp_path / "temp", tmp_path / "new")
    assert (tmp_path / "new").read_bytes() == b"new" and not (tmp_path / "temp").exists()


@pytest.mark.parametrize("kind", ["renamed", "linked", "no-rename-on-this-file-system"])
def test_a_target_that_appears_while_it_is_moved_is_kept_however_files_are_moved(tmp_path, monkeypatch, kind):
    """The file appears after the last check, just before the move: the move itself refuses it."""
    out = tmp_path / "out"
    rival = out / "A-2" / "A-2_note.docx"

    def appear(target):
        if target == rival:
            rival.write_bytes(b"someone else's")

    def unsupported(source, target):
        appear(target)
        raise OSError(22, "Invalid argument")  # EINVAL: this file system cannot rename without replacing

    real_rename, real_link = group_module._rename_new(), os.link
    rename_new = {"renamed": lambda source, target: appear(target) or real_rename(source, target),
                  "linked": None, "no-rename-on-this-file-system": unsupported}[kind]
    if kind == "renamed" and real_rename is None:
        pytest.skip("renameat2 is Linux's")
    if kind == "linked":
        monkeypatch.setattr(os, "link", lambda source, target: appear(Path(target)) or real_link(source, target))
    group = GroupCommit(syncfs=Syncs(), rename_new=rename_new)
    stage_cases(group, out, ["A-1", "A-2"])
    results = group.commit()
    assert results[0].error is None
    assert isinstance(results[1].error, OutputError) and "findes allerede" in results[1].error.lines()[0]
    assert listing(out / "A-1") == {"A-1_note.docx": b"note of A-1", "manifest.json": b"{}"}
    assert listing(out / "A-2") == {"A-2_note.docx": b"someone else's"}
    assert leftovers(out) == []
