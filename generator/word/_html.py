"""Parse and check the small HTML subset templates emit.

The HTML is parsed with the standard library into a tree of :class:`Node` and
checked on the way: unknown tags, classes and attributes and misplaced elements
raise ``TemplateError``. ``generator.word`` walks the tree onto a Word document;
it needs :func:`parse` here and ``word/_inline.py`` (the tree's content as blocks and runs).

For template authors, the allowed tags and classes are the keys of ``_CONTENT``
(the paragraph classes are ``PARAGRAPH_CLASSES``; ``generator.word.STYLE_MAP``
gives each its Word style).
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import TemplateError

#: Most elements one document may hold; the Word step takes about 2 s for this many.
MAX_ELEMENTS = 100_000

#: Most table cells in one document, and per table row (a page holds far fewer).
MAX_CELLS = 50_000
MAX_COLUMNS = 64

#: Deepest nesting of elements (lists in lists, divs in divs).
MAX_DEPTH = 50

#: The classes a <p> may have; each has a style in generator.word.STYLE_MAP.
PARAGRAPH_CLASSES = ("date", "confidential", "note", "warning", "letterhead", "small", "lead-in")

# Every allowed "tag" and "tag.class" -> (what the element is to its parent, which
# content model its children follow: a key of _CHILDREN, or None for its parent's).
_CONTENT: dict[str, tuple[str, str | None]] = {
    "h1": ("heading", "inline"), "h2": ("heading", "inline"), "h3": ("heading", "inline"),
    "p": ("p", "inline"), **{f"p.{cls}": ("p", "inline") for cls in PARAGRAPH_CLASSES},
    "ul": ("list", "list"), "ol": ("list", "list"), "li": ("li", "li"),
    "table": ("table", "table"), "table.fields": ("table", "table"), "table.letterhead": ("table", "table"),
    "thead": ("rows", "rows"),
    "tbody": ("rows", "rows"), "tr": ("tr", "tr"), "th": ("cell", "cell"), "td": ("cell", "cell"),
    "hr": ("hr", "empty"), "div": ("div", None), "div.signature": ("div.signature", "signature"),
    "div.page-break": ("div.page-break", "empty"), "div.header": ("div.header", "header"),
    "div.footer": ("div.footer", "header"),
    **{tag: ("inline", "inline") for tag in ("b", "strong", "i", "em", "u", "span")},
    **{key: ("inline", "empty") for key in ("br", "img", "img.logo", "img.chart", "span.checkbox",
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
_ATTRIBUTES = {"span": {"checked"}, "img": {"src", "alt"}, "th": {"width"}, "td": {"width"}}
_PERCENT = re.compile(r"\s*(\d{1,3})\s*%\s*")
_IGNORED_ATTRIBUTES = frozenset({"alt", "title", "id"})
#: Characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/F).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# HTML's white space is ASCII only: a no-break space or other Unicode space is kept.
_HTML_SPACE = " \t\n\r\f"
_NUMERIC_REFERENCE = re.compile("&#(?!3[49];)")


class Node:
    """One HTML element: tag, its single class, the attributes kept, children (text is str).

    A plain class with slots, not a dataclass (defining one costs a millisecond of every start):
    a document has hundreds, and they are compared by identity.
    """

    __slots__ = ("tag", "cls", "attrs", "children", "category", "mode", "key")

    def __init__(self, tag: str, cls: str | None = None, attrs: dict[str, str] | None = None,
                 children: list[Node | str] | None = None, category: str = "", mode: str = "body",
                 key: str = "") -> None:
        self.tag = tag
        self.cls = cls
        self.attrs = {} if attrs is None else attrs  # the attributes kept
        self.children = [] if children is None else children
        self.category = category  # what it is to its parent (see _CONTENT)
        self.mode = mode  # what its children may be (a key of _CHILDREN)
        self.key = key  # "tag" or "tag.class": the key of _CONTENT and of the writer's STYLE_MAP

    def describe(self) -> str:
        return f'<{self.tag} class="{self.cls}">' if self.cls else f"<{self.tag}>"


class _TreeBuilder:
    """Build a tree of Node from html.parser's events, refusing what the subset does not allow."""

    def __init__(self) -> None:
        self.root = Node("#root", key="#root")
        self.clean = False  # the whole text is known to hold no character XML cannot hold
        self._stack = [self.root]
        self._elements = 0
        self._cells = 0

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
        raise TemplateError(f"Slutmærket {_shown_tag(tag, '/')} har intet element at lukke i skabelonen")

    def handle_data(self, data: str) -> None:
        if not self.clean:
            data = XML_ILLEGAL.sub("", data)
        parent = self._stack[-1]
        if "inline" in _CHILDREN[parent.mode]:
            parent.children.append(data)
        elif data.strip(_HTML_SPACE):
            self._refuse(parent, "tekst")  # never the text itself: it may be the case's data

    def build(self, tokens: list[tuple[str, ...]]) -> None:
        """Build the tree from ``_tokens``: the events html.parser would report to the handlers above
        (tests/test_html.py checks them against it), in one loop.

        The common events are handled here (a start tag as :func:`_element` checked it the last
        time the same tag was written, text in inline content, an end tag closing the innermost
        element); anything else goes to the handlers, so every check and message stays theirs.
        """
        stack, children, clean, elements = self._stack, _CHILDREN, self.clean, _ELEMENTS
        for _, text, tag, attributes, closed, end in tokens:
            if text:
                if "&" in text:
                    text = unescape(text)
                parent = stack[-1]
                if clean and "inline" in children[parent.mode]:
                    parent.children.append(text)
                else:
                    self.handle_data(text)
            elif end:
                end = end.lower()
                if stack[-1].tag == end:  # never the root: its tag is no tag name
                    del stack[-1]
                else:
                    self.handle_endtag(end)
            else:
                spec = elements.get((tag, attributes, closed))
                if spec is None:
                    spec = _element_spec(tag, attributes, closed)
                name, cls, attrs, category, key, void = spec
                self._open(Node(name, cls, dict(attrs) if attrs else {}, [], category, "body", key), void)

    def _open(self, node: Node, closed: bool) -> None:
        parent = self._stack[-1]
        if node.category not in _CHILDREN[parent.mode]:
            self._refuse(parent, node.describe())
        if node.category in ("div.header", "div.footer") and parent is not self.root:
            raise TemplateError(f"{node.describe()} skal stå yderst i skabelonen, ikke i {parent.describe()}")
        self._elements += 1
        if self._elements > MAX_ELEMENTS:
            raise TemplateError(f"Dokumentet har for mange elementer (højst {MAX_ELEMENTS:,})".replace(",", "."))
        if len(self._stack) > MAX_DEPTH:
            raise TemplateError(f"Elementerne ligger for dybt i hinanden (højst {MAX_DEPTH} niveauer)")
        if node.category == "cell":
            self._cells += 1
            if self._cells > MAX_CELLS or len(parent.children) >= MAX_COLUMNS:
                raise TemplateError(f"Tabellerne har for mange celler (højst {MAX_COLUMNS} kolonner og "
                                    f"{MAX_CELLS:,} celler i alt)".replace(",", "."))
            self._check_width(parent, node)
        node.mode = _CONTENT[node.key][1] or parent.mode  # a plain div obeys its parent's rules
        parent.children.append(node)
        if not closed:
            self._stack.append(node)

    def _check_width(self, tr: Node, cell: Node) -> None:
        """Refuse a width outside a table's first row, and widths of a first row adding up to over 100 %."""
        cells = [c for c in tr.children if isinstance(c, Node)] + [cell]
        widths = [int(c.attrs["width"]) for c in cells if "width" in c.attrs]
        if not widths:
            return
        table = self._stack[-2] if self._stack[-2].tag == "table" else self._stack[-3]
        rows = [row for child in table.children for row in (child.children if child.tag != "tr" else [child])]
        if rows[0] is not tr:
            raise TemplateError(f"Attributten 'width' på <{cell.tag}> må kun stå i tabellens første række")
        total = sum(widths)
        if total > 100:
            raise TemplateError(f"Kolonnebredderne i tabellens første række er tilsammen {total} %, men højst 100 % er tilladt")
        if total == 100 and len(widths) < len(cells):
            raise TemplateError("Kolonnebredderne i tabellens første række er tilsammen 100 %, "
                                "så der er ingen plads til kolonnerne uden bredde")

    def _refuse(self, parent: Node, what: str) -> None:
        what = what[0].upper() + what[1:]
        if parent is self.root:
            raise TemplateError(f"{what} må ikke stå yderst i skabelonen")
        if parent.mode == "empty":
            raise TemplateError(f"{parent.describe()} skal være tom, men indeholder {what[0].lower()}{what[1:]}")
        raise TemplateError(f"{what} må ikke stå i {parent.describe()}")


