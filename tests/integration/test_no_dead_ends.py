"""No dead ends: decisions made are shown instead of the form, who has signed is on the application's pages,
the verification page is reached and answers exactly, and each decision ends saying what happens next."""

import io

import pytest
from django.urls import reverse

from applications.states import State
from declarations.models import Declaration
from declarations.tasks import make_signed_document
from tests.factories import coordinator_of
from tests.integration.declarations.conftest import sign_fully
from tests.lifecycle import People, advance, application_with_member, approve, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def review_url(application):
    return reverse("reviews:review", args=[application.pk])


def detail_url(application):
    return reverse("applications:detail", args=[application.pk])


def banner(response) -> str:
    """The success banner's text on the page a decision redirected to."""
    html = response.content.decode()
    start = html.index("govuk-notification-banner--success")
    return html[start : html.index("</div>\n    </div>", start)]


def test_a_department_that_has_decided_sees_its_decision_instead_of_the_form(client, people):
    application, _ = application_with_member()
    application = advance(application, State.DEPARTMENT_REVIEW, people)
    client.force_login(people.dfe)
    before = client.get(review_url(application)).content.decode()
    assert "Record your department's decision" in before
    assert 'id="own-department-decision"' not in before

    approve(application, people, "dfe")
    after = client.get(review_url(application)).content.decode()

    assert "Record your department's decision" not in after
    assert 'id="own-department-decision"' in after
    decision = after[after.index('id="own-department-decision"') :][:600]
    assert "Approved by" in decision
    assert people.dfe.full_name in decision
    # HMRC has not decided: its reviewer is still offered the form.
    client.force_login(people.hmrc)
    assert "Record your department's decision" in client.get(review_url(application)).content.decode()


def test_each_staff_decision_ends_with_what_happens_next(client, people):
    application, _ = application_with_member()
    application = advance(application, State.RAS_CHECK, people)
    client.force_login(people.ras)
    from reviews.models import IntakeItem

    response = client.post(
        reverse("reviews:intake", args=[application.pk]),
        {"checks": list(IntakeItem.values), "decision": "pass", "text": "", "expected_state": State.RAS_CHECK},
        follow=True,
    )
    text = banner(response)
    assert f"{application.reference} has passed intake" in text
    assert "DfE, HMRC and DWP now each review it" in text

    client.force_login(people.dfe)
    response = client.post(
        reverse("reviews:department", args=[application.pk]),
        {"decision": "approved", "text": "", "expected_state": State.DEPARTMENT_REVIEW},
        follow=True,
    )
    text = banner(response)
    assert f"DfE has approved {application.reference}" in text
    assert "once DWP and HMRC have approved too" in text

    approve(application, people, "hmrc")
    client.force_login(people.dwp)
    response = client.post(
        reverse("reviews:department", args=[application.pk]),
        {"decision": "approved", "text": "", "expected_state": State.DEPARTMENT_REVIEW},
        follow=True,
    )
    assert "All three departments have approved" in banner(response)

    client.force_login(people.panel)
    response = client.post(
        reverse("reviews:panel", args=[application.pk]),
        {"decision": "query", "text": "Which funder?", "expected_state": State.PANEL_REVIEW},
        follow=True,
    )
    text = banner(response)
    assert f"Your questions on {application.reference} have been sent" in text
    assert "waits with them until they answer and resubmit" in text

    client.force_login(coordinator_of(application))
    response = client.post(
        reverse("applications:resubmit", args=[application.pk]),
        {"answers": "The funder is the ESRC.", "expected_state": State.QUERIED},
        follow=True,
    )
    text = banner(response)
    assert "Your answers have been sent" in text
    assert "is back at the panel review stage" in text
    assert reload(application).state == State.PANEL_REVIEW


