"""Purge after the retention period and online backup, on real register files."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date, datetime

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import OutputError, PackError
from beredskab.register import Register, access_log, close_case, get_case, list_cases, save
from beredskab.register.backup import backup
from beredskab.register.documents import generate
from beredskab.register.retention import purge, purge_log, retention_years


def _closed_on(register, case_id: str, day: date) -> None:
    register.clock = lambda: datetime(day.year, day.month, day.day, 12, 0).astimezone()
    close_case(register, case_id)


@pytest.fixture
def three_cases(register, example_data, tmp_path):
    for name in ("phone_threat", "counter_violence", "harassment_ban"):
        save(register, example_data(name))
    generate(register, "KME-2026-038", tmp_path / "out", ["incident_note"])
    _closed_on(register, "KME-2026-038", date(2026, 12, 1))
    _closed_on(register, "KME-2026-029", date(2028, 6, 1))
    return register


def test_purge_deletes_closed_cases_past_retention_with_everything_in_them(three_cases, db_path):
    register = three_cases
    assert [c.case_id for c in purge(register, date(2031, 11, 30))] == []
    purged = purge(register, date(2031, 12, 1))
    assert [(c.case_id, c.expires) for c in purged] == [("KME-2026-038", date(2031, 12, 1))]
    assert [c.id for c in list_cases(register)] == ["KME-2026-029", "KME-2026-031"]
    for table in ("versions", "tasks", "documents"):
        count = register.conn.execute(f"SELECT count(*) FROM {table} WHERE case_id = 'KME-2026-038'").fetchone()[0]
        assert count == 0, table
    assert [(p["case_id"], p["closed_at"][:10]) for p in purge_log(register)] == [("KME-2026-038", "2026-12-01")]
    assert [(e.action, e.case_id) for e in access_log(register) if e.action == "purge"] == [("purge", "KME-2026-038")]
    # The person's name is gone from the file itself, not only from the tables.
    register.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                  if db_path.with_name(db_path.name + "-wal").exists() else b"")
    assert "Sofie Andersen".encode() not in raw
    assert "Sofie Andersen".encode() not in b"".join(str(p).encode() for p in purge_log(register))


def test_purge_dry_run_deletes_nothing(three_cases):
    found = purge(three_cases, date(2040, 1, 1), dry_run=True)
    assert [c.case_id for c in found] == ["KME-2026-038", "KME-2026-029"]
    assert len(list_cases(three_cases)) == 3 and purge_log(three_cases) == []


def test_purge_keeps_open_cases_however_old(three_cases):
    purge(three_cases, date(2060, 1, 1))
    assert [c.id for c in list_cases(three_cases)] == ["KME-2026-031"]


def test_retention_years_comes_from_plan_yaml(engine):
    assert retention_years(engine.settings) == 5
    assert retention_years({}) == 5
    assert retention_years({"retention_years": 10}) == 10
    with pytest.raises(PackError, match="retention_years"):
        retention_years({"retention_years": "fem"})


def test_cli_purge_dry_run_then_purge(runner, db_path, three_cases):
    db = ["--db", str(db_path)]
    dry = runner.invoke(cli, ["cases", "purge", "--dry-run", "--today", "2032-01-01", *db])
    assert dry.exit_code == 0
    assert dry.output.splitlines()[-1] == "1 sag(er) ville blive slettet (intet er slettet)."
    assert dry.output.startswith("Slettes: KME-2026-038 (lukket 1. december 2026 kl. 12.00, frist 2031-12-01)")
    done = runner.invoke(cli, ["cases", "purge", "--today", "2032-01-01", *db])
    assert done.output.splitlines()[-1] == "1 sag(er) er slettet."


def test_backup_is_a_whole_private_copy_taken_while_in_use(three_cases, db_path, engine, tmp_path):
    writer = Register.open(db_path, engine=engine, user="amr")  # a second connection in the middle of things
    writer.conn.execute("BEGIN")
    writer.conn.execute("SELECT count(*) FROM cases").fetchone()
    target = backup(three_cases, tmp_path / "kopi.sqlite3")
    writer.conn.execute("COMMIT")
    writer.close()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Register.open(target, engine=engine, user="hbr") as restored:
        assert [c.id for c in list_cases(restored)] == ["KME-2026-029", "KME-2026-031", "KME-2026-038"]
        assert get_case(restored, "KME-2026-038").closed_at is not None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kopi")]


def test_backup_never_replaces_a_file(register, tmp_path):
    target = tmp_path / "kopi.sqlite3"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="findes allerede"):
        backup(register, target)
    assert target.read_bytes() == b"old"


def test_cli_backup(runner, db_path, register, example_data, tmp_path):
    save(register, example_data("phone_threat"))
    target = tmp_path / "kopi.sqlite3"
    result = runner.invoke(cli, ["cases", "backup", str(target), "--db", str(db_path)])
    assert (result.exit_code, result.output) == (0, f"Skrevet: {target}\n")
    again = runner.invoke(cli, ["cases", "backup", str(target), "--db", str(db_path)])
    assert again.exit_code == 2 and again.stderr.startswith("Fejl: findes allerede")
