"""Start a department's plan pack: a small starter pack, or a full copy of the bundled defaults.

The starter files live in ``generator/pack/starter_pack/`` (package data) so they
stay readable YAML, Jinja and Markdown, and ``plan check`` proves they work. The
full copy (``plan defaults``) is what a department starts from when it wants the
real letterhead and every template in hand instead of digging in site-packages.
Neither holds personal data: files are written 0644 in folders 0755.
"""

from __future__ import annotations

from pathlib import Path

from ..output.files import write_all
from .loader import default_pack_dir

#: The folder holding the starter pack's files.
STARTER_DIR = Path(__file__).resolve().parent / "starter_pack"

#: The files of the default pack a full copy holds (the same as setup.cfg's package data).
DEFAULT_FILES = ("plan.yaml", "forms/*.yaml", "templates/*", "examples/*.json", "docs/skabeloner.md",
                 "docs/traceability.md")


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
    return write_all({folder / name: data for name, data in starter_files().items()}, force=force, private=False)


def default_files() -> dict[str, bytes]:
    """The bundled default pack (plan.yaml, forms, templates with reference.docx and logo, example
    cases, the template guide): relative path -> content."""
    root = default_pack_dir()
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for pattern in DEFAULT_FILES
        for path in sorted(root.glob(pattern))
        if path.is_file()
    }


def copy_defaults(folder: str | Path, force: bool = False) -> list[Path]:
    """Copy the bundled default pack into ``folder``; existing files are kept unless ``force``."""
    folder = Path(folder)
    return write_all({folder / name: data for name, data in default_files().items()}, force=force, private=False)
