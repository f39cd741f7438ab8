"""Tracebacks for ``--debug`` that show where an error happened, never the case's data.

Python's own traceback text ends each exception with its message, and messages
quote values (``KeyError: 'Mette Hansen'``, ``ValueError: invalid literal ...``).
This one keeps what a developer needs (the chain of exceptions, their types,
every frame's file, line, function and source line) and leaves out every
message except beredskab's own, which by design never holds a field's value.
Local variables are never shown.
"""

from __future__ import annotations

from ..errors import BeredskabError

#: Shown instead of a foreign exception's message.
HIDDEN = "<besked skjult: kan indeholde personoplysninger>"


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` and its causes, with foreign exception messages hidden."""
    import traceback  # only for --debug after an internal error: not at every start

    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "Den ovenstående fejl var den direkte årsag til denne:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "Under håndteringen af den ovenstående fejl opstod en ny:"
        else:
            current = None
    lines: list[str] = []
    for error, link in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.StackSummary.extract(traceback.walk_tb(error.__traceback__),
                                                    capture_locals=False).format())
        lines.append(f"{_type_name(error)}: {_message(error)}\n")
        if link:
            lines.append(f"\n{link}\n\n")
    return "".join(lines)


def _type_name(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"


def _message(error: BaseException) -> str:
    if isinstance(error, BeredskabError):
        return str(error).replace("\n", " | ")
    return HIDDEN
