"""Demo and generated applications, moved through the lifecycle by the real services.

Histories are recorded in the past with `applications.clock.frozen_at`, so days in
stage and stage times look like a service that has been running for a while.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from applications import clock
from applications.closure.services import close_early
from applications.ethics import ITEMS
from applications.models import Application, DepartmentReview, TeamMember
from applications.services import create_application, resubmit_application, submit_application, withdraw_application
from applications.states import State
from declarations.models import Declaration
from declarations.services import sign_declaration
from leo_access.models import AccreditationType, ResearcherProfile, User
from leo_access.roles import Role
from reviews.models import IntakeItem
from reviews.services import (
    accredit_application,
    add_to_agenda,
    close_meeting,
    close_project,
    create_meeting,
    pass_intake,
    query_application,
    record_department_decision,
    reject_application,
    tick_intake_items,
)

from .forms import attach_demo_form

PUBLIC_BENEFIT = ["public_policy", "public_services", "understanding_trends"]


@dataclass
class Staff:
    ras: User
    dfe: User
    hmrc: User
    dwp: User
    panel: User
    admin: User

    @classmethod
    def from_roles(cls, by_role: dict[Role, list[User]]):
        first = {role: users[0] for role, users in by_role.items()}
        return cls(
            ras=first[Role.RAS_OFFICER],
            dfe=first[Role.DFE_REVIEWER],
            hmrc=first[Role.HMRC_REVIEWER],
            dwp=first[Role.DWP_REVIEWER],
            panel=first[Role.PANEL_MEMBER],
            admin=first[Role.ADMIN],
        )


def ensure_profile(user: User, *, organisation: str, reference: str, today: date) -> ResearcherProfile:
    profile, _ = ResearcherProfile.objects.get_or_create(
        user=user,
        defaults={
            "organisation": organisation,
            "accreditation_type": AccreditationType.FULL,
            "accreditation_reference": reference,
            "accreditation_valid_from": today - timedelta(days=400),
            "accreditation_valid_until": today + timedelta(days=4 * 365),
        },
    )
    return profile


def fill_answers(application: Application, *, title: str, start: date, rng: random.Random):
    """Complete every section with plausible answers."""
    application.title = title
    application.lay_summary = (
        "We will study how the qualifications people gain at school, college and university relate to "
        "their employment and earnings in later life."
    )
    application.abstract = "A linked-data study of education and labour-market outcomes using LEO."
    application.research_questions = "1. How do earnings differ by route through post-16 education?"
    application.methodology = "Descriptive analysis and fixed-effects regression on linked records."
    application.software = "R and Stata in the Secure Research Service"
    application.start_date = start
    application.end_date = start + timedelta(days=rng.choice([540, 730, 1095]))
    application.funder = rng.choice(["Economic and Social Research Council", "Nuffield Foundation", "None"])
    application.public_benefit_categories = rng.sample(PUBLIC_BENEFIT, 2)
    application.public_benefit_statement = "Evidence for decisions on post-16 education funding."
    application.dissemination_plan = "A working paper, a journal article and a policy briefing."
    application.publication_committed = True
    application.ethics_route = "self_assessment"
    application.ethics_self_assessment = {
        str(item.number): {"risk": "low", "justification": "Only de-identified data in the secure service."}
        for item in ITEMS
    }
    application.access_location = "ons_safe_setting"
    application.output_checking = "Every output goes through the Secure Research Service's disclosure checks."
    application.save()


def add_member(application: Application, user: User):
    TeamMember.objects.get_or_create(
        application=application,
        email=user.email,
        defaults={"user": user, "status": TeamMember.Status.ACCEPTED, "role": TeamMember.Role.MEMBER},
    )


# The path each target state takes: (step, days it takes, drawn from a range).
PATHS = {
    State.DRAFT: [],
    State.RAS_CHECK: ["submit"],
    State.QUERIED: ["submit", "query_intake"],
    State.DEPARTMENT_REVIEW: ["submit", "pass", "dfe"],
    State.PANEL_REVIEW: ["submit", "pass", "dfe", "hmrc", "dwp"],
    State.DELEGATED_REVIEW: ["submit", "pass", "dfe", "hmrc", "dwp"],
    State.ACCREDITED: ["submit", "pass", "dfe", "hmrc", "dwp", "accredit"],
    State.ACCESS_GRANTED: ["submit", "pass", "dfe", "hmrc", "dwp", "accredit", "sign"],
    State.CLOSED: ["submit", "pass", "dfe", "hmrc", "dwp", "accredit", "sign", "close"],
    State.REJECTED: ["submit", "pass", "dfe", "reject_hmrc"],
    State.WITHDRAWN: ["submit", "withdraw"],
}
STEP_DAYS = {
    "submit": (1, 30),
    "query_intake": (2, 10),
    "answer": (3, 20),
    "pass": (2, 15),
    "dfe": (3, 25),
    "hmrc": (1, 20),
    "dwp": (1, 20),
    "reject_hmrc": (3, 30),
    "accredit": (7, 30),
    "sign": (2, 20),
    "close": (300, 700),
    "close_early": (20, 40),
    "withdraw": (5, 40),
}


def plan_history(
    target: State, rng: random.Random, preferred_start: datetime, steps: list[str] | None = None
) -> tuple[datetime, list]:
    """The steps to `target` (or those given), each with how long after the previous one it happens, and a start
    early enough for all of them to be in the past."""
    steps = list(steps or PATHS[target])
    # Some applications that went on were queried at intake and answered first.
    if len(steps) > 2 and rng.random() < 0.25:
        steps[1:1] = ["query_intake", "answer"]
    plan = [(step, timedelta(days=rng.randint(*STEP_DAYS[step]), hours=rng.randint(0, 8))) for step in steps]
    latest_start = timezone.now() - sum((delay for _, delay in plan), timedelta()) - timedelta(hours=1)
    return min(preferred_start, latest_start), plan


def play(application: Application, plan: list, staff: Staff, *, start: datetime):
    coordinator = application.created_by
    moment = start
    for step, delay in plan:
        moment += delay
        with clock.frozen_at(moment):
            _step(application, step, staff, coordinator)


def _step(application, step, staff, coordinator):
    pk = application.pk
    if step == "submit":
        submit_application(application_id=pk, by=coordinator)
    elif step == "query_intake":
        query_application(application_id=pk, by=staff.ras, questions="Please explain why each NPD table is needed.")
    elif step == "answer":
        resubmit_application(application_id=pk, by=coordinator, answers="Each table answers one research question.")
    elif step == "pass":
        tick_intake_items(application_id=pk, by=staff.ras, items=list(IntakeItem.values))
        pass_intake(application_id=pk, by=staff.ras)
    elif step in ("dfe", "hmrc", "dwp"):
        record_department_decision(
            application_id=pk, by=getattr(staff, step), department=step, decision=DepartmentReview.Decision.APPROVED
        )
    elif step == "reject_hmrc":
        record_department_decision(
            application_id=pk,
            by=staff.hmrc,
            department="hmrc",
            decision=DepartmentReview.Decision.REJECTED,
            reasons="The earnings variables requested are not needed for the research questions.",
        )
    elif step == "accredit":
        accredit_at_meeting(application, staff)
    elif step == "sign":
        for declaration in Declaration.objects.filter(application_id=pk, signed_at__isnull=True):
            sign_declaration(declaration_id=declaration.pk, by=declaration.member)
    elif step == "close":
        close_project(application_id=pk, by=staff.admin, reason="The project ended.")
    elif step == "close_early":
        close_early(application_id=pk, by=coordinator, reason="The analysis finished ahead of plan.")
    elif step == "withdraw":
        withdraw_application(application_id=pk, by=coordinator, reason="The funding did not come through.")
    elif step == "reject_intake":
        reject_application(application_id=pk, by=staff.ras, reasons="The applicant is not accredited.")


def accredit_at_meeting(application, staff):
    """The panel meets that day with its quorum, accredits the application on its agenda and closes the meeting."""
    today = timezone.localdate(clock.now())
    meeting = create_meeting(
        by=staff.panel,
        date=today,
        members_present="Chair (independent)\nONS member\nDfE official",
        independent_members="Chair (independent)",
    )
    add_to_agenda(meeting_id=meeting.pk, application_id=application.pk, by=staff.panel)
    accredit_application(
        application_id=application.pk,
        by=staff.panel,
        meeting_id=meeting.pk,
        conditions="Outputs to be checked against the threshold of 10 observations.",
        ends_on=application.end_date if application.end_date > today else today + timedelta(days=365),
    )
    close_meeting(meeting_id=meeting.pk, by=staff.panel)


DEMO_APPLICATIONS = [
    ("Returns to apprenticeships by region", State.DRAFT),
    ("Earnings of graduates who studied part-time", State.RAS_CHECK),
    ("Benefit spells after leaving further education", State.QUERIED),
    ("Employment outcomes of care leavers", State.DEPARTMENT_REVIEW),
    ("Self-employment after university", State.PANEL_REVIEW),
    ("Further education and earnings at 30", State.DELEGATED_REVIEW),
    ("Teacher training and later earnings", State.ACCREDITED),
    ("Labour-market returns to level 3 qualifications", State.ACCESS_GRANTED),
    ("Graduate earnings by type of school attended", State.CLOSED),
    ("Furlough and the early careers of graduates", State.REJECTED),
]


def not_all_low_risk(application: Application):
    """One ethics item rated average: the application then goes to the panel rather than a delegated official
    (`applications.delegation`), as most of the demo's do."""
    application.ethics_self_assessment["6"] = {
        "risk": "average",
        "justification": "Some regional groups are small; every output is checked before release.",
    }
    application.save()


