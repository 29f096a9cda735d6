"""Seed the load test's database through the project's own services and demo helpers.

Called by `run.py` once Django is set up against the dedicated database. Returns the manifest the
locustfile reads: every simulated person's account (and their authenticator's secret), the
applications each works on, and the forms researchers upload with the result the validator gives each.
"""

import hashlib
import random
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from applications.delegation import assess
from applications.models import Application, ApplicationEvent, DepartmentReview, VariableRequestForm
from applications.services import create_application, submit_application
from applications.states import State
from applications.vrf import validate_workbook
from applications.vrf_catalogue import catalogue_for_version
from demo import bulk as demo_bulk
from demo import users as demo
from demo.applications import add_member, ensure_profile, fill_answers, not_all_low_risk
from demo.forms import attach_demo_form, ensure_demo_catalogue, filled_form
from leo_access.models import User
from leo_access.roles import Role
from leo_access.teams import Team
from notifications.models import Message
from reviews.models import IntakeItem
from reviews.services import assign, pass_intake, record_department_decision, tick_intake_items
from tests.vrf_factory import VrfBuilder

from . import plan

PASSWORD = "leo-load-test-passphrase"
ROLE = {
    "ras": Role.RAS_OFFICER,
    "dfe": Role.DFE_REVIEWER,
    "hmrc": Role.HMRC_REVIEWER,
    "dwp": Role.DWP_REVIEWER,
    "panel": Role.PANEL_MEMBER,
    "delegated": Role.DELEGATED_OFFICIAL,
}
STAFF_TEAM = {
    "ras": Team.INTAKE,
    "dfe": Team.DFE,
    "hmrc": Team.HMRC,
    "dwp": Team.DWP,
    "panel": Team.PANEL,
    "delegated": Team.DELEGATED,
}
# Where each seeded stage's applications go once every department has approved.
ROUTE = {State.PANEL_REVIEW: "panel", State.DELEGATED_REVIEW: "delegated"}
ROUTE_STATE = {"panel": State.PANEL_REVIEW, "delegated": State.DELEGATED_REVIEW}


def upload_variants(directory: Path) -> list[dict]:
    """The files researchers upload, written to `directory`, each with the result the validator gives it."""
    directory.mkdir(parents=True, exist_ok=True)
    variants = {
        # The project's own template for the current catalogue, filled in as a researcher would.
        "template-filled": filled_form("LEO-LOAD"),
        # The official layout built by the test suite's generator: a valid request...
        "generated-valid": VrfBuilder().build(),
        # ...and one with a table requested without a justification.
        "generated-missing-justification": VrfBuilder().justify("ks4", None).build(),
        # Not a workbook at all.
        "not-a-workbook": b"Notes for the data request, saved with the wrong name.\n" * 20,
    }
    forms = []
    for name, data in variants.items():
        path = directory / f"{name}.xlsx"
        path.write_bytes(data)
        result = validate_workbook(data, catalogue_for_version=catalogue_for_version).to_dict()
        forms.append({"name": name, "path": str(path), "sha256": hashlib.sha256(data).hexdigest(), "expected": result})
    return forms


def _account(email: str, full_name: str, role: Role, password_hash: str) -> User:
    """An account with its own authenticator app: everyone signs in with a second factor."""
    user = User.objects.create(email=email, full_name=full_name, password=password_hash)
    user.groups.add(Group.objects.get(name=role.value))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


def _researcher(email: str, full_name: str, password_hash: str, today) -> User:
    user = _account(email, full_name, Role.RESEARCHER, password_hash)
    ensure_profile(user, organisation="University of Example", reference=f"DEA-LOAD-{user.pk:05d}", today=today)
    return user


def _application(
    title: str, coordinator: User, co_applicant: User, rng: random.Random, form: bytes | None, route: str = "panel"
):
    """A complete draft, with a checked Variable Request Form when `form` is given. With the "delegated" route it
    meets the delegation criteria (every ethics item low risk, and the seeded form's items within them); with
    "panel" one ethics item is rated average, so it goes to the panel."""
    today = timezone.localdate()
    with transaction.atomic():
        application = create_application(title=title, by=coordinator)
        fill_answers(application, title=title, start=today + timedelta(days=60), rng=rng)
        if route == "panel":
            not_all_low_risk(application)
        add_member(application, co_applicant)
        if form is not None:
            attach_demo_form(application, by=coordinator, data=form)
            # The run's checks expect each application on its route: stop here if the criteria say otherwise.
            if assess(application).eligible != (route == "delegated"):
                raise RuntimeError(f"{title}: does not go the {route} route under the delegation criteria")
    return application


