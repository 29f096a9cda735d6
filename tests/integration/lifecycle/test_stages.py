"""Queries at each stage, resubmission rules, department decisions and declarations."""

from datetime import date, timedelta

import pytest

from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.models import DepartmentReview
from applications.services import resubmit_application, submit_application, withdraw_application
from applications.states import State
from declarations.models import Declaration
from declarations.services import grant_access, sign_declaration
from reviews.services import pass_intake, query_application, record_department_decision, reject_application
from reviews.tasks import close_ended_projects
from tests.factories import add_form, coordinator_of
from tests.lifecycle import People, advance, application_with_member, approve, pass_checked_intake, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


STAGE_HOLDERS = {State.RAS_CHECK: "ras", State.DEPARTMENT_REVIEW: "hmrc", State.PANEL_REVIEW: "panel"}


@pytest.mark.parametrize("stage", list(STAGE_HOLDERS))
def test_a_query_returns_to_the_stage_that_asked_once_answered(stage, people):
    application, _ = application_with_member()
    application = advance(application, stage, people)
    asker = getattr(people, STAGE_HOLDERS[stage])

    query = query_application(application_id=application.pk, by=asker, questions="Which cohorts?")
    application = reload(application)
    assert application.state == State.QUERIED
    assert application.queried_from == stage
    assert query.stage == stage
    assert query.raised_by == asker

    resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="2002 to 2021.")

    application = reload(application)
    assert application.state == stage
    query.refresh_from_db()
    assert query.answers == "2002 to 2021."
    assert query.answered_at is not None
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["queried", "resubmitted"]


def test_a_query_needs_questions_and_a_resubmission_needs_answers(people):
    application = advance(application_with_member()[0], State.RAS_CHECK, people)
    with pytest.raises(InvalidInput):
        query_application(application_id=application.pk, by=people.ras, questions="  ")
    query_application(application_id=application.pk, by=people.ras, questions="Why?")
    with pytest.raises(InvalidInput):
        resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="")
    assert reload(application).state == State.QUERIED


def test_department_decisions_stand_after_a_query_when_the_data_is_unchanged(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    approve(application, people, "dfe")
    query_application(application_id=application.pk, by=people.dwp, questions="Why benefits data?")

    resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="For outcomes.")

    reviews = {r.department: r.decision for r in DepartmentReview.objects.filter(superseded_at__isnull=True)}
    assert reviews == {"dfe": "approved", "hmrc": "pending", "dwp": "pending"}
    approve(application, people, "hmrc", "dwp")
    assert reload(application).state == State.PANEL_REVIEW


def test_every_department_reviews_again_when_the_resubmission_changes_the_data(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    approve(application, people, "dfe", "hmrc")
    query_application(application_id=application.pk, by=people.dwp, questions="Fewer variables, please.")
    add_form(application, content=b"a smaller request")

    resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="Reduced.")

    current = DepartmentReview.objects.filter(application=application, superseded_at__isnull=True)
    assert sorted(current.values_list("decision", flat=True)) == ["pending"] * 3
    superseded = DepartmentReview.objects.filter(application=application, superseded_at__isnull=False)
    assert sorted(superseded.values_list("department", "decision")) == [
        ("dfe", "approved"),
        ("dwp", "pending"),
        ("hmrc", "approved"),
    ]
    assert application.events.filter(kind="department_reviews_reopened").count() == 1


