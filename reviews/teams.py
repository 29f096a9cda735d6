"""Which roles make up each staff team, and which application states each team's queue holds."""

from leo_access.roles import Department, Role, roles_of

from .models import Team

TEAM_ROLES = {
    Team.INTAKE: (Role.RAS_OFFICER,),
    Team.DFE: (Role.DFE_REVIEWER,),
    Team.HMRC: (Role.HMRC_REVIEWER,),
    Team.DWP: (Role.DWP_REVIEWER,),
    Team.PANEL: (Role.PANEL_MEMBER,),
}
DEPARTMENT_TEAMS = {Team.DFE: Department.DFE, Team.HMRC: Department.HMRC, Team.DWP: Department.DWP}


def in_team(user, team: Team) -> bool:
    return bool(set(roles_of(user)) & set(TEAM_ROLES[Team(team)]))


def teams_of(user) -> list[Team]:
    """The queues a person may open: their own teams' (admins see every queue)."""
    held = roles_of(user)
    if Role.ADMIN in held:
        return list(Team)
    return [team for team in Team if set(held) & set(TEAM_ROLES[team])]