def ensure_demo_applications(by_role: dict[Role, list[User]]) -> int:
    """The named demo applications, created once. Returns how many were new."""
    researcher, second = by_role[Role.RESEARCHER][:2]
    today = timezone.localdate()
    ensure_profile(researcher, organisation="University of Example", reference="DEA-2024-0117", today=today)
    ensure_profile(second, organisation="University of Example", reference="DEA-2023-0458", today=today)
    staff = Staff.from_roles(by_role)
    existing = set(Application.objects.filter(created_by=researcher).values_list("title", flat=True))
    rng = random.Random(42)
    created = 0
    for index, (title, target) in enumerate(DEMO_APPLICATIONS):
        if title in existing:
            continue
        # The named closed project was closed early by its co-ordinator, within its team's accreditation.
        steps = [*PATHS[State.ACCESS_GRANTED], "close_early"] if target == State.CLOSED else None
        start, plan = plan_history(target, rng, timezone.now() - timedelta(days=200 - index * 12), steps)
        with transaction.atomic(), clock.frozen_at(start):
            application = create_application(title=title, by=researcher)
            fill_answers(application, title=title, start=today + timedelta(days=60), rng=rng)
            if target != State.DELEGATED_REVIEW:
                not_all_low_risk(application)
            if target != State.DRAFT:
                add_member(application, second)
                attach_demo_form(application, by=researcher)
        play(application, plan, staff, start=start)
        created += 1
    return created


# How often each state occurs among generated applications (for benchmarks).
GENERATED_MIX = [
    (State.DRAFT, 14),
    (State.RAS_CHECK, 7),
    (State.QUERIED, 6),
    (State.DEPARTMENT_REVIEW, 12),
    (State.PANEL_REVIEW, 7),
    (State.DELEGATED_REVIEW, 3),
    (State.ACCREDITED, 5),
    (State.ACCESS_GRANTED, 26),
    (State.CLOSED, 9),
    (State.REJECTED, 8),
    (State.WITHDRAWN, 6),
]
ORGANISATIONS = [
    "University of Example",
    "Institute for Fiscal Research",
    "Northern Policy Centre",
    "College of Economics",
    "Education Evidence Trust",
]
