"""The validation speed-ups of case/_quick.py (issue 19) change nothing: each is compared with Cerberus's own.

``QuickValidator`` (under ``CaseValidator``) replaces a few of Cerberus's methods
(``SPEED_OVERRIDES``) with ones that do the same work with less per call, and
``CaseValidator`` checks the required fields and ``required_when`` in one walk. Here a validator class that keeps Cerberus's
own methods judges them: on the example cases, on drawn cases with junk anywhere, and
on a schema using the Cerberus rules a department's pack may use that the default
forms do not. The normalised document, every raw Cerberus error (paths, codes,
constraints, child errors) and every Danish line must be the same.
"""

from __future__ import annotations

import copy
import json
import os

import cerberus
import pytest
from cerberus import errors as cerr
from cerberus.errors import ValidationError
from cerberus.validator import BareValidator
from hypothesis import HealthCheck, example, given, settings, strategies as st

from beredskab.case._quick import SPEED_OVERRIDES, QuickValidator
from beredskab.case._validator import CaseValidator, condition_holds, prepare_schema
from beredskab.case.casefile import clean_strings, cleaned
from beredskab.case.messages import DanishErrorHandler
from beredskab.case.paths import is_empty
from beredskab.engine import Engine

from .conftest import EXAMPLES, NOW
from .strategies import JSON, cases

