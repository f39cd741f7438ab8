"""The case register: versions, drafts, the stale-save refusal, lists and the access log, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import date

import pytest

from beredskab.errors import CaseError, EnvironmentFailure, RegisterError, StaleCase, UnknownCase
from beredskab.register import (Register, access_log, close_case, export_case, get_case, get_version, history,
                                list_cases, reopen_case, save, set_fields)
from beredskab.register.people import export_person

from .conftest import TODAY


def test_register_file_and_folder_are_private(tmp_path, engine):
    path = tmp_path / "new" / "folder" / "register.sqlite3"
    with Register.open(path, engine=engine, user="hbr"):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_register_uses_wal_and_foreign_keys(register):
    assert register.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert register.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_register_path_comes_from_the_environment_when_none_is_given(tmp_path, monkeypatch, engine):
    monkeypatch.setenv("BEREDSKAB_DB", str(tmp_path / "env.sqlite3"))
    with Register.open(engine=engine, user="x") as reg:
        assert reg.path == tmp_path / "env.sqlite3"
    assert (tmp_path / "env.sqlite3").exists()


def test_save_keeps_every_version_and_never_overwrites_one(register, example_data):
    data = example_data("phone_threat")
    first = save(register, data, reason="Oprettet")
    data["incident"]["location"] = "Et andet sted"
    second = save(register, data, reason="Stedet rettet")
    assert (first.version, first.created, second.version, second.created) == (1, True, 2, False)
    assert get_version(register, "KME-2026-031", 1).data["incident"]["location"] != "Et andet sted"
    assert get_version(register, "KME-2026-031").data["incident"]["location"] == "Et andet sted"
    assert [(v.version, v.saved_by, v.reason) for v in history(register, "KME-2026-031")] == [
        (1, "hbr", "Oprettet"), (2, "hbr", "Stedet rettet")]


def test_save_of_unchanged_data_adds_no_version(register, example_data):
    save(register, example_data("phone_threat"))
    again = save(register, example_data("phone_threat"))
    assert (again.version, again.changed) == (1, False)
    assert len(history(register, "KME-2026-031")) == 1


def test_valid_case_is_stored_normalised_and_exports_as_a_case_file(register, engine, example_data):
    save(register, example_data("counter_violence"))
    exported = export_case(register, "KME-2026-038")
    assert exported["$version"] == 1
    assert exported["incident"]["occurred_at"]["start"] == "2026-11-03T09:20"
    assert engine.validate(exported).id == "KME-2026-038"  # the file is a valid case file as it is


def test_invalid_case_is_refused_unless_saved_as_draft(register, example_data):
    data = example_data("phone_threat")
    del data["incident"]["description"]
    with pytest.raises(CaseError) as refused:
        save(register, data)
    assert "incident.description" in str(refused.value)
    with pytest.raises(UnknownCase):
        get_case(register, "KME-2026-031")
    draft = save(register, data, draft=True, reason="Kladde")
    assert not draft.valid
    assert draft.problems == ["Felt 'Beskrivelse af hændelsen' (incident.description): skal udfyldes"]
    current = get_case(register, "KME-2026-031").current
    assert current.draft and current.problems == draft.problems


def test_draft_needs_a_valid_case_number(register, example_data):
    data = example_data("phone_threat")
    data["incident"]["case_id"] = "../etc"
    with pytest.raises(CaseError, match="kladde skal have et gyldigt sagsnummer"):
        save(register, data, draft=True)


def test_draft_becomes_valid_in_a_later_version(register, example_data):
    data = example_data("phone_threat")
    description = data["incident"].pop("description")
    save(register, data, draft=True)
    data["incident"]["description"] = description
    result = save(register, data, base_version=1)
    assert (result.version, result.valid) == (2, True)
    assert [v.draft for v in history(register, "KME-2026-031")] == [True, False]


def test_stale_save_is_refused_naming_who_saved_and_when(register, db_path, engine, example_data):
    save(register, example_data("phone_threat"))
    with Register.open(db_path, engine=engine, user="Karsten Holm") as other:
        other.clock = register.clock
        set_fields(other, "KME-2026-031", [("incident.location", "Kontoret")], base_version=1)
    with pytest.raises(StaleCase) as refused:
        set_fields(register, "KME-2026-031", [("incident.location", "Mødelokalet")], base_version=1)
    message = str(refused.value)
    assert "version 1" in message and "Karsten Holm gemte version 2 26. november 2026 kl. 12.00" in message
    assert refused.value.exit_code == 2
    assert get_version(register, "KME-2026-031").data["incident"]["location"] == "Kontoret"
    assert len(history(register, "KME-2026-031")) == 2


def test_new_case_with_base_zero_is_refused_when_the_number_exists(register, example_data):
    save(register, example_data("phone_threat"))
    with pytest.raises(StaleCase, match="findes allerede"):
        save(register, example_data("phone_threat"), base_version=0)


def test_reimport_of_an_old_export_is_refused(register, example_data):
    save(register, example_data("phone_threat"))
    exported = export_case(register, "KME-2026-031")
    set_fields(register, "KME-2026-031", [("incident.location", "Kontoret")])
    exported["incident"]["location"] = "Mødelokalet"
    with pytest.raises(StaleCase):
        save(register, exported)


def test_closed_case_takes_no_new_version_until_reopened(register, example_data):
    save(register, example_data("phone_threat"))
    close_case(register, "KME-2026-031")
    with pytest.raises(RegisterError, match="er lukket"):
        set_fields(register, "KME-2026-031", [("incident.location", "Kontoret")])
    reopen_case(register, "KME-2026-031")
    assert set_fields(register, "KME-2026-031", [("incident.location", "Kontoret")]).version == 2


def test_set_fields_cannot_change_the_case_number(register, example_data):
    save(register, example_data("phone_threat"))
    with pytest.raises(CaseError, match="sagsnummeret kan ikke ændres"):
        set_fields(register, "KME-2026-031", [("incident.case_id", "KME-2026-999")])


def test_unknown_case_and_version_are_named(register, example_data):
    with pytest.raises(UnknownCase, match="sagen KME-0 findes ikke"):
        get_case(register, "KME-0")
    save(register, example_data("phone_threat"))
    with pytest.raises(UnknownCase, match="version 7 af sagen KME-2026-031 findes ikke"):
        get_version(register, "KME-2026-031", 7)


def test_list_shows_next_deadline_and_overdue_and_filters_by_creator(register, db_path, engine, example_data):
    save(register, example_data("phone_threat"))
    with Register.open(db_path, engine=engine, user="amr") as other:
        save(other, example_data("counter_violence"))
    listed = {c.id: c for c in list_cases(register, today=TODAY)}
    # The phone threat has no police report: the 72-hour reminder fell due on 20 November.
    assert listed["KME-2026-031"].next_due == date(2026, 11, 20) and listed["KME-2026-031"].overdue
    assert listed["KME-2026-038"].next_due is None and not listed["KME-2026-038"].overdue
    assert [c.id for c in list_cases(register, created_by="amr")] == ["KME-2026-038"]
    assert not list_cases(register, today=date(2026, 11, 18))[0].overdue
    close_case(register, "KME-2026-031")
    assert [c.id for c in list_cases(register, open_only=True)] == ["KME-2026-038"]


def test_access_log_names_person_action_and_case_but_no_case_data(register, example_data):
    data = example_data("counter_violence")
    save(register, data)
    get_case(register, "KME-2026-038")
    export_case(register, "KME-2026-038")
    export_person(register, "Sofie Andersen")
    entries = access_log(register)
    assert [(e.user, e.action, e.case_id) for e in reversed(entries)] == [
        ("hbr", "save", "KME-2026-038"), ("hbr", "show", "KME-2026-038"),
        ("hbr", "export", "KME-2026-038"), ("hbr", "person_export", "KME-2026-038")]
    dump = "\n".join(register.conn.iterdump())
    log_rows = [line for line in dump.splitlines() if "access_log" in line and "INSERT" in line]
    assert log_rows and not any("Sofie" in line or "Borgerservice" in line for line in log_rows)


def test_person_export_finds_every_case_and_version_that_names_the_person(register, example_data):
    save(register, example_data("counter_violence"))
    save(register, example_data("phone_threat"))
    set_fields(register, "KME-2026-031", [("incident.witnesses[0].name", "Sofie  ANDERSEN"),
                                          ("incident.witnesses[0].role", "Kollega")])
    found = export_person(register, "sofie andersen")
    assert [(c["case_id"], [v["version"] for v in c["versions"]]) for c in found["cases"]] == [
        ("KME-2026-031", [2]), ("KME-2026-038", [1])]
    assert found["cases"][1]["versions"][0]["data"]["incident"]["affected_employees"][0]["name"] == "Sofie Andersen"
    json.dumps(found)  # the export is JSON as it is
    with pytest.raises(RegisterError, match="mindst 3 tegn"):
        export_person(register, " a ")


def test_a_failed_save_leaves_the_last_committed_version(register, example_data, monkeypatch):
    save(register, example_data("phone_threat"))
    data = example_data("phone_threat")
    data["incident"]["location"] = "Kontoret"

    def broken_insert(conn, *args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("beredskab.register.saving.insert_log", broken_insert)
    with pytest.raises(EnvironmentFailure):
        save(register, data)
    monkeypatch.undo()
    assert [v.version for v in history(register, "KME-2026-031")] == [1]
    assert get_case(register, "KME-2026-031").current.version == 1
    assert register.conn.execute("SELECT count(*) FROM tasks WHERE version = 2").fetchone()[0] == 0
