"""WordprocessingML of a document's stories as text: paragraphs, runs, tables, fields, pictures.

The writer collects a story (the body, a header, a footer, a table cell) as a
list of blocks, ``P`` and ``Tbl``, whose runs are already XML text; ``xml``
writes the list out in one pass. A block stays an object until then because
some properties are known only later: a signature keeps the paragraph before it
with it, a short table keeps its rows together. Strings instead of lxml
elements: a note has hundreds of paragraphs and runs, and building, then
serialising, an element for each costs several times as much as the text.

Each function is named after the Word element it writes (``fld_simple`` writes
``w:fldSimple``), so a reader can look it up in the Office Open XML reference.
The output is what python-docx and lxml would write for the same elements.
"""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"

#: The namespace prefixes the text below uses; a story's root element declares them.
PREFIXES = {"w": W_NS, "r": R_NS, "wp": WP_NS}

# The order of w:rPr children (CT_RPr): where w:lang goes in the document defaults.
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps",
    "strike", "dstrike", "outline", "shadow", "emboss", "imprint",
    "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
    "eastAsianLayout", "specVanish", "oMath",
)
# What may follow w:themeFontLang in w:settings (CT_Settings); the prefix is w: unless given.
AFTER_THEME_FONT_LANG = (
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "sl:schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator",
)

Format = tuple[bool, bool, bool]  # bold, italic, underline
PLAIN: Format = (False, False, False)


def text(value: str) -> str:
    """``value`` escaped for XML text, as lxml writes it."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def attribute(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute, as lxml writes it."""
    value = text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    for char, ref in (("\n", "&#10;"), ("\t", "&#9;")):
        if char in value:
            value = value.replace(char, ref)
    return value


class P:
    """A w:p: its style id (None: the default style), keep-with-next, numbering and runs (XML text)."""

    __slots__ = ("style", "keep", "num", "runs")

    def __init__(self, style: str | None) -> None:
        self.style = style  # escaped already
        self.keep = False
        self.num: tuple[int, int] | None = None  # (numId, ilvl)
        self.runs: list[str] = []


class Tbl:
    """A w:tbl: its properties and grid (XML text), and rows of (w:trPr text, cells: [(w:tcPr text, blocks)])."""

    __slots__ = ("head", "rows")

    def __init__(self, head: str, rows: list[tuple[str, list[tuple[str, list]]]]) -> None:
        self.head = head
        self.rows = rows


def p_add(blocks: list, style_id: str | None) -> P:
    """Append a paragraph with style ``style_id`` (escaped; None: the default style) to a story."""
    p = P(style_id)
    blocks.append(p)
    return p


def last_block(blocks: list) -> str | None:
    """Return "p" or "tbl" for the story's last block, None if it has none."""
    if not blocks:
        return None
    return "p" if type(blocks[-1]) is P else "tbl"


def _run_open(fmt: Format) -> str:
    """The start of a w:r with formatting (bold, italic, underline) switched on.

    Only on: an explicit "off" would override the style.
    """
    if True not in fmt:
        return "<w:r>"
    bold, italic, underline = fmt
    return ("<w:r><w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
            + ('<w:u w:val="single"/>' if underline else "") + "</w:rPr>")


_RUN_OPEN = {(b, i, u): _run_open((b, i, u)) for b in (False, True) for i in (False, True) for u in (False, True)}


def r_text(p: P, value: str, bold: bool, italic: bool, underline: bool) -> None:
    """Append a w:r holding ``value`` (no tabs or line breaks) with the formatting switched on."""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""  # value != value.strip()
    p.runs.append(f"{_RUN_OPEN[bold, italic, underline]}<w:t{space}>{text(value)}</w:t></w:r>")


def r_break(p: P, fmt: Format = PLAIN, *, page: bool = False) -> None:
    """Append a run with a line break (w:br), or a page break."""
    p.runs.append(_RUN_OPEN[fmt] + ('<w:br w:type="page"/>' if page else "<w:br/>") + "</w:r>")


def r_tab(p: P, fmt: Format = PLAIN) -> None:
    """Append a run with a tab (w:tab): to the paragraph style's next tab stop."""
    p.runs.append(_RUN_OPEN[fmt] + "<w:tab/></w:r>")


def fld_simple(p: P, instr: str, placeholder: str = "1", fmt: Format = PLAIN) -> None:
    """Append a w:fldSimple field (``PAGE``, ``NUMPAGES``); Word recalculates it on layout, the
    placeholder is what a reader without field support shows."""
    p.runs.append(f'<w:fldSimple w:instr=" {attribute(instr)} ">{_RUN_OPEN[fmt]}'
                  f"<w:t>{text(placeholder)}</w:t></w:r></w:fldSimple>")


