"""The template guide's table of limits (docs/skabeloner.md, 'Grænser for en pakke') says what the
code does: every number is the constant it names, every message is one the code gives (issue 18)."""

from __future__ import annotations

import ast
import importlib
import re

import pytest

from .conftest import ROOT

GUIDE = ROOT / "docs" / "skabeloner.md"

#: A number as the guide writes it (1.000.000, 0,5), with an optional unit of bytes.
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)(?:\s*(GiB|MiB|MB))?(?![\w])")
UNITS = {None: 1, "GiB": 1 << 30, "MiB": 1 << 20, "MB": 1_000_000}


def numbers(text: str) -> list[float]:
    """Every number in ``text``, in the code's units (bytes, seconds, counts)."""
    found = []
    for digits, unit in NUMBER.findall(text.replace("`", "")):
        value = float(digits.replace(".", "").replace(",", "."))
        found.append(value * UNITS[unit or None])
    return found


def rows() -> list[tuple[str, str, str, list[str]]]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("### Grænser for en pakke", 1)[1].split("\n#", 1)[0]
    found = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.match(r"`_?\w+\.", cells[3]):
            constants = re.findall(r"`([\w.]+)`", cells[3])
            found.append((cells[0], cells[1], cells[2], constants))
    return found


ROWS = rows()


def constant(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(f"beredskab.{module}"), name)


def test_the_guide_lists_every_limit_issue_18_asks_for():
    constants = {name for *_, names in ROWS for name in names}
    assert {"_isolation.RENDER_SECONDS", "_isolation.WORKER_MEMORY_BYTES", "render._limits.MAX_BUILT_SIZE",
            "word._html.MAX_ELEMENTS", "word._html.MAX_CELLS", "word.writer.MAX_PICTURE_BYTES",
            "word._reference.MAX_PART_BYTES", "pack.yaml_files.MAX_YAML_NODES", "case._validator.REGEX_SECONDS"} <= constants
    assert len(ROWS) >= 17


@pytest.mark.parametrize("limit, most, message, names", ROWS, ids=[row[0][:40] for row in ROWS])
def test_the_guides_numbers_are_the_codes_constants(limit, most, message, names):
    values = {float(constant(name)) for name in names}
    shown = set(numbers(most))
    assert shown == values, (limit, most)  # every constant shown, and no number that is none of them
    assert set(numbers(message)) <= values, (limit, message)


def _messages() -> list[re.Pattern]:
    """Every string literal of the package as a pattern; an f-string's field matches one word (a number, a file name)."""
    patterns = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"\S+?" for v in node.values]
                patterns.append(re.compile("".join(parts)))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 10:
                patterns.append(re.compile(re.escape(node.value)))
    return patterns


MESSAGES = _messages()


@pytest.mark.parametrize("limit, most, message, names", ROWS, ids=[row[0][:40] for row in ROWS])
def test_the_guides_messages_are_the_codes(limit, most, message, names):
    text = message.strip("`")
    assert any(pattern.fullmatch(text) for pattern in MESSAGES), (limit, text)
