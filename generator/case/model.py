"""The validated case: the value every step after validation takes, and the case data around it."""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple

from .fields import dumps
from .casefile import set_path


class Case(NamedTuple):
    """A validated, normalised case: what every step after validation takes.

    Only :meth:`Engine.validate` (and :meth:`Engine.load_case`) make one, so a
    ``Case`` in hand has passed the forms.
    """

    data: dict

    def __repr__(self) -> str:  # personal data: never in a repr, a log or a traceback
        return "Case()"

    @property
    def id(self) -> str:
        """The case number (``incident.case_id``): the one place it is read."""
        return self.data["incident"]["case_id"]

    def section(self, name: str) -> Any:
        """One section of the case (``incident``, ``ban`` ...), or None when it is not filled in."""
        return self.data.get(name)


def with_overrides(data: dict, overrides: Iterable[tuple[str, Any]]) -> dict:
    """``data`` with each (path, value) of ``overrides`` set, creating groups on the way."""
    for dotted, value in overrides:
        set_path(data, dotted, value)
    return data


def dump_case(data: dict) -> bytes:
    """Case data (or a skeleton, a schema) as the UTF-8 JSON beredskab writes."""
    return dumps(data)
