"""Two amendments approved at once: both apply, one after the other, each as its own version; or, when the first
changed what the second was reviewed against, the second is refused as stale."""

import threading

import pytest
from django.db import connection

from applications.amendments.decisions import decide_amendment
from applications.errors import LifecycleError, StaleState
from applications.models import Amendment, Application
from leo_access.roles import Role
from tests.factories import staff

from .conftest import amend

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls):
    """Run each call in its own thread and connection, released together; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = ("won", calls[i]())
        except LifecycleError as error:
            outcomes[i] = ("lost", error)
        except Exception as error:  # anything else fails the test
            outcomes[i] = ("crashed", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def approving(amendment, officer):
    return lambda: decide_amendment(
        amendment_id=amendment.pk,
        by=officer,
        decision="approve",
        triage="minor",
        expected_state=Amendment.State.UNDER_REVIEW,
    )


def test_two_amendments_to_different_things_both_apply_in_order(live):
    title = amend(live, proposed={"title": "A new title"})
    extension = amend(live, new_end_date=live.end_date.replace(year=live.end_date.year + 1))
    officers = [staff(Role.RAS_OFFICER), staff(Role.RAS_OFFICER)]

    outcomes = at_once(approving(title, officers[0]), approving(extension, officers[1]))

    assert [outcome[0] for outcome in outcomes] == ["won", "won"], outcomes
    project = Application.objects.get(pk=live.pk)
    assert project.title == "A new title"
    assert project.end_date == extension.new_end_date
    versions = list(project.versions.order_by("number"))
    assert [version.number for version in versions] == [1, 2, 3]
    # Each version builds on the one before: the later snapshot holds both changes.
    assert versions[2].snapshot["title"] == "A new title"
    assert versions[2].snapshot["end_date"] == extension.new_end_date.isoformat()
    assert {versions[1].amendment_id, versions[2].amendment_id} == {title.pk, extension.pk}


def test_two_amendments_to_the_same_thing_the_second_is_refused_as_stale(live):
    first = amend(live, proposed={"title": "First new title"})
    second = amend(live, proposed={"title": "Second new title"})
    officers = [staff(Role.RAS_OFFICER), staff(Role.RAS_OFFICER)]

    outcomes = at_once(approving(first, officers[0]), approving(second, officers[1]))

    assert sorted(outcome[0] for outcome in outcomes) == ["lost", "won"], outcomes
    lost = next(outcome[1] for outcome in outcomes if outcome[0] == "lost")
    assert isinstance(lost, StaleState)
    assert "changed the project's title" in lost.message
    project = Application.objects.get(pk=live.pk)
    assert project.title in ("First new title", "Second new title")
    assert project.versions.count() == 2
    assert Amendment.objects.filter(application=live, state=Amendment.State.UNDER_REVIEW).count() == 1


def test_a_data_amendment_approved_after_another_changed_the_form_is_refused(live, people, builder):
    from applications.amendments.decisions import record_amendment_department_decision

    first = amend(live, form_builder=builder.request("cjrs"))
    second = amend(live, form_builder=builder.answer("cjrs", "No").tick("ks4", "KS4_GENDER", years="2002 to 2021"))
    assert list(second.data_changes) == ["dfe"]
    record_amendment_department_decision(amendment_id=first.pk, by=people.hmrc, department="hmrc", decision="approved")

    with pytest.raises(StaleState) as refused:
        record_amendment_department_decision(
            amendment_id=second.pk, by=people.dfe, department="dfe", decision="approved"
        )

    assert "data requested" in refused.value.message
    second.refresh_from_db()
    assert second.state == Amendment.State.UNDER_REVIEW
