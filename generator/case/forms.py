"""Forms and cases: load the YAML form definitions, read a case file, validate it in Danish.

A form file is a Cerberus schema whose single top-level field is the case
section it fills (``incident``, ``support``, ``ban``). The case schema is all
form files side by side, so one Cerberus run validates a whole case. Loading
prepares the schemas for people and templates:

- ``meta.choices`` names a choice list in plan.yaml; its keys become ``allowed``;
- ``date``/``datetime`` fields get the coercer that parses ISO and Danish text;
- required strings may not be empty; optional fields default to None ([] for
  lists, {} for groups without required fields), so a template can write
  ``{% if incident.warning_signs %}`` under StrictUndefined.
"""

from __future__ import annotations

import codecs
import copy
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from ._validator import CaseValidator, PreparedSchema, prepare_schema, schema_digest
from .messages import DanishErrorHandler
from cerberus import SchemaError  # after _validator, which imports Cerberus
from .upgrade import upgrade
from ..cache_folder import PrivateFolder, cache_folder
from ..errors import CaseError, FormError, shown
from ..pack.loader import Pack, deep_merge, without_removed
from ..pack.yaml_files import read_yaml

#: Largest case file read; a case is a few KB, so anything this big is a mistake.
MAX_CASE_BYTES = 2_000_000

#: Longest text a string field takes when its form sets no ``maxlength`` (a safety net
#: for packs; the default forms set a limit on every free-text field).
MAX_TEXT_CHARS = 20_000

#: Characters XML 1.0 cannot hold (pasted from e-mail: NUL, vertical tab, form feed ...).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Danish for the messages of Python's json module, by their start.
_JSON_REASONS = {
    "Expecting value": "forventede en værdi",
    "Expecting ',' delimiter": "mangler et komma",
    "Expecting ':' delimiter": "mangler et kolon efter feltnavnet",
    "Expecting property name enclosed in double quotes": "feltnavne skal stå i dobbelte anførselstegn",
    "Unterminated string": "en tekst mangler sit afsluttende anførselstegn",
    "Extra data": "der står mere efter JSON-objektet",
    "Invalid control character": "ugyldigt tegn i en tekst (skriv linjeskift som \\n)",
    "Invalid \\escape": "ugyldig brug af \\ i en tekst",
    "Invalid \\uXXXX escape": "ugyldig \\u-kode i en tekst",
    "Illegal trailing comma": "der står et komma for meget før } eller ]",  # Python 3.13+
}


#: Top-level keys of a case file that are not case data: an editor's pointer to the JSON
#: Schema, and the register version a file was exported from (``beredskab cases export``).
NOT_CASE_DATA = ("$schema", "$version")


class Forms(NamedTuple):
    """The prepared forms of a pack: the case schema, choice lists and versions."""

    schema: dict
    choices: dict[str, dict[str, str]]
    versions: dict[str, Any]
    #: plan.yaml ``deadlines``, for rules whose limit the pack sets (``max_months_after``).
    deadlines: dict
    #: plan.yaml ``workplace`` and ``address``, for mapping old case files (``upgrade``).
    letterhead: dict
    #: ``schema`` as Cerberus checked it once (see ``_validator.PreparedSchema``).
    prepared: PreparedSchema | None = None
    #: The forms are the bundled default pack's alone (no department's pack over them).
    trusted: bool = False

    def __repr__(self) -> str:
        return f"Forms(sections={self.sections!r})"

    @property
    def sections(self) -> list[str]:
        return list(self.schema)

    def title(self, section: str) -> str:
        return self.schema[section].get("meta", {}).get("title", section)

    def description(self, section: str) -> str:
        return self.schema[section].get("meta", {}).get("description", "")

    def validator(self, now: datetime | None = None) -> CaseValidator:
        """A validator for whole cases (sections at the top level)."""
        # A new validator per case is cheap; checking the schema is not, so that was done once.
        return CaseValidator(self.prepared or self.schema, error_handler=DanishErrorHandler(self.schema), now=now,
                             deadlines=self.deadlines, trusted=self.trusted)

    def label(self, list_name: str, key: str) -> str:
        """The Danish label of a choice; the key itself if unknown."""
        return self.choices.get(list_name, {}).get(key, key)

    def validate(self, data: dict, now: datetime | None = None) -> dict:
        """Return the normalised case, or raise CaseError with one Problem per error.

        An old case file's shapes are mapped to today's first (``upgrade``), so every
        front end reads old files the same way.
        """
        validator = self.validator(now)
        data = {k: v for k, v in upgrade(data, self.letterhead).items() if k not in NOT_CASE_DATA}
        if validator.validate(cleaned(data)):
            return fill_defaults_from(validator.document, self.schema)
        raise CaseError(validator.errors)