def _element(tag: str, attrs: list[tuple[str, str | None]]) -> Node:
    """Return the Node for a start tag, or raise TemplateError for an unknown tag, class or attribute."""
    if tag not in ALLOWED_TAGS:
        raise TemplateError(f"Ukendt HTML-tag {_shown_tag(tag)} i skabelonen")
    kept: dict[str, str] = {}
    classes: list[str] = []
    for name, value in attrs:
        if name == "style" or name.startswith("on"):
            raise TemplateError(f"Attributten {_shown_attribute(name)} er ikke tilladt på <{tag}>: "
                                "formatering og hændelser hører ikke til i et dokument")
        if name == "class":
            classes = (value or "").split()
        elif name in _ATTRIBUTES.get(tag, ()):
            kept[name] = XML_ILLEGAL.sub("", value or "")
        elif name not in _IGNORED_ATTRIBUTES:
            allowed = ", ".join(sorted({"class", *_ATTRIBUTES.get(tag, ()), *_IGNORED_ATTRIBUTES}))
            raise TemplateError(f"Ukendt attribut {_shown_attribute(name)} på <{tag}> (tilladte: {allowed})")
    if len(classes) > 1:
        raise TemplateError(f"Kun én klasse er tilladt på <{tag}>")
    if "width" in kept:  # a column's share of the text width: th/td of a table's first row
        match = _PERCENT.fullmatch(kept["width"])
        if not match or not 1 <= int(match[1]) <= 100:
            raise TemplateError(f"Bredden på <{tag}> skal være et helt tal i procent fra 1 til 100, fx width=\"45%\"")
        kept["width"] = match[1]
    node = Node(tag, classes[0] if classes else None, kept)
    node.key = f"{tag}.{node.cls}" if node.cls else tag
    if node.key not in _CONTENT:
        allowed = ", ".join(key.split(".", 1)[1] for key in _CONTENT if key.startswith(f"{tag}."))
        shown = f"'{node.cls}' " if node.cls in _KNOWN_CLASSES else ""
        raise TemplateError(f"Ukendt klasse {shown}på <{tag}> (tilladte: {allowed or 'ingen'})")
    node.category = _CONTENT[node.key][0]
    if tag == "img" and not kept.get("src"):
        raise TemplateError("<img> mangler attributten 'src'")
    if tag == "img" and (kept["src"].startswith(("/", "\\")) or ":" in kept["src"]):
        raise TemplateError("Billedets src skal være et relativt filnavn i planpakken")  # no URLs, no absolute paths
    return node


