"""Property tests: any case the forms accept becomes Word documents; no input gives a traceback.

Cases are drawn from the form definitions (tests/strategies.py), so documents and
fields added to the pack are covered without new examples.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re

import docx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from click.testing import CliRunner

from beredskab.cli.commands import cli
from beredskab.engine import Engine
from beredskab.errors import BeredskabError, CaseError
from beredskab.case.casefile import parse_case_json

from .conftest import NOW, TODAY
from .strategies import ANY_CHAR, JSON, cases, free_texts, value_at, with_markers

#: Few examples: every one builds Word documents; the suite stays fast. Set
#: BEREDSKAB_EXAMPLES=1000 for a deeper search before a release.
EXAMPLES = int(os.environ.get("BEREDSKAB_EXAMPLES", "30"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ENGINE = Engine.load()  # module level: hypothesis does not mix with function-scoped fixtures
SCHEMA = ENGINE.forms.schema
_SPACE_RUN = re.compile("[ \t\n\r\f]+")


def document_text(data: bytes) -> str:
    """All text of a .docx (body paragraphs and table cells, nested), one paragraph a line."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []

    def walk(container) -> None:
        for paragraph in container.paragraphs:
            lines.append(paragraph.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    return "\n".join(lines)


def squeeze(text: str) -> str:
    """White space as HTML (and so the documents) treats it: ASCII runs become one space."""
    return _SPACE_RUN.sub(" ", text).strip()


def shown_paths(case: dict, raw: dict, document: str) -> dict[tuple, str]:
    """The free-text fields ``document`` shows for this case: found by rendering it with markers."""
    marked_raw, markers = with_markers(SCHEMA, raw)
    marked = ENGINE.validate(marked_raw, now=NOW)
    html = ENGINE.preview(marked, document, TODAY)
    return {path: marker for path, marker in markers.items() if marker in html}


@PROPERTY
@given(raw=cases(SCHEMA, NOW))
def test_any_valid_case_renders_every_document_with_its_texts_verbatim(raw):
    case = ENGINE.validate(copy.deepcopy(raw), now=NOW)
    documents = ENGINE.select(case)
    assert documents
    for document in documents:
        text = squeeze(document_text(ENGINE.render(case, document, TODAY)))
        for path in shown_paths(case, raw, document):
            value = value_at(case.data, path)
            for line in value.split("\n"):
                assert squeeze(line.strip()) in text, (document, path)


def test_free_texts_finds_the_case_texts_with_their_paths():
    assert free_texts(SCHEMA, {"incident": {"location": "x", "case_id": "A"}}) == [
        (("incident", "case_id"), "A"), (("incident", "location"), "x")]


def assert_only_case_errors(raw: bytes) -> None:
    try:
        data = parse_case_json(raw, "x.json")
        ENGINE.validate(data, now=NOW)
    except CaseError as err:
        assert err.lines() and all(line and "\n" not in line for line in err.lines())


@PROPERTY
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_a_danish_error_not_a_traceback(raw):
    assert_only_case_errors(raw)


@PROPERTY
@given(value=JSON)
def test_random_json_gives_a_danish_error_not_a_traceback(value):
    assert_only_case_errors(json.dumps(value).encode("utf-8"))


@PROPERTY
@given(raw=cases(SCHEMA, NOW), junk=JSON, data=st.data())
def test_a_valid_case_with_one_part_replaced_by_junk_is_refused_or_rendered(raw, junk, data):
    """Junk anywhere in an otherwise good case: a Danish error, or documents if it is still valid."""
    paths = _all_paths(raw)
    path = data.draw(st.sampled_from(paths))
    broken = copy.deepcopy(raw)
    target = broken
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    try:
        case = ENGINE.validate(broken, now=NOW)
    except CaseError as err:
        assert all("\n" not in line for line in err.lines())
        return
    for document in ENGINE.select(case):
        docx.Document(io.BytesIO(ENGINE.render(case, document, TODAY)))


def _all_paths(value, path=()) -> list[tuple]:
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append(path + (key,))
            found.extend(_all_paths(child, path + (key,)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append(path + (index,))
            found.extend(_all_paths(child, path + (index,)))
    return found


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None)
@given(raw=st.one_of(st.binary(max_size=200), JSON.map(lambda v: json.dumps(v).encode("utf-8")),
                     st.text(ANY_CHAR, max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_cli_validate_never_shows_a_traceback(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("junk") / "sag.json"
    path.write_bytes(raw)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr and all(line.startswith("Fejl: ") for line in result.stderr.splitlines())
