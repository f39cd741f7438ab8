"""The visit ban as a caseworker checks it: premises with addresses, dates in order, the hearing
(forvaltningsloven § 19) before anything is sent, and a letterhead the citizen can answer."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from beredskab.cli.commands import cli
from beredskab.errors import CaseError

from .conftest import NOW, TODAY
from .test_documents import open_docx

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def problems(engine, data, now=NOW) -> list[str]:
    with pytest.raises(CaseError) as info:
        engine.validate(data, now=now)
    return info.value.lines()


def without_hearing(data: dict) -> dict:
    data["ban"]["hearing"] = {}
    data["ban"].pop("signed_at", None)
    return data


# --- premises and the meeting place ------------------------------------------------------

def test_ban_premises_need_a_name_and_an_address(engine, example_data):
    data = example_data("harassment_ban")
    data["ban"]["premises"] = [{"name": "Rådhuset"}]
    assert problems(engine, data) == ["Felt 'Adresse' (ban.premises[0].address): skal udfyldes"]


def test_a_meeting_place_inside_the_banned_building_is_refused(engine, example_data):
    data = example_data("harassment_ban")
    data["ban"]["contact"]["meeting_place"] = {
        "name": "Rådhuset", "area": "Borgerservice", "address": "skelbækvej 2,  6200 Aabenraa"}
    assert problems(engine, data) == [
        "Felt 'Mødested' (ban.contact.meeting_place): ligger inden for 'Bygninger og områder, "
        "forbuddet omfatter' (ban.premises[0]); vælg et mødested uden for dem"]


@pytest.mark.parametrize("area, inside", [
    ("Borgerservice, stueetagen", False),
    ("natur & miljø, 1. sal", True),
    (None, True),
], ids=["another-part", "the-banned-part", "no-part-named"])
def test_a_meeting_place_in_a_partly_banned_building(engine, example_data, area, inside):
    data = example_data("harassment_ban")
    data["ban"]["premises"] = [{"name": "Rådhuset", "area": "Natur & Miljø, 1. sal",
                                "address": "Skelbækvej 2, 6200 Aabenraa"}]
    data["ban"]["contact"]["meeting_place"] = {"name": "Rådhuset", "area": area,
                                               "address": "Skelbækvej 2, 6200 Aabenraa"}
    if inside:
        assert "ligger inden for" in problems(engine, data)[0]
    else:
        assert engine.validate(data, now=NOW).data["ban"]["contact"]["meeting_place"]["area"] == area


def test_the_letter_names_buildings_with_addresses_and_the_meeting_place(engine, example):
    letter = open_docx(engine.render(example("harassment_ban"), "visit_ban", today=TODAY))
    text = [p.text for p in letter.paragraphs]
    assert "Aabenraa Kommune giver dig forbud mod at komme i Rådhuset, Skelbækvej 2, 6200 Aabenraa " \
           "(hele bygningen)." in text
    assert any("Møderne holdes i Aabenraa Bibliotek, mødelokale 1, H.P. Hanssens Gade 2, 6200 Aabenraa" in t
               for t in text)
    assert not any("Borgerservice" in t or "Kultur, Miljø & Erhverv giver" in t for t in text)


# --- dates -------------------------------------------------------------------------------

def test_a_ban_cannot_start_before_the_decision_date(engine, example_data):
    data = example_data("harassment_ban")
    data["ban"]["valid_from"] = "2026-11-19"
    assert problems(engine, data) == [
        "Felt 'Forbuddet gælder fra og med' (ban.valid_from): ligger før 'Afgørelsens dato'"]


def test_no_response_cannot_be_recorded_before_the_reply_deadline_has_passed(engine, example_data):
    data = example_data("harassment_ban")
    hearing = data["ban"]["hearing"]
    del hearing["response"]
    hearing.update(no_response=True, deadline="2026-11-26")
    assert problems(engine, data, now=datetime(2026, 11, 26, 12, 0)) == [
        "Felt 'Borgeren har ikke svaret inden fristen' (ban.hearing.no_response): kan først registreres, "
        "når 'Frist for borgerens svar' er udløbet (i dag er 26. november 2026)"]
    case = engine.validate(data, now=datetime(2026, 11, 27, 8, 0))
    assert case.data["ban"]["hearing"]["no_response"] is True


def test_no_response_needs_a_reply_deadline(engine, example_data):
    data = example_data("harassment_ban")
    hearing = data["ban"]["hearing"]
    del hearing["response"], hearing["deadline"]
    hearing["no_response"] = True
    assert problems(engine, data) == [
        "Felt 'Borgeren har ikke svaret inden fristen' (ban.hearing.no_response): kræver, at "
        "'Frist for borgerens svar' er udfyldt"]


# --- the hearing missing: a draft ----------------------------------------------------------

@pytest.fixture
def draft_letter(engine, example_data):
    case = engine.validate(without_hearing(example_data("harassment_ban")), now=NOW)
    return open_docx(engine.render(case, "visit_ban", today=TODAY))


def test_a_ban_without_hearing_is_marked_as_a_draft_on_every_page(draft_letter):
    for section in draft_letter.sections:
        for header in (section.header, section.first_page_header, section.even_page_header):
            if header.is_linked_to_previous and header is not section.header:
                continue
            texts = [p.text for p in header.paragraphs]
            if any(texts):
                assert "UDKAST – MÅ IKKE SENDES" in texts


def test_a_ban_without_hearing_cites_section_19_and_has_no_signature_block(draft_letter):
    text = "\n".join(p.text for p in draft_letter.paragraphs)
    assert "forvaltningslovens § 19" in text
    assert "Med venlig hilsen" not in text
    assert not [p for p in draft_letter.paragraphs if p.style.name == "Beredskab Underskrift"]
    assert "Birgitte Lauridsen" not in text


def test_a_ban_with_a_finished_hearing_is_signed_and_not_a_draft(engine, example):
    letter = open_docx(engine.render(example("harassment_ban"), "visit_ban", today=TODAY))
    assert "UDKAST – MÅ IKKE SENDES" not in [p.text for p in letter.sections[0].header.paragraphs]
    assert [p.text for p in letter.paragraphs if p.style.name == "Beredskab Underskrift"][:2] == [
        "Birgitte Lauridsen", "Forvaltningsdirektør, Kultur, Miljø & Erhverv"]


def test_validate_says_valid_but_not_ready_to_send_without_hearing(runner, write_case, example_data):
    path = write_case(without_hearing(example_data("harassment_ban")))
    result = runner.invoke(cli, ["validate", str(path), "--today", "2026-11-26"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Sagen KME-2026-029 er gyldig (incident, support, followup, ban), men forbuddet er ikke klar "
        "til at blive sendt: borgeren er ikke partshørt (forvaltningslovens § 19)."]


# --- the letterhead ------------------------------------------------------------------------

def test_the_letterhead_has_the_organisations_contact_details(engine, example):
    letter = open_docx(engine.render(example("harassment_ban"), "visit_ban", today=TODAY))
    header = "\n".join(cell.text for table in letter.sections[0].header.tables
                       for row in table.rows for cell in row.cells)
    assert "Telefon 73 76 76 76 · post@aabenraa.dk · www.aabenraa.dk · CVR 29189684" in header


def test_the_letter_gives_the_caseworkers_direct_contact(engine, example):
    letter = open_docx(engine.render(example("harassment_ban"), "visit_ban", today=TODAY))
    date_block = next(p.text for p in letter.paragraphs if p.style.name == "Beredskab Dato")
    assert "Sagsbehandler: Anders Bech, afdelingsleder, direkte telefon 73 76 81 08, abec@aabenraa.dk" in date_block
