"""Where a pack's plan.yaml replaces the default's obligations whole instead of merging them.

plan.yaml is merged key by key, but a condition or a deadline reference is one
statement: a pack's ``when: {filled: ban}`` over the default's
``when: {equals: {...}}`` must replace it, not become a mapping with two
operators. :func:`replaced_whole` names those places for the pack loader.
"""

from __future__ import annotations

#: Keys of an entry in these sections whose value is replaced whole.
_WHOLE = {
    "checklist": ("when", "done", "due", "who", "blocks"),
    "due_dates": ("when",),
    "documents": ("when",),
}


def replaced_whole(keys: tuple) -> bool:
    """True for a place in plan.yaml (its keys) whose value a pack replaces whole."""
    if len(keys) == 3 and keys[0] in _WHOLE:
        return keys[2] in _WHOLE[keys[0]]
    if keys[:1] == ("safetynet",):
        return len(keys) == 2 and keys[1] != "causes" or len(keys) == 3 and keys[1] == "causes"
    return False
