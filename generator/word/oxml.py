"""Word XML on python-docx's objects, by element: what the scripts that build reference.docx need.

The engine writes documents without python-docx (``_wml`` writes their XML as
text). ``scripts/build_reference.py``, ``scripts/build_example_pack.py`` and the
benchmark's docxtpl template work on python-docx ``Document`` objects; these
helpers, and ``oxml_reference`` (styles, numbering, settings, fonts), are the
only modules touching python-docx internals. Each function is named after the
Word element it writes (``fld_simple`` writes ``w:fldSimple``), so a reader can
look it up in the Office Open XML reference.
"""

from __future__ import annotations

from typing import Iterable

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ._reading import put
from ._wml import AFTER_THEME_FONT_LANG, RPR_ORDER

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
# The order of w:tblPr children (CT_TblPr).
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription",
)
_RPR_ORDER = tuple(f"w:{tag}" for tag in RPR_ORDER)
_AFTER_THEME_FONT_LANG = tuple(tag if ":" in tag else f"w:{tag}" for tag in AFTER_THEME_FONT_LANG)


def _el(tag: str, **attrs: object):
    """Return a new element ``tag`` with ``w:`` attributes (``w_val=...`` -> ``w:val``)."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(name.replace("_", ":", 1)), str(value))
    return element


def _put(parent, child, order: Iterable[str]):
    """Put ``child`` into ``parent`` in schema order, replacing a child of the same tag."""
    return put(parent, child, [qn(tag) for tag in order])


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


# -- used on python-docx documents ---------------------------------------------------


def _story(container):
    """The XML element blocks go into: of a Document, header, footer, cell, or the element itself."""
    if isinstance(container, Document):
        return container.element.body
    return getattr(container, "_element", container)


_W_SECTPR, _W_TCPR = qn("w:sectPr"), qn("w:tcPr")


def story_clear(container) -> None:
    """Remove every paragraph and table from a body, header, footer or table cell.

    Keeps w:sectPr (page setup) and w:tcPr (cell properties).
    """
    element = _story(container)
    for child in list(element):
        if child.tag not in (_W_SECTPR, _W_TCPR):
            element.remove(child)


block_items_clear = story_clear


def fld_simple(paragraph, instr: str, placeholder: str = "1") -> None:
    """Append a w:fldSimple field (``PAGE``, ``NUMPAGES``) to a python-docx paragraph or a w:p.

    Word recalculates the field when it lays out the page; the placeholder is what
    a reader without field support shows.
    """
    field = _el("w:fldSimple", w_instr=f" {instr} ")
    run = _el("w:r")
    text = _el("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    _story(paragraph).append(field)


def num_pr(target, num_id: int, ilvl: int) -> None:
    """Set w:numPr (numbering instance and level) on a paragraph or a paragraph style."""
    numPr = _el("w:numPr")
    numPr.append(_el("w:ilvl", w_val=ilvl))
    numPr.append(_el("w:numId", w_val=num_id))
    _put(_ppr(target), numPr, _PPR_ORDER)


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
