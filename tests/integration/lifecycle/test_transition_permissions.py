"""Every transition against every role: the allowed ones move the state and log an event,
the refused ones raise NotPermitted and change nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications.errors import NotPermitted
from applications.models import ApplicationEvent, DepartmentReview
from applications.services import resubmit_application, submit_application, withdraw_application
from applications.states import State
from declarations.models import Declaration
from declarations.services import grant_access
from leo_access.roles import Role
from reviews.models import IntakeItem
from reviews.services import (
    close_project,
    pass_intake,
    query_application,
    record_department_decision,
    reject_application,
    tick_intake_items,
)
from tests.factories import coordinator_of, staff
from tests.lifecycle import People, accredit_at_meeting, advance, application_with_member, reload

pytestmark = pytest.mark.django_db

ACTORS = ["coordinator", "member", "outsider", "ras", "dfe", "hmrc", "dwp", "panel", "admin"]


def accredit(app, by):
    # The meeting and its agenda are set up by a panel member; the accreditation itself is the action under test.
    accredit_at_meeting(app, staff(Role.PANEL_MEMBER), by=by, ends_on=date.today() + timedelta(days=700))


def checked_then_passed(app, by):
    # The checklist is ticked by a RAS officer; the pass itself is the action under test.
    tick_intake_items(application_id=app.pk, by=RAS_OFFICER_FOR[app.pk], items=list(IntakeItem.values))
    pass_intake(application_id=app.pk, by=by)


RAS_OFFICER_FOR = {}


def grant_after_signing(app, by):
    Declaration.objects.filter(application=app).update(signed_at=timezone.now())
    grant_access(application_id=app.pk, by=by)


def decide(department):
    def run(app, by):
        record_department_decision(
            application_id=app.pk, by=by, department=department, decision=DepartmentReview.Decision.APPROVED
        )

    return run


# (case, starting state, action, actors allowed, the state after, the event kind)
CASES = [
    ("submit", State.DRAFT, lambda a, u: submit_application(application_id=a.pk, by=u), {"coordinator"},
     State.RAS_CHECK, "submitted"),
    ("withdraw draft", State.DRAFT, lambda a, u: withdraw_application(application_id=a.pk, by=u), {"coordinator"},
     State.WITHDRAWN, "withdrawn"),
    ("withdraw at panel", State.PANEL_REVIEW, lambda a, u: withdraw_application(application_id=a.pk, by=u),
     {"coordinator"}, State.WITHDRAWN, "withdrawn"),
    ("query at intake", State.RAS_CHECK, lambda a, u: query_application(application_id=a.pk, by=u, questions="Q?"),
     {"ras"}, State.QUERIED, "queried"),
    ("query at department review", State.DEPARTMENT_REVIEW,
     lambda a, u: query_application(application_id=a.pk, by=u, questions="Q?"), {"dfe", "hmrc", "dwp"},
     State.QUERIED, "queried"),
    ("query at panel", State.PANEL_REVIEW, lambda a, u: query_application(application_id=a.pk, by=u, questions="Q?"),
     {"panel"}, State.QUERIED, "queried"),
    ("resubmit", State.QUERIED, lambda a, u: resubmit_application(application_id=a.pk, by=u, answers="Answered."),
     {"coordinator"}, State.RAS_CHECK, "resubmitted"),
    ("pass intake", State.RAS_CHECK, lambda a, u: checked_then_passed(a, u), {"ras"},
     State.DEPARTMENT_REVIEW, "intake_passed"),
    ("reject at intake", State.RAS_CHECK, lambda a, u: reject_application(application_id=a.pk, by=u, reasons="No."),
     {"ras"}, State.REJECTED, "rejected"),
    ("reject at panel", State.PANEL_REVIEW, lambda a, u: reject_application(application_id=a.pk, by=u, reasons="No."),
     {"panel"}, State.REJECTED, "rejected"),
    ("DfE decides", State.DEPARTMENT_REVIEW, decide("dfe"), {"dfe"}, State.DEPARTMENT_REVIEW, "department_approved"),
    ("HMRC decides", State.DEPARTMENT_REVIEW, decide("hmrc"), {"hmrc"}, State.DEPARTMENT_REVIEW,
     "department_approved"),
    ("DWP decides", State.DEPARTMENT_REVIEW, decide("dwp"), {"dwp"}, State.DEPARTMENT_REVIEW, "department_approved"),
    ("accredit", State.PANEL_REVIEW, accredit, {"panel"}, State.ACCREDITED, "accredited"),
    ("grant access", State.ACCREDITED, grant_after_signing, {"ras"}, State.ACCESS_GRANTED, "access_granted"),
    ("close", State.ACCESS_GRANTED, lambda a, u: close_project(application_id=a.pk, by=u), {"admin"}, State.CLOSED,
     "closed"),
]  # fmt: skip


@pytest.fixture
def people():
    return People.create()


def actor(name, application, member, people):
    if name == "coordinator":
        return coordinator_of(application)
    if name == "member":
        return member
    return getattr(people, name)


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("case", "start", "action", "allowed", "after", "kind"), CASES, ids=[c[0] for c in CASES])
def test_transition_by_role(case, start, action, allowed, after, kind, actor_name, people):
    application, member = application_with_member()
    application = advance(application, start, people)
    RAS_OFFICER_FOR[application.pk] = people.ras
    events_before = ApplicationEvent.objects.filter(application=application).count()
    user = actor(actor_name, application, member, people)

    if actor_name in allowed:
        action(application, user)
        application = reload(application)
        assert application.state == after
        event = application.events.filter(kind=kind).latest("id")
        assert event.actor == user
        assert event.from_state == start
        assert event.actor_role != "unknown"
    else:
        with pytest.raises(NotPermitted):
            action(application, user)
        assert reload(application).state == start
        assert ApplicationEvent.objects.filter(application=application).count() == events_before