ENGINE = Engine.load()  # module level: hypothesis does not mix with function-scoped fixtures
FORMS = ENGINE.forms
PROPERTY = settings(max_examples=int(os.environ.get("BEREDSKAB_EXAMPLES", "30")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def drop_nulls(value):
    """The fields that are null left out, in a walk of its own: with clean_strings, what cleaned does in one."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value



def _required_fields_then_required_when(self, document):
    """Cerberus's own check of the required fields, then ``required_when`` in a second walk (as before issue 19)."""
    BareValidator._BareValidator__validate_required_fields(self, document)
    for field, rules in self.schema.items():
        condition = rules.get("required_when") if isinstance(rules, dict) else None
        if condition and is_empty(document.get(field)) and condition_holds(condition, self.lookup):
            self._error(field, cerr.REQUIRED_FIELD)


#: A validator with Cerberus's own methods where CaseValidator has faster ones.
CerberusOwn = type(CaseValidator)("CerberusOwn", (CaseValidator,), {
    **{name: BareValidator.__dict__[name] for name in SPEED_OVERRIDES},
    "_BareValidator__validate_required_fields": _required_fields_then_required_when})


def test_every_speed_override_replaces_a_method_cerberus_still_has():
    for name in SPEED_OVERRIDES:
        assert name in BareValidator.__dict__, (
            f"Cerberus {cerberus.__version__} changed: BareValidator.{name} is gone; QuickValidator's replacement "
            "in generator/case/_quick.py no longer replaces anything")
        assert name in QuickValidator.__dict__


def raw_errors(errors) -> list:
    """Every field of Cerberus's errors, child errors included, as plain data."""
    return [(e.document_path, e.schema_path, e.code, e.rule, repr(e.constraint), repr(e.value), plain(e.info),
             raw_errors(e.child_errors or [])) for e in errors]


def plain(value):
    if isinstance(value, ValidationError):
        return raw_errors([value])
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return repr(value)


def outcome(validator_class, schema, data, handler_schema=None) -> tuple:
    validator = validator_class(schema, error_handler=DanishErrorHandler(handler_schema or schema), now=NOW,
                                deadlines=FORMS.deadlines, trusted=FORMS.trusted)
    try:
        valid = validator.validate(copy.deepcopy(data))
    except Exception as err:  # noqa: BLE001 - Cerberus's own failures must be the same too
        return (type(err).__name__, str(err))
    return (valid, repr(validator.document), raw_errors(validator._errors),
            [p.format() for p in validator.errors])


def same_outcome(data: dict) -> tuple:
    data = drop_nulls(clean_strings({k: v for k, v in data.items() if k != "$schema"}))
    fast = outcome(CaseValidator, FORMS.prepared, data, FORMS.schema)
    own = outcome(CerberusOwn, FORMS.prepared, data, FORMS.schema)
    assert fast == own
    return fast


@pytest.mark.parametrize("name", ["trussel-telefon", "vold-skranke", "chikane-forbud"])
def test_the_examples_and_their_broken_copies_validate_as_with_cerberus_own_methods(name):
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert same_outcome(data)[0] is True
    broken = copy.deepcopy(data)
    section = broken.get("incident") or broken.get("ban")
    for key in list(section)[:6]:
        section[key] = [{"x": 1}, None, "2026-13-40"]
    section["not_a_field"] = {"a": [1, 2]}
    valid, _, errors, lines = same_outcome(broken)
    assert valid is False and len(lines) >= 3


def _all_paths(value, path=()) -> list[tuple]:
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append(path + (key,))
        found.extend(_all_paths(child, path + (key,)))
    return found


@PROPERTY
@given(raw=cases(FORMS.schema, NOW), junk=JSON, data=st.data())
def test_drawn_cases_with_junk_anywhere_validate_as_with_cerberus_own_methods(raw, junk, data):
    same_outcome(raw)
    path = data.draw(st.sampled_from(_all_paths(raw)))
    target = broken = copy.deepcopy(raw)
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    same_outcome(broken)


#: Cerberus rules a department's pack may use that the default forms do not.
OTHER_RULES = {
    "a": {"type": "string", "readonly": True, "nullable": True},
    "b": {"type": "integer", "min": 1, "max": 9, "dependencies": ["c"], "excludes": "d"},
    "c": {"type": "string", "anyof": [{"allowed": ["x"]}, {"regex": "y+"}], "default": "x"},
    "d": {"type": "list", "items": [{"type": "string"}, {"type": "integer"}]},
    "e": {"type": "dict", "keysrules": {"type": "string", "regex": "[a-z]+", "coerce": str.lower},
          "valuesrules": {"type": "integer", "coerce": int}},
    "f": {"type": "dict", "allow_unknown": {"type": "string"}, "schema": {"g": {"type": "boolean", "required": True}}},
    "h": {"type": "list", "schema": {"type": "dict", "schema": {"i": {"type": "string", "required": True,
                                                                       "empty": False, "forbidden": ["no"]}}}},
    "j": {"oneof": [{"type": "integer"}, {"type": "string", "minlength": 2}], "nullable": True},
    "k": {"type": "string", "dependencies": {"b": [1, 2]}, "required": True},
    "l": {"type": "list", "contains": "z", "allowed": ["z", "w"], "maxlength": 3},
    "m": {"rename": "n"},
    "n": {"type": "string", "required_when": {"b": 1}},
    "o": {"type": "dict", "purge_unknown": True, "schema": {"p": {"type": "date", "coerce": "date", "nullable": True,
                                                                  "not_future": True}}},
    "q": {"type": "dict", "allow_unknown": True, "valuesrules": {"type": "list", "schema": {"type": "integer"}}},
    "r": {"type": "list", "schema": {"type": "string", "coerce": str.upper}},
    "s": {"type": "list", "schema": {"type": "integer", "default": 5}},
    "t": {"type": "list", "schema": {"type": "string", "allowed": ["a", "b"]}},
    "u": {"type": "list", "schema": {"type": "dict", "schema": {"v": {"type": "string", "default": "w"}}}},
}
VALUES = st.one_of(JSON, st.sampled_from(["x", "yy", "z", "no", "", 2, 0, 11, ["z"], ["q", 1], {"ab": "3"},
                                          {"A": 1}, {"g": True, "u": "v"}, {"g": 1}, [{"i": "no"}, {"i": ""}, {}], {"p": "2026-01-02", "u": 1},
                                          {"p": "i morgen"}, {"p": None}, {"x": [1, "a"]}, 1, [None, "a", 1.5],
                                          ["a", ["b"]], [{}, {"v": None}], ["a", True, {"v": "x"}]]))


@PROPERTY
@given(document=st.dictionaries(st.sampled_from([*OTHER_RULES, "zz"]), VALUES, max_size=8))
@example(document={"b": 1, "c": "x", "k": "s", "e": {"AB": "3", "b": "x"}, "m": 2})
@example(document={"b": 1, "c": "x", "k": "s", "m": ""})
@example(document={"r": ["a", None, 1], "s": [None, 1, "x"], "t": ["a", "c", None], "u": [{}, None, "x"]})
@example(document={"l": ["z"], "c": "", "k": "", "n": "", "b": 1})
@example(document={"l": ["z", "q", 3], "t": [], "h": [], "f": {}, "e": {}})
@example(document={"a": None, "h": [{"i": "no"}, {}], "o": {"p": "2026-01-02", "u": 1}, "f": {"g": 1, "x": 2}})
def test_other_cerberus_rules_validate_as_with_cerberus_own_methods(document):
    schema = prepare_schema(copy.deepcopy(OTHER_RULES))
    assert outcome(CaseValidator, schema, document) == outcome(CerberusOwn, schema, document)


def test_a_child_validator_is_built_as_cerberus_builds_it():
    """The same attributes and configuration as Cerberus's ``__init__`` gives a child (a grandchild too)
    once it has processed a document, which Cerberus always has it do at once."""
    def tree(node) -> tuple:
        return raw_errors(node.errors), {key: tree(child) for key, child in node.descendants.items()}

    def state(validator) -> dict:
        plain_state = {"error_handler": lambda v: type(v).__name__, "_errors": raw_errors,
                       "recent_error": lambda v: v and raw_errors([v]), "document_error_tree": tree,
                       "schema_error_tree": tree}
        return {name: plain_state.get(name, lambda v: v)(value) for name, value in vars(validator).items()}

    children = []
    for validator_class in (CaseValidator, CerberusOwn):
        root = validator_class(FORMS.prepared, error_handler=DanishErrorHandler(FORMS.schema), now=NOW,
                               deadlines=FORMS.deadlines)
        root.document = {"incident": {}}
        child = root._get_child_validator(document_crumb="incident", schema_crumb=("incident", "schema"),
                                          schema=FORMS.schema["incident"]["schema"], require_all=False)
        grandchild = child._get_child_validator(document_crumb=(0,), schema_crumb="schema", schema={0: {}},
                                                allow_unknown=True)
        child.validate({"case_id": 7, "channel": None})
        grandchild.normalized({0: "x", 1: 2})
        children.append((state(child), state(grandchild)))
    assert children[0] == children[1], (
        f"Cerberus {cerberus.__version__} changed what a child validator holds; "
        "QuickValidator._get_child_validator in generator/case/_quick.py builds it the old way")


@PROPERTY
@given(value=JSON)
def test_one_walk_cleaning_is_clean_strings_then_drop_nulls(value):
    """Forms.validate cleans a case in one walk: the same as trimming the texts, then leaving out nulls."""
    assert cleaned(value) == drop_nulls(clean_strings(value))
    assert cleaned({"a": [None, " x\r\n\x00"], "b": None, "c": {"d": None}}) == {"a": [None, "x"], "c": {}}


def test_a_printable_text_only_needs_trimming():
    """The cleaner's shortcut: no printable character is one it removes or replaces."""
    from beredskab.case.casefile import _XML_ILLEGAL

    changed = [c for c in map(chr, range(0x110000)) if c.isprintable() and (c in "\r\n" or _XML_ILLEGAL.match(c))]
    assert changed == []
    assert cleaned([" a\u00a0b ", "x\x0by", "\ufeffz\u2028"]) == clean_strings([" a\u00a0b ", "x\x0by", "\ufeffz\u2028"])


def test_a_form_rule_shared_by_a_yaml_alias_is_prepared_for_each_place_on_its_own(tmp_path):
    """load_forms copies a form's rules once (not at every level): an alias still gives each place its own rules."""
    from beredskab.case.forms import load_forms
    from beredskab.pack.loader import Pack

    (tmp_path / "forms").mkdir()
    (tmp_path / "plan.yaml").write_text("choices: {}\n", encoding="utf-8")
    (tmp_path / "forms" / "x.yaml").write_text(
        "x:\n  type: dict\n  required: true\n  schema:\n"
        "    one: &text {type: string, meta: {label: Tekst}}\n"
        "    many: {type: list, schema: *text}\n"
        "    two: *text\n", encoding="utf-8")
    schema = load_forms(Pack((tmp_path,))).schema["x"]["schema"]
    assert schema["one"] == schema["two"] == {"type": "string", "meta": {"label": "Tekst"}, "maxlength": 20_000,
                                              "nullable": True, "default": None}
    assert schema["many"]["schema"] == {"type": "string", "meta": {"label": "Tekst"}, "maxlength": 20_000}
    assert schema["one"] is not schema["two"] and schema["one"]["meta"] is not schema["two"]["meta"]
