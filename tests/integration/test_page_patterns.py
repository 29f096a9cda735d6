"""Pages as the GOV.UK patterns have them: check your answers, conditional reveals, dates, actions offered to
whom they are for, confirmations before what cannot be undone, upload banners and one active navigation item."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.services import create_application
from applications.states import State
from demo.forms import ensure_demo_catalogue, filled_form
from reviews.models import PanelMeeting
from tests.factories import ApplicationFactory, add_member, coordinator_of, researcher
from tests.lifecycle import People, quorate_meeting

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def error_summary(html: str) -> str:
    start = html.index('class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


def test_check_your_answers_shows_the_ethics_self_assessment(client):
    application = ApplicationFactory()
    client.force_login(coordinator_of(application))
    html = html_of(client.get(reverse("applications:check", args=[application.pk])))
    answers = application.ethics_self_assessment
    assert 'id="ethics-self-assessment"' in html
    for number, answer in answers.items():
        assert answer["justification"] in html, f"item {number} is missing"
    assert reverse("applications:section", args=[application.pk, "ethics-self-assessment"]) in html
    assert "govuk-error-summary" not in html


def test_what_stops_submission_is_an_error_summary_at_the_top_linking_to_each_gap(client):
    user = researcher()
    application = create_application(title="A study", by=user)
    client.force_login(user)
    html = html_of(client.get(reverse("applications:check", args=[application.pk])))
    summary = error_summary(html)
    assert html.index("govuk-error-summary") < html.index("<h1")
    assert "You cannot submit yet" in summary
    assert "Complete the section: Public benefit." in summary
    assert f'href="{reverse("applications:section", args=[application.pk, "public-benefit"])}"' in summary
    assert f'href="{reverse("applications:data", args=[application.pk])}"' in summary
    assert all(href for href in re.findall(r'<a href="([^"]*)"', summary))
    assert "Accept and send" not in html


def test_the_connectivity_organisation_is_revealed_under_its_choice(client):
    user = researcher()
    application = create_application(title="A study", by=user)
    client.force_login(user)
    html = html_of(client.get(reverse("applications:section", args=[application.pk, "safeguards"])))
    conditional = re.search(
        r'<div class="govuk-radios__conditional[^"]*" id="([^"]+)">(.*?)</div>\s*</div>', html, re.S
    )
    assert conditional, "no conditional reveal"
    assert 'name="aoc_organisation"' in conditional.group(2)
    # Only the choice that reveals something names it; no aria-controls to nothing, no aria-expanded on a radio.
    reveals = re.findall(r'value="(\w+)"\s*(?:checked="checked")?\s*data-reveals="([^"]+)"', html)
    assert reveals == [("aoc_organisation", conditional.group(1))]
    main = html[html.index('id="main-content"') :]
    form = main[main.index("<form") : main.index("</form>")]
    assert "aria-controls=" not in form
    assert "data-conditional-radios" in form

    response = client.post(
        reverse("applications:section", args=[application.pk, "safeguards"]),
        {"access_location": "aoc_organisation", "aoc_organisation": "", "output_checking": ""},
    )
    assert "Enter the organisation with the connectivity agreement" in error_summary(html_of(response))


def test_date_legends_are_bold_and_one_bad_date_gives_one_error(client):
    user = researcher()
    application = create_application(title="A study", by=user)
    client.force_login(user)
    url = reverse("applications:section", args=[application.pk, "project"])
    html = html_of(client.get(url))
    legend = re.search(r'<legend class="([^"]*)">\s*Project start date', html)
    assert legend
    assert "govuk-fieldset__legend--s" in legend.group(1)

    html = html_of(
        client.post(url, {"title": "A study", "start_date_0": "31", "start_date_1": "13", "start_date_2": "2027"})
    )
    assert error_summary(html).count("<li>") == 1
    assert html.count('class="govuk-error-message"') == 1


def test_copy_is_offered_to_the_coordinator_only_and_not_on_an_empty_draft(client):
    application = ApplicationFactory()
    member = researcher()
    add_member(application, member)
    detail = reverse("applications:detail", args=[application.pk])
    client.force_login(coordinator_of(application))
    assert "Copy as a new application" in html_of(client.get(detail))
    client.force_login(member)
    assert "Copy as a new application" not in html_of(client.get(detail))
    assert client.post(reverse("applications:copy", args=[application.pk])).status_code == 403

    user = researcher()
    empty = create_application(title="Nothing yet", by=user)
    client.force_login(user)
    assert "Copy as a new application" not in html_of(client.get(reverse("applications:detail", args=[empty.pk])))


def test_withdraw_is_a_secondary_action_behind_a_confirmation_page(client):
    application = ApplicationFactory()
    client.force_login(coordinator_of(application))
    html = html_of(client.get(reverse("applications:detail", args=[application.pk])))
    link = re.search(r'<a class="([^"]*)" href="' + reverse("applications:withdraw", args=[application.pk]), html)
    assert link
    assert "govuk-button--secondary" in link.group(1)
    assert "govuk-button--warning" not in html
    page = html_of(client.get(reverse("applications:withdraw", args=[application.pk])))
    assert "Are you sure you want to withdraw this application?" in page
    assert re.search(r'<input type="submit"[^>]*govuk-button--warning', page)


def test_closing_a_panel_meeting_asks_first(client):
    people = People.create()
    meeting = quorate_meeting(people.panel)
    client.force_login(people.panel)
    url = reverse("reviews:meeting_close", args=[meeting.pk])
    assert url in html_of(client.get(reverse("reviews:meeting", args=[meeting.pk])))

    asked = client.post(url)
    assert asked.status_code == 200
    assert f"Are you sure you want to close the {meeting}?" in html_of(asked)
    assert 'name="confirm" value="yes"' in html_of(asked)
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.OPEN

    closed = client.post(url, {"confirm": "yes"})
    assert closed.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.CLOSED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("content", "expected", "refused"),
    [
        pytest.param(None, "passed the checks", "There is a problem", id="passed"),
        pytest.param(b"PK\x03\x04 truncated", "has errors", "Success", id="failed"),
    ],
)
def test_the_banner_after_an_upload_says_how_its_check_went(client, monkeypatch, content, expected, refused):
    from leo_access.celery import app as celery_app

    # Checked in this process before the redirect, as without a broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    client.force_login(coordinator_of(application))
    data = content or filled_form(application.reference)
    response = client.post(
        reverse("applications:data", args=[application.pk]),
        {"file": SimpleUploadedFile("form.xlsx", data)},
        follow=True,
    )
    html = html_of(response)
    banner = html[
        html.index('id="main-content"') : html.index('<div class="govuk-grid-row">', html.index("main-content"))
    ]
    assert expected in banner
    assert refused not in banner
    assert "Checking will start shortly" not in html


def test_one_navigation_item_is_active_on_each_page(client):
    people = People.create()
    meeting = quorate_meeting(people.panel)
    client.force_login(people.panel)
    for url in (
        reverse("reviews:queue"),
        reverse("reviews:meetings"),
        reverse("reviews:meeting", args=[meeting.pk]),
        reverse("notifications:list"),
    ):
        html = html_of(client.get(url, follow=True))
        assert html.count("govuk-service-navigation__item--active") == 1, url
        assert html.count('aria-current="page"') == 1, url
    html = html_of(client.get(reverse("reviews:meeting", args=[meeting.pk])))
    active = re.search(r'aria-current="page">([^<]+)<', html)
    assert active.group(1) == "Panel meetings"


def test_every_account_page_marks_your_account_in_the_menu(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    person = researcher()
    client.force_login(person)
    RecoveryCodes.activate(person)
    # These pages ask for the password again first; this session has just given it.
    session = client.session
    session["account_authentication_methods"].append({"method": "password", "at": time.time(), "reauthenticated": True})
    session.save()
    for name in (
        "account_email",
        "account_change_password",
        "mfa_index",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
        "api_tokens:list",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = html_of(response)
        assert html.count('aria-current="page"') == 1, name
        assert re.search(r'aria-current="page">([^<]+)<', html).group(1) == "Your account", name


def test_the_typed_name_must_match_the_profile_as_written(client):
    from tests.factories import PASSWORD, totp_code
    from tests.lifecycle import advance

    people = People.create()
    application = ApplicationFactory()
    coordinator = coordinator_of(application)
    application = advance(application, State.ACCREDITED, people)
    client.force_login(coordinator)
    from declarations.services import current_text

    text = current_text()
    data = {f"clause_{n}": "on" for n in range(1, len(text.clauses) + 1)}
    # Confirmed with the second factor the person has (an authenticator app), or else the password.
    data |= {"text_sha256": text.sha256, "password": PASSWORD}
    url = reverse("declarations:sign", args=[application.pk])
    refused = html_of(client.post(url, data | {"typed_name": coordinator.full_name.lower()}))
    assert "exactly as it is written in your profile" in refused
    accepted = client.post(url, data | {"typed_name": f" {coordinator.full_name} ", "code": totp_code()})
    assert accepted.status_code == 302
    assert coordinator.declarations.get().typed_name == coordinator.full_name
    # The confirmation says what happens next: here the only member signed, so access is granted.
    page = html_of(client.get(accepted.headers["Location"]))
    banner = page[page.index("govuk-notification-banner--success") : page.index("govuk-grid-row")]
    assert "You have signed your Individual Declaration" in banner
    assert "Everyone on the team has now signed, so access has been granted." in banner
