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
- ``SPEED_OVERRIDES``: a few of ``BareValidator``'s methods replaced by ones doing the
  same work with less per call (child validators built without the generic ``__init__``,
  the order and methods of a field's rules looked up once per set of rule names);
  ``tests/test_validator_speed.py`` compares each with Cerberus's own on many cases.
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
from cerberus.validator import BareValidator, _SchemaRuleTypeError, toy_error_handler  # noqa: E402

if TYPE_CHECKING:
    import regex

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


class CaseValidator(Validator):
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
        # Cerberus only runs rules for fields that are present, so a conditional
        # requirement has to hook in where the plain ``required`` rule is checked.
        super()._BareValidator__validate_required_fields(document)
        for field, rules in self.schema.items():
            condition = rules.get("required_when") if isinstance(rules, dict) else None
            if condition and is_empty(document.get(field)) and condition_holds(condition, self.lookup):
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

    # --- Cerberus's own work with less per call (issue 19; the same results, see SPEED_OVERRIDES) ---

    def _get_child_validator(self, document_crumb=None, schema_crumb=None, **kwargs):
        """Cerberus's child validator (for a group, a list, an item), built without its generic
        ``__init__``: the same attributes and configuration, set directly."""
        config = self._config.copy()
        config.update(kwargs)
        if not self.is_child:
            config["is_child"] = True
            config["error_handler"] = toy_error_handler
            config["root_allow_unknown"] = self.allow_unknown
            config["root_require_all"] = self.require_all
            config["root_document"] = self.document
            config["root_schema"] = self.schema
        child = self.__class__.__new__(self.__class__)
        child.document = None
        child._errors = cerr.ErrorList()
        child.recent_error = None
        child.document_error_tree = cerr.DocumentErrorTree()
        child.schema_error_tree = cerr.SchemaErrorTree()
        child.update = False
        child.error_handler = _init_error_handler(config)  # takes error_handler out of config
        child._config = config
        child._schema = config.get("schema")
        config["allow_unknown"] = config.get("allow_unknown", False)
        config["require_all"] = config.get("require_all", False)
        child._remaining_rules = []
        child.now, child.deadlines, child.trusted = config["now"], config.get("deadlines") or {}, bool(config.get("trusted"))
        if document_crumb is None:
            child.document_path = self.document_path
        else:
            child.document_path = self.document_path + (document_crumb if isinstance(document_crumb, tuple)
                                                        else (document_crumb,))
        if schema_crumb is None:
            child.schema_path = self.schema_path
        else:
            child.schema_path = self.schema_path + (schema_crumb if isinstance(schema_crumb, tuple) else (schema_crumb,))
        return child

    def _resolve_rules_set(self, rules_set):
        return rules_set if type(rules_set) is dict else super()._resolve_rules_set(rules_set)

    def _resolve_schema(self, schema):
        return schema if type(schema) is dict else super()._resolve_schema(schema)

    def _BareValidator__validate_definitions(self, definitions, field):
        """Cerberus's loop over one field's rules, with the order of the rules and their methods
        looked up once per class and set of rule names instead of once per field and rule."""
        definitions = self._resolve_rules_set(definitions)
        value = self.document[field]
        self._remaining_rules = _rules_queue(type(self), tuple(definitions))
        handlers = _rule_handlers(type(self))
        while self._remaining_rules:
            rule = self._remaining_rules.pop(0)
            handler = handlers.get(rule) or _rule_handler(self, rule)
            try:
                if handler(self, definitions.get(rule, None), field, value):
                    break
            except _SchemaRuleTypeError:
                break
        self._remaining_rules = []

    def _BareValidator__validate_readonly_fields(self, mapping, schema):
        for field in schema:
            if field in mapping and self._resolve_rules_set(schema[field]).get("readonly"):
                self._validate_readonly(schema[field]["readonly"], field, mapping[field])


#: The methods of Cerberus's BareValidator that CaseValidator replaces with ones doing the same work
#: with less per call; tests/test_validator_speed.py checks each against Cerberus's own on many cases.
SPEED_OVERRIDES = ("_get_child_validator", "_resolve_rules_set", "_resolve_schema",
                   "_BareValidator__validate_definitions", "_BareValidator__validate_readonly_fields")

_init_error_handler = BareValidator._BareValidator__init_error_handler

#: Per validator class: rule name -> its ``_validate_`` function (a plain function, called with the validator).
_HANDLERS: dict[type, dict] = {}
#: Per (validator class, a field's rule names in order): the order Cerberus evaluates them in.
_QUEUES: dict[tuple, list] = {}


def _rule_handlers(cls: type) -> dict:
    handlers = _HANDLERS.get(cls)
    if handlers is None:
        handlers = _HANDLERS[cls] = {}
        for name in dir(cls):
            if name.startswith("_validate_"):
                # As defined (not a staticmethod unwrapped by getattr): only plain functions take the validator.
                function = next(klass.__dict__[name] for klass in cls.__mro__ if name in klass.__dict__)
                if type(function) is type(_rule_handlers):
                    handlers[name[len("_validate_"):]] = function
    return handlers


def _rule_handler(validator, rule: str):
    """A rule's handler as Cerberus finds it (``__get_rule_handler``), as a function of the validator."""
    method = getattr(validator, "_validate_" + rule.replace(" ", "_"), None)
    if method is None:
        raise RuntimeError("There's no handler for '{}' in the '{}' domain.".format(rule, "validate"))
    return lambda _validator, constraint, field, value: method(constraint, field, value)


def _rules_queue(cls: type, names: tuple) -> list:
    """A fresh list of the rules Cerberus runs for a field with these rule names, in its order
    (``BareValidator.__validate_definitions``): priority rules, mandatory ones, then the rest."""
    queue = _QUEUES.get((cls, names))
    if queue is None:
        queue = [x for x in cls.priority_validations if x in names or x in cls.mandatory_validations]
        queue.extend(x for x in cls.mandatory_validations if x not in queue)
        queue.extend(x for x in names if x not in queue and x not in cls.normalization_rules
                     and x not in ("allow_unknown", "require_all", "meta", "required"))
        if len(_QUEUES) > 4096:  # a pack's schema has few shapes of rules; never grow without end
            _QUEUES.clear()
        _QUEUES[(cls, names)] = queue
    return list(queue)


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
