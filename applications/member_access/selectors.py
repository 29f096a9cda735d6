"""Reads of members' access: the access list the Secure Research Service provisions from, and one record.

The list is a plain queryset with its filters, so a page, a CSV download and an API read the same rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from ..models import MemberAccess


@dataclass(frozen=True)
class AccessFilters:
    q: str = ""  # a project's reference or title, or a member's name or e-mail address
    status: str = ""  # one of MemberAccess.Status, or "" for any
    ends_before: date | None = None  # access that ends on or before this day
    organisation: str = ""


def access_list(filters: AccessFilters | None = None) -> QuerySet[MemberAccess]:
    """Every member's access, newest project first and its members by name, with what a row shows."""
    filters = filters or AccessFilters()
    rows = MemberAccess.objects.select_related(
        "application", "user", "user__researcher_profile", "member", "suspended_by", "ended_by"
    ).order_by("-application__reference", "user__full_name", "user__email", "id")
    if filters.q:
        q = filters.q.strip()
        rows = rows.filter(
            Q(application__reference__icontains=q)
            | Q(application__title__icontains=q)
            | Q(user__full_name__icontains=q)
            | Q(user__email__icontains=q)
        )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.ends_before:
        rows = rows.filter(valid_until__lte=filters.ends_before)
    if filters.organisation:
        rows = rows.filter(user__researcher_profile__organisation__icontains=filters.organisation.strip())
    return rows


def access_record(access_id) -> MemberAccess:
    return access_list().get(pk=access_id)


def access_of(application) -> list[MemberAccess]:
    """An application's access records, open ones first."""
    records = access_list().filter(application=application)
    return sorted(records, key=lambda record: (record.status == MemberAccess.Status.ENDED, record.user.email))


CSV_HEADER = [
    "Project reference",
    "Project title",
    "Member",
    "E-mail address",
    "Organisation",
    "Accreditation number",
    "Status",
    "Access from",
    "Access until",
    "Suspended on",
    "Reason",
]


def csv_values(access: MemberAccess) -> list:
    """One record as the CSV row; the caller makes text safe for spreadsheets."""
    profile = getattr(access.user, "researcher_profile", None)
    reason = ""
    if access.status == MemberAccess.Status.SUSPENDED:
        reason = access.suspension_reason
    elif access.status == MemberAccess.Status.ENDED:
        reason = access.get_end_reason_display()
    return [
        access.application.reference,
        access.application.title,
        access.user.full_name,
        access.user.email,
        profile.organisation if profile else "",
        profile.accreditation_reference if profile else "",
        access.get_status_display(),
        access.valid_from,
        access.valid_until,
        access.suspended_at.date() if access.status == MemberAccess.Status.SUSPENDED else None,
        reason,
    ]
