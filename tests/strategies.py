"""Hypothesis strategies built from the form definitions: cases the schema accepts, and junk.

:func:`cases` reads the prepared Cerberus schema of the pack (``engine.forms.schema``)
and draws raw case data (what a person writes in JSON) that validates, so the
property tests cover every form field, and every field other helpers add later,
without a hand-written example. Supported rules: the types the forms use,
``required``, ``required_when``, ``allowed`` (choice lists), ``regex``,
``minlength``/``maxlength``, ``min``/``max``, ``not_future``, ``after``,
``deadline_passed`` and ``outside_premises``.

Dates and times come from one clock that only moves forward, in schema order,
and never past ``now``: every ``after`` rule that names an earlier field holds,
and so does every ``not_future``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Callable

from hypothesis import strategies as st

from beredskab.case._validator import condition_holds
from beredskab.case.casefile import clean_strings
from beredskab.case.premises import covering
from beredskab.dates import DateParseError, parse_date

#: Longest free text drawn (the forms allow far more; short texts keep the suite fast).
MAX_TEXT = 40

#: Every character a person can paste, except lone surrogates (JSON in UTF-8 cannot hold them).
ANY_CHAR = st.characters(exclude_categories=("Cs",))

#: Text as people paste it: Danish letters, emoji, right-to-left, combining marks, control characters.
PASTED = st.sampled_from(["æøå ÆØÅ", "😀👍🏽", "שלום", "مرحبا", "e\u0301", "\u00a0", "\t", "\n", "\r\n", "\x0b", "\x0c",
                          "\x00", "<b>&amp;", "{{ x }}", "'\"", "\u200b", "\ufeff", "\u2028"])
TEXT = st.lists(st.one_of(st.text(ANY_CHAR, max_size=8), PASTED), max_size=5).map("".join)
#: Text that is still there after trimming: something visible, with anything around it.
VISIBLE = st.one_of(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=6),
                    st.sampled_from(["æøå", "😀", "שלום", "e\u0301", "Ø"]))
FILLED = st.tuples(st.lists(st.one_of(st.text(ANY_CHAR, max_size=6), PASTED), max_size=2).map("".join), VISIBLE,
                   st.lists(st.one_of(st.text(ANY_CHAR, max_size=6), PASTED), max_size=2).map("".join)).map("".join)

#: Any JSON value, nested a few levels.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(ANY_CHAR),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(ANY_CHAR, max_size=10), children, max_size=4),
    max_leaves=12,
)


class _Clock:
    """The forward-only clock dates and times are drawn from."""

    def __init__(self, draw: Callable, now: datetime):
        self.draw = draw
        self.now = now.replace(second=0, microsecond=0)
        start = self.now - timedelta(days=800)
        minutes = draw(st.integers(0, 760 * 24 * 60))
        self.moment = start + timedelta(minutes=minutes)

    def tick(self) -> datetime:
        step = self.draw(st.integers(0, 2 * 24 * 60))
        self.moment = min(self.moment + timedelta(minutes=step), self.now)
        return self.moment


@st.composite
def cases(draw, schema: dict, now: datetime) -> dict:
    """A raw case (JSON-ready dict) that ``schema`` accepts at ``now``."""
    root: dict = {}
    _fill(draw, schema, root, root, _Clock(draw, now))
    return root


def _fill(draw, schema: dict, container: dict, root: dict, clock: _Clock) -> None:
    """Draw the fields of one group into ``container``, in schema order."""
    seen: set[str] = set()
    for name, rules in schema.items():
        seen.add(name)
        condition = rules.get("required_when")
        if rules.get("required"):
            present = True
        elif condition and any(not p.startswith("^") and p.split(".")[0] not in seen for p in condition):
            present = True  # the condition names a later sibling: always fill, so it holds either way
            rules = _filled(rules)
        elif condition and condition_holds(condition, lambda p: _lookup(p, container, root)):
            present = True
            rules = _filled(rules)
        else:
            present = draw(st.booleans())
        if condition and present and rules.get("type") == "list":
            rules = {**rules, "minlength": max(1, rules.get("minlength", 0))}  # required: an empty list is refused
        if not present:
            if draw(st.booleans()):
                container[name] = None
            continue
        kind = rules.get("type")
        if kind == "dict":
            container[name] = {}
            _fill(draw, rules.get("schema") or {}, container[name], root, clock)
            if "outside_premises" in rules:
                _move_outside(container[name], _lookup(rules["outside_premises"], container, root))
        elif "deadline_passed" in rules:
            # A yes only once the other date has passed (an answer not given before its deadline).
            container[name] = draw(st.booleans()) and _before(_lookup(rules["deadline_passed"], container, root), clock.now)
        else:
            container[name] = _value(draw, rules, root, clock)


def _before(text: Any, now: datetime) -> bool:
    try:
        return parse_date(text) < now.date()
    except DateParseError:
        return False


def _move_outside(place: dict, premises: Any) -> None:
    """Give a place drawn inside the premises (the same address by chance) another address."""
    while isinstance(premises, list) and covering(place, premises) is not None:
        place["address"] = f"{place.get('address') or ''} andetsteds"


def _filled(rules: dict) -> dict:
    """Rules for a field that is required now (``required_when`` holds): an empty value is refused."""
    if rules.get("type") == "list":
        return {**rules, "minlength": max(1, rules.get("minlength", 0))}
    return {**rules, "empty": False}


def _value(draw, rules: dict, root: dict, clock: _Clock) -> Any:
    kind = rules.get("type")
    if "allowed" in rules:
        return draw(st.sampled_from(rules["allowed"]))
    if kind == "string":
        return draw(_string(rules))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "integer":
        return draw(st.integers(rules.get("min", -10**6), rules.get("max", 10**6)))
    if kind in ("float", "number"):
        return draw(st.floats(rules.get("min", -1e6), rules.get("max", 1e6), allow_nan=False, allow_infinity=False))
    if kind == "datetime":  # a day without a time too: facts known only by the day
        moment = clock.tick()
        return draw(st.sampled_from([moment.strftime("%Y-%m-%dT%H:%M"), moment.strftime("%d-%m-%Y kl. %H.%M"),
                                     moment.date().isoformat()]))
    if kind == "date":
        day = clock.tick().date()
        return draw(st.sampled_from([day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%d.%m.%Y")]))
    if kind == "list":
        item = rules.get("schema") or {}
        # A required list (required_when that holds: empty False) needs an item: [] is "not filled in".
        low = max(rules.get("minlength", 0), 1 if rules.get("empty") is False else 0)
        high = max(low, min(rules.get("maxlength", 3), 3))
        if "allowed" in item:
            return draw(st.lists(st.sampled_from(item["allowed"]), min_size=low, max_size=high, unique=True))
        size = draw(st.integers(low, high))
        items = []
        for _ in range(size):
            if item.get("type") == "dict":
                child: dict = {}
                _fill(draw, item.get("schema") or {}, child, root, clock)
                items.append(child)
            else:
                items.append(_value(draw, item, root, clock))
        return items
    raise NotImplementedError(f"tests/strategies.py cannot draw type {kind!r} yet: teach _value() about it")


def _string(rules: dict):
    """Free text within the field's limits; a required one is not blank once cleaned."""
    pattern = rules.get("regex")
    high = min(rules.get("maxlength", MAX_TEXT), MAX_TEXT)
    low = rules.get("minlength", 0)
    if pattern:
        full = re.compile(pattern if pattern.endswith("$") else pattern + "$")
        text = st.from_regex(pattern, fullmatch=True).filter(lambda s: full.match(s) and low <= len(s) <= high)
    elif rules.get("empty") is False or rules.get("required") or low:
        text = FILLED.filter(lambda s: len(s) <= high and len(clean_strings(s)) >= max(low, 1))
    else:
        text = TEXT.filter(lambda s: len(s) <= high)
    return text


