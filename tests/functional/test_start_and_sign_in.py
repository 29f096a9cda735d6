import pytest

from demo.users import DEMO_PASSWORD, current_demo_code, ensure_demo_users
from tests.factories import wait_for_fresh_code

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_page_is_styled_accessible_and_runs_its_scripts(page):
    page.goto("/")

    assert page.locator("h1").inner_text() == "Apply for LEO data access"
    assert page.locator(".govuk-service-navigation__service-name").inner_text() == "Apply for LEO data access"
    # The inline start-up script carries the CSP nonce; if the policy blocked it, this class is missing.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    # GOV.UK Frontend's stylesheet is loaded and applied.
    assert page.locator(".govuk-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    assert page.locator("svg.govuk-header__logotype").count() == 0
    assert_accessible(page)


def test_a_demo_user_signs_in_from_the_start_page(page):
    ensure_demo_users()
    page.goto("/")
    page.get_by_role("button", name="Sign in to start").click()
    assert_accessible(page)

    page.get_by_label("Email").fill("researcher@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The demo accounts share an authenticator secret; `manage.py demo_code` prints its code.
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_accessible(page)
    wait_for_fresh_code()
    page.get_by_label("Code").fill(current_demo_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

    assert "You are signed in as researcher@example.com" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_wrong_password_shows_an_error_summary(page):
    ensure_demo_users()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("researcher@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
