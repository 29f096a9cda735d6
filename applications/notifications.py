"""Who hears about each event, and what they are told."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from leo_access.roles import REVIEWER_ROLES, Role

from .models import ApplicationEvent, TeamMember

# What the applicant team is told, and what to do next.
TEAM_MESSAGES = {
    "submitted": ("Your application has been submitted", "The accreditation service will check it next."),
    "queried": ("Questions about your application", "Answer the questions and resubmit the application."),
    "rejected": ("Your application was refused", "Read the reasons on the application's page."),
    "accredited": (
        "Your project is accredited",
        "Every researcher on the team must now sign their Individual Declaration.",
    ),
    "access_granted": ("Access to LEO has been granted", "You can now use the data in the Secure Research Service."),
    "withdrawn": ("Your application was withdrawn", "No further action is needed."),
    "closed": ("Your project has been closed", "No further action is needed."),
}
# Which staff team has new work when an event happens.
ARRIVALS = {
    "submitted": [Role.RAS_OFFICER],
    "intake_passed": sorted(REVIEWER_ROLES),
    "department_review_completed": [Role.PANEL_MEMBER],
    "department_reviews_reopened": sorted(REVIEWER_ROLES),
}
RESUBMISSION_ARRIVALS = {
    "ras_check": [Role.RAS_OFFICER],
    "department_review": sorted(REVIEWER_ROLES),
    "panel_review": [Role.PANEL_MEMBER],
}


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str


def _link(event: ApplicationEvent) -> str:
    return settings.SITE_URL + reverse("applications:detail", args=[event.application_id])


def _body(event: ApplicationEvent, happened: str, next_step: str) -> str:
    application = event.application
    return (
        f"{application.reference}: {application.title}\n\n{happened}.\n\n{next_step}\n\n"
        f"See the application: {_link(event)}\n"
    )


def _invitation(event: ApplicationEvent) -> Message:
    application = event.application
    email = event.data["email"]
    has_account = get_user_model().objects.filter(email__iexact=email).exists()
    where = reverse("applications:list") if has_account else reverse("account_signup")
    next_step = (
        "Sign in and accept or decline the invitation under Your applications."
        if has_account
        else "Create an account with this e-mail address, then accept or decline the invitation."
    )
    subject = "You have been invited to join a LEO application"
    body = f"{application.reference}: {application.title}\n\n{subject}.\n\n{next_step}\n\n{settings.SITE_URL}{where}\n"
    return Message(email, f"{application.reference}: {subject}", body)


def messages_for(event: ApplicationEvent) -> list[Message]:
    application = event.application
    if event.kind == "member_invited":
        return [_invitation(event)]
    messages = []
    if event.kind in TEAM_MESSAGES:
        subject, next_step = TEAM_MESSAGES[event.kind]
        team = application.team_members.filter(status=TeamMember.Status.ACCEPTED).values_list("email", flat=True)
        messages += [
            Message(email, f"{application.reference}: {subject}", _body(event, subject, next_step)) for email in team
        ]
    roles = ARRIVALS.get(event.kind) or (
        RESUBMISSION_ARRIVALS.get(event.to_state, []) if event.kind == "resubmitted" else []
    )
    if roles:
        staff = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[role.value for role in roles])
            .values_list("email", flat=True)
            .distinct()
        )
        subject = "An application has arrived in your queue"
        messages += [
            Message(
                email,
                f"{application.reference}: {subject}",
                _body(event, subject, "Review it from your work queue."),
            )
            for email in staff
        ]
    return messages