def _crew_application(title, target, route, coordinator, co_applicant, staff, rng, form) -> Application:
    """An application taken to `target` by the services, assigned to the crew member whose work it is."""
    application = _application(title, coordinator, co_applicant, rng, form, route)
    pk = application.pk
    submit_application(application_id=pk, by=coordinator)
    if target == State.RAS_CHECK:
        assign(application_id=pk, team=Team.INTAKE, assignee=staff["ras"], by=staff["ras"])
        return application
    tick_intake_items(application_id=pk, by=staff["ras"], items=list(IntakeItem.values))
    pass_intake(application_id=pk, by=staff["ras"])
    if target == State.DEPARTMENT_REVIEW:
        for role in plan.DEPARTMENTS:
            assign(application_id=pk, team=STAFF_TEAM[role], assignee=staff[role], by=staff[role])
        return application
    for role in plan.DEPARTMENTS:
        record_department_decision(
            application_id=pk, by=staff[role], department=role, decision=DepartmentReview.Decision.APPROVED
        )
    application.refresh_from_db()
    if application.state != target:
        raise RuntimeError(f"{title}: went to {application.state}, not {target}")
    assign(application_id=pk, team=STAFF_TEAM[route], assignee=staff[route], by=staff[route])
    return application


def seed(mix: plan.Mix, *, run_seconds: int, background: int, run_dir: Path, log=print) -> dict:
    rng = random.Random(2026)
    today = timezone.localdate()
    ensure_demo_catalogue()
    demo.ensure_role_groups()
    if background:
        log(f"  {background} generated background applications (seed_demo --applications)...")
        by_role, _ = demo.ensure_demo_users()
        demo_bulk.generate(background, by_role)
    password_hash = make_password(PASSWORD)
    form = filled_form("LEO-LOAD-SEED")

    log(f"  {mix.researchers} researchers with {plan.DRAFTS_PER_RESEARCHER} drafts each...")
    co_applicant = _researcher(plan.CO_APPLICANT_EMAIL, "Load Co-applicant", password_hash, today)
    researchers = []
    for number in range(1, mix.researchers + 1):
        user = _researcher(plan.researcher_email(number), f"Load Researcher {number:03d}", password_hash, today)
        drafts = [
            _application(f"Load draft {index} of researcher {number:03d}", user, co_applicant, rng, None)
            for index in range(1, plan.DRAFTS_PER_RESEARCHER + 1)
        ]
        researchers.append({"user": user, "drafts": [str(d.pk) for d in drafts], "applications": []})

    bare = [
        _researcher(plan.bare_email(number), f"Load Bare Page {number:02d}", password_hash, today)
        for number in range(1, mix.bare + 1)
    ]

    count = plan.per_stage(run_seconds)
    log(
        f"  {mix.crews} crews of six staff, each with {count} applications at RAS check, department review, "
        "panel review and delegated review"
    )
    crews = []
    seeded = {}
    targets = [State.RAS_CHECK, State.DEPARTMENT_REVIEW, State.PANEL_REVIEW, State.DELEGATED_REVIEW]
    next_researcher = 0
    for crew in range(1, mix.crews + 1):
        staff = {
            role: _account(plan.staff_email(role, crew), f"Load {role.upper()} {crew:02d}", ROLE[role], password_hash)
            for role in plan.STAFF_ROLES
        }
        tag = plan.crew_tag(crew)
        for target in targets:
            for index in range(1, count + 1):
                owner = researchers[next_researcher % len(researchers)]
                next_researcher += 1
                title = f"Load study {target} {index} {tag}"
                # Before department review half the applications meet the delegation criteria, half do not.
                route = ROUTE.get(target) or plan.ROUTES[index % 2]
                application = _crew_application(title, target, route, owner["user"], co_applicant, staff, rng, form)
                owner["applications"].append(str(application.pk))
                seeded[str(application.pk)] = {"crew": crew, "state": str(target), "route": route}
        crews.append(
            {
                "crew": crew,
                "tag": tag,
                "staff": {
                    role: {"email": user.email, "password": PASSWORD, "totp_secret": user.totp_secret}
                    for role, user in staff.items()
                },
            }
        )

    for owner in researchers:
        for pk in owner["drafts"]:
            seeded[pk] = {"crew": None, "state": str(State.DRAFT)}
    return {
        "password": PASSWORD,
        "researchers": [
            {
                "email": r["user"].email,
                "password": PASSWORD,
                "totp_secret": r["user"].totp_secret,
                "drafts": r["drafts"],
                "applications": r["applications"],
            }
            for r in researchers
        ],
        "crews": crews,
        "bare": [{"email": user.email, "password": PASSWORD, "totp_secret": user.totp_secret} for user in bare],
        "forms": upload_variants(run_dir / "forms"),
        "seeded": seeded,
        # Everything after these ids was done by the simulated users.
        "last_event_id": ApplicationEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "last_form_id": VariableRequestForm.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "last_message_id": Message.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "applications_in_database": Application.objects.count(),
    }
