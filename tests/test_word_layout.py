"""Tests of beredskab.word.writer's page layout: column widths, rows that never split, paragraphs kept together.

Issue #6: documents must look official when printed. Each test builds a document,
reads the .docx back and checks the Word XML that LibreOffice and Word lay out by.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile

import pytest
from docx import Document
from lxml import etree

from beredskab.errors import TemplateError
from beredskab.word.writer import build_document, check_html

from .conftest import EXAMPLES, NOW, ROOT, TODAY

REFERENCE = ROOT / "templates" / "reference.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_WIDTH = 9071  # twips: A4 (210 mm) less two 25 mm margins, as in reference.docx


def build(html: str) -> bytes:
    return build_document(html, REFERENCE)


def body(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml")).find(f"{W}body")


def grid(table) -> list[int]:
    """The w:gridCol widths (twips) of a w:tbl."""
    return [int(col.get(f"{W}w")) for col in table.findall(f"{W}tblGrid/{W}gridCol")]


def cell_widths(table) -> list[list[tuple[str, int]]]:
    """Each row's (w:tcW type, width) per cell."""
    return [[(tcw.get(f"{W}type"), int(tcw.get(f"{W}w"))) for tcw in tr.findall(f"{W}tc/{W}tcPr/{W}tcW")]
            for tr in table.findall(f"{W}tr")]


def shares(widths: list[int]) -> list[float]:
    return [round(100 * width / sum(widths), 1) for width in widths]


def keeps(paragraph) -> tuple[bool, bool]:
    """(keep with next, keep lines) set directly on a w:p."""
    ppr = paragraph.find(f"{W}pPr")
    return (ppr is not None and ppr.find(f"{W}keepNext") is not None,
            ppr is not None and ppr.find(f"{W}keepLines") is not None)


# -- column widths ---------------------------------------------------------------------


@pytest.mark.parametrize("cells, expected", [
    ('<th width="45%">Hvad</th><th width="22%">Hvem</th><th width="15%">Frist</th><th width="18%">Status</th>',
     [45.0, 22.0, 15.0, 18.0]),
    ('<th width="50%">a</th><th>b</th><th>c</th>', [50.0, 25.0, 25.0]),
    ('<th>a</th><th width="40%">b</th>', [60.0, 40.0]),
    ('<th width="30%">a</th><th width="10%">b</th>', [75.0, 25.0]),
    ('<td width=" 100 % ">a</td>', [100.0]),
], ids=["all-set", "rest-shared", "first-unset", "stretched", "spaces"])
def test_word_table_first_row_widths_set_the_grid_and_every_cell(cells, expected):
    data = build(f"<table><tr>{cells}</tr><tr>{'<td>x</td>' * len(expected)}</tr></table>")
    table = body(data).find(f"{W}tbl")
    columns = grid(table)
    assert shares(columns) == expected
    assert abs(sum(columns) - TEXT_WIDTH) <= len(columns)
    assert cell_widths(table) == [[("dxa", width) for width in columns]] * 2
    assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"  # Word keeps the widths


def test_word_fields_table_widths_override_the_35_65_default():
    data = build('<table class="fields"><tr><th width="45%">Etiket</th><td>Værdi</td></tr></table>')
    assert shares(grid(body(data).find(f"{W}tbl"))) == [45.0, 55.0]


@pytest.mark.parametrize("html, expected, layout", [
    ('<table class="fields"><tr><th>Etiket</th><td>Værdi</td></tr></table>', [35.0, 65.0], "fixed"),
    ("<table><tr><th>a</th><th>b</th><th>c</th><th>d</th></tr></table>", [25.0] * 4, "autofit"),
], ids=["fields", "data"])
def test_word_tables_without_widths_keep_their_defaults(html, expected, layout):
    table = body(build(html)).find(f"{W}tbl")
    assert shares(grid(table)) == expected
    assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == layout


@pytest.mark.parametrize("html, message", [
    ('<th width="45">a</th>', "Bredden på <th> skal være et helt tal i procent fra 1 til 100"),
    ('<td width="45px">a</td>', "Bredden på <td> skal være et helt tal i procent fra 1 til 100"),
    ('<th width="4.5%">a</th>', "Bredden på <th>"),
    ('<th width="0%">a</th>', "Bredden på <th>"),
    ('<th width="101%">a</th>', "Bredden på <th>"),
    ('<th width="-5%">a</th>', "Bredden på <th>"),
    ('<th width>a</th>', "Bredden på <th>"),
    ('<th width="60%">a</th><th width="50%">b</th>',
     "Kolonnebredderne i tabellens første række er tilsammen 110 %, men højst 100 % er tilladt"),
    ('<th width="100%">a</th><th>b</th>',
     "Kolonnebredderne i tabellens første række er tilsammen 100 %, så der er ingen plads til kolonnerne uden bredde"),
    ('<th>a</th><th width="100%">b</th>', "så der er ingen plads til kolonnerne uden bredde"),
], ids=["no-percent", "pixels", "decimal", "zero", "over-100", "negative", "empty", "total-over-100",
        "no-room-after", "no-room-before"])
