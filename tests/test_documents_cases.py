"""Every document of every example case, read back from the .docx: headings, tables, text, warnings."""

from __future__ import annotations

import re
from datetime import date

import pytest

from .conftest import EXAMPLE_FILES, NOW, TODAY
from .test_documents import fields_table, headings, open_docx

#: The h2 sections of each document; stable, so they can be traced to the plan.
SECTIONS = {
    "personnel_file_note": ["Kort beskrivelse", "Politi", "Skader, symptomer og fravær", "Vidner",
                            "Støtte og hjælp", "Safetynet", "Underskrift"],
    "visit_ban": ["Afgørelse", "Forbuddets omfang og varighed", "Begrundelse", "Partshøring",
                  "Sådan kan du fortsat kontakte kommunen", "Hvis forbuddet overtrædes", "Klagevejledning",
                  "Underskrift"],
    "safetynet_summary": ["Anmeldelse og frister", "Medarbejder", "Hændelsen", "Skade og fravær", "Årsag",
                          "Vidner", "Anmeldes af"],
    "checklist": ["Opgaver", "Frister", "Dokumenter"],
}

#: A Danish CPR number: ddmmyy-xxxx, with or without the dash.
CPR = re.compile(r"\b\d{6}-?\d{4}\b")

EXAMPLE_DOCUMENTS = [
    (name, document)
    for name, documents in {
        "phone_threat": ["incident_note", "personnel_file_note", "safetynet_summary", "checklist"],
        "counter_violence": ["incident_note", "personnel_file_note", "safetynet_summary", "checklist"],
        "harassment_ban": ["incident_note", "personnel_file_note", "visit_ban", "safetynet_summary", "checklist"],
    }.items()
    for document in documents
]


