"""The API's documentation runs in Chromium under the content security policy, and a researcher makes a token
on their account page. axe-core on the token page."""

import re

import pytest

from api.models import ApiToken
from tests.factories import PASSWORD, researcher

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_POLICY = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_the_api_documentation_renders_every_operation_without_breaking_the_policy(page):
    page.add_init_script(WATCH_POLICY)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() >= 14
    assert page.evaluate("window.__violations") == []
    assert not [line for line in console if "Content Security Policy" in line]


def test_a_researcher_creates_a_token_and_sees_it_once(page):
    user = researcher()
    sign_in(page, user, PASSWORD)
    page.goto("/accounts/api-tokens/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Nightly check")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"leo_[A-Za-z0-9_-]{43}", secret)
    assert_accessible(page)
    page.goto("/accounts/api-tokens/")
    assert secret not in page.content()
    assert ApiToken.objects.get(user=user).name == "Nightly check"