def test_word_bad_column_widths_are_danish_template_errors(html, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        check_html(f"<table><tr>{html}</tr></table>")
    with pytest.raises(TemplateError, match=re.escape(message)):
        build(f"<table><thead><tr>{html}</tr></thead></table>")


@pytest.mark.parametrize("html", [
    '<table><tr><td>a</td></tr><tr><td width="50%">b</td></tr></table>',
    '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td width="50%">b</td></tr></tbody></table>',
], ids=["second-row", "body-row"])
def test_word_width_outside_the_first_row_is_a_template_error(html):
    with pytest.raises(TemplateError, match=re.escape("Attributten 'width' på <td> må kun stå i tabellens første række")):
        check_html(html)


@pytest.mark.parametrize("html, message", [
    ('<p width="50%">x</p>', "Ukendt attribut 'width' på <p> (tilladte: alt, class, id, title)"),
    ('<table width="50%"><tr><td>x</td></tr></table>', "Ukendt attribut 'width' på <table>"),
])
def test_word_width_belongs_on_cells_only(html, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        check_html(html)


# -- rows never split ------------------------------------------------------------------


def test_word_no_table_row_splits_across_pages():
    data = build('<table><tr><th>a</th></tr><tr><td>b</td></tr></table><p>.</p>'
                 '<table class="fields"><tr><th>c</th><td>d</td></tr><tr><th>e</th><td>f</td></tr></table>')
    rows = body(data).findall(f"{W}tbl/{W}tr")
    assert len(rows) == 4
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
    header = rows[0].find(f"{W}trPr")
    assert [child.tag for child in header] == [f"{W}cantSplit", f"{W}tblHeader"]  # schema order


# -- keeping together ------------------------------------------------------------------


def test_word_reference_headings_keep_with_the_next_paragraph():
    document = Document(str(REFERENCE))
    for level in (1, 2, 3):
        fmt = document.styles[f"Heading {level}"].paragraph_format
        assert fmt.keep_with_next and fmt.keep_together, f"Heading {level}"


def test_word_lead_in_paragraph_keeps_with_what_it_introduces():
    document = Document(io.BytesIO(build('<p class="lead-in">Du har svaret:</p><p>Svar.</p>')))
    lead_in, answer = document.paragraphs
    assert lead_in.style.name == "Beredskab Indledning"
    assert lead_in.style.paragraph_format.keep_with_next and lead_in.style.paragraph_format.keep_together
    assert lead_in.style.base_style.name == "Normal"  # it looks like any paragraph
    assert not answer.style.paragraph_format.keep_with_next


def test_word_signature_block_never_splits_across_pages():
    data = build('<p>Med venlig hilsen</p><div class="signature"><p>Karen Hansen</p><p>Leder</p><p>HR</p></div>')
    greeting, space, *lines = body(data).findall(f"{W}p")
    assert keeps(greeting) == (True, False), "the text before it keeps with it: no signature alone on a page"
    assert [keeps(p)[0] for p in (space, *lines)] == [True, True, True, False]  # all but the last
    document = Document(io.BytesIO(data))
    assert document.styles["Beredskab Underskrift"].paragraph_format.keep_together  # keepLines from the style
    assert [p.style.name for p in document.paragraphs[2:]] == ["Beredskab Underskrift"] * 3


def test_word_reference_turns_widow_control_on():
    styles = etree.fromstring(zipfile.ZipFile(REFERENCE).read("word/styles.xml"))
    assert styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{W}widowControl") is not None


# -- the templates use them ------------------------------------------------------------


@pytest.fixture(scope="module")
def ban_case(engine):
    data = json.loads((EXAMPLES / "chikane-forbud.json").read_text(encoding="utf-8"))
    return engine.validate(copy.deepcopy(data), now=NOW)


def test_checklist_tasks_table_gives_what_the_room_and_who_a_whole_word(engine, ban_case):
    data = engine.render(ban_case, "checklist", today=TODAY)
    tasks, deadlines = body(data).findall(f"{W}tbl")[1:3]
    assert shares(grid(tasks)) == [35.0, 27.0, 17.0, 21.0]  # Hvad, Hvem, Frist, Status
    assert shares(grid(deadlines)) == [31.0, 29.0, 40.0]  # Frist, Dato, Beregnet som
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in tasks.findall(f"{W}tr"))


def test_visit_ban_keeps_the_citizens_answer_with_its_lead_in(engine, ban_case):
    document = Document(io.BytesIO(engine.render(ban_case, "visit_ban", today=TODAY)))
    texts = [p.text for p in document.paragraphs]
    answered = texts.index("Du har svaret:")
    assert document.paragraphs[answered].style.name == "Beredskab Indledning"
    assert texts[answered + 1] == ban_case.data["ban"]["hearing"]["response"].split("\n\n")[0]
    greeting = texts.index("Med venlig hilsen")
    assert document.paragraphs[greeting].style.name == "Beredskab Indledning"
    assert document.paragraphs[greeting + 2].style.name == "Beredskab Underskrift"
