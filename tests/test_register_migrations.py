"""The register's schema migrations, from an empty file and from every earlier version; damaged and newer files."""

from __future__ import annotations

import sqlite3

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import DamagedRegister, RegisterError
from beredskab.register import Register, get_case, save
from beredskab.register import db, migrations


def _schema(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
        return [(kind, name, table, " ".join((sql or "").split())) for kind, name, table, sql in rows]
    finally:
        conn.close()


def _columns(path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(r[1] for r in conn.execute(f"PRAGMA table_info({t})")) for t in tables}
    finally:
        conn.close()


def test_new_file_gets_the_latest_schema(db_path, engine):
    with Register.open(db_path, engine=engine, user="hbr") as reg:
        assert migrations.schema_version(reg.conn) == migrations.LATEST


@pytest.mark.parametrize("start", range(migrations.LATEST), ids=lambda n: f"from-version-{n}")
def test_migration_from_every_earlier_version_gives_the_latest_schema(tmp_path, start):
    fresh, old = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    conn = db.connect(fresh)
    migrations.migrate(conn)
    conn.close()
    conn = db.connect(old)
    assert migrations.migrate(conn, target=start) == start
    assert migrations.schema_version(conn) == start
    assert migrations.migrate(conn) == migrations.LATEST
    conn.close()
    assert _columns(old) == _columns(fresh)
    assert _schema(old) == _schema(fresh)


@pytest.mark.parametrize("start", range(1, migrations.LATEST + 1), ids=lambda n: f"from-version-{n}")
def test_migration_keeps_the_cases_of_an_older_version(tmp_path, engine, example_data, start):
    """A case saved under an older schema is still there, whole, after the upgrade."""
    path = tmp_path / "old.sqlite3"
    conn = db.connect(path)
    migrations.migrate(conn, target=start)
    conn.execute("INSERT INTO cases (id, created_at, created_by, current_version) "
                 "VALUES ('KME-1', '2026-11-26T12:00:00+01:00', 'hbr', 1)")
    conn.execute("INSERT INTO versions (case_id, version, saved_at, saved_by, reason, valid, problems, data, "
                 "data_sha256) VALUES ('KME-1', 1, '2026-11-26T12:00:00+01:00', 'hbr', 'gammel', 0, '[]', "
                 "'{\"incident\": {\"case_id\": \"KME-1\"}}', 'x')")
    conn.close()
    with Register.open(path, engine=engine, user="hbr") as reg:
        record = get_case(reg, "KME-1")
        assert (record.current.reason, record.current.data) == ("gammel", {"incident": {"case_id": "KME-1"}})
        assert save(reg, example_data("phone_threat")).version == 1


def test_migration_is_applied_once_when_two_connections_open_a_new_file(db_path):
    first, second = db.connect(db_path), db.connect(db_path)
    assert migrations.migrate(first) == migrations.LATEST
    assert migrations.migrate(second) == migrations.LATEST  # sees the new version, runs nothing
    first.close()
    second.close()


def test_newer_schema_is_refused_with_exit_code_2(db_path, engine, runner):
    conn = db.connect(db_path)
    migrations.migrate(conn)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    with pytest.raises(RegisterError, match="nyere udgave af beredskab") as refused:
        Register.open(db_path, engine=engine, user="hbr")
    assert refused.value.exit_code == 2
    result = runner.invoke(cli, ["cases", "list", "--db", str(db_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Fejl: registret er lavet af en nyere udgave af beredskab (skemaversion "
                                    f"{migrations.LATEST + 1}")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
                         ids=["text-file", "damaged-header"])
def test_damaged_file_is_refused_with_exit_code_1(db_path, engine, runner, content):
    db_path.write_bytes(content)
    with pytest.raises(DamagedRegister) as refused:
        Register.open(db_path, engine=engine, user="hbr")
    assert refused.value.exit_code == 1
    result = runner.invoke(cli, ["cases", "list", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Fejl: registerfilen er beskadiget eller ikke et beredskab-register; gendan den fra " \
                            f"en sikkerhedskopi (beredskab cases backup) ({db_path})\n"
    assert db_path.read_bytes() == content  # nothing written into it


def test_folder_given_as_register_file_is_refused(tmp_path, engine):
    with pytest.raises(RegisterError, match="er en mappe"):
        Register.open(tmp_path, engine=engine, user="hbr")
