"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


# Where the page may not run scripts, its timers never fire, and axe-core waits on them between rules. Playwright
# still evaluates its own code there, so axe is given timers that run as soon as the current step ends.
PROMPT_TIMERS = """window.setTimeout = (f, ms, ...args) => { Promise.resolve().then(() => f(...args)); return 0; };
window.clearTimeout = () => {};"""


# Only violations are reported, and only their summary crosses back: on a busy machine the rest costs seconds.
RUN_AXE = """async (tags) => {
    const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
    const results = await axe.run(document, options);
    return results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`
    );
}"""


def assert_accessible(page, *, javascript=True):
    """Run axe-core's WCAG 2.2 AA rules on the current page; fail listing every violation. With `javascript`
    False the page is in a context whose scripts are off, so it is checked as served, before any script runs."""
    if not javascript:
        page.evaluate(PROMPT_TIMERS)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not violations, f"{page.url} has accessibility violations:\n" + "\n".join(violations)


def sign_in(page, user, password):
    """Sign in through the real sign-in page (the address must be verified, as allauth requires)."""
    from allauth.account.models import EmailAddress

    from tests.factories import give_authenticator

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    give_authenticator(user)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        enter_authenticator_code(page, user)


def enter_authenticator_code(page, user):
    """The second sign-in step: the code their authenticator app shows now."""
    from tests.factories import forget_used_code, totp_code

    code = totp_code()
    forget_used_code(user, code)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
