"""Reads: what a person may see of applications, and the facts the rules judge."""

from django.db.models import Count, Q, QuerySet

from leo_access.permissions import has_permission, submitted_q

from .ethics import self_assessment_complete
from .models import (
    Application,
    ApplicationEvent,
    ApprovalCondition,
    DepartmentReview,
    TeamMember,
    VariableRequestForm,
)
from .rules import MemberFacts, Section, SectionStatus, SubmissionFacts
from .sections import SECTION_FIELDS
from .states import State
from .vrf import diff_results


def applications_for_member(user) -> QuerySet[Application]:
    """Applications the person leads or is a member of."""
    return (
        Application.objects.filter(Q(team_members__user=user) & Q(team_members__status=TeamMember.Status.ACCEPTED))
        .distinct()
        .order_by("-updated_at")
    )


def submitted_applications() -> QuerySet[Application]:
    """Every application staff may see: those submitted at least once (`permissions.was_submitted`). A draft is
    its team's alone, so the staff lists, counts and exports start here."""
    return Application.objects.filter(submitted_q())


def invitations_for(user) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(user=user, status=TeamMember.Status.INVITED).select_related(
        "application__created_by"
    )


def application_for(user, application_id) -> Application | None:
    """The application if this person may see it, else None (shown as 404, so existence is not revealed)."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None or not has_permission(user, "application.view", application):
        return None
    return application


def current_of(forms: list[VariableRequestForm]) -> VariableRequestForm | None:
    """Of uploads newest first, the one the application uses: the newest that passed its checks. A failed upload
    is kept and shown but replaces nothing; before any has passed, the newest, so that its status shows."""
    passed = VariableRequestForm.Validation.PASSED
    forms = [form for form in forms if not form.proposed]
    return next((form for form in forms if form.validation_status == passed), forms[0] if forms else None)


def current_form(application: Application) -> VariableRequestForm | None:
    """The form the application uses: for the submission rules, the datasets requested, reviews and queries."""
    passed = VariableRequestForm.Validation.PASSED
    forms = application.variable_request_forms.filter(proposed=False).order_by("-version")
    return forms.filter(validation_status=passed).first() or forms.first()


def form_status(forms: list[VariableRequestForm]) -> str | None:
    """The status the submission rules judge: a newer upload still being checked holds submission until its check
    ends (it may become the current form), else the current form's."""
    checking = (VariableRequestForm.Validation.PENDING, VariableRequestForm.Validation.RUNNING)
    forms = [form for form in forms if not form.proposed]
    if forms and forms[0].validation_status in checking:
        return forms[0].validation_status
    form = current_of(forms)
    return form.validation_status if form else None


def data_fingerprint(application: Application) -> str:
    """What identifies the data requested now: the current form's SHA-256."""
    form = current_form(application)
    return form.sha256 if form else ""


def _status(filled: list[bool]) -> SectionStatus:
    if all(filled):
        return SectionStatus.COMPLETED
    if any(filled):
        return SectionStatus.IN_PROGRESS
    return SectionStatus.NOT_STARTED


def ethics_evidence(application: Application) -> bool:
    if application.ethics_route == "self_assessment":
        return self_assessment_complete(application.ethics_self_assessment or {})
    if application.ethics_route == "committee":
        return all(
            [
                application.ethics_committee_name.strip(),
                application.ethics_committee_reference.strip(),
                application.ethics_approval_date,
                application.ethics_approval_letter,
            ]
        )
    return False


