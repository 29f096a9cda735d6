"""What an application needs before it can be submitted. Pure logic, no database.

`applications.selectors.submission_facts` gathers the facts; these rules judge them,
so the page can list every problem at once and the tests run in microseconds.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Section(StrEnum):
    PROJECT = "project"
    PUBLIC_BENEFIT = "public_benefit"
    TEAM = "team"
    DATA = "data"
    ETHICS = "ethics"
    SAFEGUARDS = "safeguards"


class SectionStatus(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class MemberFacts:
    email: str
    name: str
    is_coordinator: bool
    accepted: bool
    organisation: str = ""
    accreditation_type: str = ""  # "full", "provisional" or ""
    accreditation_reference: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    supervisor_email: str = ""


@dataclass(frozen=True)
class SubmissionFacts:
    section_statuses: dict[Section, SectionStatus]
    members: list[MemberFacts]
    end_date: date | None
    latest_form_status: str | None  # "passed", "failed", "pending", "running" or None
    ethics_evidence: bool
    publication_committed: bool
    pending_invitations: int = 0


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    section: Section | None = None
    extra: dict = field(default_factory=dict)


SECTION_NAMES = {
    Section.PROJECT: "Project details",
    Section.PUBLIC_BENEFIT: "Public benefit",
    Section.TEAM: "Team",
    Section.DATA: "Data requested",
    Section.ETHICS: "Ethics",
    Section.SAFEGUARDS: "Access and safeguards",
}


def accreditation_problem(member: MemberFacts, end_date: date | None, today: date) -> str | None:
    """Why this member's own accreditation does not cover the project, or None."""
    who = member.name or member.email
    if member.accreditation_type not in ("full", "provisional") or not member.valid_until:
        return f"{who} has no research accreditation recorded."
    if member.valid_from and member.valid_from > today:
        return f"{who}'s accreditation starts on {member.valid_from:%-d %B %Y}, which is in the future."
    if member.valid_until < today:
        return f"{who}'s accreditation expired on {member.valid_until:%-d %B %Y}."
    if end_date and member.valid_until < end_date:
        return (
            f"{who}'s accreditation ends on {member.valid_until:%-d %B %Y}, before the project ends on "
            f"{end_date:%-d %B %Y}."
        )
    return None


def team_problems(members: list[MemberFacts], end_date: date | None, today: date) -> list[Problem]:
    problems = []
    accepted = [m for m in members if m.accepted]
    coordinators = [m for m in accepted if m.is_coordinator]
    if len(coordinators) != 1:
        problems.append(
            Problem(
                "coordinator_count",
                f"The team must have exactly one project co-ordinator; it has {len(coordinators)}.",
                Section.TEAM,
            )
        )
    for member in accepted:
        problems.extend(member_problems(member, accepted, end_date, today))
    return problems


def member_problems(member: MemberFacts, team: list[MemberFacts], end_date: date | None, today: date) -> list[Problem]:
    """Why this member may not work on the project: their own accreditation must cover it to its end, and a
    provisional member needs their supervisor among `team` (the accepted members). Submission and signing the
    Individual Declaration both ask this."""
    reason = accreditation_problem(member, end_date, today)
    if reason:
        return [Problem("accreditation", reason, Section.TEAM, {"email": member.email})]
    if member.accreditation_type == "provisional":
        return _supervision_problems(member, {m.email.lower(): m for m in team}, end_date, today)
    return []


def continuing_access_problems(member: MemberFacts, team: list[MemberFacts], today: date) -> list[Problem]:
    """Why a member who already has access must be suspended today: the rule of signing without the project's end
    date, so only what has lapsed counts - their own accreditation, or a provisional member's supervisor's (who
    must still be an accepted member of `team`)."""
    return member_problems(member, team, None, today)


def _supervision_problems(member, by_email, end_date, today) -> list[Problem]:
    who = member.name or member.email
    supervisor = by_email.get(member.supervisor_email.lower()) if member.supervisor_email else None
    if supervisor is None:
        return [
            Problem(
                "supervisor_missing",
                f"{who} holds provisional accreditation and needs their fully accredited supervisor on the team.",
                Section.TEAM,
                {"email": member.email},
            )
        ]
    sup = supervisor.name or supervisor.email
    if supervisor.accreditation_type != "full" or accreditation_problem(supervisor, end_date, today):
        return [
            Problem(
                "supervisor_not_accredited",
                f"{who}'s supervisor, {sup}, must hold full accreditation valid until the project ends.",
                Section.TEAM,
                {"email": member.email},
            )
        ]
    if supervisor.organisation.strip().casefold() != member.organisation.strip().casefold():
        return [
            Problem(
                "supervisor_other_organisation",
                f"{who}'s supervisor, {sup}, must be at the same organisation ({member.organisation or 'not given'}).",
                Section.TEAM,
                {"email": member.email},
            )
        ]
    return []


def submission_problems(facts: SubmissionFacts, today: date) -> list[Problem]:
    """Everything that stops this application being submitted, in the order of the task list."""
    problems = [
        Problem("section_incomplete", f"Complete the section: {SECTION_NAMES[section]}.", section)
        for section, status in facts.section_statuses.items()
        if status != SectionStatus.COMPLETED
    ]
    if facts.pending_invitations:
        problems.append(
            Problem(
                "invitations_pending",
                f"{facts.pending_invitations} team invitation(s) have not been answered. "
                "Wait for them, or remove the invitation.",
                Section.TEAM,
            )
        )
    problems.extend(team_problems(facts.members, facts.end_date, today))
    if facts.latest_form_status != "passed":
        message = {
            None: "Upload a Variable Request Form.",
            "failed": "The latest Variable Request Form has errors. Correct them and upload it again.",
        }.get(facts.latest_form_status, "Wait until the latest Variable Request Form has been checked.")
        problems.append(Problem("variable_request_form", message, Section.DATA))
    if not facts.ethics_evidence:
        problems.append(
            Problem(
                "ethics_evidence",
                "Complete the ethics self-assessment, or give another committee's approval and its letter.",
                Section.ETHICS,
            )
        )
    if not facts.publication_committed:
        problems.append(
            Problem("publication", "Commit to publishing the results of the research.", Section.PUBLIC_BENEFIT)
        )
    return problems
