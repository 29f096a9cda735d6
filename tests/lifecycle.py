"""Helpers that move applications through the lifecycle with the real services."""

from dataclasses import dataclass
from datetime import date, timedelta

from applications.models import Application, DepartmentReview, VariableRequestForm
from applications.services import submit_application, withdraw_application
from applications.states import State
from applications.validation import validate_form
from declarations.models import Declaration
from declarations.services import sign_declaration
from demo.forms import ensure_demo_catalogue, filled_form
from leo_access.models import User
from leo_access.roles import Role
from reviews.models import IntakeItem, PanelMeeting
from reviews.services import (
    accredit_application,
    add_to_agenda,
    close_project,
    create_meeting,
    pass_intake,
    query_application,
    record_department_decision,
    tick_intake_items,
)

from .factories import ApplicationFactory, add_form, add_member, coordinator_of, researcher, staff


@dataclass
class People:
    ras: User
    dfe: User
    hmrc: User
    dwp: User
    panel: User
    admin: User
    delegated: User
    outsider: User

    @classmethod
    def create(cls):
        return cls(
            ras=staff(Role.RAS_OFFICER),
            dfe=staff(Role.DFE_REVIEWER),
            hmrc=staff(Role.HMRC_REVIEWER),
            dwp=staff(Role.DWP_REVIEWER),
            panel=staff(Role.PANEL_MEMBER),
            admin=staff(Role.ADMIN),
            delegated=staff(Role.DELEGATED_OFFICIAL),
            outsider=researcher(),
        )

    def reviewer(self, department: str) -> User:
        return {"dfe": self.dfe, "hmrc": self.hmrc, "dwp": self.dwp}[department]


def application_with_member(**kwargs) -> tuple[Application, User]:
    """A submittable draft with a co-ordinator and one other accepted member."""
    application = ApplicationFactory(**kwargs)
    member = researcher()
    add_member(application, member)
    return application, member


def with_checked_form(application: Application, request: dict | None = None) -> Application:
    """Upload the demo catalogue's form answered with `request` (by default the demo's request, which meets the
    delegation criteria) and check it as an upload is checked, so the application uses its stored result."""
    ensure_demo_catalogue()
    form = add_form(
        application,
        status=VariableRequestForm.Validation.PENDING,
        content=filled_form(application.reference, request),
    )
    checked = validate_form(form.pk)
    assert checked.validation_status == VariableRequestForm.Validation.PASSED, checked.result["findings"]
    return reload(application)


def reload(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def approve(application, people, *departments):
    for department in departments:
        record_department_decision(
            application_id=application.pk,
            by=people.reviewer(department),
            department=department,
            decision=DepartmentReview.Decision.APPROVED,
        )


def pass_checked_intake(application, ras):
    """Tick the whole intake checklist, then pass the application to department review."""
    tick_intake_items(application_id=application.pk, by=ras, items=list(IntakeItem.values))
    pass_intake(application_id=application.pk, by=ras)


def quorate_meeting(panel: User, *, on: date | None = None) -> PanelMeeting:
    return create_meeting(
        by=panel,
        date=on or date.today(),
        members_present="Chair\nIndependent member\nDfE official",
        independent_members="Independent member",
    )


def accredit_at_meeting(application, panel: User, *, by: User | None = None, ends_on: date | None = None):
    """Accredit as the panel does: at a quorate meeting with the application on its agenda. `by` records the
    decision (a panel member unless a test says otherwise); returns the meeting."""
    meeting = quorate_meeting(panel)
    add_to_agenda(meeting_id=meeting.pk, application_id=application.pk, by=panel)
    accredit_application(
        application_id=application.pk,
        by=by or panel,
        meeting_id=meeting.pk,
        ends_on=ends_on or date.today() + timedelta(days=3 * 365),
    )
    return meeting


def advance(application: Application, state: str, people: People) -> Application:
    """Take a draft to `state` along the usual path, with every event recorded. To reach delegated review, the
    application meets the delegation criteria (`with_checked_form`)."""
    coordinator = coordinator_of(application)
    if state == State.DELEGATED_REVIEW:
        application = with_checked_form(application)
    if state == State.DRAFT:
        return reload(application)
    submit_application(application_id=application.pk, by=coordinator)
    if state == State.WITHDRAWN:
        withdraw_application(application_id=application.pk, by=coordinator)
        return reload(application)
    if state == State.QUERIED:
        query_application(application_id=application.pk, by=people.ras, questions="Please clarify the funder.")
        return reload(application)
    if state == State.REJECTED:
        from reviews.services import reject_application

        reject_application(application_id=application.pk, by=people.ras, reasons="Not eligible.")
        return reload(application)
    if state == State.RAS_CHECK:
        return reload(application)
    pass_checked_intake(application, people.ras)
    if state == State.DEPARTMENT_REVIEW:
        return reload(application)
    approve(application, people, "dfe", "hmrc", "dwp")
    if state in (State.PANEL_REVIEW, State.DELEGATED_REVIEW):
        return reload(application)
    accredit_at_meeting(application, people.panel)
    if state == State.ACCREDITED:
        return reload(application)
    for declaration in Declaration.objects.filter(application=application):
        sign_declaration(declaration_id=declaration.pk, by=declaration.member)
    if state == State.ACCESS_GRANTED:
        return reload(application)
    close_project(application_id=application.pk, by=people.admin)
    assert state == State.CLOSED
    return reload(application)
