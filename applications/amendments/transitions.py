"""Running an amendment's transitions, recording them, and sending it on to its next reviewer or approving it.

Called by `services` (the co-ordinator) and `decisions` (staff) on the locked application and amendment.
"""

from django_fsm import can_proceed, has_transition_perm

from leo_access.actors import SYSTEM
from leo_access.roles import Department

from .. import clock, lifecycle
from ..errors import NotPermitted, StaleState
from ..models import Amendment, AmendmentReview, Application, ApplicationEvent
from . import routing
from .versions import apply_amendment, ensure_not_stale

# The permission each kind of event is recorded under, for the role the timeline shows.
ACTION_OF = {"amendment_approved": "amendment.approve"}


def locked(amendment_id) -> tuple[Application, Amendment]:
    application_id = Amendment.objects.values_list("application_id", flat=True).get(pk=amendment_id)
    application = lifecycle.lock(application_id)
    amendment = Amendment.objects.select_for_update().get(pk=amendment_id)
    return application, amendment


def ensure_amendment_state(amendment: Amendment, expected_state: str | None, *allowed: str):
    """Refuse when the amendment has moved on from the state the person acted on."""
    if (expected_state and amendment.state != expected_state) or (allowed and amendment.state not in allowed):
        raise stale(amendment)


def stale(amendment: Amendment) -> StaleState:
    return StaleState(
        f"This amendment was changed by someone else: it is now “{amendment.get_state_display()}”. Check it "
        "before you try again.",
        current_state=amendment.state,
    )


def run(amendment: Amendment, name: str, *, by, **arguments) -> None:
    method = getattr(amendment, name)
    if not can_proceed(method):
        raise StaleState(
            f"This amendment is now “{amendment.get_state_display()}”; check it before you try again.",
            current_state=amendment.state,
        )
    if not has_transition_perm(method, by):
        raise NotPermitted("You do not have permission to do that to this amendment.")
    method(at=clock.now(), **arguments)
    amendment.save()


def record(
    application: Application, amendment: Amendment, *, kind: str, by, comment: str = "", data=None, action=""
) -> ApplicationEvent:
    """An event on the project's timeline that names the amendment; the project's own state does not change."""
    action = action or ACTION_OF.get(kind) or ("amendment.request" if kind.startswith("amendment_") else "")
    return lifecycle.record(
        application,
        kind=kind,
        by=by,
        role=lifecycle.acting_role(by, action or "amendment.decide"),
        comment=comment,
        data={
            "amendment_id": amendment.pk,
            "amendment_number": amendment.number,
            "amendment_state": amendment.state,
            "stage": amendment.stage,
            **(data or {}),
        },
    )


def send_on(application: Application, amendment: Amendment, *, by, after: str | None = None) -> None:
    """To the next stage the amendment needs, or approved when none is left."""
    stage = routing.next_stage(amendment, application.end_date, after=after)
    if stage is None:
        approve(application, amendment, by=SYSTEM if amendment.state == Amendment.State.SUBMITTED else by)
        return
    if amendment.state == Amendment.State.SUBMITTED:
        run(amendment, "route", by=by, stage=stage)
    else:
        run(amendment, "move_on", by=by, stage=stage)
    if stage == Amendment.Stage.DEPARTMENTS:
        at = clock.now()
        AmendmentReview.objects.bulk_create(
            [
                AmendmentReview(amendment=amendment, department=department, changes=lines, opened_at=at)
                for department, lines in amendment.data_changes.items()
            ]
        )
    departments = [Department(d).label for d in amendment.data_changes] if stage == Amendment.Stage.DEPARTMENTS else []
    record(
        application,
        amendment,
        kind="amendment_arrived",
        by=by,
        action="amendment.request" if after is None else "amendment.decide",
        comment=f"Amendment {amendment.number} is with {amendment.get_stage_display().lower()}"
        + (f" ({', '.join(departments)})." if departments else "."),
        data={"departments": list(amendment.data_changes) if departments else []},
    )


def approve(application: Application, amendment: Amendment, *, by) -> None:
    """Apply the amendment to the project, as its next approved version."""
    ensure_not_stale(application, amendment)
    run(amendment, "approve", by=by, by_user=None if by is SYSTEM else by)
    version = apply_amendment(application, amendment, by=by)
    record(
        application,
        amendment,
        kind="amendment_approved",
        by=by,
        comment=f"Version {version.number}: " + "; ".join(version.changes) + ".",
        data={
            "version": version.number,
            "members_added": [amendment.add_user_id] if amendment.add_user_id else [],
        },
    )
