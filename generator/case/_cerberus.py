"""Import Cerberus without ``importlib.metadata``: ~20 ms of every command's start, for one string.

Cerberus's ``__init__`` reads its own version with ``importlib.metadata.version``;
importing ``importlib.metadata`` (email, zipfile, csv ...) costs more than the rest of
Cerberus. :func:`import_cerberus` answers that one call from Cerberus's dist-info
instead. Cerberus is pinned to 1.3.x (setup.cfg); ``tests/test_validator_hooks.py``
checks that the version read is the one ``importlib.metadata`` gives, and that the
hook keeps ``importlib.metadata`` out.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path


def _cerberus_version() -> str | None:
    """Cerberus's version from its dist-info's METADATA, found beside the package without importing it."""
    from importlib.util import find_spec

    spec = find_spec("cerberus")
    if spec is None or not spec.origin:
        return None
    site = Path(spec.origin).parent.parent
    try:
        infos = [entry for entry in site.iterdir()
                 if entry.name.lower().startswith("cerberus-") and entry.name.endswith(".dist-info")]
        if len(infos) != 1:
            return None
        with (infos[0] / "METADATA").open(encoding="utf-8") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():
                    break
    except OSError:
        return None
    return None


def import_cerberus() -> types.ModuleType:
    """``import cerberus``, without importing ``importlib.metadata`` only for Cerberus's ``__version__``.

    While Cerberus's ``__init__`` runs, ``importlib.metadata`` is a stand-in whose
    ``version()`` answers from the dist-info (:func:`_cerberus_version`); anything
    unexpected (a version not found, the real module loaded already) imports it
    plainly. ``tests/test_validator_hooks.py`` checks the version is the same.
    """
    if "cerberus" in sys.modules or "importlib.metadata" in sys.modules:
        import cerberus
        return cerberus
    version = _cerberus_version()
    if version is None:
        import cerberus
        return cerberus
    stand_in = types.ModuleType("importlib.metadata")

    class PackageNotFoundError(ModuleNotFoundError):
        pass

    def answer(name: str) -> str:
        if name.lower() != "cerberus":
            raise PackageNotFoundError(name)
        return version

    stand_in.version, stand_in.PackageNotFoundError = answer, PackageNotFoundError
    sys.modules["importlib.metadata"] = stand_in
    try:
        import cerberus
    finally:
        if sys.modules.get("importlib.metadata") is stand_in:
            del sys.modules["importlib.metadata"]
    return cerberus
