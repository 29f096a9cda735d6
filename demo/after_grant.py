"""Demo data for safe people after the panel: an open before-access condition on the accredited demo project, a
register of accredited researchers on which one demo researcher's details differ, and a suspended member on the
live demo project. Each is added once."""

from datetime import timedelta

from django.utils import timezone

from applications.conditions import set_condition
from applications.member_access.services import suspend_member_access
from applications.models import Application, MemberAccess
from applications.states import State
from leo_access.accredited_researchers.models import RegisterImport
from leo_access.accredited_researchers.services import import_register
from leo_access.models import ResearcherProfile, User
from leo_access.roles import Role

HEADINGS = "Accreditation number,Name,Accreditation type,Expiry date,Organisation\n"
SUSPENSION_REASON = "An output was released without the Secure Research Service's disclosure check."


def _line(profile: ResearcherProfile, *, expiry) -> str:
    return (
        f"{profile.accreditation_reference},{profile.user.full_name},{profile.get_accreditation_type_display()},"
        f"{expiry:%d/%m/%Y},{profile.organisation}\n"
    )


def ensure_demo_register(by_role: dict[Role, list[User]]) -> bool:
    """The first version of the register: the first researcher as they stated it, the second with an expiry a year
    earlier than their profile says (a mismatch for the RAS to look at)."""
    if RegisterImport.objects.exists():
        return False
    first, second = (
        ResearcherProfile.objects.select_related("user").get(user=user) for user in by_role[Role.RESEARCHER][:2]
    )
    text = (
        HEADINGS
        + _line(first, expiry=first.accreditation_valid_until)
        + _line(second, expiry=second.accreditation_valid_until - timedelta(days=365))
    )
    import_register(content=text.encode(), filename="uksa-accredited-researchers-demo.csv", by=by_role[Role.ADMIN][0])
    return True


def ensure_suspended_member(by_role: dict[Role, list[User]]) -> bool:
    """The second researcher's access to the live demo project, suspended by the RAS."""
    second = by_role[Role.RESEARCHER][1]
    access = MemberAccess.objects.filter(
        application__in=Application.objects.filter(state=State.ACCESS_GRANTED, created_by=by_role[Role.RESEARCHER][0]),
        user=second,
        status=MemberAccess.Status.ACTIVE,
        suspended_at__isnull=True,
    ).first()
    if access is None:
        return False
    suspend_member_access(access_id=access.pk, by=by_role[Role.RAS_OFFICER][0], reason=SUSPENSION_REASON)
    return True


def ensure_open_condition(by_role: dict[Role, list[User]]) -> bool:
    """A condition the panel set on the accredited demo project, which its access waits for."""
    application = (
        Application.objects.filter(state=State.ACCREDITED, created_by=by_role[Role.RESEARCHER][0])
        .exclude(conditions__isnull=False)
        .first()
    )
    if application is None:
        return False
    set_condition(
        application_id=application.pk,
        by=by_role[Role.PANEL_MEMBER][0],
        text="Send the Secure Research Service the project's output-checking plan.",
        timing="before_access",
        due_date=timezone.localdate() + timedelta(days=30),
    )
    return True
