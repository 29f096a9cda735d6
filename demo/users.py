"""Demo data for the embedded default and for trying the service: one person per role."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from leo_access.models import User
from leo_access.roles import Role

DEMO_PASSWORD = "leo-demo-password"
# Everyone signs in with a second factor. The demo accounts share this published secret: add it to an app,
# or run `manage.py demo_code` for the current code. Demo accounts only; never for real people.
DEMO_TOTP_SECRET = "LEOACCESSDEMOTOTPSECRETAAAAAAAAA"


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
    DemoUser("delegated@example.com", "Dana Delegated Official", Role.DELEGATED_OFFICIAL),
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
        ensure_demo_authenticator(user)
        by_role.setdefault(demo.role, []).append(user)
    return by_role, created_count


def ensure_demo_authenticator(user: User):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def current_demo_code() -> str:
    """The code an authenticator app holding DEMO_TOTP_SECRET shows now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // app_settings.TOTP_PERIOD))
