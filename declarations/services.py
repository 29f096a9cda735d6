"""Individual Declarations: opening the tasks, signing, and granting access when all are signed."""

from django.db import transaction
from django.utils import timezone

from applications import clock, lifecycle
from applications.errors import GuardFailed, NotPermitted, StaleState
from applications.models import Application
from applications.rules import Problem, accreditation_problem
from applications.selectors import member_facts
from applications.states import State
from leo_access.actors import SYSTEM

from .models import Declaration


def open_declarations(application: Application):
    """A signing task for every current team member. Called inside the accrediting transaction."""
    at = clock.now()
    Declaration.objects.bulk_create(
        [
            Declaration(application=application, member=member.user, opened_at=at)
            for member in application.current_members().select_related("user")
        ]
    )


def unsigned_members(application: Application) -> list[str]:
    """Current team members without a signed declaration (names, for messages)."""
    signed = set(
        application.declarations.filter(withdrawn_at__isnull=True, signed_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    return [
        member.user.full_name or member.email
        for member in application.current_members().select_related("user")
        if member.user_id not in signed
    ]


def _grant(application: Application, *, by):
    missing = unsigned_members(application)
    if missing:
        raise GuardFailed(
            "Access can only be granted once every team member has signed their declaration.",
            problems=[Problem("declaration_unsigned", f"{name} has not signed yet.") for name in missing],
        )
    lifecycle.apply(application, "grant_access", by=by, action="application.grant_access", kind="access_granted")


def grant_access(*, application_id, by, expected_state: str | None = State.ACCREDITED) -> Application:
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.grant_access", application)
        _grant(application, by=by)
    return application


def sign_declaration(*, declaration_id, by) -> Declaration:
    """Record a member's signature; the last signature grants access automatically."""
    with transaction.atomic():
        application_id = Declaration.objects.values_list("application_id", flat=True).get(pk=declaration_id)
        application = lifecycle.lock(application_id)
        declaration = Declaration.objects.select_for_update().get(pk=declaration_id)
        if declaration.member_id != getattr(by, "pk", None):
            raise NotPermitted("You can only sign your own declaration.")
        lifecycle.authorise(by, "declaration.sign", application)
        lifecycle.ensure_state(application, None, State.ACCREDITED)
        if declaration.withdrawn_at:
            raise StaleState("This declaration is no longer needed.", current_state=application.state)
        if declaration.signed_at:
            raise StaleState("You have already signed this declaration.", current_state=application.state)
        facts = member_facts(application.team_members.get(user=by))
        problem = accreditation_problem(facts, None, timezone.localdate(clock.now()))
        if problem:
            raise GuardFailed(
                "You cannot sign while your accreditation is not valid.", problems=[Problem("accreditation", problem)]
            )
        declaration.signed_at = clock.now()
        declaration.accreditation_reference = facts.accreditation_reference
        declaration.save(update_fields=["signed_at", "accreditation_reference"])
        lifecycle.record(
            application, kind="declaration_signed", by=by, role="researcher", data={"declaration_id": declaration.pk}
        )
        if not unsigned_members(application):
            _grant(application, by=SYSTEM)
    return declaration
