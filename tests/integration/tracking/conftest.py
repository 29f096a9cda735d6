"""A hand-built history with queries and resubmissions, whose stage times are worked out by hand.

Events are written directly (with the times chosen here) rather than through the services, so each
figure the tests expect can be checked on paper. Day numbers are days after BASE.

A: submitted 0, queried at intake 4, resubmitted 10, intake passed 12 (intake 4 + 2 = 6 days);
   DfE approves 15; HMRC queries 17; resubmitted 27; HMRC approves 30; DWP approves 31 and the
   departments complete (department review 5 + 4 = 9; DfE 3; HMRC 5 + 3 = 8; DWP 5 + 4 = 9);
   accredited 41 (panel 10); access granted 46 (declarations 5); end to end 46.
B: submitted 2, intake passed 4 (2); DfE 6 (2), HMRC 8 (4), DWP 24 and complete (20; department review 20);
   accredited 34 (panel 10); access granted 36 (declarations 2); end to end 34.
C: submitted 1, intake passed 21 (20); still at department review with no decisions.
D: submitted 3, still at intake (not finished: not counted).
E: submitted 0, queried 5, resubmitted 9, back at intake (its intake is unfinished: not counted).
F: submitted 5, rejected at intake 28 (intake 23).
G: submitted 15 days before BASE (December), withdrawn 2 days before BASE, in January (intake 13).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from applications.models import Application, ApplicationEvent
from applications.states import State
from tests.factories import ApplicationFactory

BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def day(number: float) -> datetime:
    return BASE + timedelta(days=number)


@dataclass
class History:
    applications: dict[str, Application]


def _event(application, kind, at, from_state, to_state, **data):
    ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor_role="test",
        from_state=from_state,
        to_state=to_state,
        at=at,
        data=data,
    )


def _move(application, kind, at, to_state, **data):
    _event(application, kind, at, application._now, to_state, **data)
    application._now = to_state


def _decide(application, department, at, kind="department_approved"):
    _event(application, kind, at, State.DEPARTMENT_REVIEW, State.DEPARTMENT_REVIEW, department=department)


def _finish(application, state, entered, **fields):
    Application.objects.filter(pk=application.pk).update(state=state, stage_entered_at=entered, **fields)


def _start(title, submitted_day):
    application = ApplicationFactory(title=title, form=False)
    application._now = State.DRAFT
    _move(application, "submitted", day(submitted_day), State.RAS_CHECK)
    return application


@pytest.fixture
def history(db) -> History:
    ras, dept, panel, queried = State.RAS_CHECK, State.DEPARTMENT_REVIEW, State.PANEL_REVIEW, State.QUERIED
    apps = {}

    a = apps["A"] = _start("Study A", 0)
    _move(a, "queried", day(4), queried)
    _move(a, "resubmitted", day(10), ras)
    _move(a, "intake_passed", day(12), dept)
    _decide(a, "dfe", day(15))
    _move(a, "queried", day(17), queried)
    _move(a, "resubmitted", day(27), dept)
    _decide(a, "hmrc", day(30))
    _decide(a, "dwp", day(31))
    _move(a, "department_review_completed", day(31), panel)
    _move(a, "accredited", day(41), State.ACCREDITED)
    _move(a, "access_granted", day(46), State.ACCESS_GRANTED)
    _finish(a, State.ACCESS_GRANTED, day(46), submitted_at=day(0), accredited_at=day(41), access_granted_at=day(46))

    b = apps["B"] = _start("Study B", 2)
    _move(b, "intake_passed", day(4), dept)
    _decide(b, "dfe", day(6))
    _decide(b, "hmrc", day(8))
    _decide(b, "dwp", day(24))
    _move(b, "department_review_completed", day(24), panel)
    _move(b, "accredited", day(34), State.ACCREDITED)
    _move(b, "access_granted", day(36), State.ACCESS_GRANTED)
    _finish(b, State.ACCESS_GRANTED, day(36), submitted_at=day(2), accredited_at=day(34), access_granted_at=day(36))

    c = apps["C"] = _start("Study C", 1)
    _move(c, "intake_passed", day(21), dept)
    _finish(c, dept, day(21), submitted_at=day(1))

    d = apps["D"] = _start("Study D", 3)
    _finish(d, ras, day(3), submitted_at=day(3))

    e = apps["E"] = _start("Study E", 0)
    _move(e, "queried", day(5), queried)
    _move(e, "resubmitted", day(9), ras)
    _finish(e, ras, day(9), submitted_at=day(0))

    f = apps["F"] = _start("Study F", 5)
    _move(f, "rejected", day(28), State.REJECTED)
    _finish(f, State.REJECTED, day(28), submitted_at=day(5))

    g = apps["G"] = _start("Study G", -15)
    _move(g, "withdrawn", day(-2), State.WITHDRAWN)
    _finish(g, State.WITHDRAWN, day(-2), submitted_at=day(-15))
    return History(apps)
