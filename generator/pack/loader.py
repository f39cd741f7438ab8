"""Plan packs: find the default pack and a department's pack, and read their settings.

A pack is a folder shaped like the repository root: ``plan.yaml``, ``forms/`` and
``templates/``. The repository root *is* the default pack; an installed copy of
it lives in the package as ``generator/defaults``. A department's pack holds
only what it changes and is laid over the defaults: ``plan.yaml`` and form files
are merged key by key, templates and assets replace or extend the defaults.

What a YAML file parsed to is recorded as JSON in the private cache folder
(``cache_folder.py``: the user's own files only), named by the SHA-256 of the
file's bytes: a new process reads the record instead of importing and running
PyYAML, and a changed file has another name, so it is parsed (and checked) again.
Never pickle: a record is data, read with ``json``. A record does not follow an upgrade
of PyYAML (its YAML 1.1 safe loading has not changed in years; raise PARSED_FORMAT if
one ever reads the same bytes differently); deleting the cache folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable

from ..errors import PackError
from ..rules.merge import replaced_whole

if TYPE_CHECKING:  # PyYAML is imported when a file is parsed, not when its record is read
    import yaml

    from ..cache_folder import PrivateFolder

#: Environment variable naming a department's pack, used when ``--plan`` is not given.
PLAN_ENV = "BEREDSKAB_PLAN"

#: Largest YAML file a pack may hold; forms and plan.yaml are a few KB.
MAX_YAML_BYTES = 1_000_000

#: The reason given for a symbolic link that leads out of a department's pack.
OUTSIDE_PACK = "er et symbolsk link, der peger uden for planpakken; kopiér filen ind i pakken"

#: Most values a YAML file may hold with its aliases expanded, and its deepest nesting.
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 64


def default_pack_dir() -> Path:
    """Return the folder of the default pack: installed package data or the source tree."""
    package = Path(__file__).resolve().parent.parent  # generator/pack/loader.py -> generator/
    installed = package / "defaults"
    if (installed / "plan.yaml").is_file():
        return installed
    return package.parent


def _yaml():
    """PyYAML, imported on first use, and libyaml's safe loader when PyYAML was built with it
    (the same result, ten times faster)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, cache: PrivateFolder | None = None) -> Any:
    """Read a YAML file safely; a syntax error becomes a PackError with file and line.

    :param cache: the private cache folder: what the same bytes parsed to before is
        read from there (see the module docstring), and a new parse is recorded.
    """
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise PackError("filen er for stor til at være en plan- eller formularfil", file=str(path))
        raw = path.read_bytes()
        # As read_text(encoding="utf-8-sig") reads it: universal newlines.
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as err:
        raise PackError("filen er ikke gemt som UTF-8", file=str(path)) from err
    except OSError as err:
        raise PackError("filen kan ikke læses", file=str(path)) from err
    record = _record_name(raw) if cache is not None else ""
    if cache is not None:
        found = _read_record(cache, record)
        if found is not _MISSING:
            return found
    data = _parse_yaml(text, path)
    if cache is not None:
        _write_record(cache, record, data)
    return data


def _parse_yaml(text: str, path: Path) -> Any:
    yaml, safe_loader = _yaml()
    try:
        loader = safe_loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_expansion(node, path)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise PackError("ugyldig YAML", file=str(path), line=line, column=column) from err


#: Version of the parsed-YAML records' layout; part of their names, so raise it when it changes.
PARSED_FORMAT = 1

#: What a record tags a YAML date or timestamp with (JSON has neither).
_DATE_TAG, _DATETIME_TAG = "$date", "$datetime"

_MISSING = object()


def _record_name(raw: bytes) -> str:
    """The record of a file's bytes, under the limits it was checked with (a lower limit: a new check)."""
    digest = hashlib.sha256(f"{PARSED_FORMAT} {MAX_YAML_NODES} {MAX_YAML_DEPTH}\n".encode() + raw).hexdigest()
    return f"yaml-{digest}.json"


class _NotRecordable(Exception):
    """The parsed data holds what JSON cannot give back exactly (a set, bytes, a number key ...)."""


