"""Approved versions of a project: what each approved, and applying an approved amendment to the project.

Version 1 is the project as accredited, written when the first amendment is approved (a project never amended has
only that version, and the page shows it without a row). Each approved amendment writes the next version with a
snapshot of the project after it and a line for each change. The project's own row always holds the current
version, so everything downstream (declarations, the registers, the access list) reads the current version.
"""

from django.db.models import Max
from django.utils import timezone

from leo_access.actors import SYSTEM

from .. import clock, lifecycle
from ..errors import StaleState
from ..member_access.services import access_ends_on
from ..models import Amendment, Application, MemberAccess, ProjectVersion, TeamMember
from ..selectors import current_form
from ..validation import record_requested_datasets

# The project's fields a purpose or outputs amendment may change, as the pages name them.
PURPOSE_FIELDS = {
    "title": "Title",
    "lay_summary": "Lay summary",
    "public_benefit_statement": "Public benefit",
    "dissemination_plan": "Outputs and dissemination plan",
}


def snapshot(application: Application) -> dict:
    form = current_form(application)
    members = application.current_members().order_by("email")
    return {
        **{name: getattr(application, name) for name in PURPOSE_FIELDS},
        "end_date": application.end_date.isoformat() if application.end_date else None,
        "accreditation_ends_on": (
            application.accreditation_ends_on.isoformat() if application.accreditation_ends_on else None
        ),
        "members": [{"email": member.email, "role": member.role} for member in members],
        "form": {"version": form.version, "sha256": form.sha256} if form else None,
        "datasets": application.requested_dataset_names,
    }


def current_version_number(application: Application) -> int:
    return application.versions.aggregate(last=Max("number"))["last"] or 1


def ensure_first_version(application: Application) -> None:
    """Version 1, as accredited, before the first amendment changes anything. On the locked application."""
    if not application.versions.exists():
        ProjectVersion.objects.create(
            application=application,
            number=1,
            approved_at=application.accredited_at or clock.now(),
            snapshot=snapshot(application),
            changes=["Accredited"],
        )


def ensure_not_stale(application: Application, amendment: Amendment) -> None:
    """Refuse an amendment whose change was written against something another approved amendment has changed
    since: its reviewers judged a difference that no longer holds. Changes to other things apply in order."""
    problems = []
    for name, change in amendment.proposed.items():
        if getattr(application, name) != change["from"]:
            problems.append(PURPOSE_FIELDS[name].lower())
    if amendment.new_end_date and amendment.base_end_date != application.end_date:
        problems.append("end date")
    members = application.current_members()
    if amendment.add_email and members.filter(email__iexact=amendment.add_email).exists():
        problems.append("team (the researcher has joined since)")
    if amendment.new_coordinator_id and not members.filter(pk=amendment.new_coordinator_id).exists():
        problems.append("team (the new co-ordinator has left)")
    if amendment.base_form_sha256:
        form = current_form(application)
        if (form.sha256 if form else "") != amendment.base_form_sha256:
            problems.append("data requested")
    if problems:
        raise StaleState(
            f"Another amendment changed the project's {', '.join(problems)} after this one was submitted, so what "
            "was reviewed no longer applies. Refuse it, and ask the co-ordinator for a new amendment.",
            current_state=amendment.state,
        )


def apply_amendment(application: Application, amendment: Amendment, *, by) -> ProjectVersion:
    """Make the approved changes to the project and record its next version. On the locked application and
    amendment, inside the approving transaction."""
    ensure_first_version(application)
    lines = []
    for name, change in amendment.proposed.items():
        setattr(application, name, change["to"])
        lines.append(f"{PURPOSE_FIELDS[name]} changed")
    if amendment.new_end_date:
        lines.append(f"End date changed from {application.end_date:%-d %B %Y} to {amendment.new_end_date:%-d %B %Y}")
        application.end_date = amendment.new_end_date
        # Approving the extension accredits the project to its new end.
        if application.accreditation_ends_on and application.accreditation_ends_on < amendment.new_end_date:
            application.accreditation_ends_on = amendment.new_end_date
    application.save()
    if amendment.new_end_date:
        application.member_access.exclude(status=MemberAccess.Status.ENDED).update(
            valid_until=access_ends_on(application)
        )
    form = amendment.forms.filter(proposed=True).order_by("-version").first()
    if form is not None:
        form.proposed = False
        form.save(update_fields=["proposed"])
        record_requested_datasets(application.pk, form.result)
        application.refresh_from_db()
        lines.append(f"Variable Request Form version {form.version} approved")
        lines += [f"{table} added" for table in amendment.data_diff.get("tables_added", [])]
        lines += [f"{table} removed" for table in amendment.data_diff.get("tables_removed", [])]
    if amendment.new_coordinator_id:
        application.team_members.filter(role=TeamMember.Role.COORDINATOR).update(role=TeamMember.Role.MEMBER)
        TeamMember.objects.filter(pk=amendment.new_coordinator_id).update(role=TeamMember.Role.COORDINATOR)
        lines.append(f"{amendment.new_coordinator.email} became the co-ordinator")
    if amendment.add_email:
        add_member(application, amendment)
        lines.append(f"{amendment.add_email} joined the team")
    if amendment.remove_member_id:
        lines.append(f"{amendment.remove_member.email} left the team")
    version = ProjectVersion.objects.create(
        application=application,
        number=current_version_number(application) + 1,
        amendment=amendment,
        approved_at=clock.now(),
        snapshot=snapshot(application),
        changes=lines,
    )
    return version


def add_member(application: Application, amendment: Amendment) -> TeamMember:
    """The new member joins the team as accepted (they asked to join through the co-ordinator's amendment); their
    access starts once they sign the Individual Declaration (`declarations` opens it on `amendment_approved`)."""
    return TeamMember.objects.create(
        application=application,
        user=amendment.add_user,
        email=amendment.add_email,
        status=TeamMember.Status.ACCEPTED,
        responded_at=clock.now(),
    )


def end_removed_access(application: Application, amendment: Amendment, *, by) -> int:
    """The removed member leaves the team and their access ends at once: no review. On the locked application."""
    member = TeamMember.objects.select_for_update().get(pk=amendment.remove_member_id)
    member.status = TeamMember.Status.REMOVED
    member.save(update_fields=["status"])
    reason = f"Removed from the team by amendment {amendment.number}."
    records = list(
        application.member_access.select_for_update()
        .filter(member=member)
        .exclude(status=MemberAccess.Status.ENDED)
        .select_related("user")
    )
    for access in records:
        access.status = MemberAccess.Status.ENDED
        access.ended_at = clock.now()
        access.ended_by = None if by is SYSTEM else by
        access.end_reason = MemberAccess.EndReason.REMOVED
        access.end_comment = reason
        access.save()
        lifecycle.record(
            application,
            kind="member_access_ended",
            by=by,
            role=lifecycle.acting_role(by, "amendment.request"),
            comment=reason,
            data={
                "access_id": access.pk,
                "user_id": access.user_id,
                "email": access.user.email,
                "member_name": access.user.full_name or access.user.email,
                "amendment_id": amendment.pk,
            },
        )
    return len(records)


def today():
    return timezone.localdate(clock.now())
