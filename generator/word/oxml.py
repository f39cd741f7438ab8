"""Write the Word XML of a document; with ``oxml_reference``, the only modules touching python-docx internals.

``writer.py`` calls these functions for paragraphs, runs, tables, fields,
numbering restarts and the document language (plain lxml: python-docx's proxy
objects cost ten times as much per element; copying and zipping the package
and pictures are in ``package.py``). ``oxml_reference.py`` holds the ones
only ``scripts/build_reference.py`` needs (styles, numbering, settings, fonts).
Each function is named after the Word element it
writes (``fld_simple`` writes ``w:fldSimple``), so a reader can look it up in the
Office Open XML reference, and a python-docx upgrade can break only this file.
"""

from __future__ import annotations

from typing import Iterable

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree



# The order of w:pPr children in the schema (CT_PPrBase); Word rejects files that break it.
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)
# The order of w:rPr children (CT_RPr).
_RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
    "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)
# The order of w:tblPr children (CT_TblPr).
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription",
)
# What may follow w:themeFontLang in w:settings (CT_Settings).
_AFTER_THEME_FONT_LANG = (
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)



def _el(tag: str, **attrs: object):
    """Return a new element ``tag`` with ``w:`` attributes (``w_val=...`` -> ``w:val``)."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(name.replace("_", ":", 1)), str(value))
    return element


def _put(parent, child, order: Iterable[str]):
    """Put ``child`` into ``parent`` in schema order, replacing a child of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    tags = [qn(tag) for tag in order]
    later = set(tags[tags.index(child.tag) + 1:]) if child.tag in tags else set(tags)
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def _ppr(target):
    """Return the w:pPr of a paragraph (w:p or python-docx's) or a style, adding it if missing."""
    return getattr(target, "_element", target).get_or_add_pPr()


def _tblpr(target):
    """Return the w:tblPr of a table or a table style, adding it (after w:rPr) if missing."""
    element = target._element
    tblPr = element.find(qn("w:tblPr"))
    if tblPr is None:
        tblPr = _el("w:tblPr")
        successors = [element.find(qn(tag)) for tag in ("w:trPr", "w:tcPr", "w:tblStylePr")]
        successors = [s for s in successors if s is not None]
        if successors:
            successors[0].addprevious(tblPr)
        else:
            element.append(tblPr)
    return tblPr


# -- fields, numbering, tables: used while building a document ------------------------


def body(document: Document):
    """Return the w:body of ``document``."""
    return document.element.body


def header_footer(document: Document, where: str):
    """Return (part, w:hdr or w:ftr) of the body's section's default ``where`` ("header"/"footer")."""
    sectPr = document.element.body.find(_W_SECTPR)  # the body's own section: the last one
    reference = None if sectPr is None else sectPr.find(f"{qn(f'w:{where}Reference')}[@{qn('w:type')}='default']")
    if reference is not None:  # what python-docx's proxies find, without compiling their XPaths
        part = document.part.related_parts[reference.get(qn("r:id"))]
        return part, part.element
    story = getattr(document.sections[-1], where)  # python-docx adds or inherits the definition
    return story.part, story.part.element


def _story(container):
    """The XML element blocks go into: of a Document, header, footer, cell, or the element itself."""
    if isinstance(container, Document):
        return container.element.body
    return getattr(container, "_element", container)


_W_P, _W_PPR, _W_PSTYLE, _W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_W_R, _W_RPR, _W_T, _W_SECTPR = qn("w:r"), qn("w:rPr"), qn("w:t"), qn("w:sectPr")
_W_TBL, _W_TCPR, _W_BR, _W_TAB, _W_TYPE = qn("w:tbl"), qn("w:tcPr"), qn("w:br"), qn("w:tab"), qn("w:type")
_W_FORMAT = (qn("w:b"), qn("w:i"), qn("w:u"))  # in w:rPr's schema order
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PLAIN = (False, False, False)


def story_clear(container) -> None:
    """Remove every paragraph and table from a body, header, footer or table cell.

    Keeps w:sectPr (page setup) and w:tcPr (cell properties).
    """
    element = _story(container)
    for child in list(element):
        if child.tag not in (_W_SECTPR, _W_TCPR):
            element.remove(child)


block_items_clear = story_clear


def last_block(element) -> str | None:
    """Return "p" or "tbl" for the last paragraph or table in ``element``, None if it has none."""
    for child in reversed(element):
        if child.tag == _W_P:
            return "p"
        if child.tag == _W_TBL:
            return "tbl"
    return None


def _append_block(element, block) -> None:
    try:
        last = element[-1]  # lxml counts children one by one for len(): that made long documents quadratic
    except IndexError:
        last = None
    if last is not None and last.tag == _W_SECTPR:
        last.addprevious(block)  # the body's own section properties stay last
    else:
        element.append(block)


