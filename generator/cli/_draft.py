"""Keep the answers of an interrupted ``fill``: a draft file beside the case file.

Answers typed over many minutes must not be lost to a Ctrl-C, a folder that
vanished or a bug. When a conversation ends early after at least one answer,
``fill`` offers to save the case as it stands (every kept answer has passed the
validator) in a new file beside ``-o`` (``sag.kladde.json``), never over an
existing one, private like every case file. ``fill`` can continue from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click

from ..errors import BeredskabError
from ..output.files import replace_file

#: What a draft's name adds before the suffix: ``sag.json`` -> ``sag.kladde.json``.
DRAFT_MARK = ".kladde"

#: The draft's name when the case goes to stdout (no ``-o``).
DEFAULT_DRAFT = "kladde.json"


def draft_path(case_file: Path | None) -> Path:
    """A free file name for the draft: beside ``case_file`` if its folder exists, else in the current folder."""
    if case_file is None:
        first = Path(DEFAULT_DRAFT)
    else:
        case_file = Path(case_file)
        first = case_file.with_name(f"{case_file.stem}{DRAFT_MARK}{case_file.suffix or '.json'}")
        if not first.parent.is_dir():
            first = Path(first.name)
    candidate, number = first, 2
    while candidate.exists() or candidate.is_symlink():
        candidate = first.with_name(f"{first.stem}-{number}{first.suffix}")
        number += 1
    return candidate


def offer_draft(yes_no: Callable[[str, bool], bool], say: Callable[[str], None], answered: int, data: bytes,
                form: str, case_file: Path | None) -> None:
    """Ask (``yes_no``) whether to keep ``data``, the case with ``answered`` answers, as a draft; write it if so."""
    draft = draft_path(case_file)
    try:
        if not yes_no(f"\nGem dine {answered} svar som kladde i {draft}?", True):
            return
        replace_file(draft, data, overwrite=False)
    except (click.Abort, KeyboardInterrupt, EOFError):
        return  # a second Ctrl-C, or nobody left to answer: nothing is kept
    except BeredskabError as err:
        say(f"Fejl: kladden kunne ikke gemmes: {err.lines()[0]}")
        return
    say(f"Kladden er gemt i {draft}. Fortsæt med: beredskab fill {form} -o {draft}")
