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


def test_jinja_concat_hook_is_still_there():
    """beredskab bounds ``~`` through Jinja2's CodeGenerator.visit_Concat (a private hook): fail loudly if gone."""
    source = Engine.load().renderer.env.compile("{{ a ~ b }}", raw=True)
    assert "environment.bounded(" in source, "Jinja2's CodeGenerator.visit_Concat hook no longer applies"
