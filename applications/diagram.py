"""The state diagram, generated from the django-fsm transitions on Application."""

from pathlib import Path

from django.conf import settings
from django_fsm import State as TargetChooser

from .models import Application
from .states import State

DIAGRAM_PATH = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"


def transitions() -> list[tuple[str, str, str, str]]:
    """(source, target, transition, action) for every edge, sorted."""
    edges = set()
    for transition in Application._meta.get_field("state").get_all_transitions(Application):
        targets = (
            transition.target.allowed_states if isinstance(transition.target, TargetChooser) else [transition.target]
        )
        action = getattr(transition.permission, "action", "")
        if isinstance(action, tuple):  # any of several permissions allows it
            action = " or ".join(action)
        for target in targets:
            edges.add((str(transition.source), str(target), transition.name, action))
    return sorted(edges)


def render() -> str:
    lines = [
        "# Application lifecycle",
        "",
        "Generated from `applications.models.Application` by `manage.py lifecycle_diagram`;",
        "a test fails when this file and the code disagree.",
        "",
        "```mermaid",
        "stateDiagram-v2",
        f"    [*] --> {State.DRAFT}",
    ]
    lines += [f"    {source} --> {target}: {name}" for source, target, name, _ in transitions()]
    lines += [f"    {state} --> [*]" for state in (State.CLOSED, State.REJECTED, State.WITHDRAWN)]
    lines += ["```", "", "| transition | from | to | permission |", "|---|---|---|---|"]
    lines += [f"| `{name}` | `{source}` | `{target}` | `{action}` |" for source, target, name, action in transitions()]
    lines += [
        "",
        "Department decisions are recorded per department (DfE, HMRC, DWP) while the application is at",
        "`department_review`; the third approval runs `complete_department_review` and the first rejection runs",
        "`reject`. `grant_access` also runs by itself when the last Individual Declaration is signed, and `close`",
        "the day after a project's own end date (its co-ordinator may close it earlier, an admin at any time; the",
        "accreditation end date closes nothing). An answer to a panel query that asks for more of a",
        "department's data runs `resubmit_for_department_review` instead of `resubmit`: the departments whose data",
        "grew review again (`applications/rereview.py`), and their approvals take it on to the panel.",
        "",
    ]
    return "\n".join(lines)