def _to_record(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotRecordable
        return value
    if isinstance(value, datetime):
        return {_DATETIME_TAG: value.isoformat()}
    if isinstance(value, date):
        return {_DATE_TAG: value.isoformat()}
    if isinstance(value, list):
        return [_to_record(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) and not key.startswith("$") for key in value):
            raise _NotRecordable  # a "$" key could be read back as a tag
        return {key: _to_record(item) for key, item in value.items()}
    raise _NotRecordable


def _from_record(mapping: dict) -> Any:
    if len(mapping) == 1:
        if _DATE_TAG in mapping:
            return date.fromisoformat(mapping[_DATE_TAG])
        if _DATETIME_TAG in mapping:
            return datetime.fromisoformat(mapping[_DATETIME_TAG])
    return mapping


def _read_record(cache: PrivateFolder, name: str) -> Any:
    handle = cache.read(name)  # None unless a regular file of the user's own, 0600
    if handle is None:
        return _MISSING
    try:
        with handle:
            return json.load(handle, object_hook=_from_record)
    except (OSError, ValueError):  # a half-written or damaged record: parse the file again
        return _MISSING


def _write_record(cache: PrivateFolder, name: str, data: Any) -> None:
    try:
        text = json.dumps(_to_record(data), ensure_ascii=False, separators=(",", ":"))
        cache.write(name, lambda file: file.write(text.encode("utf-8")))
    except (_NotRecordable, OSError, RecursionError):
        pass  # parsed again next time


def _check_expansion(root: yaml.Node, path: Path) -> None:
    """Refuse YAML whose aliases expand to more than MAX_YAML_NODES nodes, nest deeper than
    MAX_YAML_DEPTH or refer to themselves: a few hundred bytes of ``&a [*b, *b, ...]`` fan out
    to billions of values once merged and validated (the "billion laughs")."""
    yaml, _ = _yaml()
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise PackError("filen har et alias, der henviser til sig selv", file=str(path))
        if depth > MAX_YAML_DEPTH:
            raise PackError(f"filen er indlejret for dybt (højst {MAX_YAML_DEPTH} niveauer)", file=str(path))
        open_nodes.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        else:
            total = 1
        open_nodes.discard(key)
        if total > MAX_YAML_NODES:
            raise PackError(f"filens aliaser (&/*) folder sig ud til for mange værdier (højst {MAX_YAML_NODES:,})"
                            .replace(",", "."), file=str(path))
        sizes[key] = total
        return total

    size(root, 0)


def deep_merge(base: Any, override: Any, whole: Callable[[tuple], bool] | None = None,
               keys: tuple = ()) -> Any:
    """Merge ``override`` over ``base``: mappings key by key, anything else replaced.

    ``whole(keys)`` is true for the places whose value an override replaces whole
    even when both are mappings (a condition in plan.yaml's obligations).
    """
    if isinstance(base, dict) and isinstance(override, dict) and not (whole and keys and whole(keys)):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base.get(key), value, whole, (*keys, key)) if key in base else value
        return merged
    return override


def yaml_line(path: Path, keys: tuple) -> tuple[int, int | None]:
    """How many of ``keys`` the YAML file at ``path`` has, and the line (1-based) of the deepest.

    Used only to point an error at its place, so the file is composed (nodes with
    marks) again here rather than on every load.
    """
    yaml, safe_loader = _yaml()
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=safe_loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 0, None
    depth, line = 0, None
    for key in keys:
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = (node.value[key], node.value[key])
        if found is None:
            break
        depth, line, node = depth + 1, found[0].start_mark.line + 1, found[1]
    return depth, line


def without_removed(mapping: dict) -> dict:
    """``mapping`` without the keys a pack removed by setting them to null (``~``)."""
    return {key: value for key, value in mapping.items() if value is not None}


def safe_relative(name: str) -> PurePosixPath | None:
    """Return ``name`` as a relative path inside a pack, or None if it could leave it."""
    if not name or "\\" in name or ":" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts):
        return None
    return path