def _lookup(path: str, container: dict, root: dict) -> Any:
    current: Any = root if path.startswith("^") else container
    for part in path.lstrip("^").split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def free_texts(schema: dict, data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every free-text string in ``data`` (not a choice key), with its path."""
    found: list[tuple[tuple, str]] = []
    for name, rules in schema.items():
        if not isinstance(data, dict) or data.get(name) is None:
            continue
        _texts(rules, data[name], path + (name,), found)
    return found


def _texts(rules: dict, value: Any, path: tuple, found: list) -> None:
    kind = rules.get("type")
    if kind == "string" and "allowed" not in rules and isinstance(value, str):
        found.append((path, value))
    elif kind == "dict" and isinstance(value, dict):
        found.extend(free_texts(rules.get("schema") or {}, value, path))
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            _texts(rules.get("schema") or {}, item, path + (index,), found)


def with_markers(schema: dict, data: dict) -> tuple[dict, dict[tuple, str]]:
    """A copy of ``data`` with every non-empty free text replaced by a unique marker (``Qz7x``)."""
    import copy

    marked = copy.deepcopy(data)
    markers: dict[tuple, str] = {}
    for index, (path, value) in enumerate(free_texts(schema, data)):
        if clean_strings(value) == "":
            continue
        marker = f"Qz{index}x"
        target: Any = marked
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = marker
        markers[path] = marker
    return marked, markers


def value_at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data
