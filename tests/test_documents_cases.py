"""Every document of every example case, read back from the .docx: headings, tables, text, warnings."""

from __future__ import annotations

import re
from datetime import date

import pytest

from .conftest import EXAMPLE_FILES, NOW, TODAY
from .test_documents import fields_table, headings, open_docx

#: The h2 sections of each document; stable, so they can be traced to the plan.
SECTIONS = {
    "personnel_file_note": ["Kort beskrivelse", "Skader, fravær og arbejdsskade", "Støtte og hjælp"],
    "visit_ban": ["Afgørelse", "Begrundelse", "Partshøring", "Sådan kan du fortsat kontakte kommunen",
                  "Hvis forbuddet overtrædes", "Klagevejledning"],
    "safetynet_summary": ["Anmeldelse og frister", "Medarbejder", "Hændelsen", "Årsag", "Vidner"],
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


def table_with(document, label: str) -> dict[str, str]:
    """The first fields table of ``document`` with a row ``label``, as label -> value."""
    return next(facts for facts in map(fields_table, document.tables) if label in facts)


@pytest.fixture
def render(engine, example):
    """Render one document of one example as of TODAY and open it with python-docx."""

    def make(name: str, document: str, case: dict | None = None, today: date = TODAY):
        return open_docx(engine.render(case or example(name), document, today=today))

    return make


@pytest.mark.parametrize("name, document", EXAMPLE_DOCUMENTS, ids=[f"{n}-{d}" for n, d in EXAMPLE_DOCUMENTS])
def test_every_example_document_has_its_title_sections_and_no_cpr(engine, render, name, document):
    docx_file = render(name, document)
    if document == "visit_ban":  # a letter: its subject line is the title
        assert headings(docx_file, 1) == ["Afgørelse om forbud mod at komme i Rådhuset"]
    else:
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
    note = render("phone_threat", "personnel_file_note_1")
    facts = fields_table(note.tables[0])
    assert facts["Medarbejder"] == "Mette Søndergaard, Byggesagsbehandler, Byg, Plan & Miljø"
    assert facts["Tidspunkt"] == "17. november 2026 kl. 10.40–10.55", "one day: the end is only a time"
    assert facts["Anmeldt til politiet"] == "Nej"
    assert facts["Vidner"] == "Jens Østergaard (Kollega, sad ved nabobordet og hørte samtalen på højttaler)"
    text = all_text(note)
    assert ("Den 17. november 2026 kl. 10.40 blev Mette Søndergaard udsat for trussel og psykisk vold "
            "fra en borger over telefonen. Notatet dokumenterer episoden til brug for en eventuel "
            "arbejdsskade- eller erstatningssag, da hændelsen ikke er anmeldt til politiet. "
            "Forløbet er beskrevet i notatet om hændelsen af 18. november 2026.") in text
    assert styled(note, "Beredskab Note") == [], "a note to the employee holds no internal reminders"
    injuries = fields_table(note.tables[1])
    assert injuries["Anmeldt som arbejdsskade"] == "Endnu ikke"
    assert injuries["Fysiske skader"] == "Ikke oplyst"
    assert styled(note, "Beredskab Lille") == ["Kopi til: Mette Søndergaard"]


def test_personnel_file_note_with_police_and_sick_leave(render):
    note = render("counter_violence", "personnel_file_note_1")
    facts = fields_table(note.tables[0])
    assert facts["Anmeldt til politiet"] == (
        "Ja, 3. november 2026 kl. 09.40 af lederen, journalnummer 3700-10112-00871-26")
    assert "da hændelsen ikke er anmeldt" not in all_text(note)
    assert styled(note, "Beredskab Note") == [], "no reminder of the 72 hours: the police have the case"
    injuries = fields_table(note.tables[1])
    assert injuries["Sygefravær"] == "Ja, første fraværsdag 4. november 2026 (8 fraværsdage indtil nu)"
    assert injuries["Anmeldt som arbejdsskade"] == "5. november 2026 i Safetynet, nummer SN-2026-1147"
    support = [p.text for p in note.paragraphs if p.style.name == "List Bullet"]
    assert "Psykologisk krisehjælp – taget imod" in support
    assert "Information i forhold til bl.a. familie – ikke taget imod" in support


# --- visit ban -------------------------------------------------------------------------------

def test_visit_ban_is_a_letter_to_the_citizen_with_decision_and_dates(render):
    ban = render("harassment_ban", "visit_ban")
    body = [p.text for p in ban.paragraphs]
    assert body[:2] == ["Henrik Møller", "Fjordvej 7\n6200 Aabenraa"]
    assert styled(ban, "Beredskab Dato") == [
        "Rådhuset, 20. november 2026\nSagsnr. KME-2026-029\n"
        "Sagsbehandler: Anders Bech, afdelingsleder, direkte telefon 73 76 81 08, abec@aabenraa.dk"]
    assert headings(ban, 1) == ["Afgørelse om forbud mod at komme i Rådhuset"]
    assert ("Aabenraa Kommune giver dig forbud mod at komme i Rådhuset, Skelbækvej 2, 6200 Aabenraa "
            "(hele bygningen).") in body
    assert ("Forbuddet gælder fra og med den 23. november 2026 til og med den 22. maj 2027. "
            "Derefter ophører det af sig selv.") in body
    [period] = [p for p in ban.paragraphs if p.text.startswith("Forbuddet gælder fra og med")]
    dates = [r.text for r in period.runs if r.bold]
    assert dates == ["23. november 2026", "22. maj 2027"]


def test_visit_ban_subject_and_decision_name_each_building_and_part(example, render):
    case = example("harassment_ban")
    case.data["ban"]["premises"] = [
        {"name": "Rådhuset", "address": "Skelbækvej 2, 6200 Aabenraa", "area": "Natur & Miljø, 1. sal"},
        {"name": "Jobcenter Aabenraa", "address": "Klinkbjerg 2, 6200 Aabenraa", "area": None},
    ]
    ban = render("harassment_ban", "visit_ban", case=case)
    assert headings(ban, 1) == ["Afgørelse om forbud mod at komme i Rådhuset og Jobcenter Aabenraa"]
    body = [p.text for p in ban.paragraphs]
    assert "Aabenraa Kommune giver dig forbud mod at komme i disse bygninger:" in body
    assert "Rådhuset, Skelbækvej 2, 6200 Aabenraa (kun Natur & Miljø, 1. sal)" in body
    assert "Jobcenter Aabenraa, Klinkbjerg 2, 6200 Aabenraa (hele bygningen)" in body


def test_visit_ban_to_the_citizen_has_no_confidentiality_stamp_and_no_internal_details(engine, render):
    ban = render("harassment_ban", "visit_ban")
    header = "\n".join(p.text for p in ban.sections[0].header.paragraphs)
    assert "Fortroligt" not in header
    assert "Aabenraa Kommune" in all_text(ban) or "Aabenraa Kommune" in header
    text = all_text(ban)
    for internal in ("Camilla Frost", "Karsten Holm", "Anders Bech (", "Safetynet", "arbejdsskade",
                     "offererstatning", "Handleplan"):
        assert internal not in text, internal


def test_visit_ban_gives_reasons_hearing_contact_and_complaint_guidance(engine, render):
    ban = render("harassment_ban", "visit_ban")
    text = all_text(ban)
    texts = engine.settings["texts"]
    for key in ("ban_legal_basis", "ban_considerations", "ban_breach", "ban_complaint"):
        assert texts[key] in text
    assert "Folketingets Ombudsmand" in texts["ban_complaint"]
    assert "ikke klage over afgørelsen til en anden forvaltningsmyndighed" in texts["ban_complaint"]
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
    assert "Du kan ringe på telefon 73 76 81 08." in text
    assert "Du kan skrive til din kontaktperson på abec@aabenraa.dk." in text
    assert "Med venlig hilsen" in text
    assert styled(ban, "Beredskab Underskrift") == [
        "Birgitte Lauridsen", "Forvaltningsdirektør, Kultur, Miljø & Erhverv",
        "Anders Bech", "Afdelingsleder, Natur & Miljø"]
    assert styled(ban, "Beredskab Advarsel") == []


def test_visit_ban_without_hearing_says_loudly_it_must_not_be_sent(engine, example_data, render):
    data = example_data("harassment_ban")
    del data["ban"]["hearing"]
    case = engine.validate(data, now=NOW)
    ban = render("harassment_ban", "visit_ban", case=case)
    warnings = styled(ban, "Beredskab Advarsel")
    assert warnings == [engine.settings["texts"]["ban_not_ready"],
                        "Borgeren er ikke partshørt efter forvaltningslovens § 19. Afgørelsen må ikke sendes endnu.",
                        "Underskrives ikke, før partshøringen er afsluttet."]
    assert [p.text for p in ban.paragraphs if p.text][4] == warnings[0], "the warning stands right under the title"
    checklist = render("harassment_ban", "checklist", case=case)
    assert styled(checklist, "Beredskab Advarsel") == [engine.settings["texts"]["ban_not_ready"]]
    hearing_row = [r for r in rows(checklist.tables[1]) if r[0] == "Borgeren partshøres, før forbuddet besluttes"]
    assert hearing_row[0][3] == "Overskredet", "the ban was to start on 23 November"


# --- Safetynet summary ------------------------------------------------------------------------

def test_safetynet_summary_with_sick_leave_is_also_a_work_accident_with_both_deadlines(render):
    summary = render("counter_violence", "safetynet_summary")
    reporting = fields_table(summary.tables[0])
    assert reporting["Anmeldes som arbejdsskade"] == "Ja, anmeldt 5. november 2026"
    assert reporting["Anmeldes som arbejdsulykke"] == "Ja, sygefravær for Sofie Andersen; anmeldt 6. november 2026"
    assert reporting["Anmeldelse af arbejdsulykke i Safetynet (planens frist)"] == (
        "8. november 2026 (5 dage efter, at arbejdspladsen fik kendskab til hændelsen den 3. november 2026)")
    assert reporting["Anmeldelse af arbejdsulykke (lovens frist)"] == (
        "18. november 2026 (14 dage efter første fraværsdag den 4. november 2026)")
    assert reporting["Safetynet-nummer"] == "SN-2026-1147"
    employee = fields_table(summary.tables[1])
    assert [employee[k] for k in ("Navn", "Stilling", "Afdeling")] == ["Sofie Andersen", "Kontorfuldmægtig",
                                                                        "Erhvervsservice"]
    assert employee["Type af skade"] == "Fysisk og psykisk"
    assert employee["Sygefravær"] == "Ja, første fraværsdag 4. november 2026 (8 fraværsdage indtil nu)"
    assert styled(summary, "Beredskab Advarsel") == []
    assert reporting["Anmeldes af"] == "Karsten Holm, arbejdsmiljørepræsentant (AMR), sammen med Sofie Andersen"
    assert styled(summary, "Beredskab Note") == [], "physical violence needs no note on harassment"


def test_safetynet_summary_without_sick_leave_has_no_deadline_and_nothing_overdue(render):
    summary = render("phone_threat", "safetynet_summary", today=date(2027, 6, 1))
    reporting = fields_table(summary.tables[0])
    assert reporting["Anmeldes som arbejdsskade"] == "Ja"
    assert reporting["Anmeldes som arbejdsulykke"] == "Nej, intet sygefravær"
    assert reporting["Anmeldes af"] == "Arbejdsmiljørepræsentant (AMR), sammen med Mette Søndergaard"
    assert not [label for label in reporting if "frist" in label], "the plan gives the registration no deadline"
    assert styled(summary, "Beredskab Advarsel") == [], "so it is never overdue (issue 15)"
    injury = table_with(summary, "Type af skade")
    assert "Fysiske skader" not in injury, "an empty field is left out, the type of injury says it"
    assert injury["Type af skade"] == "Psykisk"


def test_safetynet_summary_warns_when_the_work_accident_deadline_has_passed(engine, example_data, render):
    data = example_data("counter_violence")
    data["followup"]["work_accident_reported_at"] = None
    case = engine.validate(data, now=NOW)
    warnings = styled(render("counter_violence", "safetynet_summary", case=case), "Beredskab Advarsel")
    assert warnings == [
        "Overskredet: Hændelsen anmeldes som arbejdsulykke i Safetynet, fordi den har medført sygefravær "
        "(planens frist 5 dage) (frist 8. november 2026).",
        "Overskredet: Arbejdsulykken anmeldes senest 14 dage efter første fraværsdag (lovens frist) "
        "(frist 18. november 2026)."]


def test_safetynet_summary_counts_harassment_by_a_citizen_as_violence(engine, render):
    summary = render("harassment_ban", "safetynet_summary")
    cause = table_with(summary, "Årsagskategori")
    assert cause["Årsagskategori"] == engine.settings["choices"]["safetynet_cause"]["violence"]
    assert cause["Årsagskategori"].startswith("Arbejdsrelateret vold")
    assert cause["Udøver"] == "Borger"
    assert styled(summary, "Beredskab Note")[0].startswith("Krænkende handlinger, herunder seksuel chikane")


def test_safetynet_summary_harassment_by_a_colleague_is_an_offensive_act(engine, example, render):
    case = example("harassment_ban")
    case.data["incident"]["perpetrator"]["kind"] = "colleague"
    summary = render("harassment_ban", "safetynet_summary", case=case)
    assert table_with(summary, "Årsagskategori")["Årsagskategori"].startswith("Krænkende handlinger mellem ansatte")
    assert styled(summary, "Beredskab Note") == []


# --- checklist -------------------------------------------------------------------------------

def test_checklist_document_table_has_what_who_deadline_status(engine, example, render):
    checklist = render("phone_threat", "checklist")
    tasks = rows(checklist.tables[1])
    assert tasks[0] == ["Hvad", "Hvem", "Frist", "Status"]
    evaluation = engine.evaluate(example("phone_threat"), TODAY)
    assert [r[0].split("\n")[0] for r in tasks[1:]] == [item.what for item in evaluation.checklist]
    by_what = {r[0].split("\n")[0]: r for r in tasks[1:]}
    safetynet = by_what["Sagen anmeldes som arbejdsskade i Safetynet"]
    assert safetynet[1:] == ["Arbejdsmiljørepræsentant (AMR) og den berørte medarbejder", "Ingen frist i planen",
                             "Ikke udført"]
    reminder = by_what["Husk: offererstatning kræver normalt, at forholdet er anmeldt til politiet inden 72 timer"]
    assert reminder[2:] == ["20. november 2026 kl. 10.40", "Overskredet"]
    [row] = [r for r in checklist.tables[1].rows if r.cells[0].text.startswith("Husk: offererstatning")]
    assert all(run.bold for cell in row.cells[2:] for p in cell.paragraphs for run in p.runs), "overdue is bold"
    assert by_what["Nærmeste leder kontaktes øjeblikkeligt"][3] == "Udført 17. november 2026 kl. 11.00"
    summary = fields_table(checklist.tables[0])
    assert summary["Status pr."] == "26. november 2026"
    assert summary["Overskredne frister"] == "1"
    on_time = fields_table(render("counter_violence", "checklist").tables[0])
    assert on_time["Overskredne frister"] == "Ingen"


def test_checklist_document_lists_deadlines_and_documents(render):
    checklist = render("counter_violence", "checklist")
    assert rows(checklist.tables[2]) == [
        ["Frist", "Dato", "Beregnet som"],
        ["Anmeldelse af arbejdsulykke i Safetynet (planens frist)", "8. november 2026",
         "5 dage efter, at arbejdspladsen fik kendskab til hændelsen den 3. november 2026"],
        ["Anmeldelse af arbejdsulykke (lovens frist)", "18. november 2026",
         "14 dage efter første fraværsdag den 4. november 2026"],
    ]
    documents = [p.text for p in checklist.paragraphs if p.style.name == "List Bullet"]
    assert documents[0] == "Notat om hændelsen: planen kræver et notat efter hver episode"
    assert documents[1].startswith("Notat til personalesagen (efter behov): kan dannes")
    assert documents[2] == ("Forbud mod at komme i forvaltningen (efter behov): sagen har ingen afgørelse om forbud; "
                            "er udøveren en borger, vurderer lederen, om der skal udstedes forbud mod at komme "
                            "i forvaltningen")


def test_checklist_shows_the_preventive_actions_under_the_apv_task(render):
    checklist = render("harassment_ban", "checklist")
    [apv] = [r for r in rows(checklist.tables[1]) if r[0].startswith("Forebyggende handlinger drøftes")]
    assert apv[0].endswith("Møder med borgere i sager med konflikt holdes altid med to medarbejdere.")
    assert apv[3] == "Udført 12. november 2026"


def test_generate_without_doc_writes_every_applicable_document(engine, example, tmp_path):
    paths = engine.write(example("harassment_ban"), tmp_path, today=TODAY)
    assert [p.name for p in paths] == [
        f"KME-2026-029_{d}.docx"
        for d in ("incident_note", "personnel_file_note_1", "visit_ban", "safetynet_summary", "checklist")
    ]