def load_forms(pack: Pack) -> Forms:
    """Load, merge and prepare every form of ``pack``."""
    choices = pack.settings.get("choices") or {}
    if not isinstance(choices, dict):
        raise FormError("'choices' i plan.yaml skal være en samling af valglister")
    choices = {name: without_removed(items) if isinstance(items, dict) else items for name, items in choices.items()}
    schema: dict = {}
    versions: dict = {}
    cache = cache_folder()
    for name in pack.form_names():
        files = pack.form_files(name)
        merged: Any = {}
        for path in files:
            data = read_yaml(path, cache)
            if not isinstance(data, dict) or len(data) != 1 or not isinstance(next(iter(data.values())), dict):
                raise FormError("en formular skal have præcis ét felt på øverste niveau: sektionen", file=str(path))
            merged = deep_merge(merged, data)
        (section, rules), = merged.items()
        where = str(files[-1])
        schema[section] = _prepare(_tree_copy(rules), choices, where, section)
        if not schema[section].get("required"):
            # An absent section stays absent (None), so `{% if support %}` means "the case has one".
            schema[section]["default"] = None
        versions[section] = (rules.get("meta") or {}).get("version")
    try:
        prepared = _prepared(schema, cache)
    except SchemaError as err:
        raise FormError(f"formularerne er ikke et gyldigt Cerberus-skema: {_schema_error_path(err)}") from err
    deadlines = pack.settings.get("deadlines")
    letterhead = {key: pack.settings.get(key) for key in ("workplace", "address")}
    return Forms(schema=schema, choices={k: dict(v) for k, v in choices.items()}, versions=versions,
                 deadlines=dict(deadlines) if isinstance(deadlines, dict) else {}, prepared=prepared,
                 letterhead=letterhead, trusted=pack.trusted)


def fill_defaults_from(document: dict, schema: dict) -> dict:
    """Fill each empty field whose ``meta.default_from`` names a sibling with that sibling's value.

    ``incident.known_at`` left empty is the incident's start: the workplace knew at once.
    Groups are walked, list items are not (no form needs it). Which fields have a
    ``default_from`` is worked out once per schema (:func:`_defaults_from`).
    """
    for groups, key, source in _defaults_from(schema):
        group: Any = document
        for name in groups:
            group = group.get(name)
            if not isinstance(group, dict):
                break
        else:
            if group.get(key) is None:
                value: Any = group
                for part in source:
                    value = value.get(part) if isinstance(value, dict) else None
                group[key] = value
    return document


#: id(schema) -> (schema, its default_from fields), for the few schemas of a process.
_DEFAULTS_FROM: dict[int, tuple[dict, list]] = {}


def _defaults_from(schema: dict) -> list[tuple[tuple, str, list[str]]]:
    """The (groups, field, source path) of every ``default_from`` in ``schema``, in the order a
    walk of the groups fills them (a group's own fields, then its groups, depth first)."""
    known = _DEFAULTS_FROM.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    found: list = []

    def walk(rules_of: dict, groups: tuple) -> None:
        for name, rules in rules_of.items():
            inner = rules.get("schema") if isinstance(rules, dict) else None
            if not (isinstance(rules, dict) and rules.get("type") == "dict" and isinstance(inner, dict)):
                continue
            for key, field_rules in inner.items():
                source = ((field_rules or {}).get("meta") or {}).get("default_from") if isinstance(field_rules, dict) else None
                if source:
                    found.append((groups + (name,), key, str(source).split(".")))
            walk(inner, groups + (name,))

    walk(schema, ())
    if len(_DEFAULTS_FROM) >= 16:  # a process loads a few packs' forms; never grow without end
        _DEFAULTS_FROM.clear()
    _DEFAULTS_FROM[id(schema)] = (schema, found)
    return found


