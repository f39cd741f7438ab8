"""The console streams: UTF-8 whatever the code page, a closed pipe and a full disk.

What beredskab writes to stdout (``init``, ``schema``, ``fill`` without ``-o``)
is often redirected to a file and read back by beredskab. Python writes a
redirected stream in the locale's encoding, which on Windows is the ANSI code
page (cp1252): a character outside it fails the command, and the file is no
longer UTF-8. So a stream that is not a terminal is switched to UTF-8. A Windows
console is left alone: Python writes it through the console's Unicode API.
"""

from __future__ import annotations

import codecs
import os
import sys

from ..errors import shown


def utf8_streams() -> None:
    """Make stdout and stderr write UTF-8 (a terminal keeps its own encoding, without failing)."""
    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure") or _is_utf8(getattr(stream, "encoding", None)):
            continue
        try:
            if stream.isatty():
                stream.reconfigure(errors="replace")  # a character the terminal lacks shows as ?
            else:
                stream.reconfigure(encoding="utf-8")
        except (OSError, ValueError):
            pass  # a closed or detached stream: nothing will be written to it anyway


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def flush_stdout() -> None:
    """Flush stdout now, so a full disk or a closed pipe is met while errors can still be shown."""
    if sys.stdout is not None:
        sys.stdout.flush()


def silence_stdout() -> None:
    """After a closed pipe (``beredskab check ... | head -1``): send the rest of stdout nowhere.

    Python flushes stdout once more at exit; into the closed pipe that would print
    an English warning.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass




def os_error_message(err: OSError) -> str:
    """One Danish line for an operating-system error that reached the command line (``disken er fuld``)."""
    from ..output.files import danish_os_error

    return danish_os_error(err) + (f" ({shown(str(err.filename))})" if err.filename else "")


#: The option that shows a developer's traceback; accepted before or after the command.
DEBUG_OPTION = "--debug"


def take_debug(argv: list[str]) -> tuple[list[str], bool]:
    """``argv`` without ``--debug`` (anywhere before a ``--``), and whether it was there."""
    end = argv.index("--") if "--" in argv else len(argv)
    kept = [arg for arg in argv[:end] if arg != DEBUG_OPTION] + argv[end:]
    return kept, len(kept) != len(argv)
