"""The fields' HTML (generator/web/fieldhtml.py) read back as a browser posts it: the real page from
the test client on a real register file, parsed with html.parser, carries exactly what the
widgets hold, escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from beredskab.register import Register, save
from beredskab.web.formdata import parse_section

from .test_web_widgets import post_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class _Form(HTMLParser):
    """What a browser posts for the case form: named inputs (checked ones of radios and
    checkboxes), text areas, the selected option of a select; nothing inside <template>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self._in_form = self._in_template = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "data-case-form" in a:
            self._in_form = True
        if not self._in_form or self._in_template:
            self._in_template = self._in_template or tag == "template"
            return
        if tag == "template":
            self._in_template = True
        elif tag == "input" and a.get("name") and not a["name"].startswith(("csrf", "_")):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template = False
        elif tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            self.pairs.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def posted(page: str) -> MultiDict:
    parser = _Form()
    parser.feed(page)
    return MultiDict(parser.pairs)


def _saved(app, data: dict) -> str:
    with Register.open(app.config["DB"], engine=app.extensions["beredskab.engine"], user="lokal") as reg:
        return save(reg, data, draft=True).case_id


@pytest.mark.parametrize("example", ["vold-skranke.json", "chikane-forbud.json", "trussel-telefon.json"])
def test_the_page_posts_back_what_its_widgets_hold(app, client, example):
    data = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    case_id = _saved(app, data)
    forms = app.extensions["beredskab.engine"].forms
    with Register.open(app.config["DB"], user="test") as reg:
        stored = json.loads(reg.conn.execute("SELECT data FROM versions WHERE case_id = ?", (case_id,)).fetchone()[0])
    for section in forms.sections:
        page = client.get(f"/sager/{case_id}/{section}").get_data(as_text=True)
        from_page = parse_section(forms, section, posted(page), stored)
        assert _ordered(from_page) == _ordered(parse_section(forms, section, post_of(forms, section, stored),
                                                             stored)), section


def _ordered(value):
    """Checked boxes come in the page's order of options, the widget's value in the case's order."""
    if isinstance(value, dict):
        return {k: _ordered(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return sorted(items) if all(isinstance(v, str) for v in items) else items
    return value


def test_values_are_escaped_and_come_back_as_typed(app, client):
    data = json.loads((EXAMPLES / "vold-skranke.json").read_text(encoding="utf-8"))
    typed = '<script>alert("x")</script> & \'y\''
    data["incident"]["location"] = typed
    data["incident"]["description"] = typed + "\n</textarea><b>fed</b>"
    case_id = _saved(app, data)
    page = client.get(f"/sager/{case_id}/incident").get_data(as_text=True)
    assert "<script>alert" not in page and "</textarea><b>" not in page
    form = posted(page)
    assert form["incident.location"] == typed
    assert form["incident.description"] == typed + "\n</textarea><b>fed</b>"
