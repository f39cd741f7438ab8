"""Signing in across restarts, and the login limit (Flask's test client on a real SQLite file;
two app instances on one register file stand for a restart or a second server process)."""

from __future__ import annotations

import sqlite3

from beredskab.register.logins import MAX_PER_ADDRESS, MAX_PER_NAME, WINDOW_S
from beredskab.web import create_app
from beredskab.web.server import app_config

from .conftest import PASSWORD, add_users, csrf_of

LIMITED = "For mange mislykkede forsøg på at logge ind"


def _app(db: str):
    return create_app(app_config("0.0.0.0", db, None, None))  # a public address: users must log in


def _login(client, name: str, password: str, address: str = "192.0.2.10"):
    page = client.get("/log-ind").get_data(as_text=True)
    return client.post("/log-ind", data={"name": name, "password": password, "csrf_token": csrf_of(page)},
                       environ_base={"REMOTE_ADDR": address})


def _log(db: str, action: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT user FROM access_log WHERE action = ? ORDER BY id", (action,))]


def test_a_session_stays_valid_after_a_restart_and_in_a_second_process(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    first = _app(db).test_client()
    assert _login(first, "hr1", PASSWORD).status_code == 303
    cookie = first.get_cookie("beredskab_session").value

    restarted = _app(db).test_client()  # a new app: what a restart of `beredskab serve` makes
    restarted.set_cookie("beredskab_session", cookie)
    page = restarted.get("/")
    assert page.status_code == 200 and "hr1 (HR)" in page.get_data(as_text=True)

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, length(value) FROM settings").fetchall()
    assert rows == [("web_session_secret", 32)]  # made once, kept in the register


def test_a_forged_or_foreign_session_cookie_is_not_accepted(tmp_path):
    db, other = str(tmp_path / "r.sqlite3"), str(tmp_path / "other.sqlite3")
    add_users(db)
    add_users(other)
    client = _app(db).test_client()
    assert _login(client, "hr1", PASSWORD).status_code == 303
    stranger = _app(other).test_client()  # another register has its own secret
    stranger.set_cookie("beredskab_session", client.get_cookie("beredskab_session").value)
    assert stranger.get("/").headers["Location"].endswith("/log-ind")


def test_too_many_failed_logins_for_a_name_refuse_it_for_a_while_in_danish(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    client = _app(db).test_client()
    for _ in range(MAX_PER_NAME):
        response = _login(client, "hr1", "forkert-kode")
        assert response.status_code == 400 and "Forkert brugernavn eller adgangskode" in response.get_data(as_text=True)
    response = _login(client, "hr1", PASSWORD)  # the right password, too late
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and LIMITED in page and "Vent 15 minutter" in page
    assert client.get("/").headers["Location"].endswith("/log-ind")  # not logged in
    assert _log(db, "login_failed") == ["hr1"] * MAX_PER_NAME and _log(db, "login_refused") == ["hr1"]

    # The limit is in the register: a restarted server refuses too; another user is not affected.
    restarted = _app(db).test_client()
    assert _login(restarted, "hr1", PASSWORD).status_code == 429
    assert _login(restarted, "leder1", PASSWORD).status_code == 303
    assert _log(db, "login_refused") == ["hr1", "hr1"]

    # When the failures have left the window, the right password works and clears them.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE login_failures SET at = at - ?", (WINDOW_S,))
    assert _login(restarted, "hr1", PASSWORD).status_code == 303
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM login_failures WHERE name = 'hr1'").fetchone()[0] == 0


def test_the_limit_says_nothing_about_whether_the_user_exists(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    client = _app(db).test_client()
    pages = {}
    for name in ("hr1", "findes-ikke"):
        for _ in range(MAX_PER_NAME):
            _login(client, name, "forkert-kode")
        response = _login(client, name, "forkert-kode")
        pages[name] = (response.status_code, response.get_data(as_text=True).replace(name, "NAVN"))
    assert pages["hr1"] == pages["findes-ikke"] and pages["hr1"][0] == 429


def test_too_many_failures_from_one_address_refuse_it_for_any_name(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    client = _app(db).test_client()
    for number in range(MAX_PER_ADDRESS):
        assert _login(client, f"gaet{number}", "forkert-kode", address="198.51.100.7").status_code == 400
    assert _login(client, "leder1", PASSWORD, address="198.51.100.7").status_code == 429
    assert _login(client, "leder1", PASSWORD, address="198.51.100.8").status_code == 303