def all_text(document) -> str:
    """Body paragraphs and every table cell, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def render(engine, example):
    """Render one document of one example as of TODAY and open it with python-docx."""

    def make(name: str, document: str, case: dict | None = None, today: date = TODAY):
        return open_docx(engine.render_docx(case or example(name), document, today=today))

    return make


@pytest.mark.parametrize("name, document", EXAMPLE_DOCUMENTS, ids=[f"{n}-{d}" for n, d in EXAMPLE_DOCUMENTS])
def test_every_example_document_has_its_title_sections_and_no_cpr(engine, render, name, document):
    docx_file = render(name, document)
    assert headings(docx_file, 1) == [engine.documents()[document]["title"]]
    if document in SECTIONS:
        assert headings(docx_file, 2) == SECTIONS[document]
    assert not CPR.search(all_text(docx_file))
    assert f"Sag {example_case_id(name)}" in "".join(p.text for p in docx_file.sections[0].footer.paragraphs)


def example_case_id(name: str) -> str:
    return {"phone_threat": "KME-2026-031", "counter_violence": "KME-2026-038",
            "harassment_ban": "KME-2026-029"}[name]


def test_example_files_are_the_three_scenarios():
    assert sorted(EXAMPLE_FILES.values()) == ["chikane-forbud.json", "trussel-telefon.json", "vold-skranke.json"]


# --- personnel-file note ---------------------------------------------------------------------

def test_personnel_file_note_without_police_documents_the_episode_for_a_claim(render):
    note = render("phone_threat", "personnel_file_note")
    facts = fields_table(note.tables[0])
    assert facts["Medarbejder"] == "Mette Søndergaard, Byggesagsbehandler, Byg, Plan & Miljø"
    assert facts["Tidspunkt"] == "17. november 2026 kl. 10.40 til 17. november 2026 kl. 10.55"
    text = all_text(note)
    assert "Hændelsen er ikke anmeldt til politiet. Dette notat dokumenterer episoden" in text
    assert "udsat for trussel og psykisk vold fra en borger." in text
    assert "notatet om hændelsen (sag KME-2026-031) af 18. november 2026" in text
    assert styled(note, "Beredskab Note") == [
        "Husk: offererstatning kræver normalt, at forholdet er anmeldt til politiet inden 72 timer "
        "(frist 20. november 2026 kl. 10.40). Medarbejderen kan også selv anmelde hændelsen til politiet."
    ]
    assert "Endnu ikke anmeldt i Safetynet. Frist efter planen: 22. november 2026." in text
    assert styled(note, "Beredskab Lille") == ["Kopi til: Mette Søndergaard"]


def test_personnel_file_note_with_police_and_sick_leave(render):
    note = render("counter_violence", "personnel_file_note")
    text = all_text(note)
    assert ("Hændelsen er anmeldt til politiet den 3. november 2026 kl. 09.40 af lederen, "
            "journalnummer 3700-10112-00871-26.") in text
    injuries = fields_table(note.tables[1])
    assert injuries["Sygefravær"] == "Ja, første fraværsdag 4. november 2026 (8 dage indtil nu)"
    assert "Anmeldt som arbejdsskade i Safetynet den 5. november 2026, nummer SN-2026-1147." in text
    support = [p.text for p in note.paragraphs if p.style.name == "List Bullet"]
    assert "Psykologisk krisehjælp – taget imod" in support
    assert "Information i forhold til bl.a. familie – ikke taget imod" in support


# --- visit ban -------------------------------------------------------------------------------

def test_visit_ban_is_a_letter_to_the_citizen_with_decision_and_dates(render):
    ban = render("harassment_ban", "visit_ban")
    body = [p.text for p in ban.paragraphs]
    assert body[:2] == ["Henrik Møller", "Fjordvej 7\n6200 Aabenraa"]
    assert styled(ban, "Beredskab Dato") == ["Rådhuset, 20. november 2026"]
    assert ("Aabenraa Kommune giver dig forbud mod at komme i lokalerne hos følgende forvaltninger: "
            "Kultur, Miljø & Erhverv, Borgerservice.") in body
    assert ("Forbuddet gælder fra og med 23. november 2026 til og med 22. maj 2027. "
            "Derefter bortfalder det af sig selv.") in body
    scope = fields_table(ban.tables[0])
    assert scope["Omfang"] == "Navngivne forvaltninger: Kultur, Miljø & Erhverv, Borgerservice"
    assert scope["Gælder til og med"] == "22. maj 2027"


def test_visit_ban_gives_reasons_hearing_contact_and_complaint_guidance(engine, render):
    ban = render("harassment_ban", "visit_ban")
    text = all_text(ban)
    texts = engine.settings["texts"]
    for key in ("ban_legal_basis", "ban_considerations", "ban_breach", "ban_complaint"):
        assert texts[key] in text
    assert "Folketingets Ombudsmand" in texts["ban_complaint"]
    assert "ikke en anden forvaltningsmyndighed" in texts["ban_complaint"]
    assert "forlænger ikke i sig selv forbuddet" in texts["ban_breach"]
    episodes = [p.text for p in ban.paragraphs if p.style.name == "List Bullet" and p.text.startswith(("15.", "6.", "28."))]
    assert [e.split(":")[0] for e in episodes] == [
        "15. september 2026, Natur & Miljø, skranken",
        "6. oktober 2026, Rådhusets parkeringsplads",
        "28. oktober 2026, Natur & Miljø, mødelokale 1.08",
    ]
    assert ("Vi skrev til dig den 2. november 2026, at vi overvejede at give dig forbud, "
            "og bad om dine bemærkninger senest den 16. november 2026.") in text
    assert "Du kan skrive til os via Digital Post." in text
    assert styled(ban, "Beredskab Underskrift") == [
        "Birgitte Lauridsen", "Forvaltningsdirektør, Kultur, Miljø & Erhverv", "Sag KME-2026-029"]
    assert styled(ban, "Beredskab Advarsel") == []


def test_visit_ban_without_hearing_says_loudly_it_must_not_be_sent(engine, example_data, render):
    data = example_data("harassment_ban")
    del data["ban"]["hearing"]
    case = engine.forms.validate(data, now=NOW)
    ban = render("harassment_ban", "visit_ban", case=case)
    warnings = styled(ban, "Beredskab Advarsel")
    assert warnings == [engine.settings["texts"]["ban_not_ready"],
                        "Partshøringen er ikke gennemført. Afgørelsen må ikke sendes endnu."]
    assert [p.text for p in ban.paragraphs if p.text][4] == warnings[0], "the warning stands right under the title"
    checklist = render("harassment_ban", "checklist", case=case)
    assert styled(checklist, "Beredskab Advarsel") == [engine.settings["texts"]["ban_not_ready"]]
    hearing_row = [r for r in rows(checklist.tables[1]) if r[0] == "Borgeren partshøres, før forbuddet besluttes"]
    assert hearing_row[0][3] == "Overskredet", "the ban was to start on 23 November"


# --- Safetynet summary ------------------------------------------------------------------------

def test_safetynet_summary_with_sick_leave_is_also_a_work_accident_with_both_deadlines(render):
    summary = render("counter_violence", "safetynet_summary")
    reporting = fields_table(summary.tables[0])
    assert reporting["Anmeldes som arbejdsskade"] == "Ja"
    assert reporting["Anmeldes som arbejdsulykke"] == "Ja, hændelsen har medført sygefravær"
    assert reporting["Anmeldelse i Safetynet (planens interne frist)"] == (
        "8. november 2026 (5 dage efter hændelsen den 3. november 2026)")
    assert reporting["Anmeldelse af arbejdsulykke (lovens frist)"] == (
        "18. november 2026 (14 dage efter første fraværsdag den 4. november 2026)")
    assert reporting["Safetynet-nummer"] == "SN-2026-1147"
    assert rows(summary.tables[1]) == [["Navn", "Stilling", "Afdeling"],
                                       ["Sofie Andersen", "Kontorfuldmægtig", "Erhvervsservice"]]
    injury = fields_table(summary.tables[3])
    assert injury["Type af skade"] == "Fysisk og psykisk"
    assert injury["Første fraværsdag"] == "4. november 2026"
    assert injury["Fraværsdage indtil nu"] == "8"
    assert styled(summary, "Beredskab Advarsel") == []
    assert ("Anmeldelsen foretages af arbejdsmiljørepræsentant (AMR): Karsten Holm, "
            "sammen med Sofie Andersen.") in all_text(summary)


def test_safetynet_summary_without_sick_leave_and_overdue(render):
    summary = render("phone_threat", "safetynet_summary")
    reporting = fields_table(summary.tables[0])
    assert reporting["Anmeldes som arbejdsulykke"] == "Nej, intet sygefravær"
    assert "Anmeldelse af arbejdsulykke (lovens frist)" not in reporting
    assert styled(summary, "Beredskab Advarsel") == [
        "Fristen er overskredet: Sagen anmeldes som arbejdsskade i Safetynet (planens frist 5 dage) "
        "– frist 22. november 2026."]
    on_time = render("phone_threat", "safetynet_summary", today=date(2026, 11, 22))
    assert styled(on_time, "Beredskab Advarsel") == []


def test_safetynet_summary_counts_harassment_by_a_citizen_as_violence(engine, render):
    summary = render("harassment_ban", "safetynet_summary")
    cause = fields_table(summary.tables[4])
    assert cause["Årsagskategori"] == engine.settings["choices"]["safetynet_cause"]["violence"]
    assert cause["Årsagskategori"].startswith("Arbejdsrelateret vold")
    assert cause["Udøver"] == "Borger"


def test_safetynet_summary_harassment_by_a_colleague_is_an_offensive_act(engine, example, render):
    case = example("harassment_ban")
    case["incident"]["perpetrator"]["kind"] = "colleague"
    summary = render("harassment_ban", "safetynet_summary", case=case)
    assert fields_table(summary.tables[4])["Årsagskategori"].startswith("Krænkende handlinger mellem ansatte")
    assert styled(summary, "Beredskab Note") == []


# --- checklist -------------------------------------------------------------------------------

def test_checklist_document_table_has_what_who_deadline_status(engine, example, render):
    checklist = render("phone_threat", "checklist")
    tasks = rows(checklist.tables[1])
    assert tasks[0] == ["Hvad", "Hvem", "Frist", "Status"]
    evaluation = engine.evaluate(example("phone_threat"), TODAY)
    assert [r[0].split("\n")[0] for r in tasks[1:]] == [item.what for item in evaluation.checklist]
    by_what = {r[0].split("\n")[0]: r for r in tasks[1:]}
    safetynet = by_what["Sagen anmeldes som arbejdsskade i Safetynet (planens frist 5 dage)"]
    assert safetynet[1:] == ["Arbejdsmiljørepræsentant (AMR) og den berørte medarbejder", "22. november 2026",
                             "Overskredet"]
    assert by_what["Nærmeste leder kontaktes øjeblikkeligt"][3] == "Udført 17. november 2026 kl. 11.00"
    summary = fields_table(checklist.tables[0])
    assert summary["Status pr."] == "26. november 2026"
    assert summary["Overskredne opgaver"] == "2"


def test_checklist_document_lists_deadlines_and_documents(render):
    checklist = render("counter_violence", "checklist")
    assert rows(checklist.tables[2]) == [
        ["Frist", "Dato", "Beregnet som"],
        ["Anmeldelse i Safetynet (planens interne frist)", "8. november 2026",
         "5 dage efter hændelsen den 3. november 2026"],
        ["Anmeldelse af arbejdsulykke (lovens frist)", "18. november 2026",
         "14 dage efter første fraværsdag den 4. november 2026"],
    ]
    documents = [p.text for p in checklist.paragraphs if p.style.name == "List Bullet"]
    assert documents[1].startswith("Notat til personalesagen: dannes ikke automatisk")
    assert documents[2].startswith("Forbud mod at komme i forvaltningen: dannes ikke automatisk")


def test_generate_without_doc_writes_every_applicable_document(engine, example, tmp_path):
    paths = engine.generate(example("harassment_ban"), tmp_path, today=TODAY)
    assert [p.name for p in paths] == [
        f"KME-2026-029_{d}.docx"
        for d in ("incident_note", "personnel_file_note", "visit_ban", "safetynet_summary", "checklist")
    ]
