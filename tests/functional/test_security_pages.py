"""A new member of staff sets up their authenticator; an admin searches the audit log. axe-core on each page."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.roles import Role
from tests.factories import PASSWORD, ApplicationFactory, staff

from .conftest import assert_accessible, enter_authenticator_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_reviewer_sets_up_an_authenticator_before_reaching_their_queue(page):
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    reviewer = staff(Role.DFE_REVIEWER)
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    page.goto("/reviews/my-work/")
    page.get_by_label("Email").fill(reviewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Adding a factor asks for the password once more.
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert "Every account must use a second factor" in page.content()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert_accessible(page)
    page.goto("/reviews/my-work/")
    assert page.locator("h1").inner_text() == "My work"
    assert AuditEvent.objects.filter(kind=AuditKind.SECOND_FACTOR_ADDED, actor=reviewer).exists()


def test_an_admin_finds_who_opened_an_application(page):
    application = ApplicationFactory(form=False)
    reviewer = staff(Role.RAS_OFFICER)
    from leo_access.audit.services import record

    record(kind=AuditKind.APPLICATION_OPENED, by=reviewer, application=application, summary="Opened it")
    admin = staff(Role.ADMIN)
    sign_in(page, admin, PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/audit/")
    assert_accessible(page)
    page.get_by_label("Person (e-mail address or part of it)").fill(reviewer.email)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/audit/?*")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Opened it" in rows.first.inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these entries as CSV").click()
    assert "Opened it" in Path(download.value.path()).read_text()


def test_staff_are_asked_for_their_code_at_sign_in(page):
    from tests.factories import give_authenticator

    reviewer = staff(Role.PANEL_MEMBER)
    give_authenticator(reviewer)
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(reviewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_accessible(page)
    enter_authenticator_code(page, reviewer)
    page.goto("/reviews/meetings/")
    assert page.locator("h1").inner_text() == "Panel meetings"
