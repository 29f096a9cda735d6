"""Reads of amendments and versions: a project's amendments and version history, one amendment, and the queue of
amendments a staff team holds."""

from django.db.models import Q, QuerySet

from leo_access.roles import department_of
from leo_access.teams import Team, in_team

from ..models import Amendment, AmendmentReview, Application, ProjectVersion

STAGE_OF_TEAM = {
    Team.INTAKE: Amendment.Stage.RAS,
    Team.PANEL: Amendment.Stage.PANEL,
    Team.DELEGATED: Amendment.Stage.DELEGATED,
}


def amendments_of(application: Application) -> QuerySet[Amendment]:
    return (
        application.amendments.select_related("add_user", "remove_member", "new_coordinator")
        .prefetch_related("forms")
        .order_by("-number")
    )


def amendment_of(application: Application, number: int) -> Amendment | None:
    return amendments_of(application).filter(number=number).first()


def versions_of(application: Application) -> list[ProjectVersion]:
    """The approved versions, newest first; a project never amended shows none (it is version 1, as accredited)."""
    return list(application.versions.select_related("amendment").order_by("-number"))


def amendment_queue(user) -> QuerySet[Amendment]:
    """The amendments this person's team holds, longest waiting first: the RAS's, the panel's or the delegated
    officials', and a department's while its own review is pending."""
    stages = [stage for team, stage in STAGE_OF_TEAM.items() if in_team(user, team)]
    condition = Q(stage__in=stages)
    department = department_of(user)
    if department:
        condition |= Q(
            stage=Amendment.Stage.DEPARTMENTS,
            reviews__department=department,
            reviews__decision=AmendmentReview.Decision.PENDING,
        )
    waiting = Amendment.objects.filter(state__in=Amendment.REVIEW_STATES).filter(condition)
    return waiting.select_related("application").order_by("stage_entered_at", "id")
