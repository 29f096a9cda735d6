from datetime import date

import pytest
from django.urls import reverse

from applications.models import ApplicationEvent
from applications.states import State
from reviews.models import PanelMeeting
from tests.factories import coordinator_of
from tests.lifecycle import People, advance, application_with_member, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def detail(application):
    return reverse("applications:detail", args=[application.pk])


def test_the_applicant_sees_the_status_page_with_its_timeline(client, people):
    application, member = application_with_member()
    application = advance(application, State.DEPARTMENT_REVIEW, people)
    client.force_login(member)

    response = client.get(detail(application))

    html = response.content.decode()
    assert response.status_code == 200
    assert application.reference in html
    assert "DfE, HMRC and DWP are each reviewing the application" in html
    assert "Passed the intake check" in html
    # An applicant sees the stage that acted, not the reviewer's name.
    assert people.ras.full_name not in html


def test_staff_see_who_did_what(client, people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    client.force_login(people.hmrc)

    html = client.get(detail(application)).content.decode()

    assert people.ras.full_name in html


def test_another_researchers_application_is_not_found(client, people):
    application = advance(application_with_member()[0], State.DRAFT, people)
    client.force_login(people.outsider)

    assert client.get(detail(application)).status_code == 404
    assert client.post(reverse("applications:submit", args=[application.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    application = application_with_member()[0]
    response = client.get(detail(application))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_submitting_an_incomplete_application_lists_the_problems(client, people):
    application, _ = application_with_member(publication_committed=False, form=False)
    client.force_login(coordinator_of(application))

    response = client.post(reverse("applications:submit", args=[application.pk]), {"expected_state": "draft"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "govuk-error-summary" in html
    assert "Upload a Variable Request Form." in html
    assert "Commit to publishing the results of the research." in html
    assert reload(application).state == State.DRAFT


def test_a_double_click_on_submit_submits_once_and_explains_the_second(client, people):
    application, _ = application_with_member()
    client.force_login(coordinator_of(application))
    url = reverse("applications:submit", args=[application.pk])

    first = client.post(url, {"expected_state": "draft"})
    second = client.post(url, {"expected_state": "draft"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "This application was updated by someone else" in second.content.decode()
    assert ApplicationEvent.objects.filter(application=application, kind="submitted").count() == 1


def test_a_decision_on_an_application_that_moved_on_shows_its_current_state(client, people):
    application = advance(application_with_member()[0], State.RAS_CHECK, people)
    other_ras = People.create().ras
    client.force_login(other_ras)
    url = reverse("reviews:intake", args=[application.pk])
    everything = ["accreditation", "public_benefit", "publication", "variable_request_form", "ethics", "coordinator"]
    client.post(url, {"checks": everything, "decision": "pass", "text": "", "expected_state": "ras_check"})

    client.force_login(people.ras)
    response = client.post(url, {"decision": "reject", "text": "Not eligible.", "expected_state": "ras_check"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "updated by someone else" in html
    assert "Department review" in html
    assert reload(application).state == State.DEPARTMENT_REVIEW


def test_the_department_page_records_a_decision_and_refuses_other_roles(client, people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    url = reverse("reviews:department", args=[application.pk])

    client.force_login(people.ras)
    assert client.get(url).status_code == 403

    client.force_login(people.dwp)
    response = client.post(url, {"decision": "rejected", "text": "", "expected_state": "department_review"})
    assert response.status_code == 200
    assert "Enter the reasons for rejecting the application" in response.content.decode()

    response = client.post(url, {"decision": "approved", "text": "", "expected_state": "department_review"})
    assert response.status_code == 302
    assert application.department_reviews.get(department="dwp").decision == "approved"


def test_query_and_resubmit_through_the_pages(client, people):
    application = advance(application_with_member()[0], State.RAS_CHECK, people)
    client.force_login(people.ras)
    client.post(
        reverse("reviews:intake", args=[application.pk]),
        {"decision": "query", "text": "Which years?", "expected_state": "ras_check"},
    )
    coordinator = coordinator_of(application)
    client.force_login(coordinator)
    page = client.get(detail(application)).content.decode()
    assert "Which years?" in page

    response = client.post(
        reverse("applications:resubmit", args=[application.pk]),
        {"answers": "2010 to 2020.", "expected_state": "queried"},
    )

    assert response.status_code == 302
    assert reload(application).state == State.RAS_CHECK


def test_the_panel_accredits_with_its_meeting_record(client, people):
    application = advance(application_with_member()[0], State.PANEL_REVIEW, people)
    client.force_login(people.panel)
    today = date.today()
    client.post(
        reverse("reviews:meetings"),
        {
            "date_0": str(today.day),
            "date_1": str(today.month),
            "date_2": str(today.year),
            "members_present": "Chair\nIndependent member\nDfE official",
            "independent_members": "Independent member",
        },
    )
    meeting = PanelMeeting.objects.get()
    client.post(reverse("reviews:meeting", args=[meeting.pk]), {"application": application.pk})
    item = meeting.agenda.get()
    response = client.post(
        reverse("reviews:agenda_item", args=[meeting.pk, item.pk]),
        {
            "decision": "accredit",
            "text": "",
            "ends_on_0": "31",
            "ends_on_1": "3",
            "ends_on_2": "2029",
            "expected_state": "panel_review",
        },
    )
    assert response.status_code == 302
    application = reload(application)
    assert application.state == State.ACCREDITED
    assert str(application.accreditation_ends_on) == "2029-03-31"


def test_work_queues_show_each_team_its_own_stage(client, people):
    at_intake = advance(application_with_member()[0], State.RAS_CHECK, people)
    at_departments = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)

    client.force_login(people.ras)
    ras_page = client.get(reverse("reviews:queue"), follow=True).content.decode()
    client.force_login(people.dfe)
    dfe_page = client.get(reverse("reviews:queue"), follow=True).content.decode()

    assert at_intake.reference in ras_page
    assert at_departments.reference not in ras_page
    assert at_departments.reference in dfe_page
    assert at_intake.reference not in dfe_page
