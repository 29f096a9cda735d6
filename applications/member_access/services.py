"""Writes to members' access. Every change locks the application's row, then the access row, checks the permission
table and appends an event to the application's timeline, which tells the co-ordinator and the member once it
commits (`notifications.recipients`)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from leo_access.actors import SYSTEM
from leo_access.permissions import has_permission

from .. import clock, lifecycle, service_levels
from ..errors import GuardFailed, InvalidInput, StaleState
from ..models import Application, MemberAccess, TeamMember
from ..rules import continuing_access_problems
from ..selectors import current_member_facts, member_facts
from ..states import State


def access_ends_on(application: Application):
    """The last day of access: the project's end date, the day the project closes after (ADR 0019)."""
    return service_levels.project_ends_on(application)


def open_member_access(application: Application, *, by, user_ids=None) -> list[MemberAccess]:
    """An active record for every accepted member (or for those of `user_ids`: a member who joined the live project
    and has signed), as access is granted. Inside the granting or signing transaction, on the locked application;
    a member who already has an open record keeps it."""
    lifecycle.authorise(by, "application.grant_access", application)
    at = clock.now()
    holding = set(application.member_access.exclude(status=MemberAccess.Status.ENDED).values_list("user_id", flat=True))
    records = [
        MemberAccess(
            application=application,
            member=member,
            user_id=member.user_id,
            granted_at=at,
            valid_from=timezone.localdate(at),
            valid_until=access_ends_on(application),
        )
        for member in application.current_members()
        if member.user_id and member.user_id not in holding and (user_ids is None or member.user_id in user_ids)
    ]
    return MemberAccess.objects.bulk_create(records)


def end_project_access(application: Application, *, by, reason: str = "") -> int:
    """End every open record as the project closes. Inside the closing transaction, on the locked application.
    An admin or the service closes a project; its co-ordinator may close it early."""
    if not has_permission(by, "application.close_early", application):
        lifecycle.authorise(by, "application.close", application)
    return application.member_access.exclude(status=MemberAccess.Status.ENDED).update(
        status=MemberAccess.Status.ENDED,
        ended_at=clock.now(),
        ended_by=None if by is SYSTEM else by,
        end_reason=MemberAccess.EndReason.PROJECT_CLOSED,
        end_comment=reason,
    )


def _locked(access_id) -> tuple[Application, MemberAccess]:
    application_id = MemberAccess.objects.values_list("application_id", flat=True).get(pk=access_id)
    application = lifecycle.lock(application_id)
    access = MemberAccess.objects.select_for_update().select_related("user", "member").get(pk=access_id)
    return application, access


def _record(application, access, *, kind, by, action, reason, data=None):
    lifecycle.record(
        application,
        kind=kind,
        by=by,
        role=lifecycle.acting_role(by, action),
        comment=reason,
        data={
            "access_id": access.pk,
            "user_id": access.user_id,
            "email": access.user.email,
            "member_name": access.user.full_name or access.user.email,
            **(data or {}),
        },
    )


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"Give the reason for {what}.")
    return reason


def suspend_member_access(
    *, access_id, by, reason: str, cause: str = MemberAccess.Cause.MANUAL, expected_status: str | None = None
) -> MemberAccess:
    """Stop one member using the data until they are reinstated. Staff suspend with a reason (a breach, say); the
    service suspends when an accreditation lapses."""
    reason = _reason(reason, "the suspension")
    with transaction.atomic():
        application, access = _locked(access_id)
        lifecycle.authorise(by, "access.suspend", application)
        _ensure_status(access, expected_status, MemberAccess.Status.ACTIVE, "suspended")
        access.status = MemberAccess.Status.SUSPENDED
        access.suspended_at = clock.now()
        access.suspended_by = None if by is SYSTEM else by
        access.suspension_cause = MemberAccess.Cause(cause)
        access.suspension_reason = reason
        access.save()
        _record(
            application,
            access,
            kind="member_access_suspended",
            by=by,
            action="access.suspend",
            reason=reason,
            data={"cause": access.suspension_cause},
        )
    return access