def test_all_three_approvals_move_the_application_to_the_panel_by_itself(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    approve(application, people, "dfe", "hmrc")
    assert reload(application).state == State.DEPARTMENT_REVIEW

    approve(application, people, "dwp")

    application = reload(application)
    assert application.state == State.PANEL_REVIEW
    assert application.events.latest("id").kind == "department_review_completed"


def test_the_first_department_rejection_rejects_the_application(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    approve(application, people, "dfe")

    record_department_decision(
        application_id=application.pk, by=people.hmrc, department="hmrc", decision="rejected", reasons="Too broad."
    )

    application = reload(application)
    assert application.state == State.REJECTED
    assert application.rejected_at_stage == State.DEPARTMENT_REVIEW
    with pytest.raises(StaleState):
        approve(application, people, "dwp")


def test_a_department_rejection_needs_reasons_and_a_decision_cannot_be_made_twice(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    with pytest.raises(InvalidInput):
        record_department_decision(
            application_id=application.pk, by=people.dfe, department="dfe", decision="rejected", reasons=""
        )
    approve(application, people, "dfe")
    with pytest.raises(StaleState, match="already recorded"):
        approve(application, people, "dfe")


def test_a_reviewer_cannot_decide_for_another_department(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    for reviewer, department in [(people.dfe, "hmrc"), (people.hmrc, "dwp"), (people.dwp, "dfe")]:
        with pytest.raises(NotPermitted):
            record_department_decision(
                application_id=application.pk, by=reviewer, department=department, decision="approved"
            )
    assert set(DepartmentReview.objects.values_list("decision", flat=True)) == {"pending"}


def test_reject_is_not_how_departments_refuse(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    with pytest.raises(NotPermitted):
        reject_application(application_id=application.pk, by=people.dfe, reasons="No.")


def test_accreditation_opens_a_declaration_for_every_member_and_the_last_signature_grants_access(people):
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    declarations = list(Declaration.objects.filter(application=application))
    assert {d.member for d in declarations} == {coordinator_of(application), member}

    with pytest.raises(GuardFailed) as refused:
        grant_access(application_id=application.pk, by=people.ras)
    assert len(refused.value.problems) == 2

    sign_declaration(declaration_id=declarations[0].pk, by=declarations[0].member)
    assert reload(application).state == State.ACCREDITED
    with pytest.raises(StaleState):
        sign_declaration(declaration_id=declarations[0].pk, by=declarations[0].member)
    with pytest.raises(NotPermitted):
        sign_declaration(declaration_id=declarations[1].pk, by=declarations[0].member)

    sign_declaration(declaration_id=declarations[1].pk, by=declarations[1].member)

    application = reload(application)
    assert application.state == State.ACCESS_GRANTED
    granted = application.events.get(kind="access_granted")
    assert granted.actor is None
    assert granted.actor_role == "system"


def test_a_member_whose_accreditation_expired_cannot_sign(people):
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    member.researcher_profile.accreditation_valid_until = date.today() - timedelta(days=1)
    member.researcher_profile.save()
    declaration = Declaration.objects.get(application=application, member=member)

    with pytest.raises(GuardFailed, match="accreditation"):
        sign_declaration(declaration_id=declaration.pk, by=member)


@pytest.mark.parametrize("state", [State.DRAFT, State.RAS_CHECK, State.QUERIED, State.DEPARTMENT_REVIEW])
def test_withdrawal_is_possible_in_every_open_state(state, people):
    application = advance(application_with_member()[0], state, people)
    withdraw_application(application_id=application.pk, by=coordinator_of(application), reason="Funding ended.")
    assert reload(application).state == State.WITHDRAWN


@pytest.mark.parametrize("state", [State.ACCREDITED, State.REJECTED, State.CLOSED])
def test_withdrawal_is_refused_after_a_final_decision(state, people):
    application = advance(application_with_member()[0], state, people)
    with pytest.raises(StaleState):
        withdraw_application(application_id=application.pk, by=coordinator_of(application))


def test_projects_past_their_end_are_closed_by_the_scheduled_task_once(people):
    application = advance(application_with_member()[0], State.ACCESS_GRANTED, people)
    type(application).objects.filter(pk=application.pk).update(end_date=date.today() - timedelta(days=1))
    current = advance(application_with_member()[0], State.ACCESS_GRANTED, people)

    assert close_ended_projects() == 1
    assert close_ended_projects() == 0

    assert reload(application).state == State.CLOSED
    assert reload(current).state == State.ACCESS_GRANTED
    assert reload(application).events.get(kind="closed").actor_role == "system"


def test_an_action_on_an_application_that_moved_on_says_so(people):
    application = advance(application_with_member()[0], State.RAS_CHECK, people)
    pass_checked_intake(application, people.ras)

    with pytest.raises(StaleState, match="updated by someone else") as stale:
        pass_intake(application_id=application.pk, by=people.ras, expected_state=State.RAS_CHECK)
    assert stale.value.current_state == State.DEPARTMENT_REVIEW


def test_submission_lists_every_unmet_guard_and_changes_nothing(people):
    application, _ = application_with_member(publication_committed=False, ethics_route="", form=False)

    with pytest.raises(GuardFailed) as refused:
        submit_application(application_id=application.pk, by=coordinator_of(application))

    codes = {problem.code for problem in refused.value.problems}
    assert {"variable_request_form", "ethics_evidence", "publication", "section_incomplete"} <= codes
    assert reload(application).state == State.DRAFT
    assert not application.events.filter(kind="submitted").exists()


def test_intake_cannot_pass_until_every_checklist_item_is_ticked(people):
    from reviews.models import IntakeCheck, IntakeItem
    from reviews.services import tick_intake_items

    application = advance(application_with_member()[0], State.RAS_CHECK, people)
    tick_intake_items(application_id=application.pk, by=people.ras, items=["accreditation", "ethics"])

    with pytest.raises(GuardFailed) as refused:
        pass_intake(application_id=application.pk, by=people.ras)

    assert len(refused.value.problems) == len(IntakeItem) - 2
    assert reload(application).state == State.RAS_CHECK
    check = IntakeCheck.objects.get(application=application, item="ethics")
    assert check.ticked_by == people.ras
