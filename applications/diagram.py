"""The state diagram, generated from the django-fsm transitions on Application."""

from pathlib import Path

from django.conf import settings
from django_fsm import State as TargetChooser

from .models import Amendment, Application
from .states import State

DIAGRAM_PATH = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"
AMENDMENT_DIAGRAM_PATH = Path(settings.BASE_DIR) / "docs" / "amendment-lifecycle.md"


def transitions(model=Application) -> list[tuple[str, str, str, str]]:
    """(source, target, transition, action) for every edge of `model`'s state machine, sorted."""
    edges = set()
    for transition in model._meta.get_field("state").get_all_transitions(model):
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


def render_amendment() -> str:
    """The amendment's own state machine (`applications.models.Amendment`)."""
    edges = transitions(Amendment)
    lines = [
        "# Amendment lifecycle",
        "",
        "Generated from `applications.models.Amendment` by `manage.py lifecycle_diagram`;",
        "a test fails when this file and the code disagree.",
        "",
        "```mermaid",
        "stateDiagram-v2",
        f"    [*] --> {Amendment.State.DRAFT}",
    ]
    lines += [f"    {source} --> {target}: {name}" for source, target, name, _ in edges]
    lines += [
        f"    {state} --> [*]"
        for state in (Amendment.State.APPROVED, Amendment.State.REJECTED, Amendment.State.WITHDRAWN)
    ]
    lines += ["```", "", "| transition | from | to | permission |", "|---|---|---|---|"]
    lines += [f"| `{name}` | `{source}` | `{target}` | `{action}` |" for source, target, name, action in edges]
    lines += [
        "",
        "`submit` checks the amendment (the team's accreditation as at submission, the new form's check) and ends a",
        "removed member's access at once. `route` sends it to the first stage its changes need",
        "(`applications/amendments/routing.py`): the departments whose data grows, then the RAS, then the panel or a",
        "delegated official; `move_on` passes it from one stage to the next. An amendment no stage needs (a team",
        "change, or data only removed) is approved by the service as it is submitted. `approve` applies the changes",
        "and records the project's next approved version; it is refused as stale when an amendment approved since",
        "changed what this one was reviewed against.",
        "",
    ]
    return "\n".join(lines)
