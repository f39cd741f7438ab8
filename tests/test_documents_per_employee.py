"""Per person: one personnel-file note per affected employee, and each employee's own injuries and
sick leave in the notes and the Safetynet summary."""

from __future__ import annotations

import pytest

from .conftest import NOW, TODAY
from .test_documents import fields_table, open_docx


def two_hurt(data: dict) -> dict:
    """The counter-violence example with a second employee, hurt differently (no absence)."""
    data["incident"]["affected_employees"].append({
        "name": "Karin Holt", "job_title": "Kontorfuldmægtig", "unit": "Borgerservice",
        "injuries": {"psychological": "Uro efter episoden."},
        "sick_leave": {"has_leave": False},
        "compensation_possible": True,
    })
    data["incident"]["police"] = {"reported": False}
    return data


@pytest.fixture
def two_employees(engine, example_data):
    return engine.validate(two_hurt(example_data("counter_violence")), now=NOW)


def all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_one_personnel_file_note_per_affected_employee(engine, two_employees, tmp_path):
    written = engine.write(two_employees, tmp_path, today=TODAY)
    names = sorted(p.name for p in written if "personnel_file_note" in p.name)
    assert names == ["KME-2026-038_personnel_file_note_1.docx", "KME-2026-038_personnel_file_note_2.docx"]


@pytest.mark.parametrize("number, own, other", [(1, "Sofie Andersen", "Karin Holt"), (2, "Karin Holt", "Sofie Andersen")])
def test_each_personnel_file_note_names_only_its_employee(engine, two_employees, tmp_path, number, own, other):
    engine.write(two_employees, tmp_path, today=TODAY)
    note = open_docx((tmp_path / "KME-2026-038" / f"KME-2026-038_personnel_file_note_{number}.docx").read_bytes())
    text = all_text(note)
    assert own in text and other not in text
    assert [p.text for p in note.paragraphs if p.text.startswith("Kopi til")] == [f"Kopi til: {own}"]
    assert fields_table(note.tables[0])["Medarbejder"].startswith(own + ",")


def test_each_note_has_its_employees_own_injuries_and_leave(engine, two_employees):
    first = open_docx(engine.render(two_employees, "personnel_file_note_1", today=TODAY))
    second = open_docx(engine.render(two_employees, "personnel_file_note_2", today=TODAY))
    injuries_first, injuries_second = fields_table(first.tables[1]), fields_table(second.tables[1])
    assert injuries_first["Sygefravær"].startswith("Ja, første fraværsdag 4. november 2026")
    assert injuries_second["Sygefravær"] == "Nej"
    assert injuries_second["Psykiske reaktioner"] == "Uro efter episoden."
    assert injuries_second["Mulig ret til ydelser"].startswith("Ja, efter arbejdsskadesikringsloven")
    assert "Mulig ret til ydelser" not in injuries_first


def test_the_author_is_never_named_twice(engine, example_data):
    data = example_data("phone_threat")
    employee = data["incident"]["affected_employees"][0]
    data["incident"]["note_author"] = {"name": employee["name"], "title": employee["job_title"]}
    case = engine.validate(data, now=NOW)
    note = open_docx(engine.render(case, "personnel_file_note_1", today=TODAY))
    assert not [p for p in note.paragraphs if p.text.startswith("Kopi til")]
    assert all_text(note).count(employee["name"]) == 3  # the facts table, the account and the signature


def test_a_note_to_the_employee_holds_no_internal_reminders(engine, example):
    note = open_docx(engine.render(example("phone_threat"), "personnel_file_note_1", today=TODAY))
    text = all_text(note)
    for internal in ("Husk", "frist", "Frist", "offererstatning", "planen"):
        assert internal not in text


def test_the_base_name_renders_the_first_employees_note(engine, two_employees):
    first = open_docx(engine.render(two_employees, "personnel_file_note", today=TODAY))
    assert "Karin Holt" not in all_text(first)


def test_doc_option_with_the_base_name_writes_every_employees_note(engine, two_employees, tmp_path):
    written = engine.write(two_employees, tmp_path, names=["personnel_file_note"], today=TODAY)
    assert [p.name for p in written] == ["KME-2026-038_personnel_file_note_1.docx",
                                         "KME-2026-038_personnel_file_note_2.docx"]


def test_an_unknown_employee_number_is_a_danish_error(engine, two_employees):
    from beredskab.errors import CaseError

    with pytest.raises(CaseError) as info:
        engine.render(two_employees, "personnel_file_note_3", today=TODAY)
    assert "personnel_file_note_3" in info.value.lines()[0]


# --- the Safetynet summary ---------------------------------------------------------------------

@pytest.fixture
def summary(engine, two_employees):
    return open_docx(engine.render(two_employees, "safetynet_summary", today=TODAY))


def test_safetynet_summary_shows_each_employees_injury_and_leave(summary):
    assert "Medarbejdere" in [p.text for p in summary.paragraphs if p.style.name == "Heading 2"]
    by_name = {facts["Navn"]: facts for facts in map(fields_table, summary.tables) if "Navn" in facts}
    assert list(by_name) == ["Sofie Andersen", "Karin Holt"]
    assert by_name["Sofie Andersen"]["Sygefravær"].startswith("Ja, første fraværsdag 4. november 2026")
    assert by_name["Karin Holt"]["Sygefravær"] == "Nej"
    assert by_name["Karin Holt"]["Type af skade"] == "Psykisk"
    assert by_name["Karin Holt"]["Mulig ret til ydelser"].startswith("Ja")


def test_safetynet_summary_names_whom_the_work_accident_concerns(summary):
    reporting = fields_table(summary.tables[0])
    assert reporting["Anmeldes som arbejdsulykke"].startswith(
        "Ja, sygefravær for Sofie Andersen; mulig ret til ydelser uden fravær for Karin Holt")


def test_safetynet_summary_is_a_short_account_not_the_whole_description(summary, two_employees):
    text = all_text(summary)
    for block in two_employees.data["incident"]["description"].split("\n\n"):
        assert block not in text
    assert "Den 3. november 2026 kl. 09.20 blev Sofie Andersen og Karin Holt udsat for fysisk vold og trussel " \
           "fra en borger ved personlig kontakt." in text
    assert two_employees.data["incident"]["summary"] in text
