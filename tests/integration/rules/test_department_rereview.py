"""An answered query that asks for more of a department's data sends the application back to that department, and
only that department, before the panel; the other departments' approvals stand."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import DepartmentReview
from applications.services import resubmit_application, upload_variable_request_form
from applications.states import State
from applications.validation import validate_form
from applications.vrf_catalogue import import_catalogue
from notifications.tasks import notify_event
from reviews.services import query_application
from tests.factories import add_form, coordinator_of
from tests.lifecycle import People, advance, application_with_member, approve, reload
from tests.vrf_factory import VrfBuilder

pytestmark = pytest.mark.django_db

APPROVED = DepartmentReview.Decision.APPROVED
PENDING = DepartmentReview.Decision.PENDING


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def builder():
    """The form the application was submitted with; tests change it and upload it again."""
    builder = VrfBuilder()
    import_catalogue(data=builder.build(), source_name="official-form.xlsx")
    return builder


def upload(application, builder: VrfBuilder):
    form = upload_variable_request_form(
        application_id=application.pk,
        by=coordinator_of(application),
        uploaded=SimpleUploadedFile("form.xlsx", builder.build()),
    )
    form = validate_form(form.pk)
    assert form.validation_status == form.Validation.PASSED, form.result["findings"]
    return form


def at_stage(stage, people, builder):
    application, _ = application_with_member(form=False)
    upload(application, builder)
    return advance(application, stage, people)


def answer(application, people, asker, change=None, builder=None):
    """The asker queries; the co-ordinator changes the form with `change` (if any), uploads it and answers."""
    query_application(application_id=application.pk, by=asker, questions="Please revisit the data you request.")
    if change is not None:
        change(builder)
        upload(application, builder)
    resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="Revised.")
    return reload(application)


def decisions(application, *, superseded=False):
    reviews = DepartmentReview.objects.filter(application=application, superseded_at__isnull=not superseded)
    return dict(reviews.values_list("department", "decision"))


def test_a_panel_query_answered_with_an_added_hmrc_table_goes_back_to_hmrc_alone(people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)

    application = answer(application, people, people.panel, lambda form: form.request("cjrs"), builder)

    assert application.state == State.DEPARTMENT_REVIEW
    assert decisions(application) == {"dfe": APPROVED, "hmrc": PENDING, "dwp": APPROVED}
    assert decisions(application, superseded=True) == {"hmrc": APPROVED}
    assert application.awaiting_departments == "|hmrc|"
    event = application.events.get(kind="department_reviews_reopened")
    assert event.data["departments"] == ["hmrc"]
    assert event.data["changes"] == {"hmrc": ["CJRS: table requested"]}
    assert "HMRC reviews the application again" in event.comment
    assert application.events.get(kind="resubmitted").to_state == State.DEPARTMENT_REVIEW

    approve(application, people, "hmrc")
    assert reload(application).state == State.PANEL_REVIEW


def test_only_the_department_reviewing_again_hears_that_it_has_arrived(people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)
    application = answer(application, people, people.panel, lambda form: form.request("cjrs"), builder)

    before = len(mail.outbox)
    notify_event(application.events.get(kind="resubmitted").pk)
    told = {message.to[0] for message in mail.outbox[before:]}

    assert people.hmrc.email in told
    assert not told & {people.dfe.email, people.dwp.email, people.panel.email}


def test_a_panel_query_answered_with_the_same_data_goes_back_to_the_panel(people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)

    application = answer(application, people, people.panel)

    assert application.state == State.PANEL_REVIEW
    assert decisions(application) == {"dfe": APPROVED, "hmrc": APPROVED, "dwp": APPROVED}
    assert not application.events.filter(kind="department_reviews_reopened").exists()


def test_a_new_upload_asking_for_the_same_tables_goes_back_to_the_panel(people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)

    application = answer(
        application, people, people.panel, lambda form: form.justify("ks4", "A clearer reason. " * 20), builder
    )

    assert application.events.get(kind="resubmitted").data["data_changed"] is True
    assert application.state == State.PANEL_REVIEW
    assert decisions(application, superseded=True) == {}


def test_a_panel_query_answered_by_removing_data_only_goes_back_to_the_panel(people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)

    def remove(form):
        form.answer("benefit", "No").untick_all("ks4").tick("ks4", "KS4_GENDER", years="2010 to 2016")

    application = answer(application, people, people.panel, remove, builder)

    assert application.state == State.PANEL_REVIEW
    assert decisions(application) == {"dfe": APPROVED, "hmrc": APPROVED, "dwp": APPROVED}
    assert not application.events.filter(kind="department_reviews_reopened").exists()


def test_years_added_to_a_dfe_item_and_a_dwp_table_removed_send_it_to_dfe_alone(people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)

    def change(form):
        form.tick("ks4", "KS4_GENDER", years="2002 to 2021").answer("benefit", "No")

    application = answer(application, people, people.panel, change, builder)

    assert application.state == State.DEPARTMENT_REVIEW
    assert decisions(application) == {"dfe": PENDING, "hmrc": APPROVED, "dwp": APPROVED}
    assert application.events.get(kind="department_reviews_reopened").data["changes"] == {
        "dfe": ["KS4 01-02 to 20-21: years added"]
    }


def test_at_department_review_only_the_departments_whose_data_grew_decide_again(people, builder):
    application = at_stage(State.DEPARTMENT_REVIEW, people, builder)
    approve(application, people, "dfe", "dwp")

    def add_education_data(form):
        form.request("cin").tick("cin", "CIN_LA_anon", years="2009 to 2021")

    application = answer(application, people, people.hmrc, add_education_data, builder)

    assert application.state == State.DEPARTMENT_REVIEW
    assert decisions(application) == {"dfe": PENDING, "hmrc": PENDING, "dwp": APPROVED}
    assert decisions(application, superseded=True) == {"dfe": APPROVED}
    approve(application, people, "dfe", "hmrc")
    assert reload(application).state == State.PANEL_REVIEW


def test_forms_that_cannot_be_compared_send_it_to_every_department(people):
    application = advance(application_with_member()[0], State.PANEL_REVIEW, people)

    query_application(application_id=application.pk, by=people.panel, questions="Fewer variables, please.")
    add_form(application, content=b"a form whose check result is not stored")
    resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="Reduced.")

    application = reload(application)
    assert application.state == State.DEPARTMENT_REVIEW
    assert decisions(application) == {"dfe": PENDING, "hmrc": PENDING, "dwp": PENDING}
    assert application.events.get(kind="department_reviews_reopened").data["departments"] == ["dfe", "hmrc", "dwp"]


def test_an_intake_query_answered_with_more_data_returns_to_intake_with_no_reviews(people, builder):
    application = at_stage(State.RAS_CHECK, people, builder)

    application = answer(application, people, people.ras, lambda form: form.request("cjrs"), builder)

    assert application.state == State.RAS_CHECK
    assert not DepartmentReview.objects.filter(application=application).exists()


def test_the_resubmit_page_says_so_and_answering_there_follows_the_rule(client, people, builder):
    application = at_stage(State.PANEL_REVIEW, people, builder)
    query_application(application_id=application.pk, by=people.panel, questions="Why not the CJRS table?")
    upload(application, builder.request("cjrs"))
    client.force_login(coordinator_of(application))
    page = reverse("applications:resubmit", args=[application.pk])

    assert "review the application again before it goes back to the panel" in client.get(page).content.decode()
    response = client.post(page, {"answers": "We now ask for it.", "expected_state": State.QUERIED})

    assert response.status_code == 302
    application = reload(application)
    assert application.state == State.DEPARTMENT_REVIEW
    assert decisions(application) == {"dfe": APPROVED, "hmrc": PENDING, "dwp": APPROVED}
