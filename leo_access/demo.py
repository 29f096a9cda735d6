"""Demo data for the embedded default and for trying the service: one person per role."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role

DEMO_PASSWORD = "leo-demo-password"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role


DEMO_USERS = [
    DemoUser("researcher@example.com", "Ada Researcher", Role.RESEARCHER),
    DemoUser("researcher2@example.com", "Ben Second", Role.RESEARCHER),
    DemoUser("ras@example.com", "Rhiannon RAS Officer", Role.RAS_OFFICER),
    DemoUser("dfe@example.com", "Dev DfE Reviewer", Role.DFE_REVIEWER),
    DemoUser("hmrc@example.com", "Hana HMRC Reviewer", Role.HMRC_REVIEWER),
    DemoUser("dwp@example.com", "Dara DWP Reviewer", Role.DWP_REVIEWER),
    DemoUser("panel@example.com", "Priya Panel Member", Role.PANEL_MEMBER),
    DemoUser("admin@example.com", "Alex Admin", Role.ADMIN),
]


def ensure_role_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def ensure_demo_users() -> tuple[dict[Role, list[User]], int]:
    """Create the demo users if missing; return them by role and how many were new."""
    groups = ensure_role_groups()
    by_role: dict[Role, list[User]] = {}
    created_count = 0
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=demo.email,
            defaults={"full_name": demo.full_name, "is_staff": demo.role == Role.ADMIN},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if demo.role == Role.ADMIN:
                user.is_superuser = True
            user.save()
            created_count += 1
        user.groups.add(groups[demo.role])
        EmailAddress.objects.update_or_create(user=user, email=demo.email, defaults={"verified": True, "primary": True})
        by_role.setdefault(demo.role, []).append(user)
    return by_role, created_count
