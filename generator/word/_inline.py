"""The parsed HTML subset's content as the Word writer needs it: blocks, and inline runs.

:func:`segments` splits a node's children into runs of inline content and blocks;
:func:`inline_items` flattens inline content into text, break, tab, field and picture
items with their formatting (bold, italic, underline), white space collapsed as a
browser does.
"""

from __future__ import annotations

import re
from typing import Iterator

from ._html import Node

_FORMAT_INDEX = {"b": 0, "strong": 0, "i": 1, "em": 1, "u": 2}
_FIELDS = {"page-number": "PAGE", "page-count": "NUMPAGES"}
# HTML's white space is ASCII only: a no-break space or other Unicode space is kept.
_HTML_SPACE = " \t\n\r\f"
_SPACE_RUN = re.compile(f"[{_HTML_SPACE}]+")


def segments(nodes: list[Node | str]) -> Iterator[tuple[str, object]]:
    """Yield ("inline", [nodes]) for each run of inline content and ("block", node) for blocks.

    A plain div is opened up: its content counts as the parent's, but it still
    separates the inline content before and after it, as a block does in HTML.
    """
    pending: list[Node | str] = []
    for node in nodes:
        if isinstance(node, str) or node.category == "inline":
            pending.append(node)
            continue
        if pending:
            yield "inline", pending
            pending = []
        if node.tag == "div" and node.cls is None:
            yield from segments(node.children)
        else:
            yield "block", node
    if pending:
        yield "inline", pending


_Format = tuple[bool, bool, bool]  # bold, italic, underline
_Item = tuple[str, object, _Format]  # ("text" | "br" | "tab" | "field" | "image", value, format)


def inline_items(nodes: list[Node | str], bold: bool = False) -> list[_Item]:
    """Flatten inline content into text, break, field and image items, white space collapsed."""
    if len(nodes) == 1 and isinstance(nodes[0], str):  # the common case, a plain text: what _collapse makes of it
        text = plain_text(nodes[0])
        return [("text", text, (bold, False, False))] if text else []
    return _collapse(_collect(nodes, (bold, False, False)))


def plain_text(text: str) -> str:
    """A plain text's white space collapsed, none at either end: what ``inline_items`` makes of it."""
    return _one_space(text.strip(_HTML_SPACE))  # the same as collapsing first, then stripping " "


def _one_space(text: str) -> str:
    """``text`` with each run of HTML white space made one space. Most texts have no tab, line
    break or double space: ``isprintable`` finds none of the first in one C pass (a rare other
    character it does not call printable just takes the regular expression)."""
    if text.isprintable() and "  " not in text:
        return text
    return _SPACE_RUN.sub(" ", text)


def _collect(nodes: list[Node | str], fmt: _Format) -> Iterator[_Item]:
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
    pieces: list[str] = []  # texts of the run being built, joined once (adding each would be quadratic)
    line_start = True  # at the paragraph's start or right after a <br>
    for kind, value, fmt in items:
        if kind == "text":
            value = _one_space(value)
            if line_start or (out and out[-1][0] == "text" and (pieces[-1] if pieces else out[-1][1]).endswith(" ")):
                value = value.lstrip(" ")
            if not value:
                continue
            if out and out[-1][0] == "text" and out[-1][2] == fmt:
                pieces.append(value)  # one run, not many
                continue
        _join_pieces(out, pieces)
        if kind in ("br", "tab"):  # no stray spaces around a line break or a tab
            _strip_end(out)
        out.append((kind, value, fmt))
        line_start = kind in ("br", "tab")
    _join_pieces(out, pieces)
    _strip_end(out)
    return out


def _join_pieces(out: list[_Item], pieces: list[str]) -> None:
    if pieces:
        out[-1] = ("text", "".join([out[-1][1], *pieces]), out[-1][2])
        pieces.clear()


def _strip_end(out: list[_Item]) -> None:
    while out and out[-1][0] == "text":
        text = out[-1][1].rstrip(" ")
        if text:
            out[-1] = ("text", text, out[-1][2])
            return
        out.pop()