def p_add(element, style_id: str | None):
    """Append a w:p with style ``style_id`` (None: the default style) to a w:body, w:hdr, w:ftr or w:tc.

    Plain lxml, not python-docx's proxies: a document has hundreds of paragraphs
    and runs, and python-docx's way costs ten times as much per element. Each is
    a copy of a prototype (one C call) rather than built element by element.
    """
    prototype = _P_PROTOTYPES.get(style_id)
    if prototype is None:
        prototype = element.makeelement(_W_P, {})
        if style_id is not None:
            ppr = etree.SubElement(prototype, _W_PPR)
            etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
        _P_PROTOTYPES[style_id] = prototype
    p = prototype.__copy__()  # lxml's copy of the tree, without copy.copy's dispatch
    _append_block(element, p)
    return p


# Paragraphs by style id and runs by formatting (and content), copied for each new one.
_P_PROTOTYPES: dict[str | None, object] = {}
_R_PROTOTYPES: dict[tuple, object] = {}


def _r(parent, fmt: tuple[bool, bool, bool], content: str | None = None):
    """Append a w:r to ``parent`` with formatting (bold, italic, underline) switched on, and an
    empty ``content`` element (a tag) if given; return the run."""
    key = (fmt, content)
    prototype = _R_PROTOTYPES.get(key)
    if prototype is None:
        prototype = parent.makeelement(_W_R, {})
        if True in fmt:  # only switch formatting on: an explicit "off" would override the style
            rpr = etree.SubElement(prototype, _W_RPR)
            for tag, on in zip(_W_FORMAT, fmt):
                if on:
                    element = etree.SubElement(rpr, tag)
                    if tag == _W_FORMAT[2]:
                        element.set(_W_VAL, "single")
        if content is not None:
            etree.SubElement(prototype, content)
        _R_PROTOTYPES[key] = prototype
    r = prototype.__copy__()
    parent.append(r)
    return r


def r_text(paragraph, text: str, bold: bool, italic: bool, underline: bool) -> None:
    """Append a w:r holding ``text`` (no tabs or line breaks) with the formatting switched on."""
    t = _r(paragraph, (bold, italic, underline), _W_T)[-1]
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


def r_break(paragraph, fmt: tuple[bool, bool, bool] = _PLAIN, *, page: bool = False) -> None:
    """Append a run with a line break (w:br), or a page break."""
    run = _r(paragraph, fmt, _W_BR)
    if page:
        run[-1].set(_W_TYPE, "page")


def r_tab(paragraph, fmt: tuple[bool, bool, bool] = _PLAIN) -> None:
    """Append a run with a tab (w:tab): to the paragraph style's next tab stop."""
    _r(paragraph, fmt, _W_TAB)


def r_drawing(paragraph, inline, fmt: tuple[bool, bool, bool] = _PLAIN, *, descr: str | None = None) -> None:
    """Append a run holding a picture (w:drawing around python-docx's wp:inline), with alternative text."""
    etree.SubElement(_r(paragraph, fmt), qn("w:drawing")).append(inline)
    if descr:
        inline.find(qn("wp:docPr")).set("descr", descr)  # for screen readers


def fld_simple(paragraph, instr: str, placeholder: str = "1", fmt: tuple[bool, bool, bool] = _PLAIN) -> None:
    """Append a w:fldSimple field (``PAGE``, ``NUMPAGES``) to a w:p or a python-docx paragraph.

    Word recalculates the field when it lays out the page; the placeholder is what
    a reader without field support shows.
    """
    field = etree.SubElement(_story(paragraph), qn("w:fldSimple"))
    field.set(qn("w:instr"), f" {instr} ")
    etree.SubElement(_r(field, fmt), _W_T).text = placeholder


def tbl_add(element, style_id: str | None, widths: list[int], rows: int, *, autofit: bool,
            first_row: bool, first_column: bool) -> list[list]:
    """Append a table over the full text width to a w:body, w:hdr or w:ftr; return its empty w:tc's by row.

    ``widths`` are the columns' widths in EMU; no row splits across pages
    (w:cantSplit); a ``first_row`` table repeats its first row on every page
    (w:tblHeader) and its style's first-row look applies.
    """
    tbl = element.makeelement(_W_TBL, {})
    pr = etree.SubElement(tbl, qn("w:tblPr"))
    if style_id is not None:
        etree.SubElement(pr, qn("w:tblStyle")).set(_W_VAL, style_id)
    etree.SubElement(pr, qn("w:tblW"), {qn("w:w"): "5000", qn("w:type"): "pct"})  # 100 % of the text width
    etree.SubElement(pr, qn("w:tblLayout"), {qn("w:type"): "autofit" if autofit else "fixed"})
    pr.append(_tbl_look(first_row=first_row, first_column=first_column))
    grid = etree.SubElement(tbl, qn("w:tblGrid"))
    twips = [str(int(round(width / 635.0))) for width in widths]
    for width in twips:
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), width)
    cells = []
    for number in range(rows):
        tr = etree.SubElement(tbl, qn("w:tr"))
        trPr = etree.SubElement(tr, qn("w:trPr"))
        etree.SubElement(trPr, qn("w:cantSplit"))  # a row split over two pages reads as two
        if first_row and number == 0:
            etree.SubElement(trPr, qn("w:tblHeader"))
        row = []
        for width in twips:
            tc = _tc(tr, width)
            row.append(tc)
        cells.append(row)
    _append_block(element, tbl)
    return cells


