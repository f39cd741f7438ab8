"""Write a starter plan pack: the files a department copies and edits to make its own.

The starter files live in ``generator/pack/starter_pack/`` (package data) so they
stay readable YAML, Jinja and Markdown, and ``plan check`` proves they work.
"""

from __future__ import annotations

from pathlib import Path

from ..output.files import write_all

#: The folder holding the starter pack's files.
STARTER_DIR = Path(__file__).resolve().parent / "starter_pack"


def starter_files() -> dict[str, bytes]:
    """The starter pack: relative path -> content."""
    return {
        path.relative_to(STARTER_DIR).as_posix(): path.read_bytes()
        for path in sorted(STARTER_DIR.rglob("*"))
        if path.is_file()
    }


def init_pack(folder: str | Path, force: bool = False) -> list[Path]:
    """Write the starter pack into ``folder``; existing files are kept unless ``force``."""
    folder = Path(folder)
    return write_all({folder / name: data for name, data in starter_files().items()}, force=force)
