"""The fast tokenizer of beredskab.word._html gives html.parser's events, or gives up; parse is the same either way."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

from beredskab.word._html import _NUMERIC_REFERENCE, XML_ILLEGAL, _TreeBuilder, _attributes, _tokens, parse, unescape
from beredskab.word._inline import _SPACE_RUN, _collapse, _collect, _one_space, inline_items
from beredskab.word._wml import P, r_text
from beredskab.errors import TemplateError

from .conftest import EXAMPLES, TODAY


def _feed(html: str, parser) -> bool:
    """The fast tokenizer's reading as html.parser's events, reported to ``parser``'s ``handle_...``
    methods (text with character references resolved, tag and attribute names in lower case);
    False where it gives up (see _tokens: then nothing is reported).

    ``parse`` builds its tree from the same tokens directly (``_TreeBuilder.build``); this reads
    them the way html.parser reports events, so the tests can compare the two.
    """
    tokens = _tokens(html)
    if tokens is None:
        return False
    handle_data, handle_endtag = parser.handle_data, parser.handle_endtag
    handle_starttag, handle_startendtag = parser.handle_starttag, parser.handle_startendtag
    for _, text, tag, attributes, closed, end in tokens:
        if text:
            handle_data(unescape(text) if "&" in text else text)
        elif end:
            handle_endtag(end.lower())
        else:
            (handle_startendtag if closed else handle_starttag)(tag.lower(), _attributes(attributes) if attributes else [])
    return True


class _Events(HTMLParser):
    """Events as tuples, from html.parser or from _feed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("startend", tag, attrs))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        self.events.append(("text", data))

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


def events(html: str) -> list:
    """The fast tokenizer's events, and None where it gives up."""
    recorder = _Events()
    complete = _feed(html, recorder)
    return recorder.events + ([] if complete else [None])


def assert_same_until_given_up(html: str) -> None:
    """The fast events are html.parser's, up to where the fast tokenizer gives up (None)."""
    fast, slow = events(html), stdlib_events(html)
    if fast and fast[-1] is None:
        fast.pop()
        assert fast == slow[:len(fast)]
    else:
        assert fast == slow


@pytest.mark.parametrize("html", [
    "", "text only", "<p>a &amp; b &lt;c&gt; &#39;d&#34; &nbsp;e&copy</p>",
    '<P CLASS="Date">x</P >', "<br><br/><br />", '<img src="logo.png" alt="">', "<img src='a&amp;b.png'/>",
    '<span class="checkbox" checked>x</span>', '<td  class = "x"\n>y</td\t>', "<p>\u00a0x\u2003</p>",
    "<table><tr><th>a</th><td>b</td></tr></table>\n\n", "<hr>tail &amp",
], ids=["empty", "text", "references", "case", "void", "img", "img-single-quotes", "bare-attribute",
        "spaces", "unicode-space", "table", "tail"])
def test_events_are_html_parsers_events(html):
    assert events(html) == stdlib_events(html)


@pytest.mark.parametrize("html", [
    "<!-- c --><p>x</p>", "<p>a < b</p>", "<p class=x>y</p>", '<p class="a"id="b">', "<p\u00a0class='x'>",
    "<p / class='x'>", "<p", "x</ p>", "<!DOCTYPE html>", "<?pi?>", "<p class==\"x\">", "</>",
], ids=["comment", "lone-lt", "unquoted", "glued", "nbsp-in-tag", "slash", "unfinished", "space-end",
        "doctype", "pi", "double-equals", "empty-end"])
def test_events_give_up_beyond_plain_tags(html):
    assert events(html)[-1] is None
    assert_same_until_given_up(html)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_events_read_every_document_of_the_examples(engine, example):
    case = engine.load_case(EXAMPLES / example)
    for document in engine.select(case):
        html = engine.preview(case, document, TODAY)
        assert events(html) == stdlib_events(html)


