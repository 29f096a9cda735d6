"""The researcher's pages: sections saved part-done, odd input kept, team, profile, check answers."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import TeamMember
from applications.services import create_application, link_invitations
from applications.states import State
from leo_access.models import ResearcherProfile
from notifications.tasks import notify_event
from tests.factories import ApplicationFactory, UserFactory, coordinator_of, researcher
from tests.lifecycle import People, advance, reload

pytestmark = pytest.mark.django_db

ODD = "<script>alert('x')</script> 🚀 Ωmega & “quotes” " + "long " * 50


@pytest.fixture
def draft():
    user = researcher()
    return create_application(title="A study", by=user), user


def section(application, slug):
    return reverse("applications:section", args=[application.pk, slug])


def test_project_details_save_part_done_and_keep_odd_input_escaped(client, draft):
    application, user = draft
    client.force_login(user)

    response = client.post(section(application, "project"), {"title": "A study", "abstract": ODD})

    assert response.status_code == 302
    application = reload(application)
    assert application.abstract == ODD.strip()
    page = client.get(reverse("applications:check", args=[application.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "🚀" in page


def test_dates_in_the_wrong_order_are_explained_and_nothing_typed_is_lost(client, draft):
    application, user = draft
    client.force_login(user)
    data = {
        "title": "A study",
        "methodology": "Regression " * 20,
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2028",
        "end_date_0": "1",
        "end_date_1": "4",
        "end_date_2": "2027",
    }

    response = client.post(section(application, "project"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'href="#id_end_date' in html
    assert "Project end date must be after the start date" in html
    assert "Regression Regression" in html
    assert reload(application).methodology == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Enter the project title"),
        ({"title": "x" * 251}, "Project title must be 250 characters or fewer"),
        ({"title": "A study", "lay_summary": "word " * 301}, "Lay summary must be 300 words or fewer"),
        ({"title": "A study", "abstract": "x" * 10001}, "Abstract must be 10,000 characters or fewer"),
        (
            {"title": "A study", "start_date_0": "31", "start_date_1": "2", "start_date_2": "2027"},
            "Project start date must be a real date",
        ),
    ],
)
def test_every_project_error_is_in_the_summary(client, draft, data, message):
    application, user = draft
    client.force_login(user)

    response = client.post(section(application, "project"), data)

    assert response.status_code == 200
    summary = response.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert message.lower() in summary.lower()


def test_the_sections_show_their_status(client, draft):
    application, user = draft
    client.force_login(user)
    client.post(
        section(application, "safeguards"),
        {"access_location": "aoc_organisation", "aoc_organisation": "", "output_checking": ""},
    )
    assert reload(application).access_location == ""  # the missing organisation is an error; nothing saved

    client.post(section(application, "safeguards"), {"access_location": "ons_safe_setting", "output_checking": ""})
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="section-safeguards-status"><strong class="govuk-tag govuk-tag--light-blue">In progress' in page

    client.post(
        section(application, "safeguards"),
        {"access_location": "ons_safe_setting", "output_checking": "Checked by the service."},
    )
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="section-safeguards-status">Completed' in page


def test_the_ethics_route_leads_to_its_evidence_page(client, draft):
    application, user = draft
    client.force_login(user)

    response = client.post(section(application, "ethics"), {"ethics_route": "self_assessment"})

    assert response.headers["Location"] == section(application, "ethics-self-assessment")
    answers = {}
    for number in range(1, 15):
        answers[f"risk_{number}"] = "average"
        answers[f"justification_{number}"] = f"Reason {number}"
    client.post(section(application, "ethics-self-assessment"), answers)
    assert reload(application).ethics_self_assessment["14"] == {"risk": "average", "justification": "Reason 14"}


def test_the_committee_letter_must_be_a_pdf(client, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application, user = draft
    client.force_login(user)
    letter = SimpleUploadedFile("letter.pdf", b"not a pdf at all", content_type="application/pdf")

    response = client.post(
        section(application, "ethics-committee"),
        {"ethics_committee_name": "University REC", "ethics_approval_letter": letter},
    )

    assert response.status_code == 200
    assert "The approval letter must be a PDF" in response.content.decode()


def test_sections_cannot_be_changed_after_submission(client):
    people = People.create()
    application = advance(ApplicationFactory(), State.RAS_CHECK, people)
    client.force_login(coordinator_of(application))

    response = client.post(section(application, "project"), {"title": "Changed"})

    assert response.status_code == 409
    assert reload(application).title != "Changed"


def test_a_member_who_is_not_the_coordinator_cannot_edit(client):
    application = ApplicationFactory()
    member = researcher()
    TeamMember.objects.create(application=application, user=member, email=member.email, status="accepted")
    client.force_login(member)

    assert client.get(section(application, "project")).status_code == 403
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200


def test_inviting_someone_without_an_account_sends_a_sign_up_link_and_links_on_confirmation(client, draft):
    application, user = draft
    client.force_login(user)

    response = client.post(reverse("applications:team", args=[application.pk]), {"email": "New.Person@Example.org"})

    assert response.status_code == 302
    invitation = TeamMember.objects.get(application=application, email="new.person@example.org")
    assert invitation.user is None
    notify_event(application.events.get(kind="member_invited").pk)
    assert mail.outbox[-1].to == ["new.person@example.org"]
    assert "/accounts/signup/" in mail.outbox[-1].body

    newcomer = UserFactory(email="new.person@example.org", roles=["researcher"])
    assert link_invitations(newcomer) == 1
    client.force_login(newcomer)
    listing = client.get(reverse("applications:list")).content.decode()
    assert "has invited you to join" in listing

    client.post(reverse("applications:invitation_respond", args=[invitation.pk]), {"answer": "accept"})
    assert reload(application).is_member(newcomer)


def test_the_coordinator_role_can_be_handed_over(client, draft):
    application, user = draft
    other = researcher()
    TeamMember.objects.create(application=application, user=other, email=other.email, status="accepted")
    member = application.team_members.get(user=other)
    client.force_login(user)

    client.post(reverse("applications:team_hand_over", args=[application.pk]), {"member": member.pk})

    assert application.is_coordinator(other)
    assert not application.is_coordinator(user)
    assert application.is_member(user)


def test_someone_elses_invitation_cannot_be_answered(client, draft):
    application, _ = draft
    invitation = TeamMember.objects.create(application=application, email="invitee@example.org")
    client.force_login(researcher())

    response = client.post(reverse("applications:invitation_respond", args=[invitation.pk]), {"answer": "accept"})

    assert response.status_code == 404
    assert TeamMember.objects.get(pk=invitation.pk).status == "invited"


def test_the_profile_records_accreditation_and_warns_before_it_expires(client):
    user = UserFactory(roles=["researcher"])
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Add your research accreditation" in page

    response = client.post(
        reverse("profile"),
        {
            "full_name": "Ada Lovelace",
            "organisation": "University of Example",
            "accreditation_type": "full",
            "accreditation_reference": "DEA-123",
            "accreditation_valid_from_0": "1",
            "accreditation_valid_from_1": "1",
            "accreditation_valid_from_2": str(date.today().year - 1),
            "accreditation_valid_until_0": "1",
            "accreditation_valid_until_1": "1",
            "accreditation_valid_until_2": str(date.today().year + 4),
        },
    )

    assert response.status_code == 302
    profile = ResearcherProfile.objects.get(user=user)
    assert profile.accreditation_reference == "DEA-123"
    assert "Add your research accreditation" not in client.get("/").content.decode()
    profile.accreditation_valid_until = date.today().replace(day=1)
    profile.save()
    assert "Your accreditation expire" in client.get("/").content.decode()


def test_a_provisional_researcher_must_name_a_supervisor(client):
    user = UserFactory(roles=["researcher"])
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "full_name": "Student",
            "organisation": "University of Example",
            "accreditation_type": "provisional",
            "accreditation_reference": "DEA-9",
            "accreditation_valid_until_0": "1",
            "accreditation_valid_until_1": "1",
            "accreditation_valid_until_2": "2029",
        },
    )
    assert "Enter your supervisor&#x27;s e-mail address" in response.content.decode()


def test_check_answers_lists_what_stops_submission_and_submitting_confirms_the_reference(client):
    application = ApplicationFactory()
    coordinator = coordinator_of(application)
    client.force_login(coordinator)

    page = client.get(reverse("applications:check", args=[application.pk])).content.decode()
    assert "Accept and send" in page

    response = client.post(reverse("applications:submit", args=[application.pk]), {"expected_state": "draft"})
    assert response.headers["Location"] == reverse("applications:submitted", args=[application.pk])
    confirmation = client.get(response.headers["Location"]).content.decode()
    assert application.reference in confirmation


def test_copy_as_a_new_application_keeps_answers_and_invites_the_team(client):
    application = ApplicationFactory()
    member = researcher()
    TeamMember.objects.create(application=application, user=member, email=member.email, status="accepted")
    client.force_login(coordinator_of(application))

    response = client.post(reverse("applications:copy", args=[application.pk]))

    copy = reload(application).__class__.objects.exclude(pk=application.pk).get()
    assert response.headers["Location"] == reverse("applications:detail", args=[copy.pk])
    assert copy.state == State.DRAFT
    assert copy.lay_summary == application.lay_summary
    assert copy.team_members.get(email=member.email).status == "invited"
