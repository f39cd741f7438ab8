"""The Cerberus internals generator/case/_validator.py relies on: each fails naming Cerberus if it is gone.

setup.cfg pins Cerberus below the next minor version; these tests say what broke
when that pin is moved.
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import cerberus
from cerberus.schema import DefinitionSchema

from beredskab import CaseError
from beredskab.case._validator import CaseValidator, PreparedSchema
from beredskab.case.messages import DanishErrorHandler

from .conftest import NOW


def test_cerberus_still_has_the_required_fields_hook():
    """``required_when`` runs inside Cerberus's private check of the required fields."""
    assert hasattr(cerberus.Validator, "_BareValidator__validate_required_fields"), (
        f"Cerberus {cerberus.__version__} changed: BareValidator.__validate_required_fields is gone, so the "
        "rule required_when (CaseValidator in generator/case/_validator.py) would never run")


def test_cerberus_normaliser_still_copies_the_schema_through_copy():
    """The prepared schema is shared only because the normaliser copies it with ``schema.copy()``."""
    source = cerberus.Validator._BareValidator__normalize_mapping.__code__
    assert "copy" in source.co_names, (
        f"Cerberus {cerberus.__version__} changed: BareValidator.__normalize_mapping no longer calls "
        "schema.copy(); check PreparedSchema in generator/case/_validator.py")


def test_validation_does_not_check_the_prepared_schema_again(forms, phone_threat_data, monkeypatch):
    """Cerberus checks the case schema once per process, not once per case (issue 19)."""
    assert isinstance(forms.prepared, PreparedSchema)
    made, checked = [], []
    original_init, original_validate = DefinitionSchema.__init__, DefinitionSchema.validate

    def counting_init(self, *args, **kwargs):
        made.append(type(self))
        original_init(self, *args, **kwargs)

    def counting_validate(self, *args, **kwargs):
        checked.append(type(self))
        original_validate(self, *args, **kwargs)

    monkeypatch.setattr(DefinitionSchema, "__init__", counting_init)
    monkeypatch.setattr(DefinitionSchema, "validate", counting_validate)
    for _ in range(3):
        forms.validate(copy.deepcopy(phone_threat_data), now=NOW)
    assert made == [] and checked == [], (
        f"Cerberus {cerberus.__version__} changed: validating a case builds or checks a schema again "
        f"({len(made)} built, {len(checked)} checked); PreparedSchema in generator/case/_validator.py no longer "
        "keeps the normaliser from it")


def test_prepared_schema_gives_the_same_case_and_messages_as_a_fresh_validator(forms, phone_threat_data):
    """The shared schema changes nothing: the same normalised case, the same Danish problems."""
    bad = copy.deepcopy(phone_threat_data)
    bad["incident"]["occurred_at"]["start"] = "2026-13-40T10:00"
    bad["incident"]["channel"] = "brevdue"
    del bad["incident"]["location"]
    for data in (phone_threat_data, bad):
        fresh = CaseValidator(copy.deepcopy(forms.schema), error_handler=DanishErrorHandler(forms.schema), now=NOW,
                              deadlines=forms.deadlines)
        shared = forms.validator(NOW)
        cleaned = {k: v for k, v in data.items() if k != "$schema"}
        assert fresh.validate(copy.deepcopy(cleaned)) == shared.validate(copy.deepcopy(cleaned))
        assert fresh.document == shared.document
        assert [p.format() for p in fresh.errors] == [p.format() for p in shared.errors]
    assert len(shared.errors) == 3


def test_prepared_schema_is_shared_safely_between_threads(forms, phone_threat_data):
    """Validators on one prepared schema in several threads (the web app) keep their cases apart."""
    bad = copy.deepcopy(phone_threat_data)
    bad["incident"]["channel"] = "brevdue"

    def outcome(data):
        try:
            return forms.validate(copy.deepcopy(data), now=NOW)["incident"]["case_id"]
        except CaseError as err:
            return tuple(p.format() for p in err.problems)

    inputs = [phone_threat_data, bad] * 40
    expected = [outcome(data) for data in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(outcome, inputs)) == expected
    assert isinstance(expected[1], tuple) and "brevdue" not in expected[1][0]


def test_cerberus_imported_without_importlib_metadata_has_its_own_version():
    """case/_cerberus.py answers Cerberus's one importlib.metadata call from its dist-info (issue 19)."""
    import subprocess
    import sys

    script = ("import sys\n"
              "from beredskab.case._validator import cerberus\n"
              "assert 'importlib.metadata' not in sys.modules, 'Cerberus imported importlib.metadata anyway'\n"
              "import importlib.metadata\n"
              "print(cerberus.__version__, importlib.metadata.version('Cerberus'))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, f"Cerberus {cerberus.__version__} changed how it imports: {result.stderr[-500:]}"
    ours, theirs = result.stdout.split()
    assert ours == theirs == cerberus.__version__, f"Cerberus's version read from its dist-info is wrong: {ours}"
