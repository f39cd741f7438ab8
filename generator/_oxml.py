"""Write the Word XML that python-docx's public API cannot; the only module touching its internals.

``generator/word.py`` and ``scripts/build_reference.py`` call these functions for
fields, numbering restarts, borders, shading, table looks, header rows, document
language and package clean-up. Each function is named after the Word element it
writes (``fld_simple`` writes ``w:fldSimple``), so a reader can look it up in the
Office Open XML reference, and a python-docx upgrade can break only this file.
"""

from __future__ import annotations

import copy
from typing import Iterable

from docx.document import Document
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from generator import _zip

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

_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")



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


def _rpr(target):
    """Return the w:rPr of a style, adding it if missing."""
    return target._element.get_or_add_rPr()


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


def package_copy(document: Document) -> Document:
    """Return an independent copy of ``document`` and its package (every part, relation and blob).

    Copying the parsed parts costs a fraction of reading the .docx again, so the
    reference is read once per process and each new document starts from a copy.
    """
    return copy.deepcopy(document)


def body(document: Document):
    """Return the w:body of ``document``."""
    return document.element.body


def header_footer(document: Document, where: str):
    """Return (part, w:hdr or w:ftr) of the body's section's default ``where`` ("header"/"footer")."""
    story = getattr(document.sections[-1], where)
    return story.part, story._element


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
    last = element[-1] if len(element) else None
    if last is not None and last.tag == _W_SECTPR:
        last.addprevious(block)  # the body's own section properties stay last
    else:
        element.append(block)


def p_add(element, style_id: str | None):
    """Append a w:p with style ``style_id`` (None: the default style) to a w:body, w:hdr, w:ftr or w:tc.

    Plain lxml, not python-docx's proxies: a document has hundreds of paragraphs
    and runs, and python-docx's way costs ten times as much per element.
    """
    p = element.makeelement(_W_P, {})
    if style_id is not None:
        ppr = etree.SubElement(p, _W_PPR)
        etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
    _append_block(element, p)
    return p


def _r(parent, fmt: tuple[bool, bool, bool]):
    """Append a w:r to ``parent`` with formatting (bold, italic, underline) switched on."""
    r = etree.SubElement(parent, _W_R)
    if True in fmt:  # only switch formatting on: an explicit "off" would override the style
        rpr = etree.SubElement(r, _W_RPR)
        for tag, on in zip(_W_FORMAT, fmt):
            if on:
                element = etree.SubElement(rpr, tag)
                if tag == _W_FORMAT[2]:
                    element.set(_W_VAL, "single")
    return r


def r_text(paragraph, text: str, bold: bool, italic: bool, underline: bool) -> None:
    """Append a w:r holding ``text`` (no tabs or line breaks) with the formatting switched on."""
    t = etree.SubElement(_r(paragraph, (bold, italic, underline)), _W_T)
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


def r_break(paragraph, fmt: tuple[bool, bool, bool] = _PLAIN, *, page: bool = False) -> None:
    """Append a run with a line break (w:br), or a page break."""
    br = etree.SubElement(_r(paragraph, fmt), _W_BR)
    if page:
        br.set(_W_TYPE, "page")


def r_tab(paragraph, fmt: tuple[bool, bool, bool] = _PLAIN) -> None:
    """Append a run with a tab (w:tab): to the paragraph style's next tab stop."""
    etree.SubElement(_r(paragraph, fmt), _W_TAB)


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

    ``widths`` are the columns' widths in EMU; a ``first_row`` table repeats its
    first row on every page (w:tblHeader) and its style's first-row look applies.
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
        if first_row and number == 0:
            etree.SubElement(etree.SubElement(tr, qn("w:trPr")), qn("w:tblHeader"))
        row = []
        for width in twips:
            tc = etree.SubElement(tr, qn("w:tc"))
            etree.SubElement(etree.SubElement(tc, _W_TCPR), qn("w:tcW"), {qn("w:type"): "dxa", qn("w:w"): width})
            row.append(tc)
        cells.append(row)
    _append_block(element, tbl)
    return cells


def style_num_id(style) -> int | None:
    """The numId of the numbering a paragraph style uses (its w:numPr), None if it has none."""
    pPr = style._element.pPr
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


def num_pr(target, num_id: int, ilvl: int) -> None:
    """Set w:numPr (numbering instance and level) on a paragraph or a paragraph style."""
    numPr = _el("w:numPr")
    numPr.append(_el("w:ilvl", w_val=ilvl))
    numPr.append(_el("w:numId", w_val=num_id))
    _put(_ppr(target), numPr, _PPR_ORDER)


def tbl_header(row) -> None:
    """Mark ``row`` as a header row (w:tblHeader) that Word repeats on every page."""
    row._tr.get_or_add_trPr().append(_el("w:tblHeader"))


