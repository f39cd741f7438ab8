"""The web form in a real browser (Chromium via Playwright), driven by its labels as a leader would.

One browser for the session and one server (waitress, users mode); each test opens its own
context (cookies) and signs in. Every page visited is scanned with axe-core.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from docx import Document
from playwright.sync_api import expect

from .conftest import assert_accessible, login

pytestmark = pytest.mark.browser

CASE_ID = "WEB-2026-001"


def fill_incident_without_description(page) -> None:
    page.get_by_label("Sagsnummer").fill(CASE_ID)
    start = page.get_by_role("group", name="Hændelsen skete (fra)")
    start.get_by_label("Dato").fill("2026-11-20")
    start.get_by_label("Klokkeslæt").fill("10:30")
    page.get_by_label("Sted", exact=True).fill("Borgerservice, skranke 2")
    page.get_by_role("group", name="Kontaktform").get_by_label("Personlig kontakt").check()
    page.get_by_label("Trussel").check()
    page.get_by_role("group", name="Hvem var udøveren").get_by_label("Borger").check()
    employee = page.get_by_role("group", name="Medarbejder 1")
    employee.get_by_label("Navn").fill("Sofie Andersen")
    employee.get_by_label("Stilling").fill("Kontorfuldmægtig")
    employee.get_by_role("group", name="Har hændelsen medført sygefravær").get_by_label("Nej").check()
    page.get_by_role("group", name="Er hændelsen anmeldt til politiet").get_by_label("Nej").check()
    author = page.get_by_role("group", name="Notatet er skrevet af")
    author.get_by_label("Navn").fill("Hanne Bruun")
    author.get_by_label("Stilling").fill("Teamleder")
    page.get_by_label("Notatets dato").fill("2026-11-20")


def test_leader_makes_a_case_from_new_to_downloaded_note(new_page, tmp_path):
    page = new_page("leder1")
    expect(page.get_by_role("heading", name="Sager")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ny sag").click()
    assert_accessible(page)
    fill_incident_without_description(page)
    page.get_by_role("button", name="Gem").click()

    # Saved as a draft; the missing field is named in the summary and above the field.
    summary = page.get_by_role("alert").filter(has_text="Der er et problem")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name="Beskrivelse af hændelsen skal udfyldes")
    expect(link).to_be_visible()
    field = page.get_by_label("Beskrivelse af hændelsen")
    described = field.get_attribute("aria-describedby").split()
    expect(page.locator(f"#{described[0]}")).to_have_text("Fejl: Beskrivelse af hændelsen skal udfyldes")
    expect(page.get_by_text("Gemt som kladde (version 1)")).to_be_visible()
    assert_accessible(page)
    link.click()
    expect(field).to_be_focused()

    # Fix it, add a second employee, and see the first day of absence appear with sick leave.
    field.fill("Borgeren truede med at komme igen og slå.")
    page.get_by_role("button", name="Tilføj medarbejder").click()
    second = page.get_by_role("group", name="Medarbejder 2")
    second.get_by_label("Navn").fill("Peter Lund")
    second.get_by_label("Stilling").fill("Socialrådgiver")
    first_day = second.get_by_label("Første fraværsdag")
    expect(first_day).to_be_hidden()
    second.get_by_role("group", name="Har hændelsen medført sygefravær").get_by_label("Ja").check()
    expect(first_day).to_be_visible()
    expect(page.get_by_role("group", name="Medarbejder 1").get_by_label("Første fraværsdag")).to_be_hidden()
    first_day.fill("2026-11-21")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Gemt som version 2.")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Der er et problem")).to_have_count(0)

    # The preview beside the form follows the form as it is typed, before saving.
    live = page.locator("[data-preview-target]")
    expect(live).to_contain_text("Borgerservice, skranke 2")
    page.get_by_label("Sted", exact=True).fill("Borgerservice, skranke 7")
    expect(live).to_contain_text("Borgerservice, skranke 7")
    page.get_by_label("Dokument til forhåndsvisning").select_option(label="Handleplan")
    expect(live.get_by_role("heading", name="Forhåndsvisning: Handleplan")).to_be_visible()
    assert_accessible(page)

    # Documents: what applies and why, a preview, and the .docx read back.
    page.get_by_role("link", name="Dokumenter", exact=True).click()
    expect(page.get_by_role("heading", name="Notat om hændelsen", exact=True, level=2)).to_be_visible()
    preview = page.locator(".preview")
    expect(preview).to_contain_text("Peter Lund")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent notat om hændelsen (Word)").click()
    download = download_info.value
    assert download.suggested_filename == f"{CASE_ID}_incident_note.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = "\n".join(p.text for p in Document(path).paragraphs)
    text += "\n".join(c.text for t in Document(path).tables for r in t.rows for c in r.cells)
    assert CASE_ID in text and "Peter Lund" in text and "Sofie Andersen" in text

    # The action plan and the overview.
    page.get_by_role("link", name="Handleplan", exact=True).click()
    expect(page.get_by_role("heading", name="Handleplan", level=1)).to_be_visible()
    assert_accessible(page)
    mark = page.get_by_role("button", name=re.compile("^Markér som udført.*Sikkerhedsorganisationen orienteres"))
    mark.click()
    expect(page.get_by_text("Opgaven er markeret som udført, og sagen er gemt i en ny version.")).to_be_visible()
    expect(mark).to_have_count(0)
    expect(page.get_by_text(f"Sag {CASE_ID} · version 3")).to_be_visible()
    page.get_by_role("link", name="Overblik").click()
    expect(page.get_by_role("cell", name=CASE_ID).first).to_be_visible()
    expect(page.get_by_role("heading", name="Årsopgørelse")).to_have_count(0)  # figures are for HR
    assert_accessible(page)


def import_case(server, data: dict, user: str) -> None:
    """Put a case in the server's register as ``user`` (the register's own API, as the CLI does)."""
    from beredskab.register import Register
    from beredskab.register import save

    with Register.open(server["db"], engine=server["app"].extensions["beredskab.engine"], user=user) as reg:
        save(reg, data, reason="test")


def test_stale_save_is_refused_with_who_and_when_and_the_input_kept(new_page, server, example_data):
    data = example_data("phone_threat")
    data["incident"]["case_id"] = "WEB-STALE-1"
    import_case(server, data, "leder1")
    first = new_page("leder1")
    second = new_page("hr1")
    first.goto("/sager/WEB-STALE-1/incident")
    second.goto("/sager/WEB-STALE-1/incident")
    second.get_by_label("Sted", exact=True).fill("Mødelokale 1")
    second.get_by_role("button", name="Gem").click()
    expect(second.get_by_text("Gemt som version 2.")).to_be_visible()

    first.get_by_label("Sted", exact=True).fill("Mødelokale 2")
    first.get_by_role("button", name="Gem").click()
    alert = first.get_by_role("alert").filter(has_text="Sagen er ændret af en anden")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("hr1 gemte version 2")
    expect(first.get_by_label("Sted", exact=True)).to_have_value("Mødelokale 2")
    assert_accessible(first)
    first.goto("/sager/WEB-STALE-1/incident")
    expect(first.get_by_label("Sted", exact=True)).to_have_value("Mødelokale 1")


def test_wrong_password_is_refused_and_logged(new_page, server):
    page = new_page(None)
    page.goto("/")
    expect(page).to_have_url(f"{server['url']}/log-ind")
    assert_accessible(page)
    login(page, "leder1", "forkert-kode")
    expect(page.get_by_role("alert")).to_contain_text("Forkert brugernavn eller adgangskode")
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    assert_accessible(page)
    with sqlite3.connect(server["db"]) as conn:
        rows = conn.execute("SELECT user, action, case_id FROM access_log WHERE action = 'login_failed'").fetchall()
    assert ("leder1", "login_failed", None) in rows


def test_too_many_failed_logins_are_refused_with_a_danish_message(new_page, server):
    from beredskab.register.logins import MAX_PER_NAME

    page = new_page(None)
    for _ in range(MAX_PER_NAME + 1):
        login(page, "gaetter", "forkert-kode")
    expect(page.get_by_role("alert")).to_contain_text("For mange mislykkede forsøg på at logge ind")
    expect(page.get_by_label("Brugernavn")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    with sqlite3.connect(server["db"]) as conn:
        rows = conn.execute("SELECT user FROM access_log WHERE action = 'login_refused'").fetchall()
    assert ("gaetter",) in rows


def test_leader_does_not_see_another_leaders_case(new_page, server, example_data):
    data = example_data("counter_violence")
    data["incident"]["case_id"] = "WEB-OTHER-1"
    import_case(server, data, "leder2")
    page = new_page("leder1")
    expect(page.get_by_role("heading", name="Sager")).to_be_visible()
    expect(page.get_by_role("link", name="WEB-OTHER-1")).to_have_count(0)
    response = page.goto("/sager/WEB-OTHER-1/incident")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Siden findes ikke")).to_be_visible()
    assert page.goto("/sager/WEB-OTHER-1/dokumenter/incident_note.docx").status == 404
    hr = new_page("hr1")
    expect(hr.get_by_role("link", name="WEB-OTHER-1")).to_be_visible()


def test_post_without_the_forms_token_is_refused(new_page, server):
    page = new_page("leder1")
    page.goto("/sager/ny")
    page.locator("form[data-case-form] input[name=csrf_token]").evaluate("input => input.value = 'forfalsket'")
    page.get_by_label("Sagsnummer").fill("WEB-CSRF-1")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Formularen er udløbet")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("link", name="WEB-CSRF-1")).to_have_count(0)


def test_every_section_and_page_passes_axe(new_page, server, example_data):
    data = example_data("harassment_ban")
    data["incident"]["case_id"] = "WEB-AXE-1"
    import_case(server, data, "hr1")
    page = new_page("hr1")
    for path in ("/sager/WEB-AXE-1/support", "/sager/WEB-AXE-1/followup", "/sager/WEB-AXE-1/ban",
                 "/sager/WEB-AXE-1/dokumenter?vis=visit_ban", "/sager/WEB-AXE-1/handleplan", "/overblik",
                 "/sager/findes-ikke"):
        page.goto(path)
        assert_accessible(page)


def test_without_script_every_field_shows_and_items_are_added_by_the_server(new_page):
    page = new_page("leder1", java_script_enabled=False)
    page.goto("/sager/ny")
    employee = page.get_by_role("group", name="Medarbejder 1")
    expect(employee.get_by_label("Første fraværsdag")).to_be_visible()  # no script: nothing hidden
    employee.get_by_label("Navn").fill("Sofie Andersen")
    page.get_by_role("button", name="Tilføj medarbejder").click()
    expect(page.get_by_role("group", name="Medarbejder 1").get_by_label("Navn")).to_have_value("Sofie Andersen")
    expect(page.get_by_role("group", name="Medarbejder 2").get_by_label("Navn")).to_be_visible()
    page.get_by_role("button", name="Fjern medarbejder 1").click()
    expect(page.get_by_role("group", name="Medarbejder 1").get_by_label("Navn")).to_have_value("")
    expect(page.get_by_role("group", name="Medarbejder 2")).to_have_count(0)