def section_statuses(application: Application, *, members=None, forms=None) -> dict[Section, SectionStatus]:
    """Each task-list section's status. `members` and `forms` may be passed in when already loaded."""
    project = [bool(str(getattr(application, name) or "").strip()) for name in SECTION_FIELDS[Section.PROJECT]]
    if all(project) and application.start_date >= application.end_date:
        project[-1] = False  # dates in the wrong order are not complete
    public_benefit = [
        bool(application.public_benefit_categories),
        bool(application.public_benefit_statement.strip()),
        bool(application.dissemination_plan.strip()),
        application.publication_committed,
    ]
    members = list(application.team_members.all()) if members is None else members
    accepted = [m for m in members if m.status == TeamMember.Status.ACCEPTED]
    team = [
        sum(1 for m in accepted if m.role == TeamMember.Role.COORDINATOR) == 1,
        not any(m.status == TeamMember.Status.INVITED for m in members),
    ]
    forms = list(application.variable_request_forms.order_by("-version")) if forms is None else forms
    data = [bool(forms), form_status(forms) == VariableRequestForm.Validation.PASSED]
    ethics = [bool(application.ethics_route), ethics_evidence(application)]
    safeguards = [
        bool(application.access_location),
        application.access_location == "ons_safe_setting" or bool(application.aoc_organisation.strip()),
        bool(application.output_checking.strip()),
    ]
    return {
        Section.PROJECT: _status(project),
        Section.PUBLIC_BENEFIT: _status(public_benefit),
        Section.TEAM: _status(team),
        Section.DATA: _status(data),
        Section.ETHICS: _status(ethics),
        Section.SAFEGUARDS: _status(safeguards),
    }


def member_facts(member: TeamMember) -> MemberFacts:
    user = member.account
    profile = getattr(user, "researcher_profile", None) if user else None
    return MemberFacts(
        email=member.email,
        name=(user.full_name if user else "") or member.email,
        is_coordinator=member.role == TeamMember.Role.COORDINATOR,
        accepted=member.status == TeamMember.Status.ACCEPTED,
        organisation=profile.organisation if profile else "",
        accreditation_type=profile.accreditation_type if profile else "",
        accreditation_reference=profile.accreditation_reference if profile else "",
        valid_from=profile.accreditation_valid_from if profile else None,
        valid_until=profile.accreditation_valid_until if profile else None,
        supervisor_email=(profile.supervisor.email if profile and profile.supervisor else ""),
    )


def current_member_facts(application: Application) -> list[MemberFacts]:
    """The accepted members' facts: the team a provisional member's supervisor must belong to."""
    members = application.current_members().select_related("user__researcher_profile__supervisor")
    return [member_facts(m) for m in members]


def submission_facts(application: Application) -> SubmissionFacts:
    members = list(
        application.team_members.select_related("user__researcher_profile__supervisor").exclude(
            status__in=[TeamMember.Status.REMOVED, TeamMember.Status.DECLINED]
        )
    )
    forms = list(application.variable_request_forms.order_by("-version"))
    return SubmissionFacts(
        section_statuses=section_statuses(application, forms=forms),
        members=[member_facts(m) for m in members],
        end_date=application.end_date,
        latest_form_status=form_status(forms),
        ethics_evidence=ethics_evidence(application),
        publication_committed=application.publication_committed,
        pending_invitations=sum(1 for m in members if m.status == TeamMember.Status.INVITED),
    )


def current_department_reviews(application: Application) -> QuerySet[DepartmentReview]:
    return application.department_reviews.filter(superseded_at__isnull=True).order_by("department")


def timeline(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("at", "id")


def form_difference(latest, previous) -> dict | None:
    """What changed in the data requested between two checked versions of the form."""
    if not latest or not previous or not latest.result or not previous.result:
        return None
    return {"previous_version": previous.version, **diff_results(previous.result, latest.result)}


def all_overdue_conditions(today) -> QuerySet[ApprovalCondition]:
    """Conditions past their due date and not settled, on projects that are still open, oldest due first."""
    return (
        ApprovalCondition.objects.filter(due_date__lt=today)
        .exclude(state__in=[ApprovalCondition.State.MET, ApprovalCondition.State.WAIVED])
        .exclude(application__state__in=[State.CLOSED, State.WITHDRAWN, State.REJECTED])
        .select_related("application")
        .order_by("due_date", "pk")
    )


def chased_by(team: str) -> Q:
    """The conditions a staff team chases: those it owns or set."""
    return Q(owner_team=team) | Q(set_by_team=team)


def overdue_conditions(team: str, today) -> QuerySet[ApprovalCondition]:
    """The overdue conditions a staff team owns or set (and so chases), oldest due first."""
    return all_overdue_conditions(today).filter(chased_by(team))


def overdue_condition_counts(teams, today) -> dict:
    """How many conditions are overdue in all, and how many each team chases: one aggregate query."""
    aggregates = {"total": Count("pk")} | {team: Count("pk", filter=chased_by(team)) for team in teams}
    return all_overdue_conditions(today).order_by().aggregate(**aggregates)
