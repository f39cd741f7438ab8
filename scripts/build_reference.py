"""Build templates/reference.docx: the page and the named styles every generated document uses.

Run from the repository root::

    .venv/bin/python scripts/build_reference.py [OUTPUT]

It starts from python-docx's default template, keeps only the styles that
``beredskab.word.writer.STYLE_MAP`` names (plus the defaults Word needs), drops latent
styles and parts a letter does not use, and defines a quiet Danish municipal
letter: A4, Calibri 11 pt, Danish language, black text, thin grey lines. The
output is byte-for-byte reproducible, so a rebuild shows no diff unless this
script changes. A department may instead restyle the file in Word: ``word.py``
relies only on the style names.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent

from beredskab.word import oxml

from beredskab.word import oxml_reference
from beredskab.word.oxml_reference import package_bytes
from beredskab.word.writer import STYLE_MAP

OUTPUT = ROOT / "templates" / "reference.docx"

FONT = "Calibri"
BLACK = RGBColor(0x00, 0x00, 0x00)
GREY = RGBColor(0x59, 0x59, 0x59)
DARK_GREY = RGBColor(0x40, 0x40, 0x40)
DARK_RED = RGBColor(0x9C, 0x00, 0x06)
LINE = "A6A6A6"  # thin grey lines: tables, rule
PAGE_WIDTH, MARGIN = Mm(210), Mm(25)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Built-in styles kept from the default template (by python-docx name); Word needs the
# four defaults in every file, and Normal Table's cell padding is kept as it is.
DEFAULTS = {"Normal", "Default Paragraph Font", "Normal Table", "No List"}
BUILT_IN = DEFAULTS | {
    "Heading 1", "Heading 2", "Heading 3", "Header", "Footer",
    "List Bullet", "List Bullet 2", "List Number", "List Number 2",
}


def build() -> bytes:
    """Return the bytes of reference.docx."""
    document = Document()
    oxml_reference.package_prune(document)
    oxml_reference.core_properties_clear(document)
    oxml_reference.settings_reset(document, tab_stop=1304, decimal=",", list_separator=";")  # Danish Word defaults
    # Long Danish compounds (arbejdsmiljørepræsentant) break at a syllable, not leave a gap.
    oxml_reference.auto_hyphenation(document, zone=357, limit=2)
    oxml_reference.font_table(document, {
        FONT: ("swiss", "020F0502020204030204", "Arial"),  # where Calibri is missing, Arial
        "Arial": ("swiss", "020B0604020202020204", None),
    })
    _page(document)
    oxml_reference.styles_prune(document, BUILT_IN)
    oxml_reference.doc_defaults(document, FONT, 11, after_pt=6, line=264)
    oxml.lang(document, "da-DK")
    for name in BUILT_IN - DEFAULTS:
        oxml_reference.style_reset(document.styles[name])  # drop the template's blue theme look
    _headings(document)
    _header_footer(document)
    _lists(document)
    _paragraph_styles(document)
    _table_styles(document)
    missing = set(STYLE_MAP.values()) - {style.name for style in document.styles}
    assert not missing, f"STYLE_MAP names styles the reference lacks: {sorted(missing)}"
    return package_bytes(document)


def _page(document) -> None:
    """A4 portrait, 25 mm margins, 40 mm at the top for the letterhead; empty header and footer."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, Mm(297)
    section.left_margin = section.right_margin = section.bottom_margin = MARGIN
    section.top_margin = Mm(40)  # the letterhead: a 15 mm logo and the confidentiality line
    section.header_distance = section.footer_distance = Mm(12)
    section.header.is_linked_to_previous = False  # adds a header part with one "Header" paragraph
    section.footer.is_linked_to_previous = False


def _paragraph_style(document, name: str, base: str = "Normal"):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True  # show it in Word's style gallery
    return style


def _headings(document) -> None:
    """Real heading styles (for navigation and screen readers); Heading 1 is the title."""
    for level, (size, before, after) in enumerate(((18, 0, 12), (14, 12, 6), (12, 12, 3))):
        style = document.styles[f"Heading {level + 1}"]
        style.font.size = Pt(size)
        style.font.bold = True  # colour stays "automatic": black, and readable in high contrast
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
        oxml_reference.outline_lvl(style, level)


