"""Delegated accreditation's criteria: the one function that decides whether an official with delegated authority
may accredit an application, or the panel must. Read when the departments have all approved (to route it) and
again whenever an official accredits (so a change since, such as a new department condition, still stops it)."""

from dataclasses import asdict, dataclass

from .conditions import SETTLED
from .ethics import ITEMS
from .models import Application, ApprovalCondition, DelegationSettings
from .selectors import current_form

DEPARTMENT_TEAMS = ("dfe", "hmrc", "dwp")


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    met: bool
    value: str


@dataclass(frozen=True)
class Assessment:
    criteria: list[Criterion]
    enabled: bool

    @property
    def eligible(self) -> bool:
        return self.enabled and all(criterion.met for criterion in self.criteria)

    @property
    def failed(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if not criterion.met]

    def to_data(self) -> dict:
        """As the timeline's event records it."""
        return {
            "route": "delegated" if self.eligible else "panel",
            "enabled": self.enabled,
            "criteria": [asdict(criterion) for criterion in self.criteria],
        }


_LOAD = object()


def assess(application: Application, *, form=_LOAD, conditions: list | None = None) -> Assessment:
    """Each criterion with the value it was judged on, from the current form's stored validation result and the
    application as it stands. A page that has loaded the current form or the conditions passes them in."""
    rules = DelegationSettings.current()
    form = current_form(application) if form is _LOAD else form
    summary = (form.result or {}).get("summary") or {} if form and form.validation_status == "passed" else {}
    return Assessment(
        enabled=rules.enabled,
        criteria=[
            _identification(summary, rules.identification_risk_floor),
            _sensitivity(summary, rules.sensitivities),
            _department_conditions(application, conditions),
            _ethics(application),
        ],
    )


def _identification(summary: dict, floor: int) -> Criterion:
    label = f"No requested data item scores below {floor} for identification risk (1 is the most identifying)"
    counts = summary.get("by_identification_risk")
    if counts is None:
        return Criterion("identification_risk", label, False, "No checked Variable Request Form gives the scores")
    if counts.get("unknown"):
        return Criterion("identification_risk", label, False, f"{counts['unknown']} item(s) have no score")
    scores = sorted(int(score) for score, count in counts.items() if count)
    if not scores:
        return Criterion("identification_risk", label, True, "No data items requested beyond tables' defaults")
    return Criterion("identification_risk", label, scores[0] >= floor, f"Most identifying item scores {scores[0]}")


def _sensitivity(summary: dict, excluded: list[str]) -> Criterion:
    label = f"No requested data item is in sensitivity {', '.join(excluded)}" if excluded else "Sensitivity"
    counts = summary.get("by_sensitivity")
    if counts is None:
        return Criterion("sensitivity", label, False, "No checked Variable Request Form gives the categories")
    if not excluded:
        return Criterion("sensitivity", label, True, "No categories are excluded")
    found = sorted(category for category, count in counts.items() if count and category in (*excluded, "unknown"))
    if found:
        listed = ", ".join(f"{counts[category]} in {category}" for category in found)
        return Criterion("sensitivity", label, False, f"Requested items: {listed}")
    return Criterion("sensitivity", label, True, "None in those categories")


def _department_conditions(application: Application, conditions: list | None) -> Criterion:
    label = "No department condition is open"
    if conditions is None:
        conditions = ApprovalCondition.objects.filter(application=application, set_by_team__in=DEPARTMENT_TEAMS)
    open_count = sum(1 for c in conditions if c.set_by_team in DEPARTMENT_TEAMS and c.state not in SETTLED)
    return Criterion("department_conditions", label, open_count == 0, f"{open_count} open")


def _ethics(application: Application) -> Criterion:
    label = "Ethics self-assessment rates every item low risk"
    if application.ethics_route != "self_assessment":
        return Criterion("ethics", label, False, "Ethics approved by another committee, not self-assessed")
    answers = application.ethics_self_assessment or {}
    higher = [item.number for item in ITEMS if (answers.get(str(item.number)) or {}).get("risk") != "low"]
    if higher:
        return Criterion("ethics", label, False, f"Not low: item {', '.join(map(str, higher))}")
    return Criterion("ethics", label, True, f"All {len(ITEMS)} items low")
