"""Cerberus mechanics for forms: beredskab's extra rules and the prepared schema (Danish messages: ``messages``).

The one module that leans on Cerberus internals (its range is pinned in setup.cfg;
``tests/test_validator_hooks.py`` fails naming Cerberus if a hook is gone):

- a name-mangled hook, :meth:`CaseValidator._BareValidator__validate_required_fields`;
- :class:`PreparedSchema`, the case schema expanded and checked once per process:
  Cerberus's normaliser copies the top-level schema on every run through its
  ``copy()``, which for a plain ``DefinitionSchema`` means expanding and checking
  (hashing) the whole schema again, most of the time a validation took;
- Cerberus imported through :func:`._cerberus.import_cerberus` (without
  ``importlib.metadata``), before any other module of beredskab imports it;
- :class:`._quick.QuickValidator` under :class:`CaseValidator`: Cerberus's own work with
  less per call, in its own module (``tests/test_validator_speed.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from ._cerberus import import_cerberus


cerberus = import_cerberus()

from cerberus import TypeDefinition, Validator, errors as cerr  # noqa: E402 - after import_cerberus
from cerberus.schema import DefinitionSchema  # noqa: E402
from cerberus.validator import _SchemaRuleTypeError  # noqa: E402

if TYPE_CHECKING:
    import regex

from ._quick import QuickValidator  # noqa: E402
from ..dates import DateParseError, as_date, last_day_of_months, long_date, parse_date, parse_moment
from .premises import covering
from .paths import is_empty, label_of, rules_at

#: Seconds one ``regex`` rule may take on one value (a pack's pattern may backtrack without end).
REGEX_SECONDS = 0.5


@lru_cache(maxsize=256)
def _compiled_pattern(pattern: str) -> "regex.Pattern":
    import regex  # ~14 ms to import: only for a department's (untrusted) pack

    # Cerberus's semantics: a match from the start, to the end (``$`` added when missing).
    return regex.compile(pattern if pattern.endswith("$") else pattern + "$", flags=regex.VERSION0)


@lru_cache(maxsize=256)
def _trusted_pattern(pattern: str) -> re.Pattern:
    """A pattern of the bundled default pack's forms, with Python's ``re`` as Cerberus itself does."""
    return re.compile(pattern if pattern.endswith("$") else pattern + "$")


def condition_holds(condition: dict, lookup) -> bool:
    """True when every ``field: value`` of ``condition`` holds; lists match by membership.

    ``lookup(path)`` returns the current value of a field path.
    """
    for path, expected in condition.items():
        actual = lookup(path)
        if isinstance(actual, list):
            wanted = expected if isinstance(expected, list) else [expected]
            if not any(item in actual for item in wanted):
                return False
        elif isinstance(expected, list):
            if actual not in expected:
                return False
        elif actual != expected:
            return False
    return True


class CaseValidator(QuickValidator):
    """A Cerberus validator with dates, conditional requirements and 'not in the future'."""

    # A ``datetime`` field also holds a day without a time (a ``date``): facts people
    # only know by the day stay a day (Cerberus documents types_mapping for custom types).
    types_mapping = {**Validator.types_mapping,
                     "datetime": TypeDefinition("datetime", (date,), ())}

    def __init__(self, *args, **kwargs):
        # ``now`` is passed on to child validators by Cerberus (it keeps unknown kwargs).
        super().__init__(*args, **kwargs)
        self.now = kwargs.get("now") or datetime.now()
        self._config["now"] = self.now  # one clock for the whole case: its child validators get the same
        # plan.yaml ``deadlines``, for rules whose limit a pack sets (max_months_after).
        self.deadlines = kwargs.get("deadlines") or {}
        # The forms are the bundled default pack's only: their patterns need no time limit.
        self.trusted = bool(kwargs.get("trusted"))

    def _init_child(self, config: dict) -> None:
        # What __init__ sets, for a child validator QuickValidator builds without calling it.
        self.now, self.deadlines, self.trusted = config["now"], config.get("deadlines") or {}, bool(config.get("trusted"))

    # --- coercers: referenced as ``coerce: date`` / ``coerce: datetime`` -------------

    def _normalize_coerce_date(self, value):
        return _danish_coercion(parse_date, value)

    def _normalize_coerce_datetime(self, value):
        return _danish_coercion(parse_moment, value)

    # --- lookups ---------------------------------------------------------------------

    def lookup(self, path: str) -> Any:
        """Value of a sibling field (``a.b``) or, with ``^``, a field from the case root."""
        if path.startswith("^"):
            current: Any = self.root_document
            path = path[1:]
        else:
            current = self.document
        for part in path.split("."):
            if not isinstance(current, dict):
                return None
            current = current.get(part)
        return current

    # --- rules -----------------------------------------------------------------------

    def _validate_required_when(self, condition, field, value):
        """Required when sibling fields have the given values (checked with the required fields).

        The rule's arguments are validated against this schema:
        {'type': 'dict'}
        """

    def _BareValidator__validate_required_fields(self, document):
        """Cerberus's check of the required fields (the same errors, one walk of the schema) and
        ``required_when``: Cerberus only runs rules for fields that are present, so a conditional
        requirement hooks in where the plain ``required`` rule is checked."""
        require_all, required, conditional = self.require_all, set(), []
        try:
            for field, definition in self.schema.items():
                if self._resolve_rules_set(definition).get("required", require_all) is True:
                    required.add(field)
                if isinstance(definition, dict) and definition.get("required_when"):
                    conditional.append((field, definition["required_when"]))
        except AttributeError:
            if self.is_child and self.schema_path[-1] == "schema":
                raise _SchemaRuleTypeError from None
            raise
        required -= self._unrequired_by_excludes
        ignore_none = self.ignore_none_values
        for field in required - set(field for field in document if not ignore_none or document.get(field) is not None):
            self._error(field, cerr.REQUIRED_FIELD)
        if self._unrequired_by_excludes:
            fields = set(field for field in document if document.get(field) is not None)
            if self._unrequired_by_excludes.isdisjoint(fields):
                for field in self._unrequired_by_excludes - fields:
                    self._error(field, cerr.REQUIRED_FIELD)
        for field, condition in conditional:
            if is_empty(document.get(field)) and condition_holds(condition, self.lookup):
                self._error(field, cerr.REQUIRED_FIELD)

    def _validate_not_future(self, flag, field, value):
        """The date or time is not after now.

        The rule's arguments are validated against this schema:
        {'type': 'boolean'}
        """
        if not flag or not isinstance(value, date):
            return
        if (value > self.now) if isinstance(value, datetime) else (value > self.now.date()):
            # Name the day compared with: the clock's, or the day the run was told (--today).
            self._error(field, f"ligger i fremtiden (i dag er {long_date(self.now)})")

    def _validate_deadline_passed(self, other_path, field, value):
        """A yes may be given only after the date in another field has passed (no answer before
        the reply deadline).

        The rule's arguments are validated against this schema:
        {'type': 'string'}
        """
        if value is not True:
            return
        deadline = self.lookup(other_path)
        label = self._label_of_path(other_path)
        if not isinstance(deadline, date):
            self._error(field, f"kræver, at '{label}' er udfyldt")
        elif as_date(deadline) >= self.now.date():
            self._error(field, f"kan først registreres, når '{label}' er udløbet (i dag er {long_date(self.now)})")

    def _validate_outside_premises(self, premises_path, field, value):
        """A place ({name, address, area}) that does not lie inside the premises of another field.

        The rule's arguments are validated against this schema:
        {'type': 'string'}
        """
        premises = self.lookup(premises_path)
        if not isinstance(value, dict) or not isinstance(premises, list):
            return
        index = covering(value, premises)
        if index is not None:  # the path, never the address: a value is not echoed
            self._error(field, f"ligger inden for '{self._label_of_path(premises_path)}' "
                               f"({premises_path.lstrip('^')}[{index}]); vælg et mødested uden for dem")

    def _validate_after(self, other_path, field, value):
        """The date or time is not before another field's (a sibling, or ^root.path).

        The rule's arguments are validated against this schema:
        {'type': 'string'}
        """
        other = self.lookup(other_path)
        if not isinstance(value, date) or not isinstance(other, date):
            return
        if isinstance(value, datetime) and isinstance(other, datetime):
            before = value < other
        else:
            before = as_date(value) < as_date(other)
        if before:
            self._error(field, f"ligger før '{self._label_of_path(other_path)}'")

    def _validate_max_months_after(self, limit, field, value):
        """The date is at most N months after another field's, that day counting as the first.

        N is ``months`` or, by name, ``setting`` in plan.yaml ``deadlines``.

        The rule's arguments are validated against this schema:
        {'type': 'dict', 'schema': {'field': {'type': 'string', 'required': True},
         'setting': {'type': 'string'}, 'months': {'type': 'integer', 'min': 1}}}
        """
        start = self.lookup(limit["field"])
        if not isinstance(value, date) or not isinstance(start, date):
            return
        months = limit.get("months", self.deadlines.get(limit.get("setting")))
        if not isinstance(months, int) or isinstance(months, bool) or months < 1:
            self._error(field, f"grænsen deadlines.{limit.get('setting')} mangler i plan.yaml eller er ikke et helt tal")
            return
        last = last_day_of_months(as_date(start), months)
        if as_date(value) > last:
            self._error(field, f"må højst ligge {months} måneder efter '{self._label_of_path(limit['field'])}'"
                               f" (senest {long_date(last)})")

    def _validate_regex(self, pattern, field, value):
        """The text matches the pattern (as Cerberus's rule), checked by an engine with a time limit.

        A pack's form is untrusted: a pattern such as ``(a|aa)+$`` backtracks for hours on a
        short text in Python's ``re``. The ``regex`` module stops after REGEX_SECONDS.

        The rule's arguments are validated against this schema:
        {'type': 'string'}
        """
        if not isinstance(value, str):
            return
        if self.trusted:
            if not _trusted_pattern(pattern).match(value):
                self._error(field, cerr.REGEX_MISMATCH)
            return
        import regex

        try:
            compiled = _compiled_pattern(pattern)
            matched = compiled.match(value, timeout=REGEX_SECONDS)
        except regex.error:
            self._error(field, "formularens mønster (regex) er ugyldigt; ret formularen")
        except TimeoutError:
            self._error(field, "formularens mønster (regex) tager for lang tid at kontrollere; ret formularen")
        else:
            if not matched:
                self._error(field, cerr.REGEX_MISMATCH)

    def _label_of_path(self, path: str) -> str:
        if path.startswith("^"):
            rules = rules_at(self.root_schema, tuple(path[1:].split(".")))
        else:
            rules = rules_at(self.schema, tuple(path.split(".")))
        return label_of(rules) or path.lstrip("^")


class PreparedSchema(DefinitionSchema):
    """A case schema Cerberus has expanded and checked once, shared by every validation after it.

    A validator given one uses it as it is (no new check); Cerberus's normaliser
    takes a working copy of the top-level schema per run, which here is a plain
    dict of the same rules instead of a new schema checked from scratch. Nothing
    in a validation changes the schema, so one is shared by threads.
    """

    def __init__(self, validator, schema: dict, checked: bool = False):
        self._checked = checked  # Cerberus checked this very schema in an earlier process
        super().__init__(validator, schema)
        self._checked = False

    def validate(self, schema=None) -> None:
        if not self._checked:
            super().validate(schema)

    def copy(self) -> dict:
        return dict(self.schema)


def prepare_schema(schema: dict, checked: bool = False) -> PreparedSchema:
    """Expand ``schema`` for :class:`CaseValidator` and check it (SchemaError if it is not valid),
    unless ``checked``: Cerberus accepted the schema of the same :func:`schema_digest` before."""
    return PreparedSchema(CaseValidator(), schema, checked=checked)


def schema_digest(schema: dict) -> str:
    """A digest of ``schema`` and of what Cerberus checks it against (its version, our rules)."""
    record = json.dumps([cerberus.__version__, CaseValidator.validation_rules, schema], sort_keys=True, default=repr)
    return hashlib.sha256(record.encode()).hexdigest()


def _danish_coercion(parse, value):
    """Run a parser; anything but its own Danish DateParseError becomes a generic Danish one."""
    try:
        return parse(value)
    except DateParseError:
        raise
    except Exception as err:  # noqa: BLE001 - never let a foreign text reach a person
        raise DateParseError("er ikke en gyldig værdi") from err
