"""How the AMR registers a case in Safetynet: plan.yaml ``safetynet``.

``causes`` maps each cause category (a key of the choice list ``safetynet_cause``)
to the condition under which a case has it; the first that holds is the case's
cause, and the last one is used when none does. ``occupational_injury`` and
``work_accident`` are conditions for the two kinds of report.
"""

from __future__ import annotations

from datetime import date
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import _spec
from ._spec import RuleError, Where
from .conditions import NEVER, Condition, parse
from .paths import Fields

KEYS = ("causes", "occupational_injury", "work_accident")

#: The choice list with the Danish labels of the cause categories.
CAUSE_CHOICES = "safetynet_cause"


class Safetynet(NamedTuple):
    """How the AMR registers the case in Safetynet."""

    cause: str
    cause_label: str
    occupational_injury: bool
    work_accident: bool


class SafetynetRule(NamedTuple):
    """The Safetynet classification as plan.yaml defines it."""

    causes: tuple[tuple[str, Condition], ...]
    labels: Mapping[str, str]
    occupational_injury: Condition
    work_accident: Condition

    def classify(self, case: Mapping, today: date) -> Safetynet:
        cause = next((name for name, when in self.causes if when.holds(case, today)), self.causes[-1][0])
        return Safetynet(
            cause=cause,
            cause_label=str(self.labels.get(cause, cause)),
            occupational_injury=self.occupational_injury.holds(case, today),
            work_accident=self.work_accident.holds(case, today),
        )


def parse_safetynet(raw: Any, fields: Fields, labels: Mapping[str, Any], where: Where) -> SafetynetRule:
    """plan.yaml ``safetynet``."""
    spec = _spec.mapping(raw, where, KEYS, "causes, occupational_injury, work_accident")
    causes_raw = spec.get("causes")
    here = (*where, "causes")
    if not isinstance(causes_raw, Mapping) or not any(v is not None for v in causes_raw.values()):
        raise RuleError("'safetynet.causes' skal have mindst én årsagskategori med sin betingelse", here)
    causes = []
    for name, when in causes_raw.items():
        if when is None:
            continue  # removed by a pack
        if name not in labels:
            raise RuleError(f"årsagskategorien '{name}' findes ikke i valglisten '{CAUSE_CHOICES}'", (*here, name))
        causes.append((name, parse(when, fields, (*here, name))))

    def condition(name: str) -> Condition:
        value = spec.get(name)
        return parse(value, fields, (*where, name)) if value is not None else NEVER

    return SafetynetRule(tuple(causes), dict(labels), condition("occupational_injury"), condition("work_accident"))
