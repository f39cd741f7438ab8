"""The web app at request level (Flask's test client on a real SQLite file): local user, CSRF,
headers, the rule of who may serve where, users, proxy sign-in, marking a task done."""

from __future__ import annotations

import re
import sqlite3

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import BeredskabError
from beredskab.register import Register
from beredskab.register.users import check_password
from beredskab.web import create_app
from beredskab.web.server import app_config

from .conftest import PASSWORD, add_users, csrf_of


def test_local_user_needs_no_login_and_sees_the_case_list(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Sager</h1>" in html and "lokal (HR)" in html and "Log ud" not in html


def test_every_page_has_a_strict_content_security_policy_and_no_store(client):
    response = client.get("/sager/ny")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "on" + "click=" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "every asset is served by the app"
    script = client.get("/static/beredskab.js")
    assert script.status_code == 200
    script.close()


def test_post_without_csrf_token_is_refused_and_nothing_is_saved(client, app):
    response = client.post("/sager/ny", data={"incident.case_id": "CSRF-1"})
    assert response.status_code == 400
    assert "Formularen er udløbet" in response.get_data(as_text=True)
    assert "CSRF-1" not in client.get("/").get_data(as_text=True)


def test_draft_keeps_input_and_names_problems(post, client):
    response = post("/sager/ny", {"incident.case_id": "DRAFT-1", "incident.location": "Skranke 1"})
    assert response.status_code == 303  # See Other: the page after a post is fetched with GET
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Skranke 1"' in page
    assert '<a href="#f-incident-description">Beskrivelse af hændelsen skal udfyldes</a>' in page
    assert "Kladde" in page


def test_new_case_without_case_number_is_not_saved(post, client):
    response = post("/sager/ny", {"incident.location": "Skranke 1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sagsnummer" in page and 'value="Skranke 1"' in page


def test_case_page_without_script_adds_an_item_by_a_round_trip(post):
    response = post("/sager/ny", {"incident.case_id": "ADD-1", "incident.affected_employees[]": "0",
                                  "incident.affected_employees[0].name": "Sofie",
                                  "_action": "add:incident.affected_employees"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Sofie"' in page
    assert 'name="incident.affected_employees[1].name"' in page


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_serves_one_local_user(host, tmp_path):
    assert app_config(host, str(tmp_path / "r.sqlite3"), None, None)["AUTH"] == "local"


def test_public_address_refuses_to_start_without_users(tmp_path):
    with pytest.raises(BeredskabError, match="uden brugere"):
        app_config("0.0.0.0", str(tmp_path / "r.sqlite3"), None, None)


def test_public_address_with_users_asks_for_login_and_secure_cookies(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    config = app_config("0.0.0.0", db, None, None)
    assert config["AUTH"] == "users" and config["SESSION_COOKIE_SECURE"] is True
    client = create_app(config).test_client()
    assert client.get("/").headers["Location"].endswith("/log-ind")
    page = client.get("/log-ind").get_data(as_text=True)
    response = client.post("/log-ind", data={"name": "hr1", "password": PASSWORD, "csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert "hr1 (HR)" in client.get("/").get_data(as_text=True)


def test_proxy_header_names_the_user(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    client = create_app(app_config("0.0.0.0", db, None, "X-Remote-User")).test_client()
    assert "hr1 (HR)" in client.get("/", headers={"X-Remote-User": "hr1"}).get_data(as_text=True)
    assert "ukendt.person (leder)" in client.get("/", headers={"X-Remote-User": "ukendt.person"}).get_data(as_text=True)
    assert client.get("/").status_code == 403


def test_users_add_stores_only_a_scrypt_hash(runner, tmp_path):
    db = str(tmp_path / "r.sqlite3")
    result = runner.invoke(cli, ["users", "add", "hanne", "--role", "leader", "--db", db,
                                 "--password", "en-lang-kode-1"])
    assert result.exit_code == 0, result.output
    assert "Brugeren hanne er oprettet (leader)." in result.output
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users WHERE name = 'hanne'").fetchone()
    assert stored.startswith("scrypt$") and "en-lang-kode-1" not in stored
    with Register.open(db) as register:
        assert check_password(register.conn, "hanne", "en-lang-kode-1")
        assert not check_password(register.conn, "hanne", "en-lang-kode-2")
        assert not check_password(register.conn, "ingen", "en-lang-kode-1")


def test_users_add_refuses_a_short_password(runner, tmp_path):
    result = runner.invoke(cli, ["users", "add", "hanne", "--role", "hr", "--db", str(tmp_path / "r.sqlite3"),
                                 "--password", "kort"])
    assert result.exit_code == 2
    assert "Fejl: adgangskoden skal være mindst 10 tegn" in result.output


def test_marking_a_task_done_saves_a_new_version(make_pack, tmp_path, example_data):
    pack = make_pack({"plan.yaml": "checklist:\n  safety_organisation_informed:\n"
                                   "    done: {filled: incident.safety_organisation_informed_at}\n"})
    app = create_app({"DB": str(tmp_path / "r.sqlite3"), "PLAN": str(pack), "LOCAL_USER": "lokal"})
    client = app.test_client()
    data = example_data("phone_threat")
    data["incident"]["safety_organisation_informed_at"] = None
    from beredskab.register import Register
    from beredskab.register import get_case, save

    with Register.open(app.config["DB"], engine=app.extensions["beredskab.engine"], user="lokal") as reg:
        case_id = save(reg, data).case_id
    page = client.get(f"/sager/{case_id}/handleplan").get_data(as_text=True)
    assert 'value="safety_organisation_informed"' in page
    response = client.post(f"/sager/{case_id}/handleplan", data={
        "csrf_token": csrf_of(page), "_base_version": "1", "item": "safety_organisation_informed"})
    assert response.status_code == 302
    with Register.open(app.config["DB"], engine=app.extensions["beredskab.engine"], user="lokal") as reg:
        current = get_case(reg, case_id).current
    assert current.version == 2 and current.data["incident"]["safety_organisation_informed_at"]


def test_serve_on_a_public_address_without_users_exits_2_in_danish(runner, tmp_path):
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "r.sqlite3")])
    assert result.exit_code == 2
    assert result.output.startswith("Fejl: beredskab vil ikke lytte på 0.0.0.0 uden brugere")


def saved(app, data: dict, user: str = "lokal") -> str:
    from beredskab.register import Register
    from beredskab.register import save

    with Register.open(app.config["DB"], engine=app.extensions["beredskab.engine"], user=user) as reg:
        return save(reg, data).case_id


def test_downloads_are_recorded_in_the_register_and_read_back(app, client, example_data):
    import io
    import zipfile

    from docx import Document

    case_id = saved(app, example_data("counter_violence"))
    response = client.get(f"/sager/{case_id}/dokumenter/incident_note.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename={case_id}_incident_note.docx"
    text = "\n".join(c.text for t in Document(io.BytesIO(response.data)).tables for r in t.rows for c in r.cells)
    assert "Borgerservice, skranke 3" in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/sager/{case_id}/dokumenter.zip").data))
    assert f"{case_id}_incident_note.docx" in archive.namelist()
    with sqlite3.connect(app.config["DB"]) as conn:
        documents = conn.execute("SELECT name, generated_by FROM documents WHERE case_id = ?", (case_id,)).fetchall()
        log = conn.execute("SELECT action FROM access_log WHERE case_id = ?", (case_id,)).fetchall()
    assert ("incident_note", "lokal") in documents and len(documents) == 1 + len(archive.namelist())
    assert ("download",) in log


def test_overview_shows_overdue_tasks_and_the_years_figures_to_hr(app, client, example_data):
    case_id = saved(app, example_data("phone_threat"))
    page = client.get("/overblik").get_data(as_text=True)
    assert case_id in page and "Overskredet" in page
    assert "Årsopgørelse" in page and 'alt="Diagram over årets hændelser' in page


def test_leader_sees_only_own_tasks_and_no_figures(tmp_path, example_data):
    db = str(tmp_path / "r.sqlite3")
    add_users(db)
    app = create_app({"DB": db, "AUTH": "proxy", "PROXY_USER_HEADER": "X-User"})
    saved(app, example_data("phone_threat"), user="leder2")
    client = app.test_client()
    page = client.get("/overblik", headers={"X-User": "leder1"}).get_data(as_text=True)
    assert "KME-2026-031" not in page and "Årsopgørelse" not in page
    assert client.get("/overblik/diagram-2026.png", headers={"X-User": "leder1"}).status_code == 404
    assert "KME-2026-031" in client.get("/overblik", headers={"X-User": "leder2"}).get_data(as_text=True)


def test_case_list_finds_a_case_by_a_persons_name(app, client, post, example_data):
    saved(app, example_data("counter_violence"))
    saved(app, example_data("phone_threat"))
    page = post("/", {"q": "sofie andersen"}).get_data(as_text=True)
    assert "KME-2026-038" in page and "KME-2026-031" not in page
    assert 'method="post"' in client.get("/").get_data(as_text=True)  # the name never in the address


def test_new_case_under_a_taken_number_is_refused_at_the_field(app, post, example_data):
    saved(app, example_data("phone_threat"))
    response = post("/sager/ny", {"incident.case_id": "KME-2026-031", "incident.location": "Skranke 1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Sagsnummeret findes allerede; vælg et andet sagsnummer" in page and 'value="Skranke 1"' in page


def test_an_existing_cases_number_cannot_be_changed(app, client, post, example_data):
    case_id = saved(app, example_data("phone_threat"))
    page = client.get(f"/sager/{case_id}/incident").get_data(as_text=True)
    assert re.search(r'name="incident.case_id" value="KME-2026-031"[^>]*readonly', page)
    form = {"incident.case_id": "ANDET-1", "_base_version": "1", "incident.location": "Andetsteds"}
    response = post(f"/sager/{case_id}/incident", form)
    assert "ANDET-1" not in client.get("/").get_data(as_text=True)
    assert response.status_code in (200, 302)


def test_a_departments_pack_renders_in_as_many_workers_as_configured(tmp_path):
    """The server's threads each may render an untrusted pack's preview at once (issue 18's pool)."""
    from pathlib import Path

    jobcenter = Path(__file__).resolve().parents[2] / "examples" / "plans" / "jobcenter"
    app = create_app({"DB": str(tmp_path / "r.sqlite3"), "TESTING": True, "LOCAL_USER": "lokal",
                      "PLAN": str(jobcenter), "RENDER_WORKERS": 3})
    workers = app.extensions["beredskab.engine"].workers
    assert workers is not None
    assert workers.size == 3
    default = create_app({"DB": str(tmp_path / "d.sqlite3"), "TESTING": True, "LOCAL_USER": "lokal"})
    assert default.extensions["beredskab.engine"].workers is None  # the bundled pack renders in-process
