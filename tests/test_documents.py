"""Documents end to end: generate from a case, read the .docx back, check text, styles, structure."""

from __future__ import annotations

import io
import stat

import docx
import pytest

from beredskab.errors import TemplateError

from .conftest import ROOT, TODAY

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def fields_table(table) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


@pytest.fixture
def incident_note(engine, phone_threat):
    return open_docx(engine.render(phone_threat, "incident_note", today=TODAY))


def test_incident_note_has_title_and_section_headings(incident_note):
    assert headings(incident_note, 1) == ["Notat om hændelsen"]
    assert headings(incident_note, 2) == [
        "Hændelsesforløb",
        "Handlinger under hændelsen",
        "Skader og sygefravær",
        "Underretning og opfølgning",
        "Politi",
        "Støtte og hjælp",
    ]
    assert headings(incident_note, 3) == ["Varselstegn", "Tilbudt støtte"]


def test_incident_note_facts_table_holds_the_case(incident_note):
    facts = fields_table(incident_note.tables[0])
    assert incident_note.tables[0].style.name == "Beredskab Felter"
    assert facts["Sagsnummer"] == "KME-2026-031"
    assert facts["Tidspunkt"] == "17. november 2026 kl. 10.40–10.55"
    assert facts["Kontaktform"] == "Telefon"
    assert facts["Type af hændelse"] == "Trussel og psykisk vold"
    assert facts["Berørte medarbejdere"] == "Mette Søndergaard, Byggesagsbehandler, Byg, Plan & Miljø"
    assert facts["Udarbejdet af"] == "Lone Kristensen, Afdelingsleder, Byg, Plan & Miljø"
    assert "Notatets dato" not in facts, "the date line above the title carries the note's date"


def test_incident_note_is_dated_by_the_note_date_right_aligned(incident_note):
    first = incident_note.paragraphs[0]
    assert first.style.name == "Beredskab Dato"
    assert first.text == "Rådhuset, 18. november 2026"


def test_incident_note_keeps_the_account_paragraphs(incident_note, phone_threat):
    body = [p.text for p in incident_note.paragraphs]
    for block in phone_threat.data["incident"]["description"].split("\n\n"):
        assert block in body


def test_incident_note_marks_the_actions_taken_as_checkboxes(incident_note):
    lines = [p.text for p in incident_note.paragraphs if p.text[:1] and p.text[0] in "☐☒"]
    assert "☒ Forsøgte at berolige og tale til rette" in lines
    assert "☐ Borgeren blev bedt om at gå" in lines
    assert len(lines) == 7  # the plan's action steps


def test_incident_note_lists_the_support_offered_and_whether_it_was_taken(incident_note):
    support = [p.text for p in incident_note.paragraphs if p.style.name == "List Bullet"]
    assert support == ["Kollegial samtale – taget imod",
                       "Tilbud i kommunens trivselsordning, herunder akutte tiltag – ikke taget imod",
                       "Psykologisk krisehjælp – ikke taget imod"]
    support_table = fields_table(incident_note.tables[3])  # facts, injuries, notified, support
    assert support_table["Hvem taler med medarbejderen"] == "Leder og arbejdsmiljørepræsentant (AMR)"


def test_incident_note_without_police_report_points_to_the_personnel_file_note(incident_note):
    text = "\n".join(p.text for p in incident_note.paragraphs)
    assert "ikke anmeldt til politiet" in text


def test_incident_note_with_police_report_shows_the_report(engine, phone_threat):
    phone_threat.data["incident"]["police"].update(reported=True, reported_by="leader", journal_number="3700-12345-00123-26")
    document = open_docx(engine.render(phone_threat, "incident_note", today=TODAY))
    police = fields_table(document.tables[3])
    assert police["Anmeldt til politiet"] == "Ja"
    assert police["Anmeldt af"] == "Lederen"
    assert police["Politiets journalnummer"] == "3700-12345-00123-26"


def test_incident_note_leaves_out_support_when_the_case_has_none(engine, phone_threat):
    phone_threat.data["support"] = None
    document = open_docx(engine.render(phone_threat, "incident_note", today=TODAY))
    assert "Støtte og hjælp" not in headings(document, 2)