def r_drawing(p: P, shape_id: int, rid: str, filename: str, cx: int, cy: int, fmt: Format = PLAIN,
              descr: str | None = None) -> None:
    """Append a run holding a picture (w:drawing/wp:inline, as python-docx's ``new_pic_inline``)
    related as ``rid``, ``cx`` by ``cy`` EMU, with alternative text for screen readers."""
    described = f' descr="{attribute(descr)}"' if descr else ""
    p.runs.append(
        f'{_RUN_OPEN[fmt]}<w:drawing><wp:inline xmlns:a="{A_NS}" xmlns:pic="{PIC_NS}">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{shape_id}" name="Picture {shape_id}"{described}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="{PIC_NS}"><pic:pic><pic:nvPicPr>'
        f'<pic:cNvPr id="0" name="{attribute(filename)}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def tbl_add(blocks: list, style_id: str | None, widths: list[int], rows: int, *, autofit: bool,
            first_row: bool, first_column: bool) -> list[list[list]]:
    """Append a table over the full text width to a story; return its cells' (empty) stories by row.

    ``widths`` are the columns' widths in EMU; no row splits across pages
    (w:cantSplit); a ``first_row`` table repeats its first row on every page
    (w:tblHeader) and its style's first-row look applies.
    """
    look = 0x0020 * first_row + 0x0080 * first_column + 0x0200 + 0x0400  # no banding
    twips = [str(int(round(width / 635.0))) for width in widths]
    head = ("<w:tblPr>" + (f'<w:tblStyle w:val="{style_id}"/>' if style_id is not None else "")
            + '<w:tblW w:w="5000" w:type="pct"/>'  # 100 % of the text width
            + f'<w:tblLayout w:type="{"autofit" if autofit else "fixed"}"/>'
            + f'<w:tblLook w:val="{look:04X}" w:firstRow="{int(first_row)}" w:lastRow="0" '
            f'w:firstColumn="{int(first_column)}" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
            + "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>")
    tc_pr = [f'<w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr>' for w in twips]
    table_rows = []
    cells = []
    for number in range(rows):
        # a row split over two pages reads as two; the header row repeats
        tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if first_row and number == 0 \
            else "<w:trPr><w:cantSplit/></w:trPr>"
        row = [(pr, []) for pr in tc_pr]
        table_rows.append((tr_pr, row))
        cells.append([story for _, story in row])
    blocks.append(Tbl(head, table_rows))
    return cells


def keep_next(p: P) -> None:
    """Keep a paragraph on the page of the next (w:keepNext)."""
    p.keep = True


def keep_last_with_next(blocks: list) -> None:
    """w:keepNext on the story's last paragraph when it is the last block there (not a table)."""
    if blocks and type(blocks[-1]) is P:
        blocks[-1].keep = True


def keep_cells_with_next(cells: list[list]) -> None:
    """w:keepNext on every paragraph of these table cells: their row stays on the page of the next row."""
    for story in cells:
        for block in story:
            if type(block) is P:
                block.keep = True


def num_pr(p: P, num_id: int, ilvl: int) -> None:
    """Set w:numPr (numbering instance and level) on a paragraph."""
    p.num = (num_id, ilvl)


def xml(blocks: list) -> str:
    """The XML text of a story's blocks."""
    out: list[str] = []
    _write(blocks, out)
    return "".join(out)


def _write(blocks: list, out: list[str]) -> None:
    append = out.append
    for block in blocks:
        if type(block) is P:
            if block.style is None and not block.keep and block.num is None:
                append("<w:p>" if block.runs else "<w:p/>")
            else:  # w:pPr's children in schema order (CT_PPrBase): pStyle, keepNext, numPr
                append("<w:p><w:pPr>")
                if block.style is not None:
                    append(f'<w:pStyle w:val="{block.style}"/>')
                if block.keep:
                    append("<w:keepNext/>")
                if block.num is not None:
                    append(f'<w:numPr><w:ilvl w:val="{block.num[1]}"/><w:numId w:val="{block.num[0]}"/></w:numPr>')
                append("</w:pPr>")
            if block.runs:
                out += block.runs
                append("</w:p>")
            elif block.style is not None or block.keep or block.num is not None:
                append("</w:p>")
        else:
            append("<w:tbl>")
            append(block.head)
            for tr_pr, row in block.rows:
                append("<w:tr>")
                append(tr_pr)
                for tc_pr, story in row:
                    append("<w:tc>")
                    append(tc_pr)
                    _write(story, out)
                    append("</w:tc>")
                append("</w:tr>")
            append("</w:tbl>")
