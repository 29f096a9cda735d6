"""A researcher signs up, completes every section, uploads a form, submits, answers a query and resubmits;
axe-core checks every page on the way. The same journey runs with JavaScript turned off."""

import re
import time
from datetime import date

import pytest
from django.core import mail

from applications.models import Application
from applications.states import State
from demo.forms import ensure_demo_catalogue, filled_form
from leo_access.roles import Role
from reviews.services import query_application
from tests.factories import staff

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

EMAIL = "grace.hopper@example.org"
PASSWORD = "a-long-and-careful-passphrase"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def journey_page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=request.param)
    context.javascript_enabled = request.param
    page = context.new_page()
    yield page, request.param
    context.close()


def visit(page, url=None):
    if url:
        page.goto(url)
    # axe-core runs inside the page, so it can only check the pages of the JavaScript run.
    if page.context.javascript_enabled:
        assert_accessible(page)


def set_up_authenticator(page):
    """Everyone sets up a second factor before any other page: the authenticator app, which needs no
    JavaScript (a passkey would)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.factories import wait_for_fresh_code

    if "/accounts/reauthenticate/" in page.url:
        visit(page)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    visit(page)
    wait_for_fresh_code()
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    visit(page)


def fill_date(page, field, day):
    page.locator(f"#id_{field}_0").fill(str(day.day))
    page.locator(f"#id_{field}_1").fill(str(day.month))
    page.locator(f"#id_{field}_2").fill(str(day.year))


def save(page):
    page.get_by_role("button", name=re.compile("Save")).first.click()


def test_the_researcher_journey(journey_page, celery_worker, tmp_path):
    page, javascript = journey_page
    ensure_demo_catalogue()

    # Sign up and confirm the e-mail address.
    visit(page, "/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    visit(page)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    visit(page, re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()
    if "/accounts/login/" in page.url:
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    set_up_authenticator(page)

    # Profile and accreditation.
    visit(page, "/accounts/profile/")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Organisation").fill("University of Example")
    page.get_by_label("Full", exact=True).check()
    page.get_by_label("Accreditation reference").fill("DEA-2025-0099")
    fill_date(page, "accreditation_valid_from", date(date.today().year - 1, 1, 1))
    fill_date(page, "accreditation_valid_until", date(date.today().year + 5, 1, 1))
    page.get_by_role("button", name="Save profile").click()
    visit(page)
    assert "Your profile has been saved" in page.content()

    # A new application.
    visit(page, "/applications/")
    page.get_by_role("button", name="Start a new application").click()
    visit(page)
    page.get_by_label("What is the title of your project?").fill("Returns to level 3 qualifications")
    page.get_by_role("button", name="Start application").click()
    visit(page)
    application = Application.objects.get(title="Returns to level 3 qualifications")

    # Project details, with one mistake corrected.
    page.get_by_role("link", name="Project details").click()
    visit(page)
    page.get_by_label("Lay summary").fill("How do qualifications relate to earnings?")
    page.get_by_label("Abstract").fill("Linked education and earnings records.")
    page.get_by_label("Research questions").fill("What are the returns to level 3 qualifications?")
    page.get_by_label("Methodology").fill("Fixed-effects regression.")
    page.get_by_label("Software").fill("R")
    fill_date(page, "start_date", date(date.today().year + 1, 4, 1))
    fill_date(page, "end_date", date(date.today().year + 1, 1, 1))
    page.get_by_label("Funder").fill("None")
    save(page)
    visit(page)
    assert "Project end date must be after the start date" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Methodology").input_value() == "Fixed-effects regression."
    fill_date(page, "end_date", date(date.today().year + 3, 3, 31))
    save(page)

    # Public benefit.
    visit(page)
    page.get_by_role("link", name="Public benefit").click()
    visit(page)
    page.get_by_label("Provide an evidence base for public policy decisions").check()
    page.get_by_label("How will the public benefit?").fill("Better funding decisions for further education.")
    page.get_by_label("How will you make the results public?").fill("A working paper.")
    page.get_by_label("I commit to publishing the results of this research").check()
    save(page)

    # Ethics: the self-assessment.
    page.get_by_role("link", name="Ethics").click()
    visit(page)
    page.get_by_label("Complete the UK Statistics Authority ethics self-assessment").check()
    save(page)
    visit(page)
    for number in range(1, 15):
        page.locator(f"input[name='risk_{number}'][value='low']").check()
        page.locator(f"#id_justification_{number}").fill("Only de-identified data, in the secure service.")
    save(page)

    # Access and safeguards.
    page.get_by_role("link", name="Access and safeguards").click()
    visit(page)
    page.get_by_label("In an ONS safe setting").check()
    page.get_by_label("How will outputs be checked before release?").fill("Every output goes through SDC checks.")
    save(page)

    # Data requested: upload the form and wait for the worker's result.
    page.get_by_role("link", name="Data requested").click()
    visit(page)
    workbook = tmp_path / "form.xlsx"
    workbook.write_bytes(filled_form(application.reference))
    page.get_by_label("Upload your completed Variable Request Form").set_input_files(str(workbook))
    page.get_by_role("button", name="Upload form").click()
    for _ in range(60):
        if page.get_by_text("Your form passed the checks").count():
            break
        page.wait_for_timeout(500)
        if not javascript:  # without JavaScript the page says to refresh it
            page.reload()
    assert page.get_by_text("Your form passed the checks").count()
    visit(page)

    # Check answers and submit.
    page.get_by_role("link", name="Back to the application").click()
    visit(page)
    page.get_by_role("button", name="Check your answers and submit").click()
    visit(page)
    page.get_by_role("button", name="Accept and send").click()
    visit(page)
    assert application.reference in page.locator(".govuk-panel").inner_text()
    assert Application.objects.get(pk=application.pk).state == State.RAS_CHECK

    # The accreditation service asks a question; the researcher answers and resubmits.
    query_application(application_id=application.pk, by=staff(Role.RAS_OFFICER), questions="Which cohorts?")
    visit(page, f"/applications/{application.pk}/")
    assert "Which cohorts?" in page.content()
    page.get_by_role("link", name="Answer the questions and resubmit").click()
    visit(page)
    page.get_by_label("Your answers").fill("Pupils who finished KS4 between 2010 and 2015.")
    page.get_by_role("button", name="Resubmit application").click()
    visit(page)
    assert Application.objects.get(pk=application.pk).state == State.RAS_CHECK
    assert "Answers sent and resubmitted" in page.content()
