"""Who hears about each application event."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.models import ApplicationEvent, DepartmentReview, TeamMember
from applications.states import State
from leo_access.roles import Role
from leo_access.teams import DEPARTMENT_TEAMS, STAGE_TEAMS, TEAM_ROLES, Team

from .catalogue import MEMBER_ACCESS_EVENTS, TEAM_EVENTS
from .models import TeamSetting

# Events that put work in a queue (a resubmission returns it to the stage that asked; reopened
# department reviews are part of a resubmission, so its arrival message covers them).
ARRIVAL_EVENTS = {
    "submitted",
    "intake_passed",
    "department_review_completed",
    "referred_to_panel",
    "resubmitted",
}


@dataclass(frozen=True)
class Recipient:
    email: str
    user: object = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Planned:
    template: str
    recipient: Recipient
    path: str


def application_path(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def review_path(application) -> str:
    return reverse("reviews:review", args=[application.pk])


def accepted_members(application):
    return application.team_members.filter(status=TeamMember.Status.ACCEPTED).select_related("user")


def coordinators(application):
    return accepted_members(application).filter(role=TeamMember.Role.COORDINATOR)


def users_with_roles(roles):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[role.value for role in roles])
        .distinct()
        .order_by("email")
    )


def team_setting(team) -> TeamSetting | None:
    return TeamSetting.objects.filter(team=team).select_related("lead").first()


def team_recipients(team, *, with_lead: bool = False) -> list[Recipient]:
    """A team's shared address if it prefers one, else each member; the lead too when asked."""
    setting = team_setting(team)
    if setting is not None and setting.uses_address:
        recipients = [Recipient(setting.address)]
    else:
        recipients = [Recipient(user.email, user) for user in users_with_roles(TEAM_ROLES[Team(team)])]
    lead = setting.lead if with_lead and setting is not None else None
    if lead is not None and lead.is_active and all(r.email.lower() != lead.email.lower() for r in recipients):
        recipients.append(Recipient(lead.email, lead))
    return recipients


def teams_holding(application) -> list:
    """The teams whose queue holds the application now (departments only while their decision is pending)."""
    teams = STAGE_TEAMS.get(application.state, [])
    if application.state == State.DEPARTMENT_REVIEW:
        pending = set(
            DepartmentReview.objects.filter(
                application=application, superseded_at__isnull=True, decision=DepartmentReview.Decision.PENDING
            ).values_list("department", flat=True)
        )
        teams = [team for team in teams if DEPARTMENT_TEAMS[team] in pending]
    return teams


def for_event(event: ApplicationEvent) -> list[Planned]:
    application = event.application
    planned: list[Planned] = []
    if event.kind == "member_invited":
        email = event.data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        path = reverse("applications:list") if user else reverse("account_signup")
        planned.append(Planned("invitation", Recipient(email, user, {"has_account": user is not None}), path))
        return planned
    if event.kind in MEMBER_ACCESS_EVENTS:
        return member_access_messages(event)
    if event.kind.startswith("amendment_"):
        return amendment_messages(event)
    if event.kind in TEAM_EVENTS:
        # An accreditation says who accredited: the panel, or an official with delegated authority.
        extra = {"delegated": True} if event.data.get("route") == "delegated" else {}
        planned += [
            Planned(event.kind, Recipient(member.email, member.user, extra), application_path(application))
            for member in accepted_members(application)
        ]
    if event.kind == "accredited":
        sign = reverse("declarations:sign", args=[application.pk])
        planned += [
            Planned("declaration_due", Recipient(member.email, member.user), sign)
            for member in accepted_members(application)
        ]
    if event.kind in ARRIVAL_EVENTS and event.to_state in STAGE_TEAMS:
        # While it is still there, only the departments whose decision is pending have work.
        teams = teams_holding(application) if application.state == event.to_state else STAGE_TEAMS[event.to_state]
        for team in teams:
            extra = {"team": Team(team).label}
            planned += [
                Planned("arrival", Recipient(r.email, r.user, extra), review_path(application))
                for r in team_recipients(team)
            ]
    return planned


def member_access_messages(event: ApplicationEvent) -> list[Planned]:
    """The co-ordinator and the member whose access changed, once each."""
    application = event.application
    extra = {"member": event.data.get("member_name", ""), "reason": event.comment}
    if "suspend_on" in event.data:
        extra["suspend_on"] = event.data["suspend_on"]
    people = [Recipient(member.email, member.user, extra) for member in coordinators(application)]
    member = get_user_model().objects.filter(pk=event.data.get("user_id")).first()
    if member is not None and all(person.email.lower() != member.email.lower() for person in people):
        people.append(Recipient(member.email, member, extra))
    return [Planned(event.kind, person, application_path(application)) for person in people]


# The teams whose queue an amendment reaches at each stage (a department's only when its data grows).
AMENDMENT_STAGE_TEAMS = {"ras": [Team.INTAKE], "panel": [Team.PANEL], "delegated": [Team.DELEGATED]}
DEPARTMENT_TEAM = {department: team for team, department in DEPARTMENT_TEAMS.items()}


def amendment_messages(event: ApplicationEvent) -> list[Planned]:
    """The team hears of questions and decisions on an amendment, and a new member is asked to sign; the teams
    whose queue it reaches hear that it has arrived."""
    application = event.application
    data = event.data or {}
    extra = {"number": data.get("amendment_number"), "version": data.get("version")}
    path = reverse("applications:amendment", args=[application.pk, data.get("amendment_number")])
    planned: list[Planned] = []
    if event.kind in ("amendment_queried", "amendment_approved", "amendment_rejected"):
        planned += [
            Planned(event.kind, Recipient(member.email, member.user, extra), path)
            for member in accepted_members(application)
        ]
    if event.kind == "amendment_approved" and data.get("members_added"):
        sign = reverse("declarations:sign", args=[application.pk])
        planned += [
            Planned("declaration_due", Recipient(member.email, member.user), sign)
            for member in accepted_members(application).filter(user_id__in=data["members_added"])
        ]
    if event.kind == "amendment_arrived":
        stage = data.get("stage", "")
        if stage == "departments":
            teams = [DEPARTMENT_TEAM[department] for department in data.get("departments", [])]
        else:
            teams = AMENDMENT_STAGE_TEAMS.get(stage, [])
        review = reverse("reviews:amendment", args=[application.pk, data.get("amendment_number")])
        for team in teams:
            planned += [
                Planned("amendment_arrival", Recipient(r.email, r.user, {**extra, "team": Team(team).label}), review)
                for r in team_recipients(team)
            ]
    return planned


def staff_of(role: Role) -> list[Recipient]:
    return [Recipient(user.email, user) for user in users_with_roles([role])]
