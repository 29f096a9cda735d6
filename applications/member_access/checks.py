"""The nightly check of everyone who has access.

A member whose accreditation has lapsed, or whose supervisor's has, is suspended at once (the rule is
`applications.rules.continuing_access_problems`). A member whom the newest register of accredited researchers does
not list, or lists as expired, is warned, then suspended once `REGISTER_WARNING_DAYS` have passed unless the register
is put right meanwhile. A name or date that differs from the register is for staff to look at, not a suspension.
"""

from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from leo_access.accredited_researchers import selectors as register
from leo_access.accredited_researchers.matching import Result
from leo_access.actors import SYSTEM

from .. import clock
from ..errors import LifecycleError
from ..models import AccessCheckRun, Application, MemberAccess
from ..rules import continuing_access_problems
from ..selectors import member_facts
from ..states import State
from .services import register_warning_period, suspend_member_access, warn_member_access

SUPERVISOR_PROBLEMS = {"supervisor_missing", "supervisor_not_accredited", "supervisor_other_organisation"}


def cause_of(problems) -> str:
    if any(problem.code in SUPERVISOR_PROBLEMS for problem in problems):
        return MemberAccess.Cause.SUPERVISOR
    return MemberAccess.Cause.ACCREDITATION


def register_problem(check, today) -> str | None:
    """Why the register does not confirm the member today, or None."""
    if check is None or check.result == Result.NO_REGISTER:
        return None
    if check.result == Result.NOT_FOUND:
        return "Their accreditation number is not on the register of accredited researchers."
    if check.listed and check.listed.expiry < today:
        expired = f"{check.listed.expiry:%-d %B %Y}"
        return f"The register of accredited researchers says their accreditation expired on {expired}."
    return None


def assess(application: Application, today) -> list[tuple[MemberAccess, list, str | None]]:
    """Each of the application's active records, with the reasons its member may no longer use the data (none when
    they still may) and what the register says against them (None when nothing)."""
    members = list(application.current_members().select_related("user__researcher_profile__supervisor"))
    team = [member_facts(member) for member in members]
    by_email = dict(zip((m.email.lower() for m in members), team, strict=True))
    checks = register.check_members(members)
    found = []
    for access in application.member_access.filter(status=MemberAccess.Status.ACTIVE).select_related("member"):
        facts = by_email.get(access.member.email.lower())
        if facts is None:
            continue  # no longer an accepted member: ending their access is for staff, with the reason
        problem = register_problem(checks.get(access.user_id), today)
        found.append((access, continuing_access_problems(facts, team, today), problem))
    return found


def _act(access: MemberAccess, problems, problem: str | None, today, run: AccessCheckRun):
    if problems:
        suspend_member_access(
            access_id=access.pk,
            by=SYSTEM,
            reason=" ".join(p.message for p in problems),
            cause=cause_of(problems),
            expected_status=MemberAccess.Status.ACTIVE,
        )
        run.suspended += 1
    elif problem is None:
        if access.register_warned_on:  # the register was put right
            MemberAccess.objects.filter(pk=access.pk).update(register_warned_on=None)
    elif access.register_warned_on is None:
        warn_member_access(access_id=access.pk, by=SYSTEM, reason=problem)
        run.warned += 1
    elif today >= access.register_warned_on + register_warning_period():
        suspend_member_access(
            access_id=access.pk,
            by=SYSTEM,
            reason=f"{problem} They were warned on {access.register_warned_on:%-d %B %Y}.",
            cause=MemberAccess.Cause.REGISTER,
            expected_status=MemberAccess.Status.ACTIVE,
        )
        run.suspended += 1


def check_active_access(*, today=None) -> AccessCheckRun:
    """Check every active member once. Running it again the same day changes nothing: a suspended record is no
    longer active and a warning is given once. Stopped by its time limit, it records what it did; the next run
    goes on."""
    today = today or timezone.localdate()
    run = AccessCheckRun.objects.create(started_at=clock.now())
    live = (
        Application.objects.filter(state=State.ACCESS_GRANTED, member_access__status=MemberAccess.Status.ACTIVE)
        .distinct()
        .order_by("pk")
    )
    try:
        for application in live.iterator(chunk_size=200):
            for access, problems, problem in assess(application, today):
                run.checked += 1
                try:
                    _act(access, problems, problem, today, run)
                except LifecycleError:
                    continue  # changed by someone else meanwhile
    except SoftTimeLimitExceeded:
        pass
    run.finished_at = clock.now()
    run.save()
    return run
