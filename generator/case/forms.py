"""Forms: load the YAML form definitions and validate a case against them, in Danish (a case file is
read in ``casefile``).

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

import copy
from datetime import datetime
from typing import Any, NamedTuple

from ._validator import CaseValidator, PreparedSchema, prepare_schema, schema_digest
from .messages import DanishErrorHandler
from cerberus import SchemaError  # after _validator, which imports Cerberus
from .casefile import NOT_CASE_DATA, cleaned
from .upgrade import upgrade
from ..cache_folder import PrivateFolder, cache_folder
from ..errors import CaseError, FormError
from ..pack.loader import Pack, deep_merge, without_removed
from ..pack.yaml_files import read_yaml

#: Longest text a string field takes when its form sets no ``maxlength`` (a safety net
#: for packs; the default forms set a limit on every free-text field).
MAX_TEXT_CHARS = 20_000

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
