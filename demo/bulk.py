"""Many generated applications at once, for benchmarks (`seed_demo --applications N`).

Running each history through the services costs about 70 ms an application, far too slow for 100,000.
This writes the same rows the services would (applications, team, forms, events, department reviews,
queries, declarations) with bulk inserts. The histories follow `demo_applications.PATHS`; the tests
check that each one chains from draft to its final state exactly as the lifecycle allows.
"""

import hashlib
import random
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from applications.member_access.services import access_ends_on
from applications.models import (
    Application,
    ApplicationEvent,
    DepartmentReview,
    MemberAccess,
    Query,
    ReferenceCounter,
    TeamMember,
    VariableRequestForm,
    joined,
)
from applications.states import State
from applications.validation import datasets_requested
from applications.vrf import validate_workbook
from applications.vrf_catalogue import catalogue_for_version
from declarations.models import Declaration
from leo_access.models import AccreditationType, ResearcherProfile, User
from leo_access.roles import Role
from reviews.tracking.models import StageDurationStale, changes_stage_times

from .applications import GENERATED_MIX, ORGANISATIONS, Staff, plan_history
from .forms import ensure_demo_catalogue, filled_form

BATCH = 2000
# What a generated application's history is written to, in this order (each refers to those before it).
HISTORY_MODELS = (
    TeamMember,
    VariableRequestForm,
    ApplicationEvent,
    DepartmentReview,
    Query,
    Declaration,
    MemberAccess,
    StageDurationStale,
)
# Every table the generator writes: their planner statistics are refreshed when it ends.
WRITTEN_MODELS = (User, User.groups.through, ResearcherProfile, Application, ReferenceCounter, *HISTORY_MODELS)
SHARED_FORM_NAME = "variable-request-forms/generated/shared-generated-form.xlsx"


def generate(count: int, by_role: dict[Role, list[User]], *, seed: int = 2026) -> int:
    """Add `count` applications with full histories, in batches. Returns how many were added."""
    rng = random.Random(seed + Application.objects.count())
    staff = Staff.from_roles(by_role)
    form_data, result = _shared_form()
    researchers = _researchers(max(4, min(count // 3, 20000)), rng)
    states = [state for state, _ in GENERATED_MIX]
    weights = [weight for _, weight in GENERATED_MIX]
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        with transaction.atomic():
            _batch(size, done, rng, staff, researchers, states, weights, form_data, result)
        done += size
    _refresh_statistics()
    return done


def _refresh_statistics():
    """After a bulk load the planner's row estimates are stale, and index-only scans still visit the table, until
    autovacuum gets round to it: every table written is analysed (the users' too, which people searches read).
    VACUUM needs to be outside a transaction, ANALYZE alone does not."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in WRITTEN_MODELS:
            cursor.execute(f'{command} "{model._meta.db_table}"')


def _shared_form() -> tuple[dict, dict]:
    """One stored workbook, checked once by the validator, that every generated application's form points to."""
    ensure_demo_catalogue()
    data = filled_form("LEO-GENERATED")
    if not default_storage.exists(SHARED_FORM_NAME):
        default_storage.save(SHARED_FORM_NAME, ContentFile(data))
    result = validate_workbook(data, catalogue_for_version=catalogue_for_version).to_dict()
    return {"file": SHARED_FORM_NAME, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}, result


def _researchers(size: int, rng: random.Random) -> list[User]:
    existing = list(User.objects.filter(email__startswith="generated.researcher.").order_by("pk")[:size])
    group = Group.objects.get_or_create(name=Role.RESEARCHER.value)[0]
    missing = size - len(existing)
    if missing > 0:
        start = len(existing)
        new = [
            User(email=f"generated.researcher.{start + i}@example.org", full_name=f"Generated Researcher {start + i}")
            for i in range(missing)
        ]
        for user in new:
            user.set_unusable_password()
        User.objects.bulk_create(new, batch_size=BATCH)
        new = list(User.objects.filter(email__in=[u.email for u in new]))
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=group.pk) for user in new], batch_size=BATCH
        )
        existing += new
    today = timezone.localdate()
    have = set(ResearcherProfile.objects.filter(user__in=existing).values_list("user_id", flat=True))
    ResearcherProfile.objects.bulk_create(
        [
            ResearcherProfile(
                user=user,
                organisation=rng.choice(ORGANISATIONS),
                accreditation_type=AccreditationType.FULL,
                accreditation_reference=f"DEA-GEN-{user.pk:06d}",
                accreditation_valid_from=today - timedelta(days=5 * 365),
                accreditation_valid_until=today + timedelta(days=5 * 365),
            )
            for user in existing
            if user.pk not in have
        ],
        batch_size=BATCH,
    )
    return existing


