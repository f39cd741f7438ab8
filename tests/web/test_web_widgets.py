"""Form widgets from the forms, and the posted form back into case data (no browser, no register)."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from beredskab.web.formdata import apply_action, parse_section
from beredskab.web.widgets import INDEX_TOKEN, section_widgets

from ..conftest import EXAMPLES


def flat(widgets):
    for widget in widgets:
        yield widget
        yield from flat(widget.children + widget.items)


def by_name(widgets):
    return {w.name: w for w in flat(widgets)}


@pytest.fixture
def counter_violence():
    return json.loads((EXAMPLES / "vold-skranke.json").read_text(encoding="utf-8"))


def test_widgets_take_labels_help_and_choices_from_the_forms(forms, counter_violence):
    widgets = by_name(section_widgets(forms, "incident", counter_violence["incident"], {}))
    location = widgets["incident.location"]
    assert (location.kind, location.label, location.required) == ("text", "Sted", True)
    assert location.help.startswith("Hvor skete det?")
    channel = widgets["incident.channel"]
    assert channel.kind == "radios"
    assert ("phone", forms.label("channel", "phone")) in channel.options
    assert widgets["incident.incident_types"].kind == "checkboxes"
    assert widgets["incident.occurred_at.start"].kind == "datetime"
    assert widgets["incident.note_date"].kind == "date"
    assert widgets["incident.description"].kind == "textarea"
    assert widgets["incident.affected_employees[0].sick_leave.has_leave"].options == [("true", "Ja"), ("false", "Nej")]


def test_widgets_resolve_conditions_to_the_html_name_they_watch(forms, counter_violence):
    widgets = by_name(section_widgets(forms, "incident", counter_violence["incident"], {}))
    assert widgets["incident.affected_employees[0].sick_leave.first_day"].condition == [
        {"field": "incident.affected_employees[0].sick_leave.has_leave", "values": ["true"]}]
    assert widgets["incident.police.journal_number"].condition == [
        {"field": "incident.police.reported", "values": ["true"]}]
    assert widgets["incident.location"].condition == []


def test_repeatable_group_has_its_items_and_a_template(forms, counter_violence):
    widgets = by_name(section_widgets(forms, "incident", counter_violence["incident"], {}))
    witnesses = widgets["incident.witnesses"]
    assert witnesses.kind == "repeat" and len(witnesses.items) == 2
    assert witnesses.items[1].children[0].name == "incident.witnesses[1].name"
    assert witnesses.items[1].children[0].value == counter_violence["incident"]["witnesses"][1]["name"]
    assert witnesses.template.children[0].name == f"incident.witnesses[{INDEX_TOKEN}].name"


def test_problem_is_placed_on_its_field(forms):
    widgets = by_name(section_widgets(forms, "incident", {}, {"incident.location": "Sted skal udfyldes"}))
    assert widgets["incident.location"].error == "Sted skal udfyldes"
    assert widgets["incident.location"].described_by == "f-incident-location-fejl f-incident-location-hjaelp"


def post_of(forms, section: str, data: dict) -> MultiDict:
    """The form a browser posts for ``data`` as the page shows it (what the widgets render)."""
    pairs = []

    def add(widget):
        if widget.kind == "repeat":
            for item in widget.items:
                pairs.append((f"{widget.name}[]", str(item.index)))
                for child in item.children:
                    add(child)
        elif widget.kind == "group":
            for child in widget.children:
                add(child)
        elif widget.kind == "checkboxes":
            pairs.extend((widget.name, v) for v in widget.value)
        elif widget.kind == "datetime":
            pairs.extend([(f"{widget.name}.dato", widget.value[0]), (f"{widget.name}.tid", widget.value[1])])
        else:
            pairs.append((widget.name, widget.value))

    for widget in section_widgets(forms, section, data.get(section), {}):
        add(widget)
    return MultiDict(pairs)


@pytest.mark.parametrize("example", ["vold-skranke.json", "chikane-forbud.json", "trussel-telefon.json"])
def test_posted_form_gives_back_the_case_it_showed(engine, forms, example):
    data = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    for section in forms.sections:
        if data.get(section) is None:
            continue
        parsed = parse_section(forms, section, post_of(forms, section, data), data)
        assert blank_is_none(forms.validate({**data, section: parsed})) == blank_is_none(forms.validate(data)), section


def blank_is_none(value):
    """An empty text and a missing value both mean "not filled in" (the form cannot tell them apart)."""
    if isinstance(value, dict):
        return {k: blank_is_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [blank_is_none(v) for v in value]
    return None if value == "" else value


def test_hidden_conditional_value_is_dropped_by_the_server(forms, counter_violence):
    form = post_of(forms, "incident", counter_violence)
    form.setlist("incident.affected_employees[0].sick_leave.has_leave", ["false"])
    parsed = parse_section(forms, "incident", form, counter_violence)
    assert parsed["affected_employees"][0]["sick_leave"] == {"has_leave": False, "days": 8}


def test_empty_added_item_is_not_data_and_order_follows_the_page(forms, counter_violence):
    form = post_of(forms, "incident", counter_violence)
    form.setlist("incident.witnesses[]", ["1", "0", "7"])  # reordered, plus an empty item 7
    parsed = parse_section(forms, "incident", form, counter_violence)
    names = [w["name"] for w in parsed["witnesses"]]
    assert names == [w["name"] for w in reversed(counter_violence["incident"]["witnesses"])]


def test_add_and_remove_buttons_change_the_items(forms, counter_violence):
    section = counter_violence["incident"]
    assert apply_action(forms, "incident", section, "add:incident.affected_employees") == \
        "incident.affected_employees[1]"
    assert section["affected_employees"][-1] == {}
    assert apply_action(forms, "incident", section, "remove:incident.witnesses[0]") == "incident.witnesses"
    assert len(section["witnesses"]) == 1
    assert apply_action(forms, "incident", section, "remove:support.offered[0]") is None


def test_a_moment_known_only_by_the_day_stays_a_day(forms):
    widgets = by_name(section_widgets(forms, "incident", {"occurred_at": {"start": "2026-11-24",
                                                                          "end": "2026-11-24T10:30"}}, {}))
    assert widgets["incident.occurred_at.start"].value == ("2026-11-24", "")
    assert widgets["incident.occurred_at.end"].value == ("2026-11-24", "10:30")
    form = MultiDict([("incident.occurred_at.start.dato", "2026-11-24"), ("incident.occurred_at.start.tid", ""),
                      ("incident.occurred_at.end.dato", "2026-11-24"), ("incident.occurred_at.end.tid", "10:30")])
    parsed = parse_section(forms, "incident", form, {})
    assert parsed["occurred_at"] == {"start": "2026-11-24", "end": "2026-11-24T10:30"}
