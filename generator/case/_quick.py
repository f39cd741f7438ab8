"""Cerberus's own validation work with less per call: :class:`QuickValidator` (issue 19).

Cerberus spends most of a case's validation in its bookkeeping, not in the rules:
a new child validator (a generic ``__init__``) for every group, list and list item,
in normalisation and again in validation; the order of a field's rules and each
rule's method worked out again for every field; ABC ``isinstance`` checks on plain
dicts and lists; ``list.remove`` raising ``ValueError`` for each rule a ``None`` value
skips. :class:`QuickValidator` replaces those methods of Cerberus's ``BareValidator``
(``SPEED_OVERRIDES``) with ones that do the same work with less per call.

With ``case/_validator.py`` (beredskab's rules on top), the only modules that lean on
Cerberus internals: name-mangled private methods, ``_SchemaRuleTypeError`` and
``toy_error_handler``. Cerberus is pinned to 1.3.x (setup.cfg); ``tests/test_validator_speed.py``
compares each replacement with Cerberus's own method on many cases (the normalised
document, every raw error, every Danish line) and fails naming Cerberus if one is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Sized
from datetime import date, datetime

from ._cerberus import import_cerberus

import_cerberus()

from cerberus import Validator, errors as cerr  # noqa: E402 - after import_cerberus
from cerberus.validator import BareValidator, _SchemaRuleTypeError, toy_error_handler  # noqa: E402

#: The methods of Cerberus's BareValidator that QuickValidator replaces with ones doing the same work
#: with less per call; tests/test_validator_speed.py checks each against Cerberus's own on many cases.
SPEED_OVERRIDES = ("_get_child_validator", "_resolve_rules_set", "_resolve_schema", "_drop_remaining_rules",
                   "_normalize_coerce", "_BareValidator__validate_definitions",
                   "_BareValidator__validate_readonly_fields", "_BareValidator__init_processing",
                   "_BareValidator__normalize_containers", "_BareValidator__normalize_sequence_per_schema",
                   "validate", "__call__", "_validate_type", "_validate_allowed", "_validate_empty",
                   "_validate_maxlength", "_validate_minlength", "_validate_schema")

#: Item rules that make Cerberus's normalisation change a list's scalar items or report an error.
_NORMALISING = frozenset(("coerce", "default", "default_setter", "rename", "rename_handler", "readonly"))
_SCALARS = (str, int, float, bool, type(None))
_SCALARS_AND_CONTAINERS = frozenset((*_SCALARS, dict, list))
#: (a type rule's TypeDefinition, a Python type) -> whether a value of that type is of that type.
_TYPE_MATCHES: dict[tuple, bool] = {}
#: Values that are neither mappings nor sequences (what is left of a case after its groups and lists).
_PLAIN = frozenset((int, float, bool, type(None), date, datetime))
#: (an abstract base class, a Python type) -> whether values of that type are instances of it.
_ABC_MATCHES: dict[tuple, bool] = {}


def _is(value, abc: type) -> bool:
    """``isinstance(value, abc)``; for Python's own types the answer depends on the type alone, so it
    is remembered per type instead of asking the ABC machinery for every value."""
    kind = type(value)
    if kind not in _SCALARS_AND_CONTAINERS:
        return isinstance(value, abc)
    known = _ABC_MATCHES.get((abc, kind))
    if known is None:
        known = _ABC_MATCHES[(abc, kind)] = isinstance(value, abc)
    return known

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


class QuickValidator(Validator):
    """Cerberus's ``Validator`` with ``SPEED_OVERRIDES``: the same results, less work per call."""

    def _init_child(self, config: dict) -> None:
        """Set what a subclass's ``__init__`` sets from its configuration on a child built here."""

    def _get_child_validator(self, document_crumb=None, schema_crumb=None, **kwargs):
        """Cerberus's child validator (for a group, a list, an item), built without its generic
        ``__init__``: the same attributes and configuration, set directly, once it has processed."""
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
        # Its errors, error trees and recent error are set when it starts processing, which every
        # caller in Cerberus does at once: made here too, they were thrown away unused.
        child.document = None
        child.update = False
        child.error_handler = _init_error_handler(config)  # takes error_handler out of config
        child._config = config
        child._schema = config.get("schema")
        config["allow_unknown"] = config.get("allow_unknown", False)
        config["require_all"] = config.get("require_all", False)
        child._remaining_rules = []
        child._init_child(config)
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

    def validate(self, document, schema=None, update=False, normalize=True):
        """Cerberus's ``validate``, with the schema and ``ignore_none_values`` read once, not per field."""
        self.update = update
        self._unrequired_by_excludes = set()
        self._BareValidator__init_processing(document, schema)
        if normalize:
            self._BareValidator__normalize_mapping(self.document, self.schema)
        ignore_none, rules_of, document = self.ignore_none_values, self.schema, self.document
        for field in document:
            if ignore_none and document[field] is None:
                continue
            definitions = rules_of.get(field)
            if definitions is not None:
                self._BareValidator__validate_definitions(definitions, field)
            else:
                self._BareValidator__validate_unknown_fields(field)
        if not self.update:
            self._BareValidator__validate_required_fields(self.document)
        self.error_handler.end(self)
        return not bool(self._errors)

    __call__ = validate

    def _validate_type(self, data_type, field, value):
        definition = self.types_mapping.get(data_type) if type(data_type) is str else None
        if definition is None or type(value) not in _SCALARS_AND_CONTAINERS:
            return super()._validate_type(data_type, field, value)
        # For Python's own types the answer depends on the type alone: remember it.
        matched = _TYPE_MATCHES.get((definition, type(value)))
        if matched is None:
            matched = _TYPE_MATCHES[(definition, type(value))] = (
                isinstance(value, definition.included_types) and not isinstance(value, definition.excluded_types))
        if not matched:
            self._error(field, cerr.BAD_TYPE)
            self._drop_remaining_rules()

    _validate_type.__doc__ = BareValidator._validate_type.__doc__  # the rule's own schema, read by Cerberus

    def _validate_allowed(self, allowed_values, field, value):
        if _is(value, Iterable) and not isinstance(value, str):
            unallowed = tuple(x for x in value if x not in allowed_values)
            if unallowed:
                self._error(field, cerr.UNALLOWED_VALUES, unallowed)
        elif value not in allowed_values:
            self._error(field, cerr.UNALLOWED_VALUE, value)

    def _validate_empty(self, empty, field, value):
        if _is(value, Sized) and len(value) == 0:
            self._drop_remaining_rules("allowed", "forbidden", "items", "minlength", "maxlength", "regex", "check_with")
            if not empty:
                self._error(field, cerr.EMPTY_NOT_ALLOWED)

    def _validate_maxlength(self, max_length, field, value):
        if _is(value, Iterable) and len(value) > max_length:
            self._error(field, cerr.MAX_LENGTH, len(value))

    def _validate_minlength(self, min_length, field, value):
        if _is(value, Iterable) and len(value) < min_length:
            self._error(field, cerr.MIN_LENGTH, len(value))

    def _validate_schema(self, schema, field, value):
        if schema is None:
            return
        if _is(value, Sequence) and not isinstance(value, str):
            self._BareValidator__validate_schema_sequence(field, schema, value)
        elif _is(value, Mapping):
            self._BareValidator__validate_schema_mapping(field, schema, value)

    # Each rule's docstring is its own schema, read by Cerberus: the same as the method replaced.
    for _rule in (_validate_allowed, _validate_empty, _validate_maxlength, _validate_minlength, _validate_schema):
        _rule.__doc__ = getattr(BareValidator, _rule.__name__).__doc__
    del _rule

    def _resolve_rules_set(self, rules_set):
        return rules_set if type(rules_set) is dict else super()._resolve_rules_set(rules_set)

    def _resolve_schema(self, schema):
        return schema if type(schema) is dict else super()._resolve_schema(schema)

    def _BareValidator__validate_definitions(self, definitions, field):
        """Cerberus's loop over one field's rules, with the order of the rules and their methods
        looked up once per class and set of rule names instead of once per field and rule."""
        if type(definitions) is not dict:
            definitions = self._resolve_rules_set(definitions)
        value = self.document[field]
        cls = type(self)
        queue = _QUEUES.get((cls, tuple(definitions)))
        self._remaining_rules = list(queue) if queue is not None else _rules_queue(cls, tuple(definitions))
        handlers = _HANDLERS.get(cls) or _rule_handlers(cls)
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

    def _drop_remaining_rules(self, *rules):
        # The queue holds each rule once (_rules_queue), so this is Cerberus's list.remove per rule.
        self._remaining_rules = [rule for rule in self._remaining_rules if rule not in rules] if rules else []

    def _BareValidator__init_processing(self, document, schema=None):
        if type(document) is not dict or schema is not None or self._schema is None:
            return super()._BareValidator__init_processing(document, schema)
        self._errors = cerr.ErrorList()
        self.recent_error = None
        self.document_error_tree = cerr.DocumentErrorTree()
        self.schema_error_tree = cerr.SchemaErrorTree()
        self.document = document.copy()
        if not self._config.get("is_child", False):
            self._is_normalized = False
        self.error_handler.start(self)

    def _normalize_coerce(self, mapping, schema):
        error, unknown = cerr.COERCION_FAILED, self.allow_unknown
        coerce_unknown = isinstance(unknown, Mapping) and "coerce" in unknown
        for field in mapping:
            if field in schema and "coerce" in schema[field]:
                mapping[field] = self._BareValidator__normalize_coerce(
                    schema[field]["coerce"], field, mapping[field], schema[field].get("nullable", False), error)
            elif coerce_unknown:
                mapping[field] = self._BareValidator__normalize_coerce(
                    unknown["coerce"], field, mapping[field], unknown.get("nullable", False), error)

    _normalize_coerce.__doc__ = BareValidator._normalize_coerce.__doc__  # the rule's own schema, read by Cerberus

    def _BareValidator__normalize_sequence_per_schema(self, field, mapping, schema):
        """A list of texts, numbers or yes/no whose item rules normalise nothing (no coercion,
        default, renaming or read-only) stays as it is: Cerberus's child validator would give
        back the same items, with no error; any other list is Cerberus's."""
        items, rules = mapping[field], schema[field]["schema"]
        if (type(items) is list and type(rules) is dict and _NORMALISING.isdisjoint(rules)
                and not isinstance(self.allow_unknown, Mapping) and all(type(item) in _SCALARS for item in items)):
            mapping[field] = list(items)
            return
        super()._BareValidator__normalize_sequence_per_schema(field, mapping, schema)

    def _BareValidator__normalize_containers(self, mapping, schema):
        unknown_is_mapping = isinstance(self.allow_unknown, Mapping)
        for field in mapping:
            rules = schema.get(field, ())
            if type(rules) is not dict:
                rules = set(rules)
            value = mapping[field]
            if type(value) in _PLAIN:  # neither a mapping nor a sequence
                continue
            if type(value) is dict or isinstance(value, Mapping):
                if "keysrules" in rules:
                    self._BareValidator__normalize_mapping_per_keysrules(field, mapping, schema[field]["keysrules"])
                if "valuesrules" in rules:
                    self._BareValidator__normalize_mapping_per_valuesrules(field, mapping, schema[field]["valuesrules"])
                if "allow_unknown" in rules or "purge_unknown" in rules or "schema" in rules or unknown_is_mapping:
                    try:
                        self._BareValidator__normalize_mapping_per_schema(field, mapping, schema)
                    except _SchemaRuleTypeError:
                        pass
            elif type(value) is str:
                continue
            elif type(value) is list or (not isinstance(value, str) and isinstance(value, Sequence)):
                if "schema" in rules:
                    self._BareValidator__normalize_sequence_per_schema(field, mapping, schema)
                elif "items" in rules:
                    self._BareValidator__normalize_sequence_per_items(field, mapping, schema)