#: (tag, attributes, "/") as written -> the checked element's (tag, class, kept attributes, category,
#: key, closed): a template writes the same few start tags over and over. Errors are never kept, nor
#: a tag with an attribute holding free text (alt, title, id, src): a template may fill it from the
#: case, and a case's data is not kept beyond its document.
_ELEMENTS: dict[tuple[str, str, str], tuple] = {}
_MAX_ELEMENTS_KEPT = 1024
_KEPT_NAMES = frozenset({"class", "checked", "width"})


def _element_spec(tag: str, attributes: str, closed: str) -> tuple:
    """Check a start tag as written (see _ELEMENTS) with :func:`_element`, and keep the result."""
    name = tag.lower()
    attrs = _attributes(attributes) if attributes else []
    node = _element(name, attrs)
    spec = (node.tag, node.cls, node.attrs, node.category, node.key, bool(closed) or name in _VOID_TAGS)
    if all(attribute in _KEPT_NAMES for attribute, _ in attrs):
        if len(_ELEMENTS) >= _MAX_ELEMENTS_KEPT:
            _ELEMENTS.clear()
        _ELEMENTS[tag, attributes, closed] = spec
    return spec


#: Tag names a message may show: HTML's own. Any other name may have been built from the case's data.
_KNOWN_TAGS = frozenset(
    "a abbr address area article aside audio base bdi bdo blockquote body br button canvas caption cite code col "
    "colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form "
    "h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main map mark meta meter "
    "nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script section "
    "select small source span strong style sub summary sup svg table tbody td template textarea tfoot th thead time "
    "title tr track u ul var video wbr center marquee blink b big tt".split())


