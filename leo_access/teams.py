"""Which staff team holds which stage, and which roles make up each team: the one map that queues, permissions,
assignments and messages read.

Stages are named by the application states that they are (`applications.states.State`; a test checks that they
agree), since this layer stands below the applications app.
"""

from django.db import models

from .roles import DEPARTMENT_REVIEWER_ROLE, Department, Role, roles_of


class Team(models.TextChoices):
    """The staff teams that each hold a queue."""

    INTAKE = "intake", "RAS intake"
    DFE = "dfe", "DfE"
    HMRC = "hmrc", "HMRC"
    DWP = "dwp", "DWP"
    PANEL = "panel", "Research Accreditation Panel"
    DELEGATED = "delegated", "Delegated accreditation"


DEPARTMENT_TEAMS = {Team.DFE: Department.DFE, Team.HMRC: Department.HMRC, Team.DWP: Department.DWP}
TEAM_ROLES: dict[Team, tuple[Role, ...]] = {
    Team.INTAKE: (Role.RAS_OFFICER,),
    **{team: (DEPARTMENT_REVIEWER_ROLE[department],) for team, department in DEPARTMENT_TEAMS.items()},
    Team.PANEL: (Role.PANEL_MEMBER,),
    Team.DELEGATED: (Role.DELEGATED_OFFICIAL,),
}
# The stage whose work each team does.
TEAM_STAGES: dict[Team, str] = {
    Team.INTAKE: "ras_check",
    Team.DFE: "department_review",
    Team.HMRC: "department_review",
    Team.DWP: "department_review",
    Team.PANEL: "panel_review",
    Team.DELEGATED: "delegated_review",
}
# The teams whose queue an application reaches when it enters a stage.
STAGE_TEAMS: dict[str, list[Team]] = {}
for _team, _stage in TEAM_STAGES.items():
    STAGE_TEAMS.setdefault(_stage, []).append(_team)


def in_team(user, team: Team) -> bool:
    return bool(set(roles_of(user)) & set(TEAM_ROLES[Team(team)]))


def teams_of(user) -> list[Team]:
    """The queues a person may open: their own teams' (admins see every queue)."""
    held = roles_of(user)
    if Role.ADMIN in held:
        return list(Team)
    return [team for team in Team if set(held) & set(TEAM_ROLES[team])]


def holds_stage(user, stage: str) -> bool:
    """Is this person in a team that works at `stage`?"""
    return any(in_team(user, team) for team in STAGE_TEAMS.get(stage, ()))
