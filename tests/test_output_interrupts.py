"""Interrupts land between a write's steps, never inside one (output/interrupts.py; issue 18).

A terminated batch worker once left an empty case folder behind: the interrupt landed after
the folder was made and locked and before the run knew to clean it up. A signal handler runs
between any two bytecodes; these tests call the handler (``interrupts.interrupt``) at the
worst points by patching the step there, as the signal would.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest

from beredskab.output import interrupts
from beredskab.output import lock as lock_module
from beredskab.output.group import GroupCommit
from beredskab.output.lock import case_folder_lock

from .test_output_group import Syncs, case_files, leftovers, stage_cases


def test_an_interrupt_outside_held_steps_is_raised_at_once():
    with pytest.raises(KeyboardInterrupt):
        interrupts.interrupt()


def test_an_interrupt_in_held_steps_is_raised_when_the_outermost_ends():
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts.held():
            with interrupts.held():
                interrupts.interrupt()
                steps.append("inner went on")
            steps.append("outer went on")
    assert steps == ["inner went on", "outer went on"]
    with interrupts.held():  # raised once, not kept for the next held block
        pass


def test_an_interrupt_just_after_the_folder_is_locked_leaves_no_empty_folder(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real_lock = GroupCommit._lock

    def lock_then_signal(self, folder):
        lock = real_lock(self, folder)
        interrupts.interrupt()  # the signal arrives here: the folder exists and is locked
        return lock

    monkeypatch.setattr(GroupCommit, "_lock", lock_then_signal)
    group = GroupCommit(syncfs=Syncs())
    files = case_files(out, "A-1")
    with pytest.raises(KeyboardInterrupt) as raised:
        group.stage(out / "A-1", lambda: files)
    group.abandon(raised.value)  # what batch's chunk does with the interrupt
    assert not (out / "A-1").exists()
    assert leftovers(out) == []
    # and the folder is not left locked: another run takes it at once
    with case_folder_lock(out / "A-1", wait=False):
        pass


def test_an_interrupt_while_temp_files_are_written_removes_them_and_the_folder(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    from beredskab.output import files as output

    real_write_temp = output._write_temp
    calls = []

    def write_then_signal(*args, **kwargs):
        temp = real_write_temp(*args, **kwargs)
        calls.append(temp)
        if len(calls) == 1:
            interrupts.interrupt()  # between the first temp file and the second
        return temp

    monkeypatch.setattr(output, "_write_temp", write_then_signal)
    group = GroupCommit(syncfs=Syncs())
    with pytest.raises(KeyboardInterrupt) as raised:
        stage_cases(group, out, ["A-1"])
    group.abandon(raised.value)
    assert len(calls) == 2  # the step finished (both temp files) before the interrupt landed
    assert not (out / "A-1").exists()
    assert leftovers(out) == []


def test_an_interrupt_during_the_commit_undoes_the_whole_chunk(tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    class SignalOnSecondSync(Syncs):
        def __call__(self, descriptor):
            super().__call__(descriptor)
            if self.calls == 2:  # the moves are made and synced: the chunk is not reported yet
                interrupts.interrupt()

    group = GroupCommit(syncfs=SignalOnSecondSync())
    stage_cases(group, out, ["A-1", "A-2"])
    with pytest.raises(KeyboardInterrupt) as raised:
        group.commit()
    group.abandon(raised.value)
    assert list(out.iterdir()) == []  # nothing of the unreported chunk stays
    assert group.commit() == []


def test_a_held_interrupt_does_not_wait_for_another_runs_lock(tmp_path, monkeypatch):
    folder = tmp_path / "A-1"
    folder.mkdir()
    other = os.open(folder, os.O_RDONLY)
    fcntl.flock(other, fcntl.LOCK_EX)  # another run writes this case folder
    monkeypatch.setattr(lock_module, "LOCK_WAIT_SECONDS", 20.0)
    timer = threading.Timer(0.3, interrupts.interrupt)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupts.held():
                timer.start()  # the interrupt comes while this run waits for the lock
                with case_folder_lock(folder):
                    pytest.fail("the lock was taken although another run holds it")
    finally:
        timer.cancel()
        os.close(other)
    assert time.monotonic() - started < 10  # not the lock's 20 seconds
    assert folder.is_dir()  # it existed before: not removed
