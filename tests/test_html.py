"""The fast tokenizer of generator._html gives html.parser's events, or gives up."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

from generator._html import _tokens

from .conftest import EXAMPLES, TODAY


class _Events(HTMLParser):
    """html.parser's events as _tokens writes them, adjacent text joined."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list = []

    def handle_starttag(self, tag, attrs):
        self.events.append((None, tag, attrs, False, None))

    def handle_startendtag(self, tag, attrs):
        self.events.append((None, tag, attrs, True, None))

    def handle_endtag(self, tag):
        self.events.append((None, None, [], False, tag))

    def handle_data(self, data):
        self.events.append((data, None, [], False, None))

    def handle_comment(self, data):
        self.events.append(("comment", data))

    def handle_decl(self, decl):
        self.events.append(("decl", decl))

    def handle_pi(self, data):
        self.events.append(("pi", data))

    def unknown_decl(self, data):
        self.events.append(("unknown", data))


def stdlib_events(html: str) -> list:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser.events


def assert_same_or_given_up(html: str) -> None:
    tokens = _tokens(html)
    if tokens is not None:
        assert tokens == stdlib_events(html)


@pytest.mark.parametrize("html", [
    "", "text only", "<p>a &amp; b &lt;c&gt; &#39;d&#34; &nbsp;e&copy</p>",
    '<P CLASS="Date">x</P >', "<br><br/><br />", '<img src="logo.png" alt="">', "<img src='a&amp;b.png'/>",
    '<span class="checkbox" checked>x</span>', '<td  class = "x"\n>y</td\t>', "<p>\u00a0x\u2003</p>",
    "<table><tr><th>a</th><td>b</td></tr></table>\n\n", "<hr>tail &amp",
], ids=["empty", "text", "references", "case", "void", "img", "img-single-quotes", "bare-attribute",
        "spaces", "unicode-space", "table", "tail"])
def test_tokens_are_html_parsers_events(html):
    assert _tokens(html) == stdlib_events(html)


@pytest.mark.parametrize("html", [
    "<!-- c --><p>x</p>", "<p>a < b</p>", "<p class=x>y</p>", '<p class="a"id="b">', "<p\u00a0class='x'>",
    "<p / class='x'>", "<p", "x</ p>", "<!DOCTYPE html>", "<?pi?>", "<p class==\"x\">", "</>",
], ids=["comment", "lone-lt", "unquoted", "glued", "nbsp-in-tag", "slash", "unfinished", "space-end",
        "doctype", "pi", "double-equals", "empty-end"])
def test_tokens_give_up_beyond_plain_tags(html):
    assert _tokens(html) is None


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_tokens_read_every_document_of_the_examples(engine, example):
    case = engine.load_case(EXAMPLES / example)
    for document in engine.select(case):
        html = engine.render_html(case, document, TODAY)
        assert _tokens(html) == stdlib_events(html)


_PIECES = st.sampled_from([
    "<", ">", "/", "=", '"', "'", " ", "\n", "\t", "\u00a0", "&", "&amp;", "&#", ";", "!", "-", "?",
    "p", "P", "br", "class", "td", "x", "1", "\u00e6", ":", "_", ".",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_tokens_agree_with_html_parser_on_any_text(html):
    assert_same_or_given_up(html)
