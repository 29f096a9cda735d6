"""Team amendments: a new member is checked as at submission and signs before their access starts; a removed
member's access ends at once, without review; each approval is a new version of the project."""

from datetime import timedelta

import pytest

from applications.errors import GuardFailed, InvalidInput
from applications.models import Amendment, MemberAccess, TeamMember
from declarations.models import Declaration
from declarations.services import sign_declaration
from tests.factories import researcher

from .conftest import amend

pytestmark = pytest.mark.django_db


def test_a_new_member_is_added_at_once_and_gets_access_only_when_they_sign(live):
    newcomer = researcher()

    amendment = amend(live, add_email=newcomer.email)

    assert amendment.state == Amendment.State.APPROVED
    assert live.team_members.get(user=newcomer).status == TeamMember.Status.ACCEPTED
    assert not MemberAccess.objects.filter(application=live, user=newcomer).exists()
    declaration = Declaration.objects.get(application=live, member=newcomer)
    assert declaration.signed_at is None

    sign_declaration(declaration_id=declaration.pk, by=newcomer)

    access = MemberAccess.objects.get(application=live, user=newcomer)
    assert access.status == MemberAccess.Status.ACTIVE
    assert access.valid_until == min(live.end_date, live.accreditation_ends_on)
    versions = list(live.versions.values_list("number", "changes"))
    assert versions == [(1, ["Accredited"]), (2, [f"{newcomer.email} joined the team"])]


def test_a_new_member_whose_accreditation_ends_before_the_project_cannot_be_added(live):
    newcomer = researcher(accreditation_valid_until=live.end_date - timedelta(days=1))

    with pytest.raises(GuardFailed) as refused:
        amend(live, add_email=newcomer.email)

    assert "before the project ends" in refused.value.problems[0].message
    assert not live.team_members.filter(email=newcomer.email).exists()


def test_a_removed_member_loses_access_at_once_without_review(live):
    member = live.team_members.get(user=live.member)
    assert MemberAccess.objects.get(application=live, user=live.member).status == MemberAccess.Status.ACTIVE

    amendment = amend(live, remove_member_id=member.pk)

    assert amendment.state == Amendment.State.APPROVED
    access = MemberAccess.objects.get(application=live, user=live.member)
    assert access.status == MemberAccess.Status.ENDED
    assert access.end_reason == MemberAccess.EndReason.REMOVED
    assert "amendment 1" in access.end_comment
    assert TeamMember.objects.get(pk=member.pk).status == TeamMember.Status.REMOVED
    assert live.events.filter(kind="member_access_ended").count() == 1
    assert not live.events.filter(kind="amendment_arrived").exists()


def test_the_coordinator_can_hand_over_to_another_member(live):
    member = live.team_members.get(user=live.member)

    amend(live, new_coordinator_id=member.pk)

    assert live.is_coordinator(live.member)
    assert live.versions.get(number=2).snapshot["members"] == sorted(
        [{"email": m.email, "role": m.role} for m in live.current_members()], key=lambda m: m["email"]
    )


def test_an_amendment_with_no_change_cannot_be_submitted(live):
    with pytest.raises(InvalidInput):
        amend(live)


def test_only_a_live_project_can_be_amended(people):
    from applications.amendments.services import request_amendment
    from applications.errors import StaleState
    from tests.factories import ApplicationFactory, coordinator_of

    draft = ApplicationFactory()
    with pytest.raises(StaleState):
        request_amendment(application_id=draft.pk, by=coordinator_of(draft))


def test_someone_else_cannot_amend_the_project(live, people):
    from applications.amendments.services import request_amendment
    from applications.errors import NotPermitted

    with pytest.raises(NotPermitted):
        request_amendment(application_id=live.pk, by=live.member)
