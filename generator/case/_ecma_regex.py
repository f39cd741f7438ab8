"""A form's Python regular expression as an ECMA-262 pattern, the dialect of JSON Schema's ``pattern``.

Forms are validated by Python's ``re``; editors check the exported JSON Schema
with JavaScript's RegExp. The two differ in a few constructs, which are
rewritten here: a case-insensitive group ``(?i:...)`` (JavaScript has no inline
flags) becomes explicit letter classes (``[cC][oO][nN]``), a named group
``(?P<name>...)`` becomes ``(?<name>...)``, ``(?P=name)`` becomes ``\\k<name>``,
``\\A`` and ``\\Z`` become ``^`` and ``$``. A construct with no equivalent (other
inline flags, comments, conditionals) gives None: the schema then leaves the
pattern out, and beredskab still checks it when it reads the case.
"""

from __future__ import annotations

#: Python-only escapes and their ECMA-262 spelling.
_ESCAPES = {"\\A": "^", "\\Z": "$"}


def ecma_pattern(regex: str) -> str | None:
    """``regex`` (Python syntax) as an equivalent ECMA-262 pattern, or None when there is none."""
    out: list[str] = []
    groups: list[bool] = []  # per open group: is it a case-insensitive (?i:...) group
    i = 0
    while i < len(regex):
        char = regex[i]
        fold = any(groups)
        if char == "\\":
            pair = regex[i:i + 2]
            out.append(_ESCAPES.get(pair, pair))
            i += 2
        elif char == "[":
            end = _class_end(regex, i)
            if end is None:
                return None
            body = regex[i + 1:end]
            out.append("[" + (_fold_class(body) if fold else body) + "]")
            i = end + 1
        elif regex.startswith("(?i:", i):
            groups.append(True)
            out.append("(?:")
            i += 4
        elif regex.startswith("(?P<", i):
            groups.append(False)
            out.append("(?<")
            i += 4
        elif regex.startswith("(?P=", i):
            close = regex.find(")", i)
            if close < 0:
                return None
            out.append(f"\\k<{regex[i + 4:close]}>")
            i = close + 1
        elif char == "(":
            if regex.startswith("(?", i) and not regex.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i):
                return None  # inline flags, comments, conditionals: JavaScript has none
            groups.append(False)
            out.append(char)
            i += 1
        elif char == ")":
            if groups:
                groups.pop()
            out.append(char)
            i += 1
        else:
            out.append(f"[{char.lower()}{char.upper()}]" if fold and char.isalpha() and char.lower() != char.upper()
                       else char)
            i += 1
    return "".join(out)


def _class_end(regex: str, start: int) -> int | None:
    """The index of the ``]`` closing the character class that opens at ``start``."""
    i = start + 1
    if regex.startswith("^", i):
        i += 1
    if regex.startswith("]", i):  # a leading ] is a literal in Python
        i += 1
    while i < len(regex):
        if regex[i] == "\\":
            i += 2
        elif regex[i] == "]":
            return i
        else:
            i += 1
    return None


def _fold_class(body: str) -> str:
    """A character class body matching both cases of its letters (``a-z`` adds ``A-Z``)."""
    extra: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if i + 2 < len(body) and body[i + 1] == "-" and body[i + 2] != "]":
            low, high = body[i], body[i + 2]
            if low.isalpha() and high.isalpha() and low.swapcase() != low and high.swapcase() != high:
                extra.append(f"{low.swapcase()}-{high.swapcase()}")
            i += 3
            continue
        if body[i].isalpha() and body[i].swapcase() != body[i]:
            extra.append(body[i].swapcase())
        i += 1
    return body + "".join(extra)
