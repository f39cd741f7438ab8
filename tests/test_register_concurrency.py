"""Concurrent writers (separate processes) on one real register file: no version lost, no damage."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3

from beredskab.register import Register, get_version, history, save
from beredskab.errors import StaleCase

from .conftest import EXAMPLES

CASE_ID = "KME-2026-031"
WRITERS = 4
SAVES_EACH = 8


def _writer(args: tuple[str, int, object]) -> int:
    """Save SAVES_EACH versions of one case, each based on the version read; retry when refused as stale."""
    db_path, worker, barrier = args
    stale = 0
    with Register.open(db_path, user=f"writer-{worker}") as reg:
        barrier.wait()  # start together, so the saves interleave
        done = 0
        while done < SAVES_EACH:
            current = get_version(reg, CASE_ID, log=False)
            data = current.data
            data["incident"]["location"] = f"w{worker}-{done}"
            try:
                save(reg, data, reason=f"w{worker}-{done}", base_version=current.version)
            except StaleCase:
                stale += 1
                continue
            done += 1
    return stale


def _importer(args: tuple[str, int, object]) -> int:
    """Create new cases while the others write (no base version: each is new)."""
    db_path, worker, barrier = args
    data = json.loads((EXAMPLES / "vold-skranke.json").read_text(encoding="utf-8"))
    with Register.open(db_path, user=f"importer-{worker}") as reg:
        barrier.wait()
        for number in range(SAVES_EACH):
            data["incident"]["case_id"] = f"IMP-{worker}-{number}"
            save(reg, data, base_version=0)
    return 0


def test_concurrent_writers_lose_no_version_and_leave_the_file_whole(db_path, engine, example_data):
    with Register.open(db_path, engine=engine, user="hbr") as reg:
        save(reg, example_data("phone_threat"), reason="start")
    context = multiprocessing.get_context("spawn")  # no fork of a process holding a connection
    with context.Manager() as manager:
        barrier = manager.Barrier(WRITERS + 2)
        with context.Pool(WRITERS + 2) as pool:
            jobs = [(str(db_path), worker, barrier) for worker in range(WRITERS)]
            stale = pool.map_async(_writer, jobs)
            imports = pool.map_async(_importer, [(str(db_path), w, barrier) for w in range(2)])
            stale.get(timeout=300)  # collisions were refused as stale and redone (how many varies)
            imports.get(timeout=300)

    with Register.open(db_path, engine=engine, user="hbr") as reg:
        versions = history(reg, CASE_ID)
        assert [v.version for v in versions] == list(range(1, 1 + WRITERS * SAVES_EACH + 1))
        expected = {f"w{w}-{n}" for w in range(WRITERS) for n in range(SAVES_EACH)}
        assert {v.reason for v in versions[1:]} == expected
        for v in versions[1:]:  # each version holds exactly what its writer saved
            assert get_version(reg, CASE_ID, v.version, log=False).data["incident"]["location"] == v.reason
        imported = reg.conn.execute("SELECT count(*) FROM cases WHERE id LIKE 'IMP-%'").fetchone()[0]
        assert imported == 2 * SAVES_EACH
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


CRASHING_WRITER = """
import json, sys, time
from beredskab.register import Register, save
from beredskab.register import saving

def stall(*args):
    print("inside", flush=True)  # the version row is written, the transaction not committed
    time.sleep(60)

saving.insert_log = stall
data = json.loads(open(sys.argv[2], encoding="utf-8").read())
data["incident"]["location"] = "Aldrig gemt"
with Register.open(sys.argv[1], user="crash") as reg:
    save(reg, data)
"""


def test_a_process_killed_mid_save_leaves_the_last_committed_version(db_path, engine, example_data):
    import signal
    import subprocess
    import sys

    with Register.open(db_path, engine=engine, user="hbr") as reg:
        save(reg, example_data("phone_threat"), reason="start")
    writer = subprocess.Popen([sys.executable, "-c", CRASHING_WRITER, str(db_path), str(EXAMPLES / "trussel-telefon.json")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "inside"
        writer.send_signal(signal.SIGKILL)  # no clean-up of any kind: a crash or a power cut
    finally:
        writer.wait(timeout=30)
        writer.stdout.close()
    with Register.open(db_path, engine=engine, user="hbr") as reg:
        assert [(v.version, v.reason) for v in history(reg, CASE_ID)] == [(1, "start")]
        assert get_version(reg, CASE_ID, log=False).data["incident"]["location"] != "Aldrig gemt"
        assert reg.conn.execute("SELECT count(*) FROM tasks WHERE version > 1").fetchone()[0] == 0
        data = example_data("phone_threat")
        data["incident"]["location"] = "Kontoret"
        assert save(reg, data, base_version=1).version == 2  # the lock the dead writer held is free
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
