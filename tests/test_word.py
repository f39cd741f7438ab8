"""Tests of beredskab.word.writer: build documents from the HTML subset and read them back with python-docx."""

from __future__ import annotations

import html as html_lib
import importlib.util
import io
import re
import struct
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from beredskab.errors import TemplateError
from beredskab.word.writer import ALLOWED_TAGS, STYLE_MAP, build_document, check_html

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "reference.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def build(html: str, **kwargs) -> bytes:
    return build_document(html, REFERENCE, **kwargs)


def read(html: str, **kwargs):
    return Document(io.BytesIO(build(html, **kwargs)))


def part_xml(data: bytes, prefix: str):
    """Parse the first zip member whose name starts with ``prefix`` (e.g. "word/footer")."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        name = next(n for n in sorted(package.namelist()) if n.startswith(prefix))
        return etree.fromstring(package.read(name))


def body_paragraphs(data: bytes):
    return part_xml(data, "word/document.xml").findall(f"{{{W}}}body/{{{W}}}p")


def texts_and_styles(document) -> list[tuple[str, str]]:
    return [(p.text, p.style.name) for p in document.paragraphs]


def numbering(data: bytes, paragraph) -> tuple[int, int]:
    """Return (numId, ilvl) of a paragraph's direct w:numPr."""
    num_pr = paragraph.find(f"{{{W}}}pPr/{{{W}}}numPr")
    return (int(num_pr.find(f"{{{W}}}numId").get(f"{{{W}}}val")),
            int(num_pr.find(f"{{{W}}}ilvl").get(f"{{{W}}}val")))