def _header_footer(document) -> None:
    """Small grey text; tab stops at the right edge of the text (and, in the header, the middle)."""
    for name, size in (("Header", 9), ("Footer", 8)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = DARK_GREY if name == "Header" else GREY
        style.paragraph_format.space_after = Pt(0)
        if name == "Header":  # the footer's one tab puts the page number flush right
            style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def _lists(document) -> None:
    """One bullet and one numbered definition; "... 2" styles use their second level."""
    bullets = [("bullet", "•"), ("bullet", "–"), ("bullet", "▪")] * 3
    numbers = [(fmt, f"%{ilvl + 1}.") for ilvl, fmt in enumerate(["decimal", "lowerLetter", "lowerRoman"] * 3)]
    bullet_id, number_id = oxml_reference.numbering_reset(document, [bullets, numbers])
    for name, num_id in (("List Bullet", bullet_id), ("List Number", number_id)):
        for suffix, ilvl in (("", 0), (" 2", 1)):
            style = document.styles[name + suffix]
            style.paragraph_format.space_after = Pt(3)
            oxml.num_pr(style, num_id, ilvl)


def _paragraph_styles(document) -> None:
    """The "Beredskab ..." paragraph styles the template classes map to."""
    style = _paragraph_style(document, "Beredskab Brevhoved", base="Header")  # organisation name
    style.font.size, style.font.bold = Pt(14), True
    style.font.color.rgb = BLACK  # the Header style is grey

    style = _paragraph_style(document, "Beredskab Fortrolig")  # "FORTROLIGT", mostly in the header
    style.font.size, style.font.bold, style.font.small_caps = Pt(10), True, True
    style.font.color.rgb = DARK_RED
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    style.paragraph_format.space_after = Pt(0)

    style = _paragraph_style(document, "Beredskab Dato")
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    style.paragraph_format.space_after = Pt(12)

    style = _paragraph_style(document, "Beredskab Note")
    style.font.size, style.font.italic, style.font.color.rgb = Pt(9), True, GREY

    style = _paragraph_style(document, "Beredskab Lille")
    style.font.size = Pt(9)

    style = _paragraph_style(document, "Beredskab Indledning")  # "Du har svaret:": stays with what it introduces
    style.paragraph_format.keep_with_next = True
    style.paragraph_format.keep_together = True

    style = _paragraph_style(document, "Beredskab Advarsel")  # e.g. "must not be sent yet"
    style.font.bold = True
    style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(12)
    style.paragraph_format.keep_together = True
    oxml_reference.p_bdr(style, ("top", "left", "bottom", "right"), size=12, color="9C0006", space=4)
    oxml_reference.shd(style, "FBEAEA")

    style = _paragraph_style(document, "Beredskab Linje")  # <hr>: an empty paragraph with a rule
    style.font.size = Pt(6)
    style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(0), Pt(6)
    oxml_reference.p_bdr(style, ("bottom",), size=6, color=LINE)

    style = _paragraph_style(document, "Beredskab Underskrift")
    # The top border is the signature line, 70 mm wide; Word draws it once above a group
    # of these paragraphs, and contextual spacing keeps the room to sign above the group only.
    style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(30), Pt(0)
    style.paragraph_format.right_indent = TEXT_WIDTH - Mm(70)
    style.paragraph_format.keep_together = True
    oxml_reference.p_bdr(style, ("top",), size=6, color="000000", space=2)
    oxml_reference.contextual_spacing(style)


def _table_styles(document) -> None:
    """"Beredskab Tabel": a light grid, shaded bold header row. "Beredskab Felter": label/value rows.
    "Beredskab Brevhoved Tabel": the borderless layout table of the letterhead."""
    for name, borders, conditional in (
        ("Beredskab Tabel", ("top", "left", "bottom", "right", "insideH", "insideV"), "firstRow"),
        ("Beredskab Felter", ("top", "bottom", "insideH"), "firstCol"),
    ):
        style = document.styles.add_style(name, WD_STYLE_TYPE.TABLE)
        style.base_style = document.styles["Normal Table"]
        style.quick_style = True
        style.font.size = Pt(10)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        oxml_reference.tbl_borders(style, borders, size=4, color=LINE)
        oxml_reference.tbl_cell_mar(style, top=40, left=85, bottom=40, right=85)
        oxml_reference.tbl_style_pr(style, conditional, bold=True, fill="F2F2F2")

    # The letterhead: a layout table (logo left, organisation right) without lines or padding.
    style = document.styles.add_style("Beredskab Brevhoved Tabel", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    oxml_reference.tbl_borders(style, ())
    oxml_reference.tbl_cell_mar(style, top=0, left=0, bottom=0, right=113)  # 2 mm between logo and text


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    output.write_bytes(build())
    print(f"{output}: {output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