_PIECES = st.sampled_from([
    "<", ">", "/", "=", '"', "'", " ", "\n", "\t", "\u00a0", "&", "&amp;", "&#", ";", "!", "-", "?",
    "p", "P", "br", "class", "td", "x", "1", "\u00e6", ":", "_", ".",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_events_agree_with_html_parser_on_any_text(html):
    assert_same_until_given_up(html)


def tree(html: str) -> list:
    """The parsed tree as nested lists, for comparing."""
    def shape(node):
        if isinstance(node, str):
            return node
        return [node.key, node.attrs, node.category, [shape(child) for child in node.children]]
    return shape(parse(html))


@pytest.mark.parametrize("html, error", [
    ("<p>x</p><script>a<b</script><!-- c -->", "Ukendt HTML-tag <script> i skabelonen"),
    ("<p>x</p><!-- c --><blink>", "Ukendt HTML-tag <blink> i skabelonen"),
    ("<p>a < b</p></li>", "Slutmærket </li> har intet element at lukke i skabelonen"),
    ("<ul>tekst<!-- c --></ul>", "Tekst må ikke stå i <ul>"),
], ids=["refused-before-giving-up", "refused-after-giving-up", "lone-lt", "text-in-list"])
def test_parse_refuses_alike_on_both_paths(html, error):
    with pytest.raises(TemplateError, match=error):
        parse(html)


def test_parse_builds_the_same_tree_on_both_paths():
    simple = '<p class="note">a &amp; b<br>c</p><ul><li>d</li></ul>'
    assert events(simple)[-1] is not None
    assert tree(simple + "<!-- slut -->") == tree(simple)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=" \n\t\r\f\u00a0\u2003abæ", max_size=12), bold=st.booleans())
def test_inline_items_of_a_plain_text_are_the_general_ones(text, bold):
    assert inline_items([text], bold) == _collapse(_collect([text], (bold, False, False)))


def _outcome(build) -> object:
    """The tree ``build()`` returns as nested lists, or the message of the TemplateError it raises."""
    try:
        root = build()
    except TemplateError as err:
        return str(err)

    def shape(node):
        if isinstance(node, str):
            return node
        return [node.key, node.attrs, node.category, node.mode, [shape(child) for child in node.children]]
    return shape(root)


def _through_handlers(html: str):
    """The tree the builder's handlers make of _feed's events (parse builds it in one loop instead)."""
    builder = _TreeBuilder()
    builder.clean = parse_is_clean(html)
    assert _feed(html, builder)
    return builder.root


def parse_is_clean(html: str) -> bool:
    return XML_ILLEGAL.search(html) is None and _NUMERIC_REFERENCE.search(html) is None


_MARKUP = st.sampled_from([
    "<p>", "</p>", '<p class="note">', "<P CLASS='date'>", "<ul>", "</ul>", "<li>", "</li>", "<table>", "</table>",
    '<table class="fields">', "<tr>", "</tr>", "<td>", "</td>", '<th width="40%">', '<td width="70%">', "</th>",
    "<br>", "<br/>", "</br>", "<b>", "</b>", '<span class="checkbox" checked>', "</span>", '<div class="header">',
    "</div>", "<div>", '<img src="logo.png" alt="a &amp; b">', "<blink>", '<p style="x">', "x", " ", "\n",
    "&amp;", "&#1;", "\x01", "\u00a0", "æ",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_MARKUP, max_size=30).map("".join))
def test_parse_builds_what_the_handlers_build_from_the_events(html):
    assert _outcome(lambda: parse(html)) == _outcome(lambda: _through_handlers(html))


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_parse_of_every_document_is_the_handlers_tree(engine, example):
    case = engine.load_case(EXAMPLES / example)
    for document in engine.select(case):
        html = engine.preview(case, document, TODAY)
        assert _outcome(lambda: parse(html)) == _outcome(lambda: _through_handlers(html))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \n\t\r\f\u00a0\u2003\u0085\x0b\u200bab", max_size=12))
def test_white_space_is_collapsed_as_the_regular_expression_does(text):
    assert _one_space(text) == _SPACE_RUN.sub(" ", text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \n\t\u00a0\u2003\u3000ab", max_size=8))
def test_a_run_keeps_its_space_exactly_when_the_text_has_white_space_at_either_end(text):
    paragraph = P(None)
    r_text(paragraph, text, False, False, False)
    assert ('xml:space="preserve"' in paragraph.runs[0]) == (text != text.strip())


def test_parse_keeps_no_tag_whose_attributes_hold_free_text():
    """Start tags are checked once per process as written; one with alt, title, id or src (a template
    may fill them from the case) is checked every time and kept nowhere."""
    from beredskab.word import _html

    parse('<p class="note" title="Mette Hansen">x</p><p><img src="logo.png" alt="Sag 17"></p>'
          '<table><tr><td width="40%" id="a1">y</td></tr></table><p class="note">z</p>')
    kept = repr(_html._ELEMENTS)
    assert "Mette" not in kept and "Sag 17" not in kept and "logo.png" not in kept and "a1" not in kept
    assert ("p", ' class="note"', "") in _html._ELEMENTS
