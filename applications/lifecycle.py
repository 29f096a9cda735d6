"""The one way an application's state changes.

A service opens a transaction, locks the row with `lock`, checks what the person saw
with `ensure_state`, and calls `apply`, which checks permission, runs the django-fsm
transition, saves, appends the event and queues notifications after commit.
"""

from django.db import transaction
from django.dispatch import Signal
from django_fsm import can_proceed, has_transition_perm

from leo_access.actors import SYSTEM
from leo_access.permissions import PERMISSIONS, has_permission
from leo_access.roles import Department, roles_of

from . import clock
from .errors import NotPermitted, StaleState
from .models import Application, ApplicationEvent, DepartmentReview, joined
from .selectors import current_department_reviews
from .states import State

# Sent after an event's transaction commits, with `event_id`. The notifications app listens:
# applications/ may not import it, and a rolled-back change must tell nobody.
event_committed = Signal()


def lock(application_id) -> Application:
    """The application row, locked until the transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must be called inside transaction.atomic()")
    return Application.objects.select_for_update().get(pk=application_id)


def stale_message(application: Application) -> str:
    return (
        f"This application was updated by someone else. It is now at the stage "
        f"“{application.get_state_display()}”; check it before you try again."
    )


def ensure_state(application: Application, expected_state: str | None, *allowed: str):
    """Refuse when the application has moved on from the state the person acted on."""
    if expected_state and application.state != expected_state:
        raise StaleState(stale_message(application), current_state=application.state)
    if allowed and application.state not in allowed:
        raise StaleState(stale_message(application), current_state=application.state)


def authorise(user, action: str, application: Application):
    if not has_permission(user, action, application):
        raise NotPermitted("You do not have permission to do that to this application.")


def acting_role(user, action: str) -> str:
    """The role a person acted in, as the event log records it."""
    if user is SYSTEM:
        return "system"
    rule = PERMISSIONS[action]
    if rule.on_object is not None and rule.on_object.__name__ == "is_coordinator":
        return "coordinator"
    held = sorted(role.value for role in roles_of(user) & rule.roles)
    return held[0] if held else "unknown"


def record(
    application: Application,
    *,
    kind: str,
    by,
    role: str,
    from_state: str | None = None,
    comment: str = "",
    data: dict | None = None,
) -> ApplicationEvent:
    """Append an event. Inside the caller's transaction, so it commits or vanishes with the change."""
    event = ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=None if by is SYSTEM else by,
        actor_role=role,
        from_state=from_state or application.state,
        to_state=application.state,
        at=clock.now(),
        comment=comment,
        data=data or {},
    )
    transaction.on_commit(lambda: event_committed.send(sender=ApplicationEvent, event_id=event.pk))
    return event


def apply(
    application: Application,
    transition_name: str,
    *,
    by,
    action: str,
    kind: str,
    comment: str = "",
    data: dict | None = None,
    **arguments,
) -> ApplicationEvent:
    """Run one transition on a locked application and append its event."""
    method = getattr(application, transition_name)
    if not can_proceed(method):
        raise StaleState(stale_message(application), current_state=application.state)
    if not has_transition_perm(method, by):
        raise NotPermitted("You do not have permission to do that to this application.")
    from_state = application.state
    method(at=clock.now(), **arguments)
    application.save()
    return record(
        application,
        kind=kind,
        by=by,
        role=acting_role(by, action),
        from_state=from_state,
        comment=comment,
        data=data,
    )


def open_department_reviews(application: Application, departments=Department):
    """Open a pending review for each department (DfE, HMRC, DWP), or for those given."""
    at = clock.now()
    DepartmentReview.objects.bulk_create(
        [DepartmentReview(application=application, department=department, opened_at=at) for department in departments]
    )
    note_awaiting_departments(application)


def note_awaiting_departments(application: Application):
    """Keep on the application which departments have still to decide (for their queues), after any change to its
    department reviews, in the same transaction."""
    pending = current_department_reviews(application).filter(decision=DepartmentReview.Decision.PENDING)
    application.awaiting_departments = joined(pending.values_list("department", flat=True))
    Application.objects.filter(pk=application.pk).update(awaiting_departments=application.awaiting_departments)


def reopen_department_reviews(application: Application, *, departments: dict, by, role: str):
    """The departments given review again, each for the reasons listed: their decisions so far are kept, but
    superseded. The other departments' decisions stand."""
    at = clock.now()
    current_department_reviews(application).filter(department__in=list(departments)).update(superseded_at=at)
    open_department_reviews(application, list(departments))
    names = [Department(department).label for department in departments]
    why = " ".join(
        f"{Department(department).label}: {'; '.join(reasons)}." for department, reasons in departments.items()
    )
    verb = "reviews" if len(names) == 1 else "review"
    record(
        application,
        kind="department_reviews_reopened",
        by=by,
        role=role,
        comment=f"The data requested changed, so {_listed(names)} {verb} the application again. {why}",
        data={
            "departments": [str(department) for department in departments],
            "changes": {str(department): list(reasons) for department, reasons in departments.items()},
        },
    )


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def open_query(application: Application):
    """The query with the applicant now, locked; None when there is none."""
    return application.queries.select_for_update().filter(answered_at__isnull=True).order_by("-raised_at").first()


def ensure_department_may_decide(application: Application, department: Department):
    """A department decides at department review, and also while another department's query is with the
    applicant: a query holds only the department that asked, which decides once it is answered."""
    if application.state == State.DEPARTMENT_REVIEW:
        return
    if application.state == State.QUERIED and application.queried_from == State.DEPARTMENT_REVIEW:
        query = open_query(application)
        if query is None or query.department != department:
            return
        raise StaleState(
            f"{department.label}'s questions are with the applicant. Record {department.label}'s decision once "
            "they have been answered.",
            current_state=application.state,
        )
    raise StaleState(stale_message(application), current_state=application.state)