_KNOWN_ATTRIBUTES = frozenset(
    "style width height colspan rowspan checked href src alt title id class align valign border bgcolor color "
    "face size name value type lang dir onclick onerror onload onmouseover".split())
_KNOWN_CLASSES = frozenset(key.split(".", 1)[1] for key in _CONTENT if "." in key)


def _shown_attribute(name: str) -> str:
    return f"'{name}'" if name in _KNOWN_ATTRIBUTES else "(et navn, der ikke er en HTML-attribut)"


def _shown_tag(tag: str, slash: str = "") -> str:
    return f"<{slash}{tag}>" if tag in _KNOWN_TAGS else "(et navn, der ikke er et HTML-tag)"


def parse(html: str) -> Node:
    """Return the checked tree of ``html`` (its root is a #root Node), or raise TemplateError."""
    builder = _TreeBuilder()
    # Text with no character XML cannot hold, and no numeric character reference that could make one,
    # needs no cleaning piece by piece (autoescape writes &#34; and &#39;).
    builder.clean = XML_ILLEGAL.search(html) is None and _NUMERIC_REFERENCE.search(html) is None
    tokens = _tokens(html)
    if tokens is not None:
        builder.build(tokens)
    else:  # beyond plain tags and text: html.parser reads it all, from the start
        events = _html_parser()(convert_charrefs=True)
        events.handle_starttag, events.handle_startendtag = builder.handle_starttag, builder.handle_startendtag
        events.handle_endtag, events.handle_data = builder.handle_endtag, builder.handle_data
        events.feed(html)
        events.close()
    return builder.root


# The fast tokenizer: the common, simple shape of markup that templates emit (text, start
# tags with double- or single-quoted attributes, end tags), for which html.parser's events
# are known exactly. Anything else (comments, unquoted or glued attributes, a lone '<',
# non-ASCII space inside a tag ...) makes _tokens give up, and html.parser reads the whole
# text, so what a template may write and every error message stay html.parser's.
_SPACE = "[ \t\n\r\f]"
_NAME = "[a-zA-Z_:][-a-zA-Z0-9_:.]*"
_VALUE = f"{_SPACE}*={_SPACE}*(?:\"[^\"]*\"|'[^']*')"
_ATTRIBUTE = re.compile(f"{_SPACE}+({_NAME})(?:{_SPACE}*(=){_SPACE}*(?:\"([^\"]*)\"|'([^']*)'))?")
_TOKEN = re.compile(
    "(([^<]+)"  # text
    f"|<([a-zA-Z][a-zA-Z0-9]*)((?:{_SPACE}+{_NAME}(?:{_VALUE})?)*){_SPACE}*(/?)>"  # start tag
    f"|</([a-zA-Z][a-zA-Z0-9]*){_SPACE}*>)"  # end tag
)
@cache
def _html_parser():
    """html.parser's parser, imported only for the rare text the fast tokenizer leaves to it."""
    from html.parser import HTMLParser

    return HTMLParser


def unescape(text: str) -> str:
    """``html.unescape``: the references autoescape writes directly, anything else by html's own."""
    if "&" in _COMMON_REFERENCE.sub("", text):
        from html import unescape as html_unescape  # its table of named references is large to import

        return html_unescape(text)
    for reference, char in _COMMON_REFERENCES:
        if reference in text:
            text = text.replace(reference, char)
    return text


_COMMON_REFERENCES = (("&lt;", "<"), ("&gt;", ">"), ("&#34;", '"'), ("&#39;", "'"), ("&quot;", '"'), ("&amp;", "&"))
_COMMON_REFERENCE = re.compile("&(?:lt|gt|#34|#39|quot|amp);")


def _tokens(html: str) -> list[tuple[str, ...]] | None:
    """The tokens of ``html`` (see _TOKEN), or None where it is not all plain tags and text.

    Tokens that do not meet cover less than the text: then nothing of it is reported (html.parser
    reads it all), so no event after a gap (say, a tag inside a comment) ever reaches the tree builder.
    """
    tokens = _TOKEN.findall(html)
    if sum([len(token[0]) for token in tokens]) != len(html):  # one C call each, not a match object a token
        return None
    return tokens


def _attributes(attributes: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as html.parser reports them: names in lower case, values unescaped."""
    attrs = []
    for name, equals, double, single in _ATTRIBUTE.findall(attributes):
        value = double or single
        attrs.append((name.lower(), (unescape(value) if value else value) if equals else None))
    return attrs
