"""Templates that build gigabytes in one step, or run forever, are stopped with one Danish line (issue 18).

Before these checks, each template below built a 1-3 GB string (the sandbox only
checked ``*`` and the padding methods); the render time limit used SIGALRM and
was silently off in threads.
"""

from __future__ import annotations

import threading

import pytest

from beredskab.render import renderer as render
from beredskab.engine import Engine
from beredskab.errors import TemplateError

from .conftest import TODAY

TOO_LARGE = "skabelonen forsøger at bygge en alt for stor tekst, liste eller tal"

BOMBS = {
    "concat_doubling": '{% set ns = namespace(s="a") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
                       "{% endfor %}{{ ns.s | length }}",
    "plus_doubling": '{% set ns = namespace(s="a") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}'
                     "{% endfor %}{{ ns.s | length }}",
    "replace_filter": '{{ ("a" * 100000) | replace("a", "b" * 100000) | length }}',
    "replace_method": '{{ ("a" * 100000).replace("a", "b" * 100000) | length }}',
    "replace_empty": '{{ ("a" * 100000).replace("", "b" * 100000) | length }}',
    "join_filter": '{{ range(100000) | join("x" * 100000) | length }}',
    "join_method": '{{ ("x" * 100000).join(range(100000) | map("string")) | length }}',
    "format_filter_width": '{{ "%999999999s" | format("a") | length }}',
    "percent_width": '{{ ("%999999999s" % "a") | length }}',
    "percent_star": '{{ ("%*s" % (999999999, "a")) | length }}',
    "percent_repeat": '{{ (("%s" * 100000) % ((("x" * 100000),) * 100000)) | length }}',
    "format_method_width": '{{ "{:>999999999}".format("a") | length }}',
    "format_method_nested": '{{ "{:>{}}".format("a", 999999999) | length }}',
    "format_method_repeat": '{{ ("{0}" * 300000).format("x" * 100000) | length }}',
    "batch_fill": "{{ [1] | batch(999999999, 0) | list | length }}",
    "lipsum": "{{ lipsum(1000000) | length }}",
    "block_capture": "{% set x %}{% for i in range(100000) %}{% for j in range(100) %}xxxxxxxxxx{% endfor %}"
                     "{% endfor %}{% endset %}{{ x | length }}",
}


@pytest.mark.parametrize("name", BOMBS)
def test_render_refuses_a_template_building_a_huge_text(make_pack, phone_threat, name):
    """Each built 1-3 GB before (issue 18); now refused before it is built."""
    pack = make_pack({"templates/incident_note.html.j2": BOMBS[name] + "\n"})
    with pytest.raises(TemplateError) as info:
        Engine.load(pack).preview(phone_threat, "incident_note", today=TODAY)
    [line] = info.value.lines()
    assert line.startswith(TOO_LARGE), line


def test_render_still_allows_ordinary_building(make_pack, phone_threat):
    template = ('{{ "%-5s|" % "ab" }}{{ "{:>4}".format(7) }}{{ ["a", "b"] | join(", ") }}'
                '{{ "x-y" | replace("-", " og ") }}{{ "%s og %s" | format("a", "b") }}{{ "a" ~ "b" }}\n')
    pack = make_pack({"templates/incident_note.html.j2": template})
    html = Engine.load(pack).preview(phone_threat, "incident_note", today=TODAY)
    assert html == "ab   |   7a, bx og ya og bab"


def test_render_time_limit_holds_in_a_thread(engine, phone_threat, monkeypatch):
    """The limit used SIGALRM, which is off outside the main thread (a web server's threads)."""
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.2)
    source = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    template = engine.renderer.env.from_string(source)
    outcome: list = []

    def run():
        try:
            engine.renderer.env.deadline.start(render.MAX_RENDER_SECONDS)
            outcome.append(template.render())
        except Exception as err:  # noqa: BLE001 - the test reads the type
            outcome.append(err)
        finally:
            engine.renderer.env.deadline.stop()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert type(outcome[0]).__name__ == "RenderTimeout"


# -- the HTML -> Word step ---------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("template, reason", [
    ("<table>{% for i in range(500) %}<tr>{% for j in range(500) %}<td></td>{% endfor %}</tr>{% endfor %}</table>",
     "Tabellerne har for mange celler"),
    ("{% for i in range(100) %}{% for j in range(6000) %}<p></p>{% endfor %}{% endfor %}",
     "Dokumentet har for mange elementer"),
    ("{% for i in range(5000) %}<div>{% endfor %}x", "Elementerne ligger for dybt i hinanden"),
    ("<p>{% for i in range(5000) %}<b>{% endfor %}x</p>", "Elementerne ligger for dybt i hinanden"),
], ids=["table-500x500", "600000-paragraphs", "5000-deep-divs", "5000-deep-bold"])
def test_word_step_refuses_what_would_take_minutes_or_gigabytes(make_pack, phone_threat, template, reason):
    """A 1200x1200 table took 1.7 GB and 25 s, 600,000 paragraphs never finished, deep nesting was 'intern fejl'."""
    pack = make_pack({"templates/incident_note.html.j2": template + "\n"})
    with pytest.raises(TemplateError) as info:
        Engine.load(pack).render(phone_threat, "incident_note", today=TODAY)
    [line] = info.value.lines()
    assert line.startswith(reason), line


def _padded_png(size: int) -> bytes:
    """A valid 16x16 PNG of about ``size`` bytes: a private ancillary chunk (readers skip it) pads it.

    (Zeros after a PNG signature, as first written here, were refused before issue 18 as
    unreadable, so they did not show the 100 MB logo copied into every document.)
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\xff" * 48 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"prVt", b"\0" * size) + chunk(b"IEND", b""))


@pytest.mark.parametrize("logo, reason", [
    (_padded_png(3_000_000), "Billedet i en <img> er for stort (højst 2 MB); gem logoet i en mindre opløsning"),
    (_png(2 ** 31, 1), "Billedet i en <img> kan ikke læses som et billede (højst 10000 punkter på hver led)"),
], ids=["3-MB-logo", "2**31-wide-png"])
def test_word_step_refuses_a_logo_too_large_to_copy_into_every_document(make_pack, phone_threat, logo, reason):
    """A 100 MB logo made every document 105 MB; a PNG declaring a 2**31 width was 'intern fejl'."""
    pack = make_pack({"templates/logo.png": logo})
    with pytest.raises(TemplateError) as info:
        Engine.load(pack).render(phone_threat, "incident_note", today=TODAY)
    assert info.value.lines() == [reason]