def png(path: Path, width: int = 60, height: int = 20) -> Path:
    """Write a small RGB PNG without any imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x20\x40\x80" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


# -- blocks ----------------------------------------------------------------------------


def test_word_headings_use_real_heading_styles():
    document = read("<h1>Notat</h1><h2>Fakta</h2><h3>Detaljer</h3>")
    assert texts_and_styles(document) == [("Notat", "Heading 1"), ("Fakta", "Heading 2"), ("Detaljer", "Heading 3")]


@pytest.mark.parametrize("cls", ["date", "confidential", "note", "warning", "letterhead", "small", "lead-in"])
def test_word_paragraph_classes_map_to_named_styles(cls):
    document = read(f'<p class="{cls}">Tekst</p>')
    assert texts_and_styles(document) == [("Tekst", STYLE_MAP[f"p.{cls}"])]
    assert STYLE_MAP[f"p.{cls}"].startswith("Beredskab ")


def test_word_plain_paragraph_and_loose_text_use_normal():
    document = read("Løs tekst <b>fed</b><p>Afsnit</p>efter")
    assert texts_and_styles(document) == [("Løs tekst fed", "Normal"), ("Afsnit", "Normal"), ("efter", "Normal")]


def test_word_plain_div_and_span_only_group_their_content():
    document = read("<div><p>a</p><div>b <span>c</span></div></div>")
    assert texts_and_styles(document) == [("a", "Normal"), ("b c", "Normal")]


def test_word_hr_becomes_an_empty_line_paragraph():
    document = read("<p>Over</p><hr><p>Under</p>")
    assert texts_and_styles(document)[1] == ("", "Beredskab Linje")


def test_word_page_break_div_breaks_the_page():
    data = build('<p>Side 1</p><div class="page-break"></div><p>Side 2</p>')
    breaks = part_xml(data, "word/document.xml").findall(f".//{{{W}}}br[@{{{W}}}type='page']")
    assert len(breaks) == 1
    assert [p.text for p in Document(io.BytesIO(data)).paragraphs] == ["Side 1", "", "Side 2"]


def test_word_signature_blocks_put_the_name_under_a_line_and_stack():
    document = read(
        '<div class="signature"><p>Karen Hansen</p><p>Leder</p></div>'
        '<div class="signature"><p>Ole Jensen</p><p>AMR</p></div>'
    )
    signed = [(p.text, p.style.name) for p in document.paragraphs if p.text]
    assert signed == [(name, "Beredskab Underskrift") for name in ("Karen Hansen", "Leder", "Ole Jensen", "AMR")]
    # An empty paragraph of another style before each block keeps Word from merging the two lines.
    styles = [p.style.name for p in document.paragraphs]
    assert styles == ["Normal", "Beredskab Underskrift", "Beredskab Underskrift"] * 2
    style = document.styles["Beredskab Underskrift"]
    assert style.element.find(f"{{{W}}}pPr/{{{W}}}pBdr/{{{W}}}top") is not None
    text_width = Mm(210 - 25 - 25)
    assert abs((text_width - style.paragraph_format.right_indent) - Mm(70)) < Mm(1)


# -- inline ----------------------------------------------------------------------------


def test_word_nested_inline_formatting_combines():
    document = read("<p>a <b>b <i>c <u>d</u></i></b> <strong><em>e</em></strong></p>")
    runs = [(r.text, bool(r.bold), bool(r.italic), bool(r.underline)) for r in document.paragraphs[0].runs]
    assert runs == [("a ", False, False, False), ("b ", True, False, False), ("c ", True, True, False),
                    ("d", True, True, True), (" ", False, False, False), ("e", True, True, False)]


def test_word_white_space_collapses_like_html():
    document = read("<p>\n   To   ord\n\tog  <b> fed </b> tekst   \n</p>")
    assert document.paragraphs[0].text == "To ord og fed tekst"


def test_word_no_break_space_is_kept():
    assert read("<p>10\u00a0kr.  i alt</p>").paragraphs[0].text == "10\u00a0kr. i alt"


def test_word_br_breaks_the_line_and_trims_space_around_it():
    document = read("<p>Første linje   <br>\n   anden linje<br/>tredje</p>")
    paragraph = document.paragraphs[0]
    assert paragraph.text == "Første linje\nanden linje\ntredje"
    assert len(paragraph.runs) == 5  # text, break, text, break, text


def test_word_characters_xml_cannot_hold_are_dropped_and_other_unicode_kept():
    text = "Æble\x00 ø\x0bå\x0c \x1f 😀 עברית e\u0301 \u200b"
    document = read(f"<p>{html_lib.escape(text)}</p>")
    assert document.paragraphs[0].text == "Æble øå 😀 עברית e\u0301 \u200b"


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_word_any_text_survives_the_round_trip(text):
    document = read(f"<p>{html_lib.escape(text)}</p>")
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
    expected = re.sub("[ \t\n\r\f]+", " ", expected).strip(" ")
    assert document.paragraphs[0].text == expected


def test_word_checkbox_renders_an_empty_or_crossed_box():
    document = read('<p><span class="checkbox"></span> Nej</p><p><span class="checkbox" checked></span> Ja</p>'
                    '<p><span class="checkbox" checked="checked"/> Også ja</p>')
    assert [p.text for p in document.paragraphs] == ["☐ Nej", "☒ Ja", "☒ Også ja"]


def test_word_entities_are_decoded():
    assert read("<p>R&amp;D &lt;3 &quot;x&quot; &#229;</p>").paragraphs[0].text == 'R&D <3 "x" å'


# -- lists -----------------------------------------------------------------------------


def test_word_lists_use_list_styles_and_nested_lists_level_two():
    document = read("<ul><li>a<ul><li>a1</li></ul></li><li><b>b</b></li></ul>"
                    "<ol><li>c<ol><li>c1</li></ol><ul><li>c2</li></ul></li></ol>")
    assert texts_and_styles(document) == [
        ("a", "List Bullet"), ("a1", "List Bullet 2"), ("b", "List Bullet"),
        ("c", "List Number"), ("c1", "List Number 2"), ("c2", "List Bullet 2"),
    ]
    assert document.paragraphs[2].runs[0].bold


def test_word_every_ordered_list_restarts_at_one():
    data = build("<ol><li>a</li><li>b</li></ol><p>mellem</p><ol><li>c</li><li>d<ol><li>d1</li></ol></li></ol>")
    a, b, _, c, d, d1 = body_paragraphs(data)
    first, second, nested = numbering(data, a), numbering(data, c), numbering(data, d1)
    assert numbering(data, b) == first and numbering(data, d) == second
    assert first[1] == second[1] == 0 and nested[1] == 1
    assert len({first[0], second[0], nested[0]}) == 3
    numbering_xml = part_xml(data, "word/numbering.xml")
    for num_id, ilvl in (first, second, nested):
        num = numbering_xml.find(f"{{{W}}}num[@{{{W}}}numId='{num_id}']")
        override = num.find(f"{{{W}}}lvlOverride[@{{{W}}}ilvl='{ilvl}']/{{{W}}}startOverride")
        assert override.get(f"{{{W}}}val") == "1"
    # All instances share the "List Number" definition, so restyling the list in Word still works.
    abstract_ids = {numbering_xml.find(f"{{{W}}}num[@{{{W}}}numId='{n}']/{{{W}}}abstractNumId").get(f"{{{W}}}val")
                    for n, _ in (first, second, nested)}
    assert len(abstract_ids) == 1


def test_word_reference_list_styles_have_working_numbering():
    document = Document(str(REFERENCE))
    numbering_xml = part_xml(REFERENCE.read_bytes(), "word/numbering.xml")
    formats = {}
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        num_pr = document.styles[name].element.find(f"{{{W}}}pPr/{{{W}}}numPr")
        num_id = num_pr.find(f"{{{W}}}numId").get(f"{{{W}}}val")
        ilvl = num_pr.find(f"{{{W}}}ilvl").get(f"{{{W}}}val")
        abstract = numbering_xml.find(f"{{{W}}}num[@{{{W}}}numId='{num_id}']/{{{W}}}abstractNumId").get(f"{{{W}}}val")
        level = numbering_xml.find(f"{{{W}}}abstractNum[@{{{W}}}abstractNumId='{abstract}']/{{{W}}}lvl[@{{{W}}}ilvl='{ilvl}']")
        formats[name] = level.find(f"{{{W}}}numFmt").get(f"{{{W}}}val")
    assert formats == {"List Bullet": "bullet", "List Bullet 2": "bullet",
                       "List Number": "decimal", "List Number 2": "lowerLetter"}


# -- tables ----------------------------------------------------------------------------


def test_word_table_first_row_of_th_is_a_bold_repeating_header():
    data = build("<table><thead><tr><th>Tid</th><th>Hændelse</th></tr></thead>"
                 "<tbody><tr><td>14.30</td><td>Opkald</td></tr><tr><td>14.35</td></tr></tbody></table>")
    table = Document(io.BytesIO(data)).tables[0]
    assert table.style.name == "Beredskab Tabel"
    assert [[c.text for c in row.cells] for row in table.rows] == [["Tid", "Hændelse"], ["14.30", "Opkald"], ["14.35", ""]]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in table.rows[1].cells for run in cell.paragraphs[0].runs)
    rows = part_xml(data, "word/document.xml").findall(f".//{{{W}}}tr")
    assert [row.find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None for row in rows] == [True, False, False]


def test_word_table_without_th_row_has_no_header():
    data = build("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>")
    assert part_xml(data, "word/document.xml").find(f".//{{{W}}}tblHeader") is None
    table = Document(io.BytesIO(data)).tables[0]
    assert table.cell(1, 0).paragraphs[0].runs[0].bold  # a th is bold wherever it is


def test_word_fields_table_has_a_bold_narrow_label_column_and_no_header():
    data = build('<table class="fields"><tr><th>Dato</th><td>11. marts</td></tr>'
                 "<tr><td>Sted</td><td>Borgerservice</td></tr></table>")
    table = Document(io.BytesIO(data)).tables[0]
    assert table.style.name == "Beredskab Felter"
    assert [[c.text for c in row.cells] for row in table.rows] == [["Dato", "11. marts"], ["Sted", "Borgerservice"]]
    assert all(row.cells[0].paragraphs[0].runs[0].bold for row in table.rows)
    assert not any(row.cells[1].paragraphs[0].runs[0].bold for row in table.rows)
    assert part_xml(data, "word/document.xml").find(f".//{{{W}}}tblHeader") is None
    label, value = (column.width for column in table.columns)
    assert 0.33 < label / (label + value) < 0.37


def test_word_tables_span_the_full_text_width():
    data = build("<table><tr><td>a</td><td>b</td><td>c</td></tr></table>")
    width = part_xml(data, "word/document.xml").find(f".//{{{W}}}tblPr/{{{W}}}tblW")
    assert (width.get(f"{{{W}}}type"), width.get(f"{{{W}}}w")) == ("pct", "5000")
    table = Document(io.BytesIO(data)).tables[0]
    assert abs(sum(column.width for column in table.columns) - Mm(160)) < Mm(1)


def test_word_table_cells_hold_inline_markup_breaks_and_blocks():
    document = read("<table><tr><td>a <i>b</i><br>c</td>"
                    '<td><p>Afsnit</p><p class="note">Note</p><ul><li>Punkt</li></ul></td></tr></table>')
    first, second = document.tables[0].rows[0].cells
    assert first.text == "a b\nc" and first.paragraphs[0].runs[1].italic
    assert [(p.text, p.style.name) for p in second.paragraphs] == [
        ("Afsnit", "Normal"), ("Note", "Beredskab Note"), ("Punkt", "List Bullet")]


def test_word_adjacent_tables_stay_separate():
    document = read("<table><tr><td>a</td></tr></table><table><tr><td>b</td></tr></table>")
    blocks = list(document.iter_inner_content())
    assert [type(block).__name__ for block in blocks] == ["Table", "Paragraph", "Table"]


# -- header, footer, fields, images -----------------------------------------------------


def test_word_header_and_footer_divs_replace_the_page_header_and_footer():
    data = build('<div class="header"><p class="letterhead">Eksempel Kommune</p><p>Center for Beredskab</p>'
                 '<p class="confidential">Fortroligt</p></div><p>Brødtekst</p>'
                 '<div class="footer"><p>Side <span class="page-number"></span> af '
                 '<span class="page-count"></span></p></div>')
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert [(p.text, p.style.name) for p in section.header.paragraphs] == [
        ("Eksempel Kommune", "Beredskab Brevhoved"), ("Center for Beredskab", "Header"),
        ("Fortroligt", "Beredskab Fortrolig")]
    assert [p.style.name for p in section.footer.paragraphs] == ["Footer"]
    assert texts_and_styles(document) == [("Brødtekst", "Normal")]
    footer = part_xml(data, "word/footer")
    fields = footer.findall(f".//{{{W}}}fldSimple")
    assert [f.get(f"{{{W}}}instr").strip() for f in fields] == ["PAGE", "NUMPAGES"]
    assert [f.findtext(f"{{{W}}}r/{{{W}}}t") for f in fields] == ["1", "1"]
    assert "".join(footer.itertext()) == "Side 1 af 1"


def test_word_letterhead_table_is_a_borderless_layout_with_a_logo_column(tmp_path):
    png(tmp_path / "logo.png", 20, 20)
    data = build('<div class="header"><table class="letterhead"><tr><td><img class="logo" src="logo.png"></td>'
                 '<td><p class="letterhead">Eksempel Kommune</p><p>Center for Beredskab</p></td></tr></table>'
                 '<p class="confidential">Fortroligt</p></div>', resolve_asset=lambda name: tmp_path / name)
    header = Document(io.BytesIO(data)).sections[0].header
    [table] = header.tables
    assert table.style.name == "Beredskab Brevhoved Tabel"
    assert [p.style.name for p in table.cell(0, 1).paragraphs] == ["Beredskab Brevhoved", "Header"]
    assert abs(table.columns[0].width - Mm(22)) < Mm(0.1)
    xml = part_xml(data, "word/header")
    assert xml.find(f".//{{{W}}}tblHeader") is None  # a layout table has no header row
    look = xml.find(f".//{{{W}}}tblLook")
    assert (look.get(f"{{{W}}}firstRow"), look.get(f"{{{W}}}firstColumn")) == ("0", "0")
    style = next(s for s in Document(io.BytesIO(data)).styles if s.name == "Beredskab Brevhoved Tabel")
    assert not list(style.element.iterfind(f".//{{{W}}}tblBorders/*"))


def test_word_tab_span_jumps_to_the_next_tab_stop_without_stray_spaces():
    data = build('<div class="footer"><p>Sag 1 <span class="tab"></span> Side <span class="page-number"></span></p></div>')
    footer = part_xml(data, "word/footer")
    runs = footer.findall(f".//{{{W}}}p/{{{W}}}r")
    assert [etree.QName(child).localname for run in runs for child in run if child.tag != f"{{{W}}}rPr"] == [
        "t", "tab", "t"]
    assert "".join(footer.itertext()) == "Sag 1Side 1"


def test_word_header_stays_as_in_the_reference_without_header_div():
    document = read("<p>Kun brødtekst</p>")
    assert [(p.text, p.style.name) for p in document.sections[0].header.paragraphs] == [("", "Header")]


def test_word_header_with_only_a_table_ends_with_a_paragraph():
    data = build('<div class="header"><table><tr><td>Logo</td><td>Navn</td></tr></table></div>')
    header = part_xml(data, "word/header")
    assert [etree.QName(child).localname for child in header] == ["tbl", "p"]


def test_word_logo_is_an_inline_picture_15_mm_high(tmp_path):
    png(tmp_path / "logo.png")
    data = build('<div class="header"><img class="logo" src="logo.png" alt="Kommunens logo"></div>'
                 '<p><img src="logo.png"></p>', resolve_asset=lambda name: tmp_path / name)
    document = Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1  # the body's; the header's lives in the header part
    shape = document.inline_shapes[0]
    assert abs(shape.height - Mm(15)) < Mm(0.1)
    assert abs(shape.width - Mm(45)) < Mm(0.1)  # 60 x 20 pixels keep their aspect ratio
    doc_pr = part_xml(data, "word/header").find(".//{*}inline/{*}docPr")
    assert doc_pr.get("descr") == "Kommunens logo"
    assert [p.style.name for p in document.sections[0].header.paragraphs] == ["Header"]


@pytest.mark.parametrize("resolver", [None, lambda name: None, lambda name: 1 / 0,
                                      lambda name: Path("/nonexistent/logo.png")])
def test_word_logo_that_cannot_be_found_is_a_template_error(resolver):
    with pytest.raises(TemplateError, match="Billedet i en <img> findes ikke i planpakken"):
        build('<p><img class="logo" src="logo.png"></p>', resolve_asset=resolver)


def test_word_logo_that_is_not_an_image_is_a_template_error(tmp_path):
    (tmp_path / "logo.png").write_text("ikke et billede")
    with pytest.raises(TemplateError, match="kan ikke læses"):
        build('<p><img class="logo" src="logo.png"></p>', resolve_asset=lambda name: tmp_path / name)


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "a", "font", "blink", "h4", "html", "body"])
def test_word_unknown_tag_is_a_template_error(tag):
    with pytest.raises(TemplateError, match=f"Ukendt HTML-tag <{tag}> i skabelonen"):
        check_html(f"<p>før</p><{tag}>x</{tag}>")
    with pytest.raises(TemplateError):
        build(f"<{tag}>x</{tag}>")


@pytest.mark.parametrize("html, message", [
    ('<p class="foo">x</p>', "Ukendt klasse på <p> (tilladte: date, confidential, note, warning, letterhead, small, lead-in)"),
    ('<h1 class="date">x</h1>', "Ukendt klasse 'date' på <h1>"),
    ('<span class="date">x</span>', "Ukendt klasse 'date' på <span>"),
    ('<p class="date note">x</p>', "Kun én klasse er tilladt på <p>"),
])
def test_word_unknown_class_is_a_template_error(html, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        check_html(html)


@pytest.mark.parametrize("html, message", [
    ('<p style="color: red">x</p>', "Attributten 'style' er ikke tilladt på <p>: formatering og hændelser hører ikke til i et dokument"),
    ('<p onclick="alert(1)">x</p>', "Attributten 'onclick' er ikke tilladt på <p>"),
    ('<img src="logo.png" onerror="x">', "Attributten 'onerror' er ikke tilladt på <img>"),
    ('<td colspan="2">x</td>', "Ukendt attribut 'colspan' på <td>"),
    ('<p checked>x</p>', "Ukendt attribut 'checked' på <p>"),
    ("<img>", "<img> mangler attributten 'src'"),
    ('<img src="https://example.org/logo.png">', "skal være et relativt filnavn"),
    ('<img src="/etc/logo.png">', "skal være et relativt filnavn"),
])
def test_word_inline_css_events_and_unknown_attributes_are_template_errors(html, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        check_html(html)


def test_word_id_title_and_alt_attributes_are_ignored():
    document = read('<p id="a" title="t">x</p><h1 id="top">y</h1>')
    assert [p.text for p in document.paragraphs] == ["x", "y"]


@pytest.mark.parametrize("html, message", [
    ("<li>x</li>", "<li> må ikke stå yderst i skabelonen"),
    ("<ul>tekst</ul>", "Tekst må ikke stå i <ul>"),
    ("<p><p>x</p></p>", "<p> må ikke stå i <p>"),
    ("<p><table></table></p>", "<table> må ikke stå i <p>"),
    ("<table><tr><td><table></table></td></tr></table>", "<table> må ikke stå i <td>"),
    ("<table><td>x</td></table>", "<td> må ikke stå i <table>"),
    ("<ul><li><p>x</p></li></ul>", "<p> må ikke stå i <li>"),
    ('<div class="signature"><h2>x</h2></div>', '<h2> må ikke stå i <div class="signature">'),
    ('<div><div class="header">x</div></div>', '<div class="header"> skal stå yderst i skabelonen'),
    ('<div class="header"><div class="page-break"></div></div>', '<div class="page-break"> må ikke stå i'),
    ('<span class="checkbox">Ja</span>', '<span class="checkbox"> skal være tom'),
    ("<p>x</b></p>", "Slutmærket </b> har intet element at lukke"),
])
def test_word_misplaced_elements_are_template_errors(html, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        check_html(html)


def test_word_check_html_accepts_the_whole_subset():
    check_html(
        '<div class="header"><table class="letterhead"><tr><td><img class="logo" src="a.png"></td>'
        '<td><p class="letterhead">K</p></td></tr></table><table><tr><td>x</td></tr></table></div>'
        '<div class="footer"><p>S<span class="tab"></span>Side <span class="page-number"></span> af '
        '<span class="page-count"></span></p></div>'
        '<h1>T</h1><h2>U</h2><h3>V</h3><p class="date">d</p><p class="warning"><b>w</b> <i>i</i> <u>u</u></p>'
        '<ul><li>a<ol><li>b</li></ol></li></ul><table class="fields"><tbody><tr><th>L</th><td><p>v</p><br></td></tr>'
        '</tbody></table><hr><div class="signature"><p>N</p><p>T</p></div><div class="page-break"></div>'
        '<p><span class="checkbox" checked></span> ja <span>s</span><strong>s</strong><em>e</em></p><!-- kommentar -->'
    )
    assert {"p", "table", "img", "span", "div"} <= ALLOWED_TAGS


def test_word_unclosed_elements_are_closed_at_the_end():
    assert read("<p>a <b>fed").paragraphs[0].text == "a fed"


def test_word_style_missing_from_the_reference_is_a_template_error(tmp_path):
    reference = tmp_path / "reference.docx"
    Document().save(str(reference))  # python-docx's own template has no "Beredskab" styles
    with pytest.raises(TemplateError, match="Typografien 'Beredskab Dato' findes ikke"):
        build_document('<p class="date">x</p>', reference)


def test_word_unreadable_reference_is_a_template_error(tmp_path):
    (tmp_path / "reference.docx").write_text("ikke en docx")
    with pytest.raises(TemplateError, match="referencedokumentet 'reference.docx' kan ikke åbnes som .docx"):
        build_document("<p>x</p>", tmp_path / "reference.docx")


# -- properties, language, reference ---------------------------------------------------


def test_word_properties_are_written_to_the_core_properties():
    created = datetime(2024, 3, 12, 10, 30, tzinfo=timezone.utc)
    document = read("<p>x</p>", properties={"title": "Notat", "author": "Karen Hansen", "subject": "Trussel",
                                            "keywords": "trussel; telefon", "created": created, "language": "en-GB"})
    core = document.core_properties
    assert (core.title, core.author, core.last_modified_by, core.subject, core.keywords, core.language) == (
        "Notat", "Karen Hansen", "Karen Hansen", "Trussel", "trussel; telefon", "en-GB")
    assert core.created.replace(tzinfo=timezone.utc) == created
    assert _document_language(document) == ("en-GB", "en-GB")


def test_word_language_defaults_to_danish_and_no_author_leaks():
    document = read("<p>x</p>")
    assert document.core_properties.language == "da-DK"
    assert _document_language(document) == ("da-DK", "da-DK")
    assert document.core_properties.author == "" and "python-docx" not in document.core_properties.comments


def test_word_keywords_may_be_a_list_and_long_titles_are_cut():
    core = read("<p>x</p>", properties={"keywords": ["trussel", "telefon"], "title": "T" * 300}).core_properties
    assert (core.keywords, len(core.title)) == ("trussel, telefon", 255)


def test_word_unknown_property_is_a_programming_error():
    with pytest.raises(TypeError):
        build("<p>x</p>", properties={"titel": "x"})


def _document_language(document) -> tuple[str, str]:
    defaults = document.styles.element.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}lang")
    theme = document.settings.element.find(f"{{{W}}}themeFontLang")
    return defaults.get(f"{{{W}}}val"), theme.get(f"{{{W}}}val")


def test_word_reference_defines_every_mapped_style():
    document = Document(str(REFERENCE))
    names = {style.name for style in document.styles}
    assert set(STYLE_MAP.values()) <= names
    assert document.styles["Beredskab Tabel"].type == document.styles["Beredskab Felter"].type == 3  # table
    assert document.styles["Heading 1"].font.size.pt == 18 and document.styles["Heading 1"].font.bold
    assert document.styles["Heading 2"].font.size < document.styles["Heading 1"].font.size


def test_word_reference_is_a_small_anonymous_danish_a4_letter():
    data = REFERENCE.read_bytes()
    assert len(data) < 20_000
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 25
    assert section.top_margin > section.left_margin
    assert not section.header.is_linked_to_previous and not section.footer.is_linked_to_previous
    assert document.paragraphs == [] and document.tables == []
    assert _document_language(document) == ("da-DK", "da-DK")
    core = document.core_properties
    assert (core.author, core.title, core.comments, core.last_modified_by) == ("", "", "", "")
    assert b"python-docx" not in zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")
    assert document.styles.element.find(f"{{{W}}}latentStyles") is None
    assert len(list(document.styles)) < 30


def test_word_reference_rebuild_is_reproducible():
    spec = importlib.util.spec_from_file_location("build_reference", ROOT / "scripts" / "build_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == module.build()
    assert module.build() == REFERENCE.read_bytes(), "templates/reference.docx is stale: run scripts/build_reference.py"


def test_word_same_input_gives_the_same_bytes():
    html = "<h1>Notat</h1><ol><li>a</li></ol><table><tr><th>x</th></tr></table>"
    properties = {"title": "Notat", "created": datetime(2024, 1, 2, 3, 4, 5)}
    assert build(html, properties=properties) == build(html, properties=properties)


def test_word_incident_note_stays_small(tmp_path):
    png(tmp_path / "logo.png")
    facts = "".join(f"<tr><th>Felt {n}</th><td>Værdi {n} med <b>lidt</b> tekst</td></tr>" for n in range(15))
    html = (
        '<div class="header"><img class="logo" src="logo.png"><p class="letterhead">Eksempel Kommune</p>'
        '<p class="confidential">Fortroligt</p></div>'
        '<div class="footer"><p>Side <span class="page-number"></span> af <span class="page-count"></span></p></div>'
        '<p class="date">12. marts 2024</p><h1>Notat om hændelse</h1><p class="warning">Må ikke sendes endnu</p>'
        f'<table class="fields">{facts}</table><h2>Forløb</h2>' + "<p>Tekst om forløbet. </p>" * 20
        + "<ol><li>Et</li><li>To</li></ol><ul><li>Punkt</li></ul>"
        '<div class="signature"><p>Karen Hansen</p><p>Leder</p></div>'
    )
    data = build(html, resolve_asset=lambda name: tmp_path / name)
    assert len(data) < 30_000