def warn_member_access(*, access_id, by, reason: str) -> MemberAccess:
    """Tell the co-ordinator and the member that access will be suspended unless the register is put right; the
    nightly check suspends once the warning period has passed."""
    with transaction.atomic():
        application, access = _locked(access_id)
        lifecycle.authorise(by, "access.suspend", application)
        _ensure_status(access, MemberAccess.Status.ACTIVE, MemberAccess.Status.ACTIVE, "warned")
        if access.register_warned_on:
            return access
        access.register_warned_on = timezone.localdate(clock.now())
        access.save(update_fields=["register_warned_on"])
        _record(
            application,
            access,
            kind="member_access_warning",
            by=by,
            action="access.suspend",
            reason=reason,
            data={"suspend_on": (access.register_warned_on + register_warning_period()).isoformat()},
        )
    return access


def register_warning_period():
    return timedelta(days=settings.REGISTER_WARNING_DAYS)


def reinstate_member_access(*, access_id, by, reason: str, expected_status: str | None = None) -> MemberAccess:
    """Give a suspended member their access back. Refused while their accreditation (or their supervisor's) does not
    hold today: the nightly check would only suspend them again."""
    reason = _reason(reason, "reinstating access")
    with transaction.atomic():
        application, access = _locked(access_id)
        lifecycle.authorise(by, "access.reinstate", application)
        lifecycle.ensure_state(application, None, State.ACCESS_GRANTED)
        _ensure_status(access, expected_status, MemberAccess.Status.SUSPENDED, "active")
        member = application.team_members.select_related("user__researcher_profile__supervisor").get(
            pk=access.member_id
        )
        problems = continuing_access_problems(
            member_facts(member), current_member_facts(application), timezone.localdate(clock.now())
        )
        if problems:
            raise GuardFailed("Access cannot be reinstated while the accreditation has lapsed.", problems=problems)
        access.status = MemberAccess.Status.ACTIVE
        access.register_warned_on = None
        access.reinstated_at = clock.now()
        access.reinstated_by = None if by is SYSTEM else by
        access.reinstatement_reason = reason
        access.save()
        _record(application, access, kind="member_access_reinstated", by=by, action="access.reinstate", reason=reason)
    return access


def end_member_access(*, access_id, by, reason: str, expected_status: str | None = None) -> MemberAccess:
    """End one member's access for good: they leave the team. A later return is a new membership and record."""
    reason = _reason(reason, "ending access")
    with transaction.atomic():
        application, access = _locked(access_id)
        lifecycle.authorise(by, "access.end", application)
        _ensure_status(access, expected_status, None, "ended")
        member = application.team_members.select_for_update().get(pk=access.member_id)
        if member.role == TeamMember.Role.COORDINATOR:
            raise InvalidInput(
                "The co-ordinator's access ends when the project closes. Suspend it instead, or close the project."
            )
        member.status = TeamMember.Status.REMOVED
        member.save(update_fields=["status"])
        access.status = MemberAccess.Status.ENDED
        access.ended_at = clock.now()
        access.ended_by = None if by is SYSTEM else by
        access.end_reason = MemberAccess.EndReason.REMOVED
        access.end_comment = reason
        access.save()
        _record(application, access, kind="member_access_ended", by=by, action="access.end", reason=reason)
    return access


def _ensure_status(access: MemberAccess, expected: str | None, required: str | None, becoming: str):
    """Refuse when someone else changed the record since the person looked, or it cannot become `becoming`."""
    if access.status == MemberAccess.Status.ENDED or (expected and access.status != expected):
        raise StaleState(
            f"This access was changed by someone else: it is now {access.get_status_display().lower()}.",
            current_state=access.status,
        )
    if required and access.status != required:
        raise StaleState(
            f"Only {MemberAccess.Status(required).label.lower()} access can be {becoming}; this access is "
            f"{access.get_status_display().lower()}.",
            current_state=access.status,
        )
