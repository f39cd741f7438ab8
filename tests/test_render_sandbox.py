"""Hostile templates: a pack cannot reach the file system, Python internals or exhaust the machine."""

from __future__ import annotations

import pytest

from beredskab.render import renderer as render
from beredskab.engine import Engine
from beredskab.errors import PackError, TemplateError

from .conftest import DATA, TODAY

HOSTILE = DATA / "hostile-pack"
INTERNALS = "skabelonen forsøger at bruge Pythons indre dele eller at ændre data; det tillader sandkassen ikke"
TOO_LARGE = "skabelonen forsøger at bygge en alt for stor tekst, liste eller tal"
NOT_FOUND = "skabelonen '{}' findes ikke"


@pytest.fixture(scope="module")
def hostile():
    return Engine.load(HOSTILE)


@pytest.mark.parametrize("document, reason", [
    ("class_escape", INTERNALS),
    ("globals_escape", INTERNALS),
    ("lipsum_globals", INTERNALS),
    ("attr_filter", INTERNALS),
    ("format_escape", INTERNALS),
    ("mutate_case", INTERNALS),
    ("huge_range", "skabelonen beder om for mange gentagelser (højst 100000 i en range)"),
    ("huge_string", TOO_LARGE),
    ("huge_power", TOO_LARGE),
    ("huge_padding", TOO_LARGE),
    ("include_absolute", NOT_FOUND.format("/etc/passwd")),
    ("include_parent", NOT_FOUND.format("../../../../../../etc/passwd")),
    ("extends_default_parent", NOT_FOUND.format("default/../plan.yaml")),
    ("include_plan_yaml", NOT_FOUND.format("../plan.yaml")),
], ids=lambda v: v if v.isidentifier() else "")
def test_render_refuses_hostile_template_with_a_danish_line(hostile, phone_threat, document, reason):
    with pytest.raises(TemplateError) as info:
        hostile.preview(phone_threat, document, today=TODAY)
    [line] = info.value.lines()
    assert line.startswith(reason)
    assert line.endswith(f"({HOSTILE / 'templates' / document}.html.j2, linje 1)")
    assert "root:" not in line and "Traceback" not in line


def test_render_stops_a_template_that_extends_itself(hostile, phone_threat):
    with pytest.raises(TemplateError, match="kalder sig selv i det uendelige"):
        hostile.preview(phone_threat, "extends_itself", today=TODAY)


def test_render_stops_a_runaway_loop_that_prints_nothing(make_pack, phone_threat, monkeypatch):
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.2)
    pack = make_pack({"templates/incident_note.html.j2":
                      "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n"})
    with pytest.raises(TemplateError, match="tager for lang tid at danne"):
        Engine.load(pack).preview(phone_threat, "incident_note", today=TODAY)


def test_render_refuses_a_template_symlinked_out_of_the_pack(make_pack, phone_threat, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("hemmelig-adgangskode", encoding="utf-8")
    pack = make_pack({"plan.yaml": "unit: X\n"})
    (pack / "templates").mkdir()
    (pack / "templates" / "incident_note.html.j2").symlink_to(secret)
    with pytest.raises(PackError) as info:  # refused when the pack loads, before any template runs
        Engine.load(pack).preview(phone_threat, "incident_note", today=TODAY)
    assert info.value.lines() == [
        "er et symbolsk link, der peger uden for planpakken; kopiér filen ind i pakken "
        f"({pack / 'templates' / 'incident_note.html.j2'})"
    ]
    assert "hemmelig" not in str(info.value)


def test_render_refuses_an_include_through_a_symlinked_folder(make_pack, phone_threat, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html.j2").write_text("hemmelig", encoding="utf-8")
    pack = make_pack({"templates/incident_note.html.j2": "{% include 'evil/secret.html.j2' %}\n"})
    (pack / "templates" / "evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PackError, match="symbolsk link, der peger uden for planpakken"):  # when the pack loads
        Engine.load(pack).preview(phone_threat, "incident_note", today=TODAY)


def test_render_allows_a_symlink_inside_the_pack(make_pack, phone_threat):
    pack = make_pack({"templates/note.html.j2": "<p>Sag {{ incident.case_id }}</p>\n"})
    (pack / "templates" / "incident_note.html.j2").symlink_to(pack / "templates" / "note.html.j2")
    assert Engine.load(pack).preview(phone_threat, "incident_note", today=TODAY) == "<p>Sag KME-2026-031</p>"


def test_a_dicts_keys_and_methods_read_as_in_jinjas_own_sandbox():
    """PackSandbox.getattr looks a plain dict's key up directly; what a template sees is Jinja's."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    data = {"navn": "Mette", "items": "nøgle", "update": 1, "_skjult": 2, "__class__": 3}
    source = ("{{ d.navn }}|{{ d.items is callable }}|{{ d.update is defined }}|{{ d._skjult }}|"
              "{{ d.__class__ is defined }}|{{ d.mangler is defined }}|{{ d['items'] }}|{{ d.get('navn') }}|"
              "{{ d.keys() | list }}")
    ours = render.PackSandbox(autoescape=True).from_string(source).render(d=data)
    jinjas = ImmutableSandboxedEnvironment(autoescape=True).from_string(source).render(d=data)
    assert ours == jinjas == "Mette|True|False|2|False|False|nøgle|Mette|[&#39;navn&#39;, &#39;items&#39;, &#39;update&#39;, &#39;_skjult&#39;, &#39;__class__&#39;]"


@pytest.mark.parametrize("text", ["", "a", "a & b <c>", "linje 1\nlinje 2", "afsnit 1\n\nafsnit 2\n", "\n\n\n\nx\n\n",
                                  "  indrykket  \n\n\t\"citat\" 'x'  "])
def test_paragraphs_filter_escapes_each_line_and_joins_blocks(text):
    from markupsafe import Markup, escape

    expected = Markup("\n").join(
        Markup("<p>") + Markup("<br>").join(escape(line) for line in block.split("\n")) + Markup("</p>")
        for block in (b.strip() for b in text.split("\n\n")) if block)
    assert render.paragraphs(text) == expected and isinstance(render.paragraphs(text), Markup)


def test_safe_attributes_are_jinjas_answers_also_when_asked_again():
    """PackSandbox keeps is_safe_attribute's answer per type and name; each answer is Jinja's own."""
    import collections
    from types import SimpleNamespace

    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def function():
        pass

    objects = [{}, [], set(), collections.deque(), collections.OrderedDict(), "tekst", render.Markup("x"), function,
               str.upper, "x".format, int, SimpleNamespace(last=True), (x for x in ()), render.Renderer]
    names = ["items", "update", "clear", "append", "add", "pop", "keys", "upper", "format", "mro", "last",
             "__class__", "__globals__", "__code__", "gi_frame", "_private", "__init__", "func_globals", "__self__"]
    ours, jinjas = render.PackSandbox(), ImmutableSandboxedEnvironment()
    for _ in range(2):
        for obj in objects:
            for name in names:
                value = getattr(obj, name, None)
                assert ours.is_safe_attribute(obj, name, value) == jinjas.is_safe_attribute(obj, name, value), (obj, name)
