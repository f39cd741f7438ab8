"""Old case files in today's shape: every change of the case format is mapped here, in one place.

A case file written for an earlier version of the forms must still load. Before
validation, :func:`upgrade` rewrites the old shapes it recognises into the
current ones and leaves everything else alone; validation then judges the
result like any new case. Each mapping is a small function with the version of
the format that changed it, so the list below is the case format's history
(README: "Changes in the case format").

The input is untrusted JSON: a mapping acts only when the old shape is exactly
there (a dict where a dict is expected), never raises, and never changes the
caller's data (it copies what it changes).
"""

from __future__ import annotations

import copy
from typing import Any, Callable

#: Case-level facts that became facts about each affected employee (format 2).
_PER_EMPLOYEE = ("injuries", "sick_leave")


def _per_employee_facts(data: dict, letterhead: dict) -> None:
    """Format 2: injuries and sick leave belong to each employee, not to the incident.

    An old file said whether *the incident* caused injuries or sick leave, not
    whom. With one employee that is that employee; with several, each gets the
    old facts: a deadline shown once too often costs less than one missed.
    """
    incident = data.get("incident")
    if not isinstance(incident, dict) or not any(key in incident for key in _PER_EMPLOYEE):
        return
    incident = data["incident"] = dict(incident)
    employees = incident.get("affected_employees")
    old = {key: incident.pop(key) for key in _PER_EMPLOYEE if key in incident}
    if not isinstance(employees, list):
        return
    employees = incident["affected_employees"] = [dict(e) if isinstance(e, dict) else e for e in employees]
    for employee in employees:
        if isinstance(employee, dict):
            for key, value in old.items():
                if employee.get(key) is None:
                    employee[key] = copy.deepcopy(value)


def _premises_with_addresses(data: dict, letterhead: dict) -> None:
    """Format 2: a ban names each building by name and address, not administrations or one free text.

    ``"Rådhuset, Skelbækvej 2, 6200 Aabenraa"`` becomes ``{"name": "Rådhuset",
    "address": "Skelbækvej 2, 6200 Aabenraa"}``; a text without a comma keeps
    its text as the name, and validation then asks for the address. Without
    premises, an old ban on "the workplace" gets the pack's workplace and
    address, and a ban on named administrations one building per
    administration (validation asks for their addresses). ``scope`` and
    ``administrations`` are gone: a citizen must be told where, not which
    department.
    """
    ban = data.get("ban")
    if not isinstance(ban, dict):
        return
    ban = data["ban"] = dict(ban)
    scope = ban.pop("scope", None)
    administrations = ban.pop("administrations", None)
    premises = ban.get("premises")
    if isinstance(premises, str):
        name, comma, address = premises.partition(",")
        item = {"name": name.strip()}
        if comma and address.strip():
            item["address"] = address.strip()
        ban["premises"] = [item] if premises.strip() else []
    elif premises is None and scope == "workplace" and letterhead.get("workplace"):
        ban["premises"] = [{"name": letterhead["workplace"], "address": letterhead.get("address")}]
    elif premises is None and scope == "named_administrations" and isinstance(administrations, list):
        ban["premises"] = [{"name": name} for name in administrations if isinstance(name, str)]


#: The mappings in the order the format changed; each takes the case data and the pack's letterhead.
UPGRADES: tuple[Callable[[dict, dict], None], ...] = (
    _per_employee_facts,
    _premises_with_addresses,
)


def upgrade(data: Any, letterhead: dict | None = None) -> Any:
    """``data`` with every old shape mapped to today's, as a new dict; anything else is returned as is.

    ``letterhead`` is the pack's plan.yaml (its ``workplace`` and ``address``). A
    mapping copies each dict and list it changes; the parts it leaves alone are the
    caller's own (validation copies the whole case before it changes anything).
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for mapping in UPGRADES:
        mapping(data, letterhead or {})
    return data