def tbl_w(table, fiftieths_of_percent: int = 5000) -> None:
    """Set the table width (w:tblW) relative to the text width; 5000 is 100 %."""
    _put(_tblpr(table), _el("w:tblW", w_w=fiftieths_of_percent, w_type="pct"), _TBLPR_ORDER)


def tbl_look(table, *, first_row: bool, first_column: bool) -> None:
    """Say which conditional parts of the table style apply (w:tblLook), e.g. the header row."""
    _put(_tblpr(table), _tbl_look(first_row=first_row, first_column=first_column), _TBLPR_ORDER)


def _tbl_look(*, first_row: bool, first_column: bool):
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


def package_bytes(document: Document) -> bytes:
    """Return the .docx bytes of ``document``, zip entries with a fixed time (reproducible).

    What ``Document.save`` does, in one pass: python-docx's writer stamps every
    entry with the current time, so saving and re-zipping would compress twice.
    """
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    entries = [(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob),
               (PACKAGE_URI.rels_uri.membername, package.rels.xml)]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return _zip.archive(entries)


# -- styles and package: used by scripts/build_reference.py ----------------------------


def styles_prune(document: Document, keep: set[str]) -> None:
    """Remove every w:style not named in ``keep``, w:latentStyles, w:rsid and dangling w:link."""
    styles = document.styles.element
    for style in list(document.styles):
        if style.name not in keep:
            styles.remove(style.element)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    for style in document.styles:
        for tag in ("w:rsid", "w:link"):
            for child in style.element.findall(qn(tag)):
                style.element.remove(child)


def style_reset(style) -> None:
    """Remove a style's paragraph, run and table formatting so it can be defined afresh."""
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
        for child in style._element.findall(qn(tag)):
            style._element.remove(child)


def doc_defaults(document: Document, font: str, size_pt: float, after_pt: float, line: int) -> None:
    """Write w:docDefaults: font, size, and paragraph spacing every style inherits.

    Spacing lives here rather than in Normal because Word lets Normal override a
    table style's spacing, but not the document defaults.
    """
    styles = document.styles.element
    for old in styles.findall(qn("w:docDefaults")):
        styles.remove(old)
    defaults = _el("w:docDefaults")
    rPr = _el("w:rPr")
    rPr.append(_el("w:rFonts", w_ascii=font, w_hAnsi=font, w_eastAsia=font, w_cs=font))
    rPr.append(_el("w:sz", w_val=round(size_pt * 2)))
    rPr.append(_el("w:szCs", w_val=round(size_pt * 2)))
    rPr.append(_el("w:lang", w_val="da-DK", w_eastAsia="en-US", w_bidi="ar-SA"))
    pPr = _el("w:pPr")
    pPr.append(_el("w:spacing", w_after=round(after_pt * 20), w_line=line, w_lineRule="auto"))
    for wrapper, content in (("w:rPrDefault", rPr), ("w:pPrDefault", pPr)):
        element = _el(wrapper)
        element.append(content)
        defaults.append(element)
    styles.insert(0, defaults)


