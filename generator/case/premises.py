"""Where a ban applies: whether a place lies inside the buildings (or parts of them) a ban covers.

A ban names each building by name and address, and optionally the part of it
it covers (``area``; none means the whole building). A meeting place for the
citizen's continued contact must lie outside: it is inside when it has the
same address as a banned building and that building is banned as a whole, or
the meeting place is the banned part itself (or names no part at all).
Addresses and areas are compared the way people type them: case, spacing and
punctuation do not matter.
"""

from __future__ import annotations

import re
from typing import Any

_NOT_WORD = re.compile(r"[\W_]+")


def _key(text: Any) -> str:
    """``"Skelbækvej 2,  6200 Aabenraa"`` and ``"skelbækvej 2 6200 aabenraa"`` compare equal."""
    return _NOT_WORD.sub(" ", str(text or "")).strip().casefold()


def covering(place: dict, premises: list) -> int | None:
    """The index of the banned building ``place`` lies inside, or None when it lies outside all."""
    address = _key(place.get("address"))
    if not address:
        return None
    area = _key(place.get("area"))
    for index, building in enumerate(premises):
        if not isinstance(building, dict) or _key(building.get("address")) != address:
            continue
        banned_area = _key(building.get("area"))
        if not banned_area or not area or banned_area == area:
            return index
    return None
