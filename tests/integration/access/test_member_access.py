"""Each member's access: opened when access is granted, suspended and reinstated by staff with a reason, suspended
by the nightly check when an accreditation lapses, and ended as the member leaves or the project closes."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.member_access.checks import check_active_access
from applications.member_access.services import (
    end_member_access,
    reinstate_member_access,
    suspend_member_access,
)
from applications.models import AccessCheckRun, MemberAccess, TeamMember
from applications.states import State
from applications.tasks import check_member_access
from leo_access.models import ResearcherProfile
from notifications.outbox import record_event
from reviews.services import close_project
from reviews.tasks import close_ended_projects
from tests.factories import add_member, researcher
from tests.lifecycle import advance, application_with_member, reload

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def noon_on(day):
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=LONDON), tick=False)


def access_of(application, user) -> MemberAccess:
    return MemberAccess.objects.get(application=application, user=user)


def test_granting_access_opens_an_active_record_for_every_member_until_the_project_ends(granted):
    records = MemberAccess.objects.filter(application=granted)
    assert {record.user for record in records} == {granted.coordinator, granted.member}
    for record in records:
        assert record.status == MemberAccess.Status.ACTIVE
        assert record.valid_from == date.today()
        assert record.valid_until == min(granted.end_date, granted.accreditation_ends_on)


def test_no_access_before_the_grant(people):
    application = advance(application_with_member()[0], State.ACCREDITED, people)
    assert not MemberAccess.objects.filter(application=application).exists()


def test_ras_suspends_with_a_reason_on_the_timeline_and_both_people_are_told(granted, people):
    access = access_of(granted, granted.member)
    suspend_member_access(access_id=access.pk, by=people.ras, reason="Suspected breach of the output rules.")

    access.refresh_from_db()
    assert access.status == MemberAccess.Status.SUSPENDED
    assert access.suspended_by == people.ras
    assert access.suspension_cause == MemberAccess.Cause.MANUAL
    event = granted.events.get(kind="member_access_suspended")
    assert event.actor == people.ras
    assert event.actor_role == "ras_officer"
    assert event.data["access_id"] == access.pk
    messages = record_event(event.pk)
    assert sorted(m.recipient for m in messages) == sorted([granted.coordinator.email, granted.member.email])
    assert all(m.template == "member_access_suspended" for m in messages)
    assert "Suspected breach" in messages[0].context["reason"]


def test_suspending_needs_a_reason_and_the_right_role(granted, people):
    access = access_of(granted, granted.member)
    with pytest.raises(InvalidInput):
        suspend_member_access(access_id=access.pk, by=people.ras, reason="  ")
    for someone in (people.dfe, people.panel, granted.coordinator):
        with pytest.raises(NotPermitted):
            suspend_member_access(access_id=access.pk, by=someone, reason="No.")
    suspend_member_access(access_id=access.pk, by=people.admin, reason="Breach.")
    assert reload(granted).events.filter(kind="member_access_suspended").count() == 1


def test_reinstatement_records_who_and_why_and_refuses_a_stale_or_active_record(granted, people):
    access = access_of(granted, granted.member)
    with pytest.raises(StaleState):
        reinstate_member_access(access_id=access.pk, by=people.ras, reason="Nothing to reinstate.")
    suspend_member_access(access_id=access.pk, by=people.ras, reason="Breach.")
    with pytest.raises(StaleState):
        reinstate_member_access(
            access_id=access.pk, by=people.ras, reason="Cleared.", expected_status=MemberAccess.Status.ACTIVE
        )
    reinstate_member_access(access_id=access.pk, by=people.admin, reason="Investigation found no breach.")

    access.refresh_from_db()
    assert access.status == MemberAccess.Status.ACTIVE
    assert access.reinstated_by == people.admin
    assert access.reinstatement_reason == "Investigation found no breach."
    event = granted.events.get(kind="member_access_reinstated")
    assert [m.template for m in record_event(event.pk)] == ["member_access_reinstated"] * 2


def test_the_nightly_check_suspends_a_member_whose_accreditation_has_expired(granted):
    expires = date.today() + timedelta(days=100)
    ResearcherProfile.objects.filter(user=granted.member).update(accreditation_valid_until=expires)

    with noon_on(expires):
        run = check_active_access()
    assert (run.checked, run.suspended) == (2, 0)
    assert access_of(granted, granted.member).status == MemberAccess.Status.ACTIVE

    with noon_on(expires + timedelta(days=1)):
        run = check_active_access()
        again = check_active_access()
    assert (run.checked, run.suspended) == (2, 1)
    assert (again.checked, again.suspended) == (1, 0)  # idempotent: the suspended member is not checked again
    access = access_of(granted, granted.member)
    assert access.status == MemberAccess.Status.SUSPENDED
    assert access.suspension_cause == MemberAccess.Cause.ACCREDITATION
    assert access.suspended_by is None
    assert "expired" in access.suspension_reason
    assert access_of(granted, granted.coordinator).status == MemberAccess.Status.ACTIVE
    event = granted.events.get(kind="member_access_suspended")
    assert event.actor is None
    assert event.actor_role == "system"


def test_a_provisional_members_access_is_suspended_when_their_supervisors_accreditation_expires(people):
    supervisor = researcher()
    application, _ = application_with_member()
    add_member(application, supervisor)
    provisional = researcher(accreditation_type="provisional", supervisor=supervisor)
    add_member(application, provisional)
    application = advance(application, State.ACCESS_GRANTED, people)
    expires = date.today() + timedelta(days=200)
    ResearcherProfile.objects.filter(user=supervisor).update(accreditation_valid_until=expires)

    with noon_on(expires + timedelta(days=1)):
        run = check_member_access.apply().get()
    stored = AccessCheckRun.objects.get(pk=run)
    assert stored.suspended == 2
    assert stored.finished_at
    assert access_of(application, supervisor).suspension_cause == MemberAccess.Cause.ACCREDITATION
    assert access_of(application, provisional).suspension_cause == MemberAccess.Cause.SUPERVISOR


def test_reinstatement_is_refused_while_the_accreditation_has_lapsed(granted, people):
    expires = date.today() + timedelta(days=30)
    ResearcherProfile.objects.filter(user=granted.member).update(accreditation_valid_until=expires)
    with noon_on(expires + timedelta(days=1)):
        check_active_access()
        access = access_of(granted, granted.member)
        with pytest.raises(GuardFailed) as refused:
            reinstate_member_access(access_id=access.pk, by=people.ras, reason="Renewed, they say.")
        assert "expired" in refused.value.problems[0].message
        ResearcherProfile.objects.filter(user=granted.member).update(
            accreditation_valid_until=date.today() + timedelta(days=5 * 365)
        )
        reinstate_member_access(access_id=access.pk, by=people.ras, reason="Accreditation renewed.")
    assert access_of(granted, granted.member).status == MemberAccess.Status.ACTIVE


def test_a_member_who_leaves_has_their_access_ended_and_leaves_the_team(granted, people):
    access = access_of(granted, granted.member)
    end_member_access(access_id=access.pk, by=people.ras, reason="Moved to another university.")

    access.refresh_from_db()
    assert access.status == MemberAccess.Status.ENDED
    assert access.end_reason == MemberAccess.EndReason.REMOVED
    assert access.member.status == TeamMember.Status.REMOVED
    with pytest.raises(StaleState):
        suspend_member_access(access_id=access.pk, by=people.ras, reason="Too late.")
    coordinator = access_of(granted, granted.coordinator)
    with pytest.raises(InvalidInput):
        end_member_access(access_id=coordinator.pk, by=people.ras, reason="Leaving.")


def test_closing_the_project_ends_everyones_access(granted, people):
    suspend_member_access(access_id=access_of(granted, granted.member).pk, by=people.ras, reason="Breach.")
    close_project(application_id=granted.pk, by=people.admin, reason="Finished early.")
    records = MemberAccess.objects.filter(application=granted)
    assert {record.status for record in records} == {MemberAccess.Status.ENDED}
    assert {record.end_reason for record in records} == {MemberAccess.EndReason.PROJECT_CLOSED}
    assert {record.ended_by for record in records} == {people.admin}


def test_the_automatic_close_ends_access_too(granted):
    with noon_on(granted.end_date + timedelta(days=1)):
        assert close_ended_projects() == 1
    assert set(MemberAccess.objects.filter(application=granted).values_list("status", flat=True)) == {"ended"}