def p_bdr(target, sides: Iterable[str], *, size: int = 6, color: str = "000000", space: int = 1) -> None:
    """Give a paragraph or paragraph style single-line borders (w:pBdr) on ``sides``.

    ``size`` is in eighths of a point, ``space`` the gap to the text in points.
    """
    border = _el("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            border.append(_el(f"w:{side}", w_val="single", w_sz=size, w_space=space, w_color=color))
    _put(_ppr(target), border, _PPR_ORDER)


def shd(target, fill: str) -> None:
    """Give a paragraph or paragraph style a background colour (w:shd)."""
    _put(_ppr(target), _el("w:shd", w_val="clear", w_color="auto", w_fill=fill), _PPR_ORDER)


def contextual_spacing(target) -> None:
    """Drop spacing between paragraphs of the same style (w:contextualSpacing)."""
    _put(_ppr(target), _el("w:contextualSpacing"), _PPR_ORDER)


def outline_lvl(style, level: int) -> None:
    """Put a heading style on outline level ``level`` (w:outlineLvl), 0 for Heading 1."""
    _put(_ppr(style), _el("w:outlineLvl", w_val=level), _PPR_ORDER)


def tbl_borders(table_style, sides: Iterable[str], *, size: int = 4, color: str = "A6A6A6") -> None:
    """Give a table style single-line borders (w:tblBorders) on ``sides`` (incl. insideH/V)."""
    borders = _el("w:tblBorders")
    for side in _BORDER_SIDES:
        if side in sides:
            borders.append(_el(f"w:{side}", w_val="single", w_sz=size, w_space=0, w_color=color))
    _put(_tblpr(table_style), borders, _TBLPR_ORDER)


def tbl_cell_mar(table_style, *, top: int, left: int, bottom: int, right: int) -> None:
    """Set a table style's cell padding (w:tblCellMar) in twentieths of a point."""
    margins = _el("w:tblCellMar")
    for side, width in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        margins.append(_el(f"w:{side}", w_w=width, w_type="dxa"))
    _put(_tblpr(table_style), margins, _TBLPR_ORDER)


def tbl_style_pr(table_style, kind: str, *, bold: bool = False, fill: str | None = None) -> None:
    """Add conditional formatting (w:tblStylePr) to a table style, e.g. kind ``firstRow``.

    It applies where the table's w:tblLook switches it on (see ``tbl_look``).
    """
    conditional = _el("w:tblStylePr", w_type=kind)
    if bold:
        rPr = _el("w:rPr")
        rPr.append(_el("w:b"))
        rPr.append(_el("w:bCs"))
        conditional.append(rPr)
    if fill:
        tcPr = _el("w:tcPr")
        tcPr.append(_el("w:shd", w_val="clear", w_color="auto", w_fill=fill))
        conditional.append(tcPr)
    table_style._element.append(conditional)


def numbering_reset(document: Document, lists: list[list[tuple[str, str]]], indent: int = 360) -> list[int]:
    """Replace numbering.xml by one w:abstractNum and one w:num per list; return the numIds.

    Each list is a list of levels ``(numFmt, lvlText)``, e.g. ``("decimal", "%1.")``;
    level n is indented ``indent * (n + 1)`` twips with a hanging first line.
    """
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for abstract_id, levels in enumerate(lists):
        abstract = _el("w:abstractNum", w_abstractNumId=abstract_id)
        abstract.append(_el("w:nsid", w_val=f"5B0E{abstract_id:04X}"))
        abstract.append(_el("w:multiLevelType", w_val="hybridMultilevel"))
        for ilvl, (fmt, text) in enumerate(levels):
            level = _el("w:lvl", w_ilvl=ilvl)
            level.append(_el("w:start", w_val=1))
            level.append(_el("w:numFmt", w_val=fmt))
            level.append(_el("w:lvlText", w_val=text))
            level.append(_el("w:lvlJc", w_val="left"))
            pPr = _el("w:pPr")
            pPr.append(_el("w:ind", w_left=indent * (ilvl + 1), w_hanging=indent))
            level.append(pPr)
            abstract.append(level)
        numbering.append(abstract)
    return [numbering.add_num(abstract_id).numId for abstract_id in range(len(lists))]


def settings_reset(document: Document, *, tab_stop: int, decimal: str, list_separator: str) -> None:
    """Tidy w:settings: drop edit history (w:rsids) and proofing state, use Word 2013+ layout."""
    settings = document.settings.element
    for tag in ("w:rsids", "w:proofState", "w14:docId", "w:savePreviewPicture", "w:attachedTemplate"):
        for child in settings.findall(qn(tag)):
            settings.remove(child)
    for child in settings.iter(qn("w:compatSetting")):
        if child.get(qn("w:name")) == "compatibilityMode":
            child.set(qn("w:val"), "15")
    for tag, value in (("w:defaultTabStop", tab_stop), ("w:decimalSymbol", decimal),
                       ("w:listSeparator", list_separator)):
        for child in settings.findall(qn(tag)):
            child.set(qn("w:val"), str(value))


def core_properties_clear(document: Document) -> None:
    """Empty docProps/core.xml: no author, title, dates or revision."""
    element = document.core_properties._element
    for child in list(element):
        element.remove(child)


def package_prune(document: Document) -> None:
    """Drop parts a generated letter does not need: thumbnail, app.xml, web settings,
    the Word 2010 styles copy (stylesWithEffects) and custom XML."""
    unused = ("/stylesWithEffects", "/webSettings", "/customXml", "/thumbnail", "/extended-properties")
    for rId, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(unused):
            document.part.drop_rel(rId)
    package_rels = document.part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype.endswith(unused):
            del package_rels[rId]


def font_table(document: Document, fonts: dict[str, tuple[str, str, str | None]]) -> None:
    """Replace word/fontTable.xml by ``fonts``: name -> (w:family, w:panose1, w:altName).

    The family, panose number and alternative name let Word and LibreOffice pick a
    close substitute when a font is not installed.
    """
    xml = ['<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">']
    for name, (family, panose, alt_name) in fonts.items():
        xml.append(f'<w:font w:name="{name}">')
        if alt_name:
            xml.append(f'<w:altName w:val="{alt_name}"/>')
        xml.append(f'<w:panose1 w:val="{panose}"/><w:charset w:val="00"/>'
                   f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    xml.append("</w:fonts>")
    blob = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + "".join(xml)).encode()
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            rel.target_part._blob = blob
