import hashlib
from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.ethics import ITEMS
from applications.models import Application, TeamMember, VariableRequestForm, joined
from leo_access.models import ResearcherProfile, User
from leo_access.roles import Role

PASSWORD = "a-test-passphrase-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])
        if create:
            self.save()


class ResearcherProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearcherProfile

    user = factory.SubFactory(UserFactory)
    organisation = "University of Example"
    accreditation_type = "full"
    accreditation_reference = factory.Sequence(lambda n: f"DEA-{10000 + n}")
    accreditation_valid_from = factory.LazyFunction(lambda: date.today() - timedelta(days=365))
    accreditation_valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=4 * 365))


def researcher(**profile) -> User:
    user = UserFactory(roles=[Role.RESEARCHER])
    ResearcherProfileFactory(user=user, **profile)
    return user


def staff(role: Role) -> User:
    return UserFactory(roles=[role])


def complete_ethics() -> dict:
    return {str(item.number): {"risk": "low", "justification": "Assessed and mitigated."} for item in ITEMS}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft that meets every submission guard, led by an accredited co-ordinator."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"LEO-2026-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Earnings after further education, study {n}")
    created_by = factory.LazyFunction(researcher)
    lay_summary = "How do qualifications relate to earnings later in life?"
    abstract = "We link attainment to employment outcomes."
    research_questions = "1. What are the returns to level 3 qualifications?"
    methodology = "Fixed-effects regression on linked records."
    software = "R, Stata"
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=2 * 365))
    funder = "Economic and Social Research Council"
    public_benefit_categories = ["public_policy"]
    public_benefit_statement = "Informs funding of further education."
    dissemination_plan = "Working paper and journal article."
    publication_committed = True
    ethics_route = "self_assessment"
    ethics_self_assessment = factory.LazyFunction(complete_ethics)
    access_location = "ons_safe_setting"
    output_checking = "Every output is checked by the Secure Research Service before release."
    stage_entered_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        TeamMember.objects.create(
            application=self,
            user=self.created_by,
            email=self.created_by.email,
            role=TeamMember.Role.COORDINATOR,
            status=TeamMember.Status.ACCEPTED,
        )
        for user in extracted or []:
            add_member(self, user)

    @factory.post_generation
    def form(self, create, extracted, **kwargs):
        if extracted is not False:
            add_form(self, status=extracted or VariableRequestForm.Validation.PASSED)


def add_member(application, user, *, role=TeamMember.Role.MEMBER, status=TeamMember.Status.ACCEPTED):
    return TeamMember.objects.create(application=application, user=user, email=user.email, role=role, status=status)


def add_form(application, *, status=VariableRequestForm.Validation.PASSED, content: bytes | None = None):
    content = content or f"form {application.pk} {timezone.now().isoformat()}".encode()
    version = application.variable_request_forms.count() + 1
    form = VariableRequestForm(
        application=application,
        version=version,
        original_name="variable-request-form.xlsx",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=application.created_by,
        validation_status=status,
    )
    form.file.save(f"vrf-{application.pk}-{version}.xlsx", ContentFile(content), save=False)
    form.save()
    return form


def requesting(application, *datasets: str):
    """The application's latest checked form asks for these datasets (as `record_requested_datasets` keeps them)."""
    Application.objects.filter(pk=application.pk).update(requested_datasets=joined(datasets))
    application.requested_datasets = joined(datasets)


def coordinator_of(application) -> User:
    return application.team_members.get(role=TeamMember.Role.COORDINATOR, status=TeamMember.Status.ACCEPTED).user


# Everyone signs in with an authenticator app; the tests' accounts share this secret (base32, as apps take it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_authenticator(user, secret: str = TOTP_SECRET):
    """Set up the TOTP authenticator a person would have added on their first sign-in."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, secret).instance


def wait_for_fresh_code(seconds_needed: float = 1.0):
    """Codes change every 30 seconds; a test that reads a code and posts it later waits out the end of a period
    rather than fail when the code it read expires on the way."""
    import time

    from allauth.mfa import app_settings

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < seconds_needed:
        time.sleep(left + 0.05)


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now."""
    import time

    from allauth.mfa import app_settings

    wait_for_fresh_code()
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def forget_used_code(user, code: str):
    """A code is accepted once per user; tests that sign the same person in twice within the 30 seconds a code
    lasts make it usable again rather than wait for the next one."""
    from django.core.cache import cache

    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