def _references(starts) -> list[str]:
    """Reserve the next reference number in each year, as `create_application` does one at a time."""
    by_year = defaultdict(int)
    for start in starts:
        by_year[start.year] += 1
    next_number = {}
    for year, needed in by_year.items():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
        next_number[year] = counter.last + 1
        counter.last += needed
        counter.save(update_fields=["last"])
    references = []
    for start in starts:
        references.append(f"LEO-{start.year}-{next_number[start.year]:04d}")
        next_number[start.year] += 1
    return references


def _batch(size, offset, rng, staff, researchers, states, weights, form_data, result):
    plans = []
    for _ in range(size):
        target = rng.choices(states, weights)[0]
        start, plan = plan_history(target, rng, timezone.now() - timedelta(days=rng.randint(30, 760)))
        coordinator, colleague = rng.sample(researchers, 2)
        plans.append((target, start, plan, coordinator, colleague))
    references = _references([start for _, start, *_ in plans])
    applications = []
    for number, ((target, start, _plan, coordinator, _), reference) in enumerate(
        zip(plans, references, strict=True), start=offset + 1
    ):
        end_date = (start + timedelta(days=45 + rng.choice([540, 730, 1095]))).date()
        applications.append(
            Application(
                reference=reference,
                state=target,
                created_by=coordinator,
                title=f"Generated study {number}",
                lay_summary="How qualifications relate to employment and earnings later in life.",
                abstract="A linked-data study of education and labour-market outcomes.",
                research_questions="What are the returns to each route through post-16 education?",
                methodology="Fixed-effects regression on linked records.",
                software="R",
                start_date=(start + timedelta(days=45)).date(),
                end_date=end_date,
                funder="Economic and Social Research Council",
                public_benefit_categories=["public_policy"],
                public_benefit_statement="Evidence for decisions on post-16 education funding.",
                dissemination_plan="A working paper and a journal article.",
                publication_committed=True,
                access_location="ons_safe_setting",
                output_checking="Every output is checked by the Secure Research Service.",
                stage_entered_at=start,
            )
        )
    Application.objects.bulk_create(applications, batch_size=BATCH)
    rows = defaultdict(list)
    for application, (target, start, plan, coordinator, colleague) in zip(applications, plans, strict=True):
        _history(application, target, start, plan, coordinator, colleague, staff, form_data, result, rows)
    # created_at was set to the time of insertion; the histories say when things really happened.
    Application.objects.bulk_update(
        applications,
        [
            "created_at",
            "stage_entered_at",
            "requested_datasets",
            "awaiting_departments",
            "submitted_at",
            "queried_from",
            "rejected_at_stage",
            "decided_at",
            "accredited_at",
            "accreditation_ends_on",
            "panel_meeting_date",
            "panel_members_present",
            "access_granted_at",
            "withdrawn_at",
            "closed_at",
        ],
        batch_size=BATCH,
    )
    # Bulk inserts send no signals: the events' applications are marked for the dashboard's stage times here,
    # as each event written through the lifecycle marks its own.
    rows[StageDurationStale] = [
        StageDurationStale(application_id=application_id)
        for application_id in dict.fromkeys(e.application_id for e in rows[ApplicationEvent] if changes_stage_times(e))
    ]
    for model in HISTORY_MODELS:
        model.objects.bulk_create(rows[model], batch_size=BATCH)