@dataclass(frozen=True)
class Pack:
    """The packs in force, most specific first; the last one is the default pack."""

    dirs: tuple[Path, ...]

    @property
    def default_dir(self) -> Path:
        return self.dirs[-1]

    @property
    def trusted(self) -> bool:
        """Only the bundled default pack is trusted; a department's pack is rendered in a bounded worker."""
        return len(self.dirs) == 1

    @cached_property
    def settings(self) -> dict:
        """plan.yaml of every pack, merged over the defaults."""
        from ..cache_folder import cache_folder

        cache = cache_folder()
        merged: dict = {}
        for folder in reversed(self.dirs):
            path = self._inside(folder, folder / "plan.yaml")
            if not path.is_file():
                continue
            data = read_yaml(path, cache)
            if data is None:
                continue
            if not isinstance(data, dict):
                raise PackError("plan.yaml skal være en samling af nøgler og værdier", file=str(path))
            merged = deep_merge(merged, data, replaced_whole)
        return merged

    def locate(self, keys: tuple) -> tuple[str | None, int | None]:
        """The plan.yaml (most specific first) that sets ``keys``, and the line; for error messages."""
        best: tuple[int, str | None, int | None] = (0, None, None)
        for folder in self.dirs:
            path = folder / "plan.yaml"
            if path.is_file():
                depth, line = yaml_line(path, keys)
                if depth > best[0]:
                    best = (depth, str(path), line)
                if depth == len(keys):
                    break
        return best[1], best[2]

    def form_files(self, name: str) -> list[Path]:
        """The files that define form ``name``, defaults first, so later ones override."""
        return [self._inside(folder, p) for folder in reversed(self.dirs)
                if (p := folder / "forms" / f"{name}.yaml").is_file() or p.is_symlink()]

    def form_names(self) -> list[str]:
        """Every form any pack defines, in plan.yaml's ``forms`` order, then the rest by name.

        The order is the order of a case: ``fill case`` asks the incident before the ban.
        """
        names: list[str] = []
        for folder in reversed(self.dirs):
            for path in sorted(self._inside(folder, folder / "forms").glob("*.yaml")):
                if path.stem not in names:
                    names.append(path.stem)
        order = [n for n in self.settings.get("forms") or [] if isinstance(n, str)]
        return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))

    def template_dirs(self) -> list[Path]:
        """Template folders, most specific first (for a Jinja ChoiceLoader)."""
        return [self._inside(folder, folder / "templates") for folder in self.dirs]

    def find_asset(self, name: str) -> Path | None:
        """Find a template asset (reference.docx, a logo) by relative name; never outside the packs."""
        relative = safe_relative(name)
        if relative is None:
            return None
        for folder, root in zip(self.dirs, self.template_dirs()):
            candidate = root / relative
            if candidate.is_file() or candidate.is_symlink():
                candidate = self._inside(folder, candidate).resolve()
                if candidate.is_file():
                    return candidate
        return None

    def _inside(self, folder: Path, path: Path) -> Path:
        """``path`` of the pack in ``folder``; PackError when a symbolic link leads it out of the pack.

        A department's pack is untrusted: a symlinked plan.yaml, form, templates folder,
        reference.docx or logo would read a file outside it (a key, another department's
        data) into the documents. The bundled default pack is trusted.
        """
        if folder == self.default_dir:
            return path
        try:
            inside = path.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a loop of links
            inside = False
        if not inside:
            raise PackError(OUTSIDE_PACK, file=str(path))
        return path


def load_pack(plan_dir: str | os.PathLike | None = None) -> Pack:
    """Return the packs in force: ``plan_dir`` (or $BEREDSKAB_PLAN) over the defaults."""
    default = default_pack_dir()
    chosen = plan_dir if plan_dir is not None else os.environ.get(PLAN_ENV) or None
    if chosen is None:
        return Pack((default,))
    folder = Path(chosen).expanduser()
    if not folder.is_dir():
        raise PackError("planpakken findes ikke eller er ikke en mappe", file=str(folder))
    if folder.resolve() == default.resolve():
        return Pack((default,))
    _refuse_links_out(folder)
    return Pack((folder, default))


#: The parts of a pack beredskab reads: every symbolic link in them is checked when the pack loads.
PACK_PARTS = ("plan.yaml", "forms", "templates", "examples")


def _refuse_links_out(folder: Path) -> None:
    """PackError naming the first symbolic link in the pack's parts that leads out of ``folder``.

    Checked once when a department's pack is loaded, so every command refuses such a pack,
    also one that never reads the linked file (``validate`` does not read the letterhead).
    """
    root = folder.resolve()
    for part in PACK_PARTS:
        top = folder / part
        paths = [top]
        if top.is_dir() and not top.is_symlink():
            for base, dirs, files in os.walk(top):  # does not follow links
                paths += [Path(base, name) for name in sorted(dirs) + sorted(files)]
        for path in paths:
            if not path.is_symlink():
                continue
            try:
                inside = path.resolve().is_relative_to(root)
            except (OSError, RuntimeError):  # RuntimeError: a loop of links
                inside = False
            if not inside:
                raise PackError(OUTSIDE_PACK, file=str(path))
