"""An untrusted pack renders in a worker process bounded in time and memory by the OS (issues 12 and 18).

Before, the only time limit was SIGALRM: off in threads (a web server renders in
threads) and missing on Windows; memory had no bound beyond the sandbox's checks.
"""

from __future__ import annotations

import os
import time

import pytest

from beredskab import _isolation
from beredskab.render import renderer
from beredskab.engine import Engine
from beredskab.errors import TemplateError

from .conftest import TODAY, in_thread

#: A loop with no call, attribute or output inside: the sandbox's cooperative check never runs.
SILENT_LOOP = '{% set l = "x" * 1000000 %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}\n'


def test_untrusted_pack_is_stopped_after_the_deadline_in_a_thread(make_pack, phone_threat, monkeypatch):
    monkeypatch.setattr(_isolation, "RENDER_SECONDS", 2.0)
    engine = Engine.load(make_pack({"templates/incident_note.html.j2": SILENT_LOOP}))
    outcome = in_thread(lambda: engine.render(phone_threat, "incident_note", today=TODAY))
    assert isinstance(outcome, TemplateError)
    assert outcome.lines() == ["skabelonen tager for lang tid at danne (over 2 sekunder)"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_CPU is POSIX")
def test_untrusted_pack_is_stopped_by_its_cpu_limit(make_pack, phone_threat, monkeypatch):
    """Every wall-clock limit is set to 120 s: only the CPU limit (1 s) can stop it within 60 s.

    (Before the worker, the SIGALRM limit stopped this loop after its 20 s, so a test only
    asking for the message passed against the old code: the time bound is what shows the limit.)
    """
    monkeypatch.setattr(_isolation, "RENDER_CPU_SECONDS", 1)
    monkeypatch.setattr(_isolation, "RENDER_SECONDS", 120.0)
    monkeypatch.setattr(renderer, "MAX_RENDER_SECONDS", 120.0)
    engine = Engine.load(make_pack({"templates/incident_note.html.j2": SILENT_LOOP}))
    started = time.monotonic()
    with pytest.raises(TemplateError, match="tager for lang tid at danne"):
        engine.preview(phone_threat, "incident_note", today=TODAY)
    assert time.monotonic() - started < 60


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="the address-space limit is measured on Linux")
def test_untrusted_pack_is_stopped_by_its_memory_limit_and_the_next_document_renders(
        make_pack, phone_threat, monkeypatch):
    monkeypatch.setattr(_isolation, "WORKER_MEMORY_BYTES", 40 << 20)
    grow = ('{% set ns = namespace(l=[]) %}{% set s = "x" * 900000 %}'
            '{% for i in range(200) %}{% set ns.l = ns.l + [s ~ i] %}{% endfor %}{{ ns.l | length }}\n')
    engine = Engine.load(make_pack({"templates/incident_note.html.j2": grow,
                                    "templates/checklist.html.j2": "<p>{{ doc.case_id }}</p>\n"}))
    with pytest.raises(TemplateError) as info:
        engine.preview(phone_threat, "incident_note", today=TODAY)
    assert info.value.lines() == ["skabelonen bruger for meget hukommelse; dokumentet er ikke dannet"]
    assert engine.preview(phone_threat, "checklist", today=TODAY) == "<p>KME-2026-031</p>"


def test_untrusted_pack_renders_in_one_kept_worker(make_pack, phone_threat):
    engine = Engine.load(make_pack({"templates/checklist.html.j2": "<p>{{ doc.case_id }}</p>\n"}))
    assert engine.workers is not None
    pids = set()
    for _ in range(3):
        assert engine.preview(phone_threat, "checklist", today=TODAY) == "<p>KME-2026-031</p>"
        pids |= {worker._process.pid for worker in engine.workers._idle}
    assert len(pids) == 1  # started once, not per document
    engine.workers.close()


def test_default_pack_renders_in_this_process(engine):
    assert engine.workers is None


def test_worker_error_keeps_its_danish_problem(make_pack, phone_threat):
    engine = Engine.load(make_pack({"templates/checklist.html.j2": "{{ nothing_here }}\n"}))
    with pytest.raises(TemplateError) as info:
        engine.render(phone_threat, "checklist", today=TODAY)
    [problem] = info.value.problems
    assert problem.reason == "skabelonen bruger en variabel eller et felt, der ikke findes (nothing_here)"
    assert problem.file.endswith("checklist.html.j2") and problem.line == 1
