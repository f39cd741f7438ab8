"""Saving a section through the web form (Flask's test client on a real SQLite file): what a save
writes, logs and answers, and what it leaves in the session."""

from __future__ import annotations

import re
import sqlite3

from beredskab.register import Register
from beredskab.register import save

from .conftest import csrf_of


def _saved(app, data: dict) -> str:
    with Register.open(app.config["DB"], engine=app.extensions["beredskab.engine"], user="lokal") as reg:
        return save(reg, data).case_id


def _form(page: str) -> dict[str, str]:
    """The text inputs of the incident form as a browser posts them (enough for a valid save)."""
    form = page[page.index("data-case-form"):]
    form = re.sub(r"<template.*?</template>", "", form[:form.index("</form>")], flags=re.S)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        if name and not (kind and kind.group(1) in ("radio", "checkbox") and " checked" not in tag):
            fields.setdefault(name.group(1), value.group(1) if value else "")
    for name, text in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, flags=re.S):
        fields[name] = text
    return fields


def _log(app, case_id: str) -> list[str]:
    with sqlite3.connect(app.config["DB"]) as conn:
        return [r[0] for r in conn.execute("SELECT action FROM access_log WHERE case_id = ? ORDER BY id", (case_id,))]


def test_a_save_answers_see_other_and_is_logged_once_as_a_save(app, client, example_data):
    case_id = _saved(app, example_data("counter_violence"))
    page = client.get(f"/sager/{case_id}/incident").get_data(as_text=True)
    before = _log(app, case_id)
    response = client.post(f"/sager/{case_id}/incident", data={
        **_form(page), "incident.location": "Borgerservice, skranke 9", "_base_version": "1", "_action": "save"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/sager/{case_id}/incident")
    assert _log(app, case_id)[len(before):] == ["save"]  # the save's own line, in its transaction
    with Register.open(app.config["DB"], user="test") as reg:  # a new connection: committed
        version = reg.conn.execute("SELECT version, saved_by, valid, data FROM versions WHERE case_id = ? "
                                   "ORDER BY version DESC", (case_id,)).fetchone()
    assert (version["version"], version["saved_by"], version["valid"]) == (2, "lokal", 1)
    assert "Borgerservice, skranke 9" in version["data"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gemt som version 2." in page and _log(app, case_id)[-1] == "show"


def test_a_refused_save_shows_the_page_and_logs_it_as_shown(app, client, post, example_data):
    case_id = _saved(app, example_data("counter_violence"))
    page = client.get(f"/sager/{case_id}/incident").get_data(as_text=True)
    other = example_data("counter_violence")
    other["incident"]["location"] = "Kantinen"
    _saved(app, {**other, "$version": 1})  # someone else saves version 2 meanwhile
    before = _log(app, case_id)
    response = client.post(f"/sager/{case_id}/incident", data={
        **_form(page), "incident.location": "Andetsteds", "_base_version": "1", "_action": "save"})
    assert response.status_code == 409 and 'value="Andetsteds"' in response.get_data(as_text=True)
    assert _log(app, case_id)[len(before):] == ["show"]


def test_saves_not_followed_by_their_page_keep_one_message_in_the_session(app, client, example_data):
    """A client that posts without fetching the page it is sent to (a script, a double click)
    must not grow the signed session cookie with a message per save."""
    case_id = _saved(app, example_data("counter_violence"))
    page = client.get(f"/sager/{case_id}/incident").get_data(as_text=True)
    form, sizes = _form(page), []
    for version in range(1, 31):
        response = client.post(f"/sager/{case_id}/incident", data={
            **form, "incident.location": f"Skranke {version}", "_base_version": str(version), "_action": "save"})
        assert response.status_code == 303
        sizes.append(len(client.get_cookie("beredskab_session").value))
    assert max(sizes) <= sizes[0] + 4  # one message: only its version number's digits vary
    page = client.get(f"/sager/{case_id}/incident").get_data(as_text=True)
    assert "Gemt som version 31." in page and "Gemt som version 30." not in page
    assert csrf_of(page)
