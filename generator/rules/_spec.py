"""Reading the obligations in plan.yaml: where a problem is, and the small readers every rule uses.

A problem found while reading is a :class:`RuleError` holding the Danish reason
and the keys that lead to it in plan.yaml (``("checklist", "ban_hearing", "done")``);
:mod:`.obligations` turns it into a PackError naming the file and line.
Texts may hold ``{name}`` placeholders; they are checked here when the pack is
loaded and filled in by plain substitution (no ``str.format``: pack text is untrusted).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
_ID = re.compile(r"[a-z][a-z0-9_]*")

Where = tuple


class RuleError(Exception):
    """A problem in plan.yaml's obligations: a Danish reason and the keys leading to it."""

    def __init__(self, reason: str, where: Where):
        super().__init__(reason)
        self.reason = reason
        self.where = tuple(where)


def dotted(where: Where) -> str:
    """``checklist.ban_hearing.done`` for the keys of a place in plan.yaml (list positions as [n])."""
    text = ""
    for key in where:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def mapping(value: Any, where: Where, allowed: Iterable[str], what: str) -> Mapping:
    """``value`` as a mapping whose keys are all in ``allowed``; RuleError otherwise."""
    allowed = tuple(allowed)
    if not isinstance(value, Mapping):
        raise RuleError(f"'{dotted(where)}' skal være en samling af nøgler ({what})", where)
    for key in value:
        if key not in allowed:
            raise RuleError(f"ukendt nøgle '{key}' i '{dotted(where)}'; mulige: {', '.join(allowed)}",
                            (*where, key))
    return value


def identifier(key: Any, where: Where) -> str:
    """A rule id: lower-case letters, digits and _, starting with a letter."""
    if not isinstance(key, str) or not _ID.fullmatch(key):
        raise RuleError(f"'{key}' er ikke et gyldigt id (små bogstaver a-z, tal og _, fx school_board_informed)",
                        where)
    return key


def text(value: Any, where: Where, required: bool = True) -> str | None:
    """A non-empty Danish text (or None when it may be left out)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"'{dotted(where)}' skal være en tekst", where)
    return value


def flag(value: Any, where: Where) -> bool:
    """A yes/no setting (absent is no)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RuleError(f"'{dotted(where)}' skal være true eller false", where)
    return value


def names(value: Any, where: Where) -> tuple[str, ...]:
    """One name or a list of names."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
        raise RuleError(f"'{dotted(where)}' skal være et navn eller en liste af navne", where)
    return tuple(items)


def placeholders(value: str, known: Callable[[str], bool], where: Where) -> str:
    """Check that every ``{name}`` in ``value`` is one ``known`` accepts; return ``value``."""
    for match in _PLACEHOLDER.finditer(value):
        if not known(match.group(1)):
            raise RuleError(f"ukendt pladsholder {{{match.group(1)}}} i '{dotted(where)}'", where)
    return value


def fill(value: str, lookup: Callable[[str], str | None]) -> str:
    """Put ``lookup(name)`` into each ``{name}`` of ``value`` (names checked at load)."""
    if "{" not in value:
        return value
    return _PLACEHOLDER.sub(lambda m: lookup(m.group(1)) or "", value)