def test_a_panel_decision_at_a_meeting_ends_with_what_happens_next(client, people):
    from datetime import date, timedelta

    from reviews.services import add_to_agenda
    from tests.lifecycle import quorate_meeting

    application, _ = application_with_member()
    application = advance(application, State.PANEL_REVIEW, people)
    meeting = quorate_meeting(people.panel)
    item = add_to_agenda(meeting_id=meeting.pk, application_id=application.pk, by=people.panel)
    ends = date.today() + timedelta(days=700)
    client.force_login(people.panel)
    response = client.post(
        reverse("reviews:agenda_item", args=[meeting.pk, item.pk]),
        {
            "decision": "accredit",
            "text": "",
            "ends_on_0": ends.day,
            "ends_on_1": ends.month,
            "ends_on_2": ends.year,
            "expected_state": State.PANEL_REVIEW,
        },
        follow=True,
    )
    text = banner(response)
    assert f"{application.reference} is accredited" in text
    assert "now signs their Individual Declaration" in text


def test_the_application_page_shows_who_has_signed_before_and_after_access(client, people):
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    coordinator = coordinator_of(application)
    client.force_login(member)
    page = client.get(detail_url(application)).content.decode()
    assert "Sign your Individual Declaration" in page
    assert page.count("Not signed yet") == 2

    member_declaration = Declaration.objects.get(application=application, member=member)
    sign_fully(member_declaration)
    make_signed_document(member_declaration.pk)
    page = client.get(detail_url(application)).content.decode()
    assert "Sign your Individual Declaration" not in page
    assert page.count("Not signed yet") == 1
    own_pdf = reverse("declarations:document", args=[member_declaration.pk])
    assert own_pdf in page
    assert "Download your signed declaration (PDF)" in page

    # The co-ordinator, who has not signed, sees that the member has, but no link to another person's PDF.
    client.force_login(coordinator)
    page = client.get(detail_url(application)).content.decode()
    assert "Sign your Individual Declaration" in page
    assert own_pdf not in page
    assert page.count("Not signed yet") == 1

    sign_fully(Declaration.objects.get(application=application, member=coordinator))
    assert reload(application).state == State.ACCESS_GRANTED
    client.force_login(member)
    page = client.get(detail_url(application)).content.decode()
    assert "Not signed yet" not in page
    assert page.count('govuk-tag--green">Signed') == 2
    assert own_pdf in page

    # Staff reach the verification page from the review page.
    client.force_login(people.ras)
    page = client.get(review_url(application)).content.decode()
    assert reverse("declarations:verify") in page
    assert own_pdf in page  # the RAS may download every declaration
    client.force_login(member)
    assert reverse("declarations:verify") not in client.get(detail_url(application)).content.decode()


@pytest.fixture
def signed_pdf(people):
    application, member = application_with_member()
    application = advance(application, State.ACCESS_GRANTED, people)
    declaration = Declaration.objects.get(application=application, member=member)
    make_signed_document(declaration.pk)
    declaration.refresh_from_db()
    with declaration.document.file.open("rb") as handle:
        return handle.read()


def verify(client, data: bytes) -> str:
    upload = io.BytesIO(data)
    upload.name = "declaration.pdf"
    return client.post(reverse("declarations:verify"), {"file": upload}).content.decode()


def test_the_verification_page_words_each_outcome(client, people, signed_pdf):
    from declarations.pdf import render_pdf

    client.force_login(people.ras)
    assert "Genuine and unchanged" in verify(client, signed_pdf)

    edited = verify(client, signed_pdf.replace(b"/Title", b"/Titlf", 1))
    assert "This document was changed after signing" in edited
    assert "not signed with this service" not in edited
    assert "not made with this service" not in edited

    appended = verify(client, signed_pdf + b"\n1 0 obj\n<< >>\nendobj\n")
    assert "This document was changed after signing" in appended

    assert "This document is not signed" in verify(
        client, render_pdf("<html lang='en'><title>x</title><p>Nothing</p></html>")
    )
    assert "This file could not be read as a PDF" in verify(client, b"not a pdf at all")
