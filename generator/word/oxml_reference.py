"""Write the Word XML of the reference document's styles and package: ``scripts/build_reference.py``.

With ``beredskab.word.oxml``, what building ``templates/reference.docx`` (and the
example pack's) needs on python-docx's objects: styles, numbering, settings,
fonts, package clean-up, and saving it reproducibly. Named after the Word
elements they write, as there.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Iterable

from docx.document import Document
from docx.oxml.ns import qn

from . import _zip
from .oxml import _PPR_ORDER, _TBLPR_ORDER, _el, _ppr, _put, _tblpr

_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


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
    """Write w:docDefaults: font, size, paragraph spacing and widow control every style inherits.

    Spacing lives here rather than in Normal because Word lets Normal override a
    table style's spacing, but not the document defaults. Widow control (no
    single line of a paragraph alone on a page) is written out: the format
    leaves it off when no style sets it (LibreOffice turns it on anyway).
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
    pPr.append(_el("w:widowControl"))
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

    It applies where the table's w:tblLook switches it on (see ``oxml.tbl_add``).
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


def auto_hyphenation(document: Document, *, zone: int, limit: int) -> None:
    """Turn on automatic hyphenation (w:autoHyphenation): long Danish compounds break at a syllable.

    ``zone`` is the hyphenation zone in twips, ``limit`` the most lines in a row that
    may end in a hyphen. The elements follow w:defaultTabStop, where CT_Settings wants them.
    """
    settings = document.settings.element
    tags = ("w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone")
    for tag in tags:
        for child in settings.findall(qn(tag)):
            settings.remove(child)
    previous = settings.find(qn("w:defaultTabStop"))
    for index, element in enumerate((_el("w:autoHyphenation", w_val="true"),
                                     _el("w:consecutiveHyphenLimit", w_val=limit),
                                     _el("w:hyphenationZone", w_val=zone))):
        if previous is None:
            settings.insert(index, element)  # no tab stop: first, before all they must precede
        else:
            previous.addnext(element)
        previous = element


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


def package_bytes(document: Document) -> bytes:
    """The .docx bytes of ``document`` with every entry at a fixed time (1980-01-01), so a rebuild
    from the same script gives the same bytes (python-docx stamps entries with the current time)."""
    saved = BytesIO()
    document.save(saved)
    archive = zipfile.ZipFile(saved)
    return _zip.archive([_zip.entry(info.filename, archive.read(info)) for info in archive.infolist()])