def _prepared(schema: dict, folder: PrivateFolder | None) -> PreparedSchema:
    """The schema expanded and checked by Cerberus; the check (most of loading the forms) is
    skipped when the private cache folder records that Cerberus accepted the same schema before."""
    marker = f"forms-{schema_digest(schema)}.checked"
    checked = folder is not None and folder.exists(marker)  # only the user's own record counts
    prepared = prepare_schema(schema, checked=checked)
    if folder is not None and not checked:
        try:
            folder.create(marker)
        except OSError:
            pass  # another process wrote it, or the disk is full: checked again next time
    return prepared


def _tree_copy(value: Any) -> Any:
    """A copy of a form's rules with nothing shared (a YAML alias becomes a copy at each place)."""
    if isinstance(value, dict):
        return {key: _tree_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_tree_copy(item) for item in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else copy.deepcopy(value)


def _prepare(rules: dict, choices: dict, where: str, path: str, item: bool = False) -> dict:
    """Return one field's rules, ready for validation (see the module docstring). ``rules`` is
    the caller's own copy (``_tree_copy``); nested rules are replaced, not changed."""
    rules = dict(rules)
    meta = rules.get("meta") or {}
    kind = rules.get("type")
    list_name = meta.get("choices")
    if list_name is not None:
        if list_name not in choices or not isinstance(choices[list_name], dict):
            raise FormError(f"valglisten '{list_name}' findes ikke i plan.yaml", path=path, file=where)
        keys = list(choices[list_name])
        if kind == "list":
            rules["schema"] = {"type": "string", "allowed": keys}
        else:
            rules["allowed"] = keys
    if kind in ("date", "datetime") and "coerce" not in rules:
        rules["coerce"] = kind
    if kind == "string" and rules.get("required") and "empty" not in rules:
        rules["empty"] = False
    if kind == "string" and "maxlength" not in rules and "allowed" not in rules:
        rules["maxlength"] = MAX_TEXT_CHARS
    inner = rules.get("schema")
    if kind == "dict" and isinstance(inner, dict):
        rules["schema"] = {k: _prepare(v, choices, where, f"{path}.{k}") for k, v in without_removed(inner).items()}
    elif kind == "list" and isinstance(inner, dict) and list_name is None:
        rules["schema"] = _prepare(inner, choices, where, f"{path}[]", item=True)
    # An item of a list is there or not; only a field may be left out (None).
    if not item and not rules.get("required") and "default" not in rules:
        rules["nullable"] = True
        rules["default"] = _empty_default(rules)
    return rules


def _empty_default(rules: dict) -> Any:
    kind = rules.get("type")
    if kind == "list":
        return []
    if kind == "dict":
        children = rules.get("schema") or {}
        if not any(isinstance(c, dict) and c.get("required") for c in children.values()):
            return {}
    return None


def _schema_error_path(err: SchemaError) -> str:
    """The path of the first bad rule in Cerberus's nested schema error, e.g. incident.schema.x."""
    parts = schema_error_parts(err)
    hint = "ukendt regel eller forkert værdi"
    return f"{'.'.join(parts)} ({hint})" if parts else hint


def schema_error_parts(err: SchemaError) -> list[str]:
    """The keys leading to the first bad rule in Cerberus's nested schema error."""
    detail: Any = err.args[0] if err.args else None
    parts: list[str] = []
    while True:
        if isinstance(detail, dict) and detail:
            key, detail = next(iter(detail.items()))
            if not str(key).startswith("anyof definition"):  # Cerberus's own alternatives: the first fits
                parts.append(str(key))
        elif isinstance(detail, list) and detail:
            detail = next((d for d in detail if isinstance(d, dict)), detail[0])
        else:
            break
    return parts


def clean_strings(value: Any) -> Any:
    """Trim every text and remove characters XML cannot hold; keep all other Unicode exactly."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {k: clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    return value


def _clean_text(value: str) -> str:
    if value.isprintable():  # no line break, control character or non-character: nothing to replace
        return value.strip()
    return _XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def cleaned(value: Any) -> Any:
    """``drop_nulls(clean_strings(value))`` in one walk (a text is never None after cleaning)."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {k: cleaned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value


def drop_nulls(value: Any) -> Any:
    """Leave out fields that are null: in a case file ``null`` means "not filled in".

    The form's default then applies (``[]`` for a list, ``{}`` for a group), so a
    template never meets None where it expects a list; a required field that is
    null gets the same "skal udfyldes" as one that is missing.
    """
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise CaseError(f"feltet '{shown(key)}' står to gange i samme objekt")
        result[key] = value
    return result


def read_case_file(path: str | Path) -> dict:
    """Read a case file as a JSON object, with a Danish message for every way it can be wrong."""
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise CaseError("er en mappe, ikke en sagsfil", file=name)
        # Read at most one byte past the limit: a pipe or device has no size to stat.
        with path.open("rb") as handle:
            raw = handle.read(MAX_CASE_BYTES + 1)
    except FileNotFoundError as err:
        raise CaseError("filen findes ikke", file=name) from err
    except PermissionError as err:
        raise CaseError("ingen adgang til at læse filen", file=name) from err
    except (OSError, ValueError) as err:  # a name too long, a NUL byte, an I/O error
        raise CaseError("filen kan ikke læses", file=name) from err
    if len(raw) > MAX_CASE_BYTES:
        raise CaseError(f"filen er for stor til at være en sagsfil (over {MAX_CASE_BYTES // 1_000_000} MB)", file=name)
    return parse_case_json(raw, name)


def parse_case_json(raw: bytes, name: str = "<input>") -> dict:
    """Parse the bytes of a case file into a dict: UTF-8 (a BOM allowed) or UTF-16 with a BOM
    (what Windows PowerShell 5.1's ``>`` writes)."""
    if not raw.strip():
        raise CaseError("filen er tom", file=name)
    try:
        text = raw.decode("utf-16") if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            else raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CaseError(
            "filen er ikke gemt som UTF-8; gem den igen som UTF-8 (i Notesblok: Gem som > Kodning: UTF-8)",
            file=name,
        ) from err
    try:
        # strict=False: a line break or tab pasted straight into a text is kept, not refused;
        # other control characters are removed by clean_strings before validation.
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant, strict=False)
    except json.JSONDecodeError as err:
        reason = next((da for en, da in _JSON_REASONS.items() if err.msg.startswith(en)), "teksten er ikke gyldig JSON")
        if err.msg.startswith(("Expecting property name", "Expecting value")) and text[:err.pos].rstrip().endswith(","):
            reason = "der står et komma for meget før } eller ]"
        raise CaseError(f"ugyldig JSON: {reason}", file=name, line=err.lineno, column=err.colno) from err
    except CaseError as err:
        raise err.with_file(name)
    except RecursionError as err:
        raise CaseError("ugyldig JSON: for mange niveauer inde i hinanden", file=name) from err
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        raise CaseError("ugyldig JSON: et tal er for stort", file=name) from err
    if not isinstance(data, dict):
        raise CaseError("skal indeholde ét JSON-objekt ({ ... }) med sektionerne incident, support og ban", file=name)
    return data


def _refuse_constant(name: str) -> Any:
    raise CaseError(f"ugyldig JSON: {name} er ikke en gyldig værdi")


def set_path(data: dict, dotted: str, value: Any) -> None:
    """Set ``a.b[0].c`` in nested dicts/lists, creating groups on the way."""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", dotted) if p]
    current: Any = data
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        key: Any = int(part) if part.isdigit() and isinstance(current, list) else part
        if isinstance(current, list):
            if not isinstance(key, int) or key > len(current):
                raise CaseError("ugyldig sti", path=dotted)
            if key == len(current):
                current.append({} if not last else value)
        elif not isinstance(current, dict):
            raise CaseError("ugyldig sti", path=dotted)
        if last:
            current[key] = value
            return
        if isinstance(current, dict) and not isinstance(current.get(key), (dict, list)):
            current[key] = [] if parts[index + 1].isdigit() else {}  # `a[0].b` on a new case makes the list
        current = current[key]