def _history(application, target, start, plan, coordinator, colleague, staff, form_data, result, rows):
    """The rows the services would have written for this plan."""
    state = State.DRAFT
    members = [(coordinator, TeamMember.Role.COORDINATOR)]
    if target != State.DRAFT:
        members.append((colleague, TeamMember.Role.MEMBER))

    def event(kind, at, actor, role, to_state=None, **data):
        nonlocal state
        rows[ApplicationEvent].append(
            ApplicationEvent(
                application=application,
                kind=kind,
                actor=actor,
                actor_role=role,
                from_state=state,
                to_state=to_state or state,
                at=at,
                data=data,
            )
        )
        if to_state and to_state != state:
            state = to_state
            application.stage_entered_at = at

    application.created_at = start
    memberships = [
        TeamMember(application=application, user=user, email=user.email, role=role, status=TeamMember.Status.ACCEPTED)
        for user, role in members
    ]
    rows[TeamMember].extend(memberships)
    event("created", start, coordinator, "coordinator")
    if target != State.DRAFT:
        rows[VariableRequestForm].append(
            VariableRequestForm(
                application=application,
                version=1,
                original_name="variable-request-form.xlsx",
                uploaded_by=coordinator,
                validation_status=VariableRequestForm.Validation.PASSED,
                validated_at=start,
                result=result,
                **form_data,
            )
        )
        event("form_uploaded", start, coordinator, "coordinator", version=1, sha256=form_data["sha256"])
        application.requested_datasets = joined(datasets_requested(result))
    reviews = {}
    query = None
    moment = start
    for step, delay in plan:
        moment += delay
        if step == "submit":
            application.submitted_at = moment
            event("submitted", moment, coordinator, "coordinator", State.RAS_CHECK)
        elif step == "query_intake":
            application.queried_from = State.RAS_CHECK
            query = Query(
                application=application,
                stage=State.RAS_CHECK,
                questions="Please explain why each NPD table is needed.",
                raised_by=staff.ras,
                raised_by_role=Role.RAS_OFFICER.value,
                raised_at=moment,
                data_fingerprint=form_data["sha256"],
            )
            rows[Query].append(query)
            event("queried", moment, staff.ras, Role.RAS_OFFICER.value, State.QUERIED)
        elif step == "answer":
            query.answers, query.answered_by, query.answered_at = "Each table answers a question.", coordinator, moment
            event("resubmitted", moment, coordinator, "coordinator", State.RAS_CHECK, data_changed=False)
        elif step == "pass":
            event("intake_passed", moment, staff.ras, Role.RAS_OFFICER.value, State.DEPARTMENT_REVIEW)
            for department in ("dfe", "hmrc", "dwp"):
                reviews[department] = DepartmentReview(application=application, department=department, opened_at=moment)
                rows[DepartmentReview].append(reviews[department])
        elif step in ("dfe", "hmrc", "dwp"):
            reviewer = getattr(staff, step)
            role = f"{step}_reviewer"
            review = reviews[step]
            review.decision, review.decided_by, review.decided_at = "approved", reviewer, moment
            event("department_approved", moment, reviewer, role, department=step)
            if all(r.decision == "approved" for r in reviews.values()):
                # Generated requests are not checked against the delegation criteria: the mix says where each goes.
                onward = State.DELEGATED_REVIEW if target == State.DELEGATED_REVIEW else State.PANEL_REVIEW
                event("department_review_completed", moment, reviewer, role, onward)
        elif step == "reject_hmrc":
            review = reviews["hmrc"]
            review.decision, review.decided_by, review.decided_at = "rejected", staff.hmrc, moment
            review.reasons = "The earnings variables requested are not needed."
            event("department_rejected", moment, staff.hmrc, "hmrc_reviewer", department="hmrc")
            application.rejected_at_stage, application.decided_at = State.DEPARTMENT_REVIEW, moment
            event("rejected", moment, staff.hmrc, "hmrc_reviewer", State.REJECTED, department="hmrc")
        elif step == "accredit":
            application.decided_at = application.accredited_at = moment
            application.panel_meeting_date = moment.date()
            application.panel_members_present = "Chair (independent); ONS member; DfE official"
            application.accreditation_ends_on = max(application.end_date, moment.date() + timedelta(days=365))
            event("accredited", moment, staff.panel, Role.PANEL_MEMBER.value, State.ACCREDITED)
            declarations = [Declaration(application=application, member=user, opened_at=moment) for user, _ in members]
            rows[Declaration].extend(declarations)
        elif step == "sign":
            for declaration in declarations:
                declaration.signed_at = moment
                event("declaration_signed", moment, declaration.member, "researcher")
            application.access_granted_at = moment
            event("access_granted", moment, None, "system", State.ACCESS_GRANTED)
            access = [
                MemberAccess(
                    application=application,
                    member=membership,
                    user=membership.user,
                    granted_at=moment,
                    valid_from=moment.date(),
                    valid_until=access_ends_on(application),
                )
                for membership in memberships
            ]
            rows[MemberAccess].extend(access)
        elif step == "close":
            application.closed_at = moment
            for record in access:
                record.status, record.ended_at, record.ended_by = MemberAccess.Status.ENDED, moment, staff.admin
                record.end_reason = MemberAccess.EndReason.PROJECT_CLOSED
            event("closed", moment, staff.admin, Role.ADMIN.value, State.CLOSED)
        elif step == "withdraw":
            application.withdrawn_at = moment
            event("withdrawn", moment, coordinator, "coordinator", State.WITHDRAWN)
    if state != target:
        raise AssertionError(f"The plan for {target} ended at {state}")
    application.awaiting_departments = joined(d for d, review in reviews.items() if review.decision == "pending")