def _tc(tr, width: str):
    """Append an empty w:tc ``width`` twips wide (w:tcPr/w:tcW) to ``tr``, a copy of a prototype."""
    prototype = _TC_PROTOTYPES.get(width)
    if prototype is None:
        prototype = _TC_PROTOTYPES[width] = tr.makeelement(qn("w:tc"), {})
        etree.SubElement(etree.SubElement(prototype, _W_TCPR), qn("w:tcW"), {qn("w:type"): "dxa", qn("w:w"): width})
        if len(_TC_PROTOTYPES) > 256:
            _TC_PROTOTYPES.clear()
    tc = prototype.__copy__()
    tr.append(tc)
    return tc


_TC_PROTOTYPES: dict[str, object] = {}


def style_num_id(style) -> int | None:
    """The numId of the numbering a paragraph style uses (its w:numPr), None if it has none."""
    pPr = style.element.pPr
    numPr = pPr.numPr if pPr is not None else None
    if numPr is None or numPr.numId is None:
        return None
    return numPr.numId.val


def num_restart(document: Document, num_id: int | None, ilvl: int) -> int | None:
    """Add a w:num restarting at 1 (w:lvlOverride/w:startOverride) for the numbering ``num_id``.

    Return its numId, or None when there is no such numbering. Each ``<ol>`` gets
    its own w:num so a second numbered list starts at 1 instead of continuing.
    """
    if num_id is None:
        return None
    numbering = document.part.numbering_part.element
    try:
        abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    except KeyError:
        return None
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=ilvl).add_startOverride(1)
    return num.numId


def keep_next(target) -> None:
    """Keep a paragraph (w:p or python-docx's) or paragraph style on the page of the next (w:keepNext)."""
    _put(_ppr(target), _el("w:keepNext"), _PPR_ORDER)


def keep_last_with_next(element) -> None:
    """w:keepNext on the last paragraph of ``element`` when it is the last block there (not a table)."""
    for child in reversed(element):
        if child.tag == _W_TBL:
            return
        if child.tag == _W_P:
            keep_next(child)
            return


def keep_cells_with_next(cells) -> None:
    """w:keepNext on every paragraph of these table cells: their row stays on the page of the next row."""
    for cell in cells:
        for paragraph in cell.iter(_W_P):
            keep_next(paragraph)


def num_pr(target, num_id: int, ilvl: int) -> None:
    """Set w:numPr (numbering instance and level) on a paragraph or a paragraph style."""
    numPr = _el("w:numPr")
    numPr.append(_el("w:ilvl", w_val=ilvl))
    numPr.append(_el("w:numId", w_val=num_id))
    _put(_ppr(target), numPr, _PPR_ORDER)


def _tbl_look(*, first_row: bool, first_column: bool):
    """A w:tblLook: which conditional parts of the table style apply, e.g. the header row."""
    val = 0x0020 * first_row + 0x0080 * first_column + 0x0200 + 0x0400  # no banding
    return _el(
        "w:tblLook", w_val=f"{val:04X}", w_firstRow=int(first_row), w_lastRow=0,
        w_firstColumn=int(first_column), w_lastColumn=0, w_noHBand=1, w_noVBand=1,
    )


def lang(document: Document, tag: str) -> None:
    """Set the document language: w:lang in w:docDefaults and w:themeFontLang in settings."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    rPrDefault = defaults.find(qn("w:rPrDefault"))
    if rPrDefault is None:
        rPrDefault = _el("w:rPrDefault")
        defaults.insert(0, rPrDefault)
    rPr = rPrDefault.find(qn("w:rPr"))
    if rPr is None:
        rPr = _el("w:rPr")
        rPrDefault.append(rPr)
    element = rPr.find(qn("w:lang"))
    if element is None:
        element = _put(rPr, _el("w:lang"), _RPR_ORDER)
    element.set(qn("w:val"), tag)

    settings = document.settings.element
    element = settings.find(qn("w:themeFontLang"))
    if element is None:
        element = _put(settings, _el("w:themeFontLang"), ("w:themeFontLang",) + _AFTER_THEME_FONT_LANG)
    element.set(qn("w:val"), tag)
