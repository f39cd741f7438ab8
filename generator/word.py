"""Turn the small HTML subset that templates emit into a Word .docx.

Each tag, or tag with a class, maps to a named style of the reference document
(``STYLE_MAP``), so a department restyles its letters in Word, not in code. The
HTML is parsed with the standard library into a small tree and checked (unknown
tags, classes and attributes and misplaced elements raise ``TemplateError``), then
walked onto a copy of the reference .docx. Whatever python-docx has no public API
for is written by ``generator._oxml``.

For template authors, the allowed tags and classes are the keys of ``_CONTENT``.
A list inside ``li`` is level 2; every ``ol`` starts at 1; a first row of ``th``
repeats on each page; ``div.header``/``div.footer`` (outermost only) replace the
page header/footer; ``span.tab`` jumps to the style's next tab stop (the header
style has one centred and one flush right, the footer style one flush right); ``table.letterhead``
is a borderless layout table (logo left, text right); ``div`` and ``span``
without a class only group. Attributes:
``class``, ``checked`` (span), ``src`` and ``alt`` (img); ``title`` and ``id`` are
ignored; ``style`` and ``on...`` are refused: formatting belongs in the styles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timezone
from functools import lru_cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator
from zipfile import BadZipFile

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docx.table import Table

from generator import _oxml
from generator.errors import BeredskabError, TemplateError

#: HTML tag, ``tag.class`` or ``ancestor tag`` -> name of the Word style in reference.docx.
STYLE_MAP: dict[str, str] = {
    "h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3",
    "p": "Normal", "div.header p": "Header", "div.footer p": "Footer",
    "p.date": "Beredskab Dato", "p.confidential": "Beredskab Fortrolig", "p.note": "Beredskab Note",
    "p.warning": "Beredskab Advarsel", "p.letterhead": "Beredskab Brevhoved", "p.small": "Beredskab Lille",
    "ul": "List Bullet", "ol": "List Number", "li ul": "List Bullet 2", "li ol": "List Number 2",
    "table": "Beredskab Tabel", "table.fields": "Beredskab Felter", "table.letterhead": "Beredskab Brevhoved Tabel",
    "hr": "Beredskab Linje", "div.signature": "Beredskab Underskrift",
}

# Every allowed "tag" and "tag.class" -> (what the element is to its parent, which
# content model its children follow: a key of _CHILDREN, or None for its parent's).
_CONTENT: dict[str, tuple[str, str | None]] = {
    "h1": ("heading", "inline"), "h2": ("heading", "inline"), "h3": ("heading", "inline"),
    **{key: ("p", "inline") for key in STYLE_MAP if key == "p" or key.startswith("p.")},
    "ul": ("list", "list"), "ol": ("list", "list"), "li": ("li", "li"),
    "table": ("table", "table"), "table.fields": ("table", "table"), "table.letterhead": ("table", "table"),
    "thead": ("rows", "rows"),
    "tbody": ("rows", "rows"), "tr": ("tr", "tr"), "th": ("cell", "cell"), "td": ("cell", "cell"),
    "hr": ("hr", "empty"), "div": ("div", None), "div.signature": ("div.signature", "signature"),
    "div.page-break": ("div.page-break", "empty"), "div.header": ("div.header", "header"),
    "div.footer": ("div.footer", "header"),
    **{tag: ("inline", "inline") for tag in ("b", "strong", "i", "em", "u", "span")},
    **{key: ("inline", "empty") for key in ("br", "img", "img.logo", "span.checkbox",
                                            "span.page-number", "span.page-count", "span.tab")},
}
_BLOCKS = {"inline", "heading", "p", "list", "table", "hr", "div"}
_CHILDREN = {  # content model -> what may stand in it
    "body": _BLOCKS | {"div.signature", "div.page-break", "div.header", "div.footer"},
    "header": _BLOCKS, "cell": {"inline", "p", "list", "div"}, "li": {"inline", "list"},
    "inline": {"inline"}, "list": {"li"}, "table": {"rows", "tr"}, "rows": {"tr"}, "tr": {"cell"},
    "signature": {"p"}, "empty": set(),
}
ALLOWED_TAGS: frozenset[str] = frozenset(key.split(".")[0] for key in _CONTENT)
_VOID_TAGS = frozenset({"br", "hr", "img"})
_ATTRIBUTES = {"span": {"checked"}, "img": {"src", "alt"}}
_IGNORED_ATTRIBUTES = frozenset({"alt", "title", "id"})
_FORMAT_INDEX = {"b": 0, "strong": 0, "i": 1, "em": 1, "u": 2}
_FIELDS = {"page-number": "PAGE", "page-count": "NUMPAGES"}
#: Height of a logo (img.logo) and width of the letterhead table's first column, which holds it.
LOGO_HEIGHT = Mm(15)
LOGO_COLUMN = Mm(22)
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# HTML's white space is ASCII only: a no-break space or other Unicode space is kept.
_HTML_SPACE = " \t\n\r\f"
_SPACE_RUN = re.compile("[ \t\n\r\f]+")
_PROPERTY_KEYS = frozenset({"title", "author", "subject", "keywords", "created", "language"})


@dataclass
class _Node:
    """One HTML element: tag, its single class, the attributes kept, children (text is str)."""

    tag: str
    cls: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)
    category: str = ""  # what it is to its parent (see _CONTENT)
    mode: str = "body"  # what its children may be (a key of _CHILDREN)

    @property
    def key(self) -> str:
        return f"{self.tag}.{self.cls}" if self.cls else self.tag

    def describe(self) -> str:
        return f'<{self.tag} class="{self.cls}">' if self.cls else f"<{self.tag}>"


class _TreeBuilder(HTMLParser):
    """Parse the HTML into a tree of _Node, refusing what the subset does not allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(_element(tag, attrs), closed=tag in _VOID_TAGS)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(_element(tag, attrs), closed=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        # An end tag closes the nearest open element of its kind and all inside it, as in HTML.
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return
        raise TemplateError(f"Slutmærket </{tag}> har intet <{tag}> at lukke i skabelonen")

    def handle_data(self, data: str) -> None:
        data = _XML_ILLEGAL.sub("", data)
        parent = self._stack[-1]
        if "inline" in _CHILDREN[parent.mode]:
            parent.children.append(data)
        elif data.strip(_HTML_SPACE):
            text = " ".join(data.split())
            self._refuse(parent, f"teksten '{text if len(text) <= 30 else text[:29] + '…'}'")

    def _open(self, node: _Node, closed: bool) -> None:
        parent = self._stack[-1]
        if node.category not in _CHILDREN[parent.mode]:
            self._refuse(parent, node.describe())
        if node.category in ("div.header", "div.footer") and parent is not self.root:
            raise TemplateError(f"{node.describe()} skal stå yderst i skabelonen, ikke i {parent.describe()}")
        node.mode = _CONTENT[node.key][1] or parent.mode  # a plain div obeys its parent's rules
        parent.children.append(node)
        if not closed:
            self._stack.append(node)

    def _refuse(self, parent: _Node, what: str) -> None:
        what = what[0].upper() + what[1:]
        if parent is self.root:
            raise TemplateError(f"{what} må ikke stå yderst i skabelonen")
        if parent.mode == "empty":
            raise TemplateError(f"{parent.describe()} skal være tom, men indeholder {what[0].lower()}{what[1:]}")
        raise TemplateError(f"{what} må ikke stå i {parent.describe()}")


def _element(tag: str, attrs: list[tuple[str, str | None]]) -> _Node:
    """Return the _Node for a start tag, or raise TemplateError for an unknown tag, class or attribute."""
    if tag not in ALLOWED_TAGS:
        raise TemplateError(f"Ukendt HTML-tag <{tag}> i skabelonen")
    kept: dict[str, str] = {}
    classes: list[str] = []
    for name, value in attrs:
        if name == "style" or name.startswith("on"):
            raise TemplateError(f"Attributten '{name}' er ikke tilladt på <{tag}>: formatering hører til typografierne")
        if name == "class":
            classes = (value or "").split()
        elif name in _ATTRIBUTES.get(tag, ()):
            kept[name] = _XML_ILLEGAL.sub("", value or "")
        elif name not in _IGNORED_ATTRIBUTES:
            raise TemplateError(f"Ukendt attribut '{name}' på <{tag}>")
    if len(classes) > 1:
        raise TemplateError(f"Kun én klasse er tilladt på <{tag}>, ikke '{' '.join(classes)}'")
    node = _Node(tag, classes[0] if classes else None, kept)
    if node.key not in _CONTENT:
        raise TemplateError(f"Ukendt klasse '{node.cls}' på <{tag}>")
    node.category = _CONTENT[node.key][0]
    if tag == "img" and not kept.get("src"):
        raise TemplateError("<img> mangler attributten 'src'")
    if tag == "img" and (kept["src"].startswith(("/", "\\")) or ":" in kept["src"]):
        raise TemplateError(f"Billedet '{kept['src']}' skal være et relativt filnavn")  # no URLs, no absolute paths
    return node


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def check_html(html: str) -> None:
    """Raise TemplateError for unknown tags/classes/attributes or misplaced elements, building nothing."""
    _parse(html)


# -- walking the tree onto the document ------------------------------------------------


@dataclass(frozen=True)
class _Story:
    """Where blocks go (body, header, footer or table cell) and how they look there."""

    document: object  # the docx Document: numbering and styles live there
    container: object  # anything with add_paragraph(): Document, header, footer, cell
    style: str  # the style of a <p> without a class here
    width: int  # text width in EMU, for tables
    resolve_asset: Callable[[str], Path] | None
    bold: bool = False  # a header cell or a field label: all its text is bold
    # Paragraph style name -> style id (None for the default style), shared by every
    # document on the same reference: python-docx would scan every style per paragraph.
    style_ids: dict[str, str | None] = field(default_factory=dict, compare=False)


def build_document(
    html: str,
    reference: Path,
    *,
    resolve_asset: Callable[[str], Path] | None = None,
    properties: dict | None = None,
) -> bytes:
    """Render the HTML subset onto a copy of the reference .docx; return the .docx bytes."""
    root = _parse(html)
    try:
        data, style_ids = _reference(Path(reference))
        document = Document(BytesIO(data))
    except (OSError, BadZipFile, KeyError, PackageNotFoundError) as exc:
        raise TemplateError(f"Referencedokumentet '{Path(reference).name}' kan ikke åbnes som .docx") from exc
    section = document.sections[-1]  # the body's own section: it survives clearing the body
    width = section.page_width - section.left_margin - section.right_margin
    story = _Story(document, document, STYLE_MAP["p"], width, resolve_asset, style_ids=style_ids)
    for where, container in (("header", section.header), ("footer", section.footer)):
        divs = [n for n in root.children if isinstance(n, _Node) and n.key == f"div.{where}"]
        if divs:
            content = [child for div in divs for child in div.children]
            _fill(replace(story, container=container, style=STYLE_MAP[f"div.{where} p"]), content)
    body = [n for n in root.children if not (isinstance(n, _Node) and n.key in ("div.header", "div.footer"))]
    _fill(story, body)
    _set_properties(document, properties or {})
    return _oxml.package_bytes(document)


def _reference(reference: Path) -> tuple[bytes, dict[str, str | None]]:
    """The reference's bytes and its style-id cache, read once per process while the file is unchanged."""
    stat = reference.stat()
    return _read_reference(reference.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_reference(path: Path, mtime_ns: int, size: int) -> tuple[bytes, dict[str, str | None]]:
    return path.read_bytes(), {}


def _fill(story: _Story, nodes: list[_Node | str]) -> None:
    """Replace the story's content by ``nodes``; a header, footer or cell must end with a paragraph."""
    _oxml.block_items_clear(story.container)
    _blocks(story, nodes)
    if story.container is not story.document:
        items = list(story.container.iter_inner_content())
        if not items or isinstance(items[-1], Table):
            _paragraph(story, story.style)


def _segments(nodes: list[_Node | str]) -> Iterator[tuple[str, object]]:
    """Yield ("inline", [nodes]) for each run of inline content and ("block", node) for blocks.

    A plain div is opened up: its content counts as the parent's, but it still
    separates the inline content before and after it, as a block does in HTML.
    """
    pending: list[_Node | str] = []
    for node in nodes:
        if isinstance(node, str) or node.category == "inline":
            pending.append(node)
            continue
        if pending:
            yield "inline", pending
            pending = []
        if node.tag == "div" and node.cls is None:
            yield from _segments(node.children)
        else:
            yield "block", node
    if pending:
        yield "inline", pending


def _blocks(story: _Story, nodes: list[_Node | str]) -> None:
    for kind, item in _segments(nodes):
        if kind == "block":
            _block(story, item)
        elif items := _inline_items(item, story.bold):
            _write_inline(_paragraph(story, story.style), items, story)


def _block(story: _Story, node: _Node) -> None:
    if node.tag in ("h1", "h2", "h3", "p"):
        style = story.style if node.key == "p" else STYLE_MAP[node.key]
        _write_inline(_paragraph(story, style), _inline_items(node.children, story.bold), story)
    elif node.tag in ("ul", "ol"):
        _list(story, node, level=1)
    elif node.tag == "table":
        _table(story, node)
    elif node.tag == "hr":
        _paragraph(story, STYLE_MAP["hr"])
    elif node.key == "div.signature":
        _signature(story, node)
    elif node.key == "div.page-break":
        _paragraph(story, story.style).add_run().add_break(WD_BREAK.PAGE)


def _style(story: _Story, name: str):
    try:
        return story.document.styles[name]
    except KeyError:
        raise TemplateError(f"Typografien '{name}' findes ikke i referencedokumentet") from None


def _paragraph(story: _Story, style: str):
    if style not in story.style_ids:
        story.style_ids[style] = story.document.part.get_style_id(_style(story, style), WD_STYLE_TYPE.PARAGRAPH)
    return _oxml.p_add(story.container, story.style_ids[style])


def _list(story: _Story, node: _Node, level: int) -> None:
    """Write a ul/ol; each ol gets its own numbering instance so it starts at 1."""
    style = STYLE_MAP[node.tag if level == 1 else f"li {node.tag}"]
    ilvl = min(level, 2) - 1  # deeper lists stay at level 2: the styles stop there
    num_id = _oxml.num_restart(story.document, _style(story, style), ilvl) if node.tag == "ol" else None
    for li in node.children:
        for kind, item in _segments(li.children):
            if kind == "block":
                _list(story, item, level + 1)
            elif items := _inline_items(item, story.bold):
                paragraph = _paragraph(story, style)
                if num_id is not None:
                    _oxml.num_pr(paragraph, num_id, ilvl)
                _write_inline(paragraph, items, story)


def _table(story: _Story, node: _Node) -> None:
    """Write a table over the full text width; a first row of th repeats on every page."""
    rows = [tr for child in node.children for tr in (child.children if child.tag != "tr" else [child])]
    columns = max((len(tr.children) for tr in rows), default=0)
    if not columns:
        return
    fields = node.cls == "fields"
    layout = node.cls == "letterhead"  # logo beside text: no borders, no header row, not data
    previous = list(story.container.iter_inner_content())[-1:]
    if previous and isinstance(previous[0], Table):
        _paragraph(story, story.style)  # Word would merge two adjacent tables into one
    if story.container is story.document:
        table = story.document.add_table(len(rows), columns)
    else:
        table = story.container.add_table(len(rows), columns, story.width)
    table.style = _style(story, STYLE_MAP[node.key])
    table.autofit = not (fields or layout)  # labels and the logo keep their width; data tables fit their content
    header = not (fields or layout) and all(cell.tag == "th" for cell in rows[0].children)
    _oxml.tbl_w(table)
    _oxml.tbl_look(table, first_row=header, first_column=fields)
    if header:
        _oxml.tbl_header(table.rows[0])
    if layout and columns > 1:
        first = int(LOGO_COLUMN)
        widths = [first] + [(story.width - first) // (columns - 1)] * (columns - 1)
    elif fields and columns > 1:
        label = int(story.width * 0.35)
        widths = [label] + [(story.width - label) // (columns - 1)] * (columns - 1)
    else:
        widths = [story.width // columns] * columns
    for c, column in enumerate(table.columns):
        column.width = widths[c]
    for tr, row in zip(rows, table.rows):
        for c, cell in enumerate(row.cells):  # row by row: table.cell() rebuilds every cell per call
            cell.width = widths[c]
            content = tr.children[c].children if c < len(tr.children) else []
            bold = c < len(tr.children) and tr.children[c].tag == "th" or (fields and c == 0)
            _fill(replace(story, container=cell, bold=bold), content)


def _signature(story: _Story, node: _Node) -> None:
    """Write a signature block: room to sign, then the name under a line, then title lines.

    The line is the style's top border; Word draws it once above a group of
    same-styled paragraphs, and the empty paragraph in front keeps two blocks apart.
    """
    spacer = _paragraph(story, story.style)
    spacer.paragraph_format.keep_with_next = True
    lines = node.children  # only <p>: the parser drops white space between them
    for number, line in enumerate(lines, start=1):
        paragraph = _paragraph(story, STYLE_MAP["div.signature"])
        _write_inline(paragraph, _inline_items(line.children, story.bold), story)
        if number < len(lines):
            paragraph.paragraph_format.keep_with_next = True


# -- inline content --------------------------------------------------------------------

_Format = tuple[bool, bool, bool]  # bold, italic, underline
_Item = tuple[str, object, _Format]  # ("text" | "br" | "tab" | "field" | "image", value, format)


def _inline_items(nodes: list[_Node | str], bold: bool = False) -> list[_Item]:
    """Flatten inline content into text, break, field and image items, white space collapsed."""
    return _collapse(_collect(nodes, (bold, False, False)))


def _collect(nodes: list[_Node | str], fmt: _Format) -> Iterator[_Item]:
    for node in nodes:
        if isinstance(node, str):
            yield "text", node, fmt
        elif node.tag in _FORMAT_INDEX:  # nested formatting adds up
            i = _FORMAT_INDEX[node.tag]
            yield from _collect(node.children, fmt[:i] + (True,) + fmt[i + 1:])
        elif node.tag == "br":
            yield "br", None, fmt
        elif node.tag == "img":
            yield "image", node, fmt
        elif node.cls == "checkbox":
            yield "text", "☒" if "checked" in node.attrs else "☐", fmt
        elif node.cls in _FIELDS:
            yield "field", _FIELDS[node.cls], fmt
        elif node.cls == "tab":  # to the style's next tab stop, e.g. page numbers flush right
            yield "tab", None, fmt
        else:  # a span without class only groups
            yield from _collect(node.children, fmt)


def _collapse(items: Iterator[_Item]) -> list[_Item]:
    """Collapse white space as a browser does: one space for a run, none at a line's start or end."""
    out: list[_Item] = []
    line_start = True  # at the paragraph's start or right after a <br>
    for kind, value, fmt in items:
        if kind == "text":
            value = _SPACE_RUN.sub(" ", value)
            if line_start or (out and out[-1][0] == "text" and out[-1][1].endswith(" ")):
                value = value.lstrip(" ")
            if not value:
                continue
            if out and out[-1][0] == "text" and out[-1][2] == fmt:
                out[-1] = ("text", out[-1][1] + value, fmt)  # one run, not many
                continue
        elif kind in ("br", "tab"):  # no stray spaces around a line break or a tab
            _strip_end(out)
        out.append((kind, value, fmt))
        line_start = kind in ("br", "tab")
    _strip_end(out)
    return out


def _strip_end(out: list[_Item]) -> None:
    while out and out[-1][0] == "text":
        text = out[-1][1].rstrip(" ")
        if text:
            out[-1] = ("text", text, out[-1][2])
            return
        out.pop()


def _write_inline(paragraph, items: list[_Item], story: _Story) -> None:
    for kind, value, (bold, italic, underline) in items:
        if kind == "text":
            _oxml.r_text(paragraph, value, bold, italic, underline)
            continue
        if kind == "field":
            run = _oxml.fld_simple(paragraph, value)
        else:
            run = paragraph.add_run()
            if kind == "br":
                run.add_break()
            elif kind == "tab":
                run.add_tab()
            else:
                _picture(run, value, story)
        for name, on in (("bold", bold), ("italic", italic), ("underline", underline)):
            if on:  # only switch formatting on: an explicit "off" would override the style
                setattr(run, name, True)


def _picture(run, node: _Node, story: _Story) -> None:
    """Add the logo ``node`` names, 15 mm high, or raise TemplateError if it cannot be found or read."""
    src = node.attrs["src"]
    path = None
    if story.resolve_asset is not None:
        try:
            path = story.resolve_asset(src)
        except BeredskabError:
            raise
        except Exception as exc:  # any failure of the caller's lookup means: not found
            raise TemplateError(f"Billedet '{src}' findes ikke") from exc
    if path is None or not Path(path).is_file():
        raise TemplateError(f"Billedet '{src}' findes ikke")
    try:
        shape = run.add_picture(str(path), height=LOGO_HEIGHT)
    except (OSError, InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError) as exc:
        raise TemplateError(f"Billedet '{src}' kan ikke læses som et billede") from exc
    if node.attrs.get("alt"):
        _oxml.doc_pr_descr(shape, node.attrs["alt"])


# -- document properties ---------------------------------------------------------------


def _set_properties(document, properties: dict) -> None:
    """Set title, author, subject, keywords, created and language (default da-DK)."""
    unknown = set(properties) - _PROPERTY_KEYS
    if unknown:
        raise TypeError(f"unknown document properties: {', '.join(sorted(unknown))}")
    core = document.core_properties
    for key in ("title", "author", "subject", "keywords"):
        value = properties.get(key)
        if isinstance(value, (list, tuple)):  # keywords may come as a list
            value = ", ".join(map(str, value))
        if value:  # core properties hold at most 255 characters of XML text
            setattr(core, key, _XML_ILLEGAL.sub("", str(value))[:255])
    if properties.get("author"):
        core.last_modified_by = core.author
    created = properties.get("created")
    if created is not None:
        if not isinstance(created, datetime):
            created = datetime.combine(created, time())
        if created.tzinfo is not None:
            created = created.astimezone(timezone.utc).replace(tzinfo=None)  # stored as UTC
        core.created = core.modified = created
    language = properties.get("language") or "da-DK"
    core.language = language
    _oxml.lang(document, language)
