"""Cerberus checks a pack's forms once per cache folder, not in every new process (issue 19)."""

from __future__ import annotations

import copy
import stat

import pytest
from cerberus.schema import DefinitionSchema

from beredskab import CaseError, FormError
from beredskab.cache_folder import CACHE_ENV
from beredskab.case.forms import load_forms
from beredskab.pack.loader import load_pack

from .conftest import DATA, NOW


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def outcome(forms, data):
    try:
        return forms.validate(copy.deepcopy(data), now=NOW)
    except CaseError as err:
        return [p.format() for p in err.problems]


def test_forms_checked_by_cerberus_once_then_recorded_in_the_private_cache(cache_dir, phone_threat_data, monkeypatch):
    from cerberus import Validator

    monkeypatch.setattr(Validator, "_valid_schemas", set())  # as in a new process
    calls: list[int] = []
    original = DefinitionSchema._validate
    monkeypatch.setattr(DefinitionSchema, "_validate", lambda self, schema: calls.append(1) or original(self, schema))
    first = load_forms(load_pack(None))
    assert calls, "the first load checks the forms"
    markers = list(cache_dir.glob("forms-*.checked"))
    assert len(markers) == 1 and stat.S_IMODE(markers[0].stat().st_mode) == 0o600

    monkeypatch.setattr(Validator, "_valid_schemas", set())
    calls.clear()
    second = load_forms(load_pack(None))
    assert calls == []
    bad = copy.deepcopy(phone_threat_data)
    bad["incident"]["channel"] = "brevdue"
    del bad["incident"]["location"]
    for data in (phone_threat_data, bad):
        assert outcome(first, data) == outcome(second, data)
    assert len(outcome(second, bad)) == 2


def test_a_changed_form_is_checked_again(cache_dir):
    load_forms(load_pack(None))  # records the default forms
    with pytest.raises(FormError, match="ikke et gyldigt Cerberus-skema"):
        load_forms(load_pack(DATA / "bad-schema-pack"))
    assert len(list(cache_dir.glob("forms-*.checked"))) == 1


def test_forms_are_checked_every_time_without_a_private_cache(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # others may write: not a place to trust
    monkeypatch.setenv(CACHE_ENV, str(folder))
    load_forms(load_pack(None))
    assert list(folder.iterdir()) == []
