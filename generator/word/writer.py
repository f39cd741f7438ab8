"""Turn the small HTML subset that templates emit into a Word .docx.

Each tag, or tag with a class, maps to a named style of the reference document
(``STYLE_MAP``), so a department restyles its letters in Word, not in code. The
HTML is parsed and checked by ``generator._html`` (unknown tags, classes and
attributes and misplaced elements raise ``TemplateError``), then walked into the
stories of a new document (``_document``) on the reference .docx (``_package``,
read once per process: its unchanged parts are zip entries ready to copy). The
Word XML itself is written as text by ``_wml``; python-docx is not needed here.

A list inside ``li`` is level 2; every ``ol`` starts at 1; ``div.header``/
``div.footer`` (outermost only) replace the page header/footer; ``span.tab``
jumps to the style's next tab stop (the header style has one centred and one
flush right, the footer style one flush right); ``div`` and ``span`` without a
class only group.

Tables span the text width. A first row of ``th`` repeats on each page, and no
row splits across pages. ``width="45%"`` on the cells of the first row sets the
columns' shares of the text width (columns without one share the rest; shares
under 100 % are stretched); without it, data tables get equal columns,
``table.fields`` 35/65 and ``table.letterhead`` (a borderless layout table) a
logo column.

Headings and ``p.lead-in`` (a paragraph introducing what follows, "Du har
svaret:") keep with the next paragraph through their styles, so a department
can change it in Word; a ``div.signature`` (room to sign, the line, name,
title) never splits: keep-with-next on all its paragraphs but the last, and
keep-lines in its style.

Attributes: ``class``, ``checked`` (span), ``src`` and ``alt`` (img), ``width``
(th, td); ``title`` and ``id`` are ignored; ``style`` and ``on...`` are refused:
formatting belongs in the styles.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG
from typing import Callable

from . import _wml as wml
from ._document import Document, core_properties
from ._package import Reference, load as load_reference
from ._picture import picture
from ._reference import MAX_TOTAL_BYTES, clean_reference
from ._html import ALLOWED_TAGS, PARAGRAPH_CLASSES, Node, parse
from ._inline import inline_items, plain_text, segments
from ..errors import BeredskabError, TemplateError

__all__ = ["ALLOWED_TAGS", "LOGO_COLUMN", "LOGO_HEIGHT", "STYLE_MAP", "build_document", "check_html",
           "cleaned_reference"]

#: HTML tag, ``tag.class`` or ``ancestor tag`` -> name of the Word style in reference.docx.
STYLE_MAP: dict[str, str] = {
    "h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3",
    "p": "Normal", "div.header p": "Header", "div.footer p": "Footer",
    "p.date": "Beredskab Dato", "p.confidential": "Beredskab Fortrolig", "p.note": "Beredskab Note",
    "p.warning": "Beredskab Advarsel", "p.letterhead": "Beredskab Brevhoved", "p.small": "Beredskab Lille",
    "p.lead-in": "Beredskab Indledning",
    "ul": "List Bullet", "ol": "List Number", "li ul": "List Bullet 2", "li ol": "List Number 2",
    "table": "Beredskab Tabel", "table.fields": "Beredskab Felter", "table.letterhead": "Beredskab Brevhoved Tabel",
    "hr": "Beredskab Linje", "div.signature": "Beredskab Underskrift",
}
assert {f"p.{cls}" for cls in PARAGRAPH_CLASSES} <= set(STYLE_MAP), "every paragraph class needs a style"

#: Largest picture file (a logo is copied into every document) and its most pixels each way.
MAX_PICTURE_BYTES = 2_000_000
MAX_PICTURE_PIXELS = 10_000

#: A table of at most this many rows is kept on one page (keep-with-next on all rows but the last).
KEEP_TOGETHER_ROWS = 12

#: Height of a logo (img.logo) and width of the letterhead table's first column, which holds it.
LOGO_HEIGHT = 15 * 36000  # EMU: 36,000 a millimetre
LOGO_COLUMN = 22 * 36000

#: Height of a chart (img.chart, e.g. the annual review's): most of a page's width at 4:3.
CHART_HEIGHT = 110 * 36000


def check_html(html: str) -> None:
    """Raise TemplateError for unknown tags/classes/attributes or misplaced elements, building nothing."""
    parse(html)


class _Story:
    """Where blocks go (body, header, footer or table cell) and how they look there.

    A plain class, not a dataclass: a note makes one for each of its hundred cells.
    """

    __slots__ = ("document", "reference", "where", "element", "style", "resolve_asset", "bold", "cell")

    def __init__(self, document: Document, reference: Reference, where: str | None, element: list, style: str,
                 resolve_asset: Callable[[str], Path] | None, bold: bool = False, cell: bool = False) -> None:
        self.document = document  # numbering restarts and pictures are added there
        self.reference = reference  # style ids and the text width
        self.where = where  # the story's part: None for the body, "header" or "footer"; pictures are related from it
        self.element = element  # the blocks of the body, header, footer or table cell
        self.style = style  # the style of a <p> without a class here
        self.resolve_asset = resolve_asset
        self.bold = bold  # a header cell or a field label: all its text is bold
        self.cell = cell  # a header, footer or cell must end with a paragraph

    def inside(self, element: list, *, where: str | None = None, style: str | None = None, bold: bool = False):
        """The story of a header, footer (``where``) or table cell within this one."""
        return _Story(self.document, self.reference, where or self.where, element, style or self.style,
                      self.resolve_asset, bold, True)


def build_document(
    html: str,
    reference: Path,
    *,
    resolve_asset: Callable[[str], Path] | None = None,
    properties: dict | None = None,
) -> bytes:
    """Render the HTML subset onto a copy of the reference .docx; return the .docx bytes."""
    root = parse(html)
    try:
        ref = _reference(Path(reference))
    except Exception as exc:
        if not isinstance(exc, (OSError, KeyError, ValueError)) and not _bad_zip(exc):
            raise
        raise TemplateError(f"Referencedokumentet '{Path(reference).name}' kan ikke åbnes som .docx") from exc
    divs = {where: [n for n in root.children if isinstance(n, Node) and n.key == f"div.{where}"]
            for where in ("header", "footer")}
    document = Document(ref, tuple(where for where in ("header", "footer") if divs[where]))
    story = _Story(document, ref, None, document.body, STYLE_MAP["p"], resolve_asset)
    for where in document.stories:
        content = [child for div in divs[where] for child in div.children]
        _fill(story.inside(document.stories[where], where=where, style=STYLE_MAP[f"div.{where} p"]), content)
    body = [n for n in root.children if not (isinstance(n, Node) and n.key in ("div.header", "div.footer"))]
    _fill(story, body)
    core, language = core_properties(properties or {})
    return document.docx(core, language)


def _bad_zip(exc: Exception) -> bool:
    """Whether ``exc`` is zipfile's BadZipFile; zipfile is imported only where a reference is read
    from its .docx (not from the cache), so without it no such error was raised."""
    zipfile = sys.modules.get("zipfile")
    return zipfile is not None and isinstance(exc, zipfile.BadZipFile)


def _reference(reference: Path) -> Reference:
    """The parsed reference, read once per process while the file is unchanged."""
    info = os.stat(reference)
    return _read_reference(reference, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=8)
def _read_reference(path: Path, mtime_ns: int, size: int) -> Reference:
    _check_size(path, size)
    return load_reference(path, lambda data: clean_reference(data, path.name)[0])


def cleaned_reference(reference: Path) -> tuple[bytes, list[str]]:
    """The reference as documents take it, and Danish lines for what they leave out (for ``plan check``)."""
    return _cleaned_reference(Path(reference), Path(reference).stat().st_size)


def _cleaned_reference(path: Path, size: int) -> tuple[bytes, list[str]]:
    """The reference with only what a letterhead needs (see ``_reference``), size checked first."""
    _check_size(path, size)
    return clean_reference(path.read_bytes(), path.name)


def _check_size(path: Path, size: int) -> None:
    if size > MAX_TOTAL_BYTES:
        raise TemplateError(f"referencedokumentet '{path.name}' er for stort (højst {MAX_TOTAL_BYTES // 1_000_000} MB)")


def _fill(story: _Story, nodes: list[Node | str]) -> None:
    """Write ``nodes`` into the (empty) story; a header, footer or cell must end with a paragraph."""
    if story.cell and len(nodes) == 1 and type(nodes[0]) is str:  # most cells: one plain text, one paragraph
        _text_paragraph(story.element, story.reference.style_id(story.style), nodes[0], story.bold)
        return
    _blocks(story, nodes)
    if story.cell and wml.last_block(story.element) in (None, "tbl"):
        _paragraph(story, story.style)


def _blocks(story: _Story, nodes: list[Node | str]) -> None:
    for kind, item in segments(nodes):
        if kind == "block":
            _block(story, item)
        elif items := inline_items(item, story.bold):
            _write_inline(_paragraph(story, story.style), items, story)


def _block(story: _Story, node: Node) -> None:
    if node.tag in ("h1", "h2", "h3", "p"):
        style = story.style if node.key == "p" else STYLE_MAP[node.key]
        if len(node.children) == 1 and type(node.children[0]) is str:
            _text_paragraph(story.element, story.reference.style_id(style), node.children[0], story.bold)
        else:
            _write_inline(_paragraph(story, style), inline_items(node.children, story.bold), story)
    elif node.tag in ("ul", "ol"):
        _list(story, node, level=1)
    elif node.tag == "table":
        _table(story, node)
    elif node.tag == "hr":
        _paragraph(story, STYLE_MAP["hr"])
    elif node.key == "div.signature":
        _signature(story, node)
    elif node.key == "div.page-break":
        wml.r_break(_paragraph(story, story.style), (False, False, False), page=True)


def _paragraph(story: _Story, style: str):
    return wml.p_add(story.element, story.reference.style_id(style))


def _text_paragraph(element: list, style_id: str | None, text: str, bold: bool) -> None:
    """A paragraph holding one plain text (empty if it is only white space) in the story ``element``:
    what ``_write_inline`` writes for its ``inline_items``, without making them."""
    paragraph = wml.p_add(element, style_id)
    text = plain_text(text)
    if text:
        wml.r_text(paragraph, text, bold, False, False)


def _list(story: _Story, node: Node, level: int) -> None:
    """Write a ul/ol; each ol gets its own numbering instance so it starts at 1."""
    style = STYLE_MAP[node.tag if level == 1 else f"li {node.tag}"]
    ilvl = min(level, 2) - 1  # deeper lists stay at level 2: the styles stop there
    style_num = story.reference.num_id(style)
    num_id = story.document.num_restart(style_num, ilvl) if node.tag == "ol" else None
    for li in node.children:
        for kind, item in segments(li.children):
            if kind == "block":
                _list(story, item, level + 1)
            elif items := inline_items(item, story.bold):
                paragraph = _paragraph(story, style)
                if num_id is not None:
                    wml.num_pr(paragraph, num_id, ilvl)
                _write_inline(paragraph, items, story)


def _table(story: _Story, node: Node) -> None:
    """Write a table over the full text width; a first row of th repeats on every page, rows never split."""
    rows = [tr for child in node.children for tr in (child.children if child.tag != "tr" else [child])]
    columns = max((len(tr.children) for tr in rows), default=0)
    if not columns:
        return
    fields = node.cls == "fields"
    layout = node.cls == "letterhead"  # logo beside text: no borders, no header row, not data
    if wml.last_block(story.element) == "tbl":
        _paragraph(story, story.style)  # Word would merge two adjacent tables into one
    header = not (fields or layout) and all(cell.tag == "th" for cell in rows[0].children)
    percents = [int(cell.attrs["width"]) if "width" in cell.attrs else None for cell in rows[0].children]
    percents += [None] * (columns - len(percents))
    width = story.reference.width
    if any(percents):
        widths = _column_widths(percents, width)
    elif layout and columns > 1:
        first = int(LOGO_COLUMN)
        widths = [first] + [(width - first) // (columns - 1)] * (columns - 1)
    elif fields and columns > 1:
        label = int(width * 0.35)
        widths = [label] + [(width - label) // (columns - 1)] * (columns - 1)
    else:
        widths = [width // columns] * columns
    cells = wml.tbl_add(
        story.element, story.reference.style_id(STYLE_MAP[node.key], "table"), widths, len(rows),
        # labels, the logo and widths the template set keep their width; other data tables fit their content
        autofit=not (fields or layout or any(percents)),
        first_row=header, first_column=fields)
    style_id = story.reference.style_id(story.style)  # a cell's paragraphs have the story's style
    for tr, row in zip(rows, cells):
        for c, cell in enumerate(row):
            content = tr.children[c].children if c < len(tr.children) else []
            bold = c < len(tr.children) and tr.children[c].tag == "th" or (fields and c == 0)
            if len(content) == 1 and type(content[0]) is str:  # as _fill writes it, without a story for it
                _text_paragraph(cell, style_id, content[0], bold)
            else:
                _fill(story.inside(cell, bold=bold), content)
    if not layout:
        # A short table stays on one page; a long one never leaves its first or last row alone.
        together = range(len(rows) - 1) if len(rows) <= KEEP_TOGETHER_ROWS else (0, len(rows) - 2)
        for index in together:
            wml.keep_cells_with_next(cells[index])


def _column_widths(percents: list[int | None], width: int) -> list[int]:
    """Widths in EMU from percentages of ``width``; None columns share what is left.

    The table always spans the text width, so shares adding up to less than
    100 % are stretched in proportion, as a browser does.
    """
    given = sum(p for p in percents if p)
    unset = percents.count(None)
    share = (100 - given) / unset if unset and given < 100 else 100 / len(percents)  # the rest, if any
    weights = [p if p else share for p in percents]
    total = sum(weights)
    widths = [int(width * w / total) for w in weights]
    widths[-1] += width - sum(widths)  # rounding: the columns fill the width exactly
    return widths


def _signature(story: _Story, node: Node) -> None:
    """Write a signature block: room to sign, then the name under a line, then title lines.

    The line is the style's top border; Word draws it once above a group of
    same-styled paragraphs, and the empty paragraph in front keeps two blocks apart.
    The paragraph before it keeps with it too: a signature never stands alone on a page.
    """
    wml.keep_last_with_next(story.element)
    wml.keep_next(_paragraph(story, story.style))
    lines = node.children  # only <p>: the parser drops white space between them
    for number, line in enumerate(lines, start=1):
        paragraph = _paragraph(story, STYLE_MAP["div.signature"])
        _write_inline(paragraph, inline_items(line.children, story.bold), story)
        if number < len(lines):
            wml.keep_next(paragraph)


def _write_inline(paragraph, items: list, story: _Story) -> None:
    for kind, value, fmt in items:
        if kind == "text":
            wml.r_text(paragraph, value, *fmt)
        elif kind == "field":
            wml.fld_simple(paragraph, value, fmt=fmt)
        elif kind == "br":
            wml.r_break(paragraph, fmt)
        elif kind == "tab":
            wml.r_tab(paragraph, fmt)
        else:
            _picture(paragraph, value, fmt, story)


# Never the src itself in a message: a template may build it from the case's data.
_MISSING_PICTURE = "Billedet i en <img> findes ikke i planpakken (src skal være et filnavn i templates/)"


def _picture(paragraph, node: Node, fmt: tuple[bool, bool, bool], story: _Story) -> None:
    """Add the picture ``node`` names (a logo 15 mm high, a chart 110 mm), or raise TemplateError if it
    cannot be found or read."""
    src = node.attrs["src"]
    path = None
    if story.resolve_asset is not None:
        try:
            path = story.resolve_asset(src)
        except BeredskabError:
            raise
        except Exception as exc:  # any failure of the caller's lookup means: not found
            raise TemplateError(_MISSING_PICTURE) from exc
    try:
        info = None if path is None else os.stat(path)
    except (OSError, ValueError):
        info = None
    if info is None or not S_ISREG(info.st_mode):
        raise TemplateError(_MISSING_PICTURE)
    try:
        if info.st_size > MAX_PICTURE_BYTES:
            raise TemplateError(f"Billedet i en <img> er for stort (højst {MAX_PICTURE_BYTES // 1_000_000} MB); "
                                "gem logoet i en mindre opløsning")
        image = picture(str(path), info)  # read once per process
        if not (0 < image.px_width <= MAX_PICTURE_PIXELS and 0 < image.px_height <= MAX_PICTURE_PIXELS):
            raise ValueError("picture dimensions")
    except (OSError, ValueError) as exc:
        raise TemplateError("Billedet i en <img> kan ikke læses som et billede "
                            f"(højst {MAX_PICTURE_PIXELS} punkter på hver led)") from exc
    cx, cy = image.scaled(CHART_HEIGHT if node.cls == "chart" else LOGO_HEIGHT)
    shape_id, rid = story.document.picture(story.where, image)
    wml.r_drawing(paragraph, shape_id, rid, image.filename, cx, cy, fmt, descr=node.attrs.get("alt"))
