"""Twenty people act on one application at once: exactly one wins, the rest are told why."""

import threading

import pytest
from django.db import connection

from applications.errors import LifecycleError, StaleState
from applications.models import Application, DepartmentReview
from applications.services import withdraw_application
from applications.states import State
from leo_access.roles import Role
from reviews.services import query_application, record_department_decision
from tests.factories import coordinator_of, staff
from tests.lifecycle import People, advance, application_with_member, approve

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def test_twenty_conflicting_decisions_exactly_one_wins():
    people = People.create()
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    # With HMRC and DWP approved, any DfE decision ends department review, as do a query and a withdrawal.
    # Each person acts on the page they saw, at department review, as the pages send it.
    seen = State.DEPARTMENT_REVIEW
    approve(application, people, "hmrc", "dwp")
    dfe_reviewers = [staff(Role.DFE_REVIEWER) for _ in range(3)]
    coordinator = coordinator_of(application)
    events_before = application.events.count()

    def action(i):
        kind = i % 4
        if kind == 0:
            return "approve", lambda: record_department_decision(
                application_id=application.pk,
                by=dfe_reviewers[i % 3],
                department="dfe",
                decision="approved",
                expected_state=seen,
            )
        if kind == 1:
            return "reject", lambda: record_department_decision(
                application_id=application.pk,
                by=dfe_reviewers[i % 3],
                department="dfe",
                decision="rejected",
                reasons=f"Reason {i}",
                expected_state=seen,
            )
        if kind == 2:
            return "query", lambda: query_application(
                application_id=application.pk, by=people.dwp, questions=f"Question {i}", expected_state=seen
            )
        return "withdraw", lambda: withdraw_application(
            application_id=application.pk, by=coordinator, expected_state=seen
        )

    barrier = threading.Barrier(THREADS)
    outcomes = [None] * THREADS

    def run(i):
        name, call = action(i)
        try:
            barrier.wait()
            call()
            outcomes[i] = ("won", name, None)
        except LifecycleError as error:
            outcomes[i] = ("lost", name, error)
        except Exception as error:  # anything else is a failure of the test
            outcomes[i] = ("crashed", name, error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not [o for o in outcomes if o is None or o[0] == "crashed"], outcomes
    winners = [o for o in outcomes if o[0] == "won"]
    assert len(winners) == 1, winners
    assert all(isinstance(o[2], StaleState) for o in outcomes if o[0] == "lost")

    application = Application.objects.get(pk=application.pk)
    winner = winners[0][1]
    expected_state = {
        "approve": State.PANEL_REVIEW,
        "reject": State.REJECTED,
        "query": State.QUERIED,
        "withdraw": State.WITHDRAWN,
    }[winner]
    assert application.state == expected_state
    new_events = list(application.events.order_by("id")[events_before:].values_list("kind", flat=True))
    expected_events = {
        "approve": ["department_approved", "accreditation_routed", "department_review_completed"],
        "reject": ["department_rejected", "rejected"],
        "query": ["queried"],
        "withdraw": ["withdrawn"],
    }[winner]
    assert new_events == expected_events
    dfe = DepartmentReview.objects.get(application=application, department="dfe")
    assert dfe.decision == {"approve": "approved", "reject": "rejected"}.get(winner, "pending")
