"""A pack's YAML files (plan.yaml, forms), read safely and within bounds, and recorded.

A file is at most :data:`MAX_YAML_BYTES`; PyYAML's safe loader builds the nodes, and
the aliases' expansion is measured before any value is made (:data:`MAX_YAML_NODES`,
:data:`MAX_YAML_DEPTH`: the "billion laughs"). A syntax error is a PackError with file
and line.

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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PackError

if TYPE_CHECKING:  # PyYAML is imported when a file is parsed, not when its record is read
    import yaml

    from ..cache_folder import PrivateFolder

#: Largest YAML file a pack may hold; forms and plan.yaml are a few KB.
MAX_YAML_BYTES = 1_000_000

#: Most values a YAML file may hold with its aliases expanded, and its deepest nesting.
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 64


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