def test_incident_note_signature_names_the_author(incident_note):
    signature = [p.text for p in incident_note.paragraphs if p.style.name == "Beredskab Underskrift"]
    assert signature == ["Lone Kristensen", "Afdelingsleder, Byg, Plan & Miljø"]


def test_incident_note_header_is_the_letterhead_with_confidentiality(incident_note):
    header = incident_note.sections[0].header
    [letterhead] = header.tables
    assert letterhead.style.name == "Beredskab Brevhoved Tabel"
    logo, text = letterhead.rows[0].cells
    assert logo._element.xpath(".//pic:pic"), "the logo is left of the text"
    assert [p.text for p in text.paragraphs] == [
        "Aabenraa Kommune", "Kultur, Miljø & Erhverv · Rådhuset", "Skelbækvej 2, 6200 Aabenraa",
        "Telefon 73 76 76 76 · post@aabenraa.dk · www.aabenraa.dk · CVR 29189684"]
    assert text.paragraphs[0].style.name == "Beredskab Brevhoved"
    confidential = [p for p in header.paragraphs if p.style.name == "Beredskab Fortrolig"]
    assert [p.text for p in confidential] == ["Fortroligt – indeholder personoplysninger"]
    assert header._element.xpath(".//pic:pic"), "the logo is in the header"


def test_incident_note_footer_has_case_id_and_page_fields(incident_note):
    footer = incident_note.sections[0].footer._element
    instructions = [el.get(f"{W_NS}instr").strip() for el in footer.iter(f"{W_NS}fldSimple")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Sag KME-2026-031" in "".join(t.text for t in footer.iter(f"{W_NS}t"))


def test_incident_note_properties_and_language(incident_note):
    props = incident_note.core_properties
    assert props.title == "Notat om hændelsen – KME-2026-031"
    assert props.author == "Aabenraa Kommune, Kultur, Miljø & Erhverv"
    assert props.language == "da-DK"
    assert props.created is not None
    langs = {el.get(f"{W_NS}val") for el in incident_note.styles.element.iter(f"{W_NS}lang")}
    assert "da-DK" in langs


def test_incident_note_is_lean(engine, phone_threat):
    assert len(engine.render(phone_threat, "incident_note", today=TODAY)) < 30_000


def test_generate_writes_private_files_and_keeps_existing_ones(engine, phone_threat, tmp_path):
    [path] = engine.write(phone_threat, tmp_path, ["incident_note"], today=TODAY)
    assert path == tmp_path / "KME-2026-031" / "KME-2026-031_incident_note.docx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    before = path.read_bytes()
    with pytest.raises(Exception) as info:
        engine.write(phone_threat, tmp_path, ["incident_note"], today=TODAY)
    assert "brug --force" in str(info.value)
    assert path.read_bytes() == before
    engine.write(phone_threat, tmp_path, ["incident_note"], force=True, today=TODAY)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, "manifest.json"]


def test_template_with_an_undefined_field_is_a_danish_error(engine, phone_threat):
    phone_threat.data["incident"].pop("location")
    with pytest.raises(TemplateError) as info:
        engine.preview(phone_threat, "incident_note", today=TODAY)
    assert info.value.lines() == [
        "skabelonen bruger en variabel eller et felt, der ikke findes (location) "
        f"({ROOT / 'templates' / 'incident_note.html.j2'}, linje 18)"
    ]


def test_incident_note_is_accessible(engine, phone_threat):
    """Real headings on outline levels without skipped levels, row headers marked, alt text on the logo."""
    data = engine.render(phone_threat, "incident_note", today=TODAY)
    document = open_docx(data)
    levels = [int(p.style.name[-1]) for p in document.paragraphs if p.style.name.startswith("Heading ")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), "no heading level is skipped"
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"]
        assert style.element.find(f"{W_NS}pPr/{W_NS}outlineLvl").get(f"{W_NS}val") == str(level - 1)
    for table in document.tables:  # label/value tables: the first column holds the headers
        look = table._tbl.tblPr.find(f"{W_NS}tblLook")
        assert (look.get(f"{W_NS}firstColumn"), look.get(f"{W_NS}firstRow")) == ("1", "0")
    header = document.sections[0].header._element
    assert [pr.get("descr") for pr in header.iter("{*}docPr")] == ["Aabenraa Kommunes logo"]
