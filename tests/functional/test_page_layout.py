"""Pages that fit: the review page's tables at desktop and phone widths, and conditional reveals with and
without JavaScript."""

import pytest

from applications.services import submit_application
from demo.forms import attach_demo_form, ensure_demo_catalogue, filled_form
from tests.factories import PASSWORD, ApplicationFactory, coordinator_of
from tests.lifecycle import People, pass_checked_intake

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The innermost elements that reach past the viewport, to name the culprit when a page is too wide.
WIDER_THAN = """(width) => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 8).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.textContent.trim().slice(0, 40)}`)"""
LONG_JUSTIFICATION = "Needed-to-link-attainment-to-earnings-across-every-cohort-without-spaces " * 3


def test_the_review_page_tables_fit_at_1280_and_375_pixels(page):
    ensure_demo_catalogue()
    people = People.create()
    application = ApplicationFactory(form=False)
    # A justification with no room to break is the widest a table cell gets. It is in the workbook itself, so the
    # stored findings say the same whichever process checks the upload.
    attach_demo_form(
        application,
        by=application.created_by,
        data=filled_form(application.reference, justification=LONG_JUSTIFICATION),
    )
    submit_application(application_id=application.pk, by=coordinator_of(application))
    pass_checked_intake(application, people.ras)
    sign_in(page, people.dfe, PASSWORD)

    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/reviews/applications/{application.pk}/")
        # Measured in the page's own font: a fallback font's wider letters would widen the cells.
        page.evaluate("document.fonts.ready.then(() => true)")
        region = page.get_by_role("region", name="Tables requested")
        assert region.count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            f"the page is wider than {width} px: {page.evaluate(WIDER_THAN, width)}"
        )
        column = page.locator("main .govuk-grid-row .govuk-grid-column-two-thirds").first.bounding_box()
        box = region.bounding_box()
        assert box["x"] + box["width"] <= column["x"] + column["width"] + 1, "the table spills out of its column"
        if width == 1280:
            sidebar = page.locator("main .govuk-grid-row .govuk-grid-column-one-third").first.bounding_box()
            assert box["x"] + box["width"] <= sidebar["x"], "the table runs into the sidebar"
            table = region.locator("table").bounding_box()
            assert table["width"] <= box["width"] + 1, "at desktop width the whole table shows without scrolling"
        assert LONG_JUSTIFICATION.split()[0] in region.inner_text()
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_connectivity_organisation_is_a_conditional_reveal(browser, live_server, javascript):
    from applications.services import create_application
    from tests.factories import researcher

    user = researcher()
    application = create_application(title="A study", by=user)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, user, PASSWORD)
        page.goto(f"/applications/{application.pk}/sections/safeguards/")
        organisation = page.get_by_label("Organisation with the connectivity agreement")
        # Without JavaScript every question shows; with it, only under the choice that needs it.
        assert organisation.is_visible() is not javascript
        page.get_by_label("At an organisation with an Assured Organisational Connectivity agreement").check()
        assert organisation.is_visible()
        if javascript:
            page.get_by_label("In an ONS safe setting").check()
            assert not organisation.is_visible()
            page.get_by_label("At an organisation with an Assured Organisational Connectivity agreement").check()
        if javascript:
            # axe-core is itself JavaScript: it runs only where the page may run scripts.
            assert_accessible(page)
        organisation.fill("University of Example")
        page.get_by_role("button", name="Save and continue").click()
        application.refresh_from_db()
        assert application.aoc_organisation == "University of Example"
    finally:
        context.close()


def test_sign_out_is_one_press_of_the_header_button(page):
    from tests.factories import researcher

    user = researcher()
    sign_in(page, user, PASSWORD)
    page.goto("/applications/")
    button = page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")
    # It reads as the navigation links beside it, not as a GOV.UK button.
    link_colour = (
        page.get_by_role("navigation", name="Menu")
        .get_by_role("link")
        .first.evaluate("(e) => getComputedStyle(e).color")
    )
    assert button.evaluate("(e) => getComputedStyle(e).color") == link_colour
    assert button.evaluate("(e) => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert_accessible(page)
    button.click()
    page.wait_for_url(lambda url: "/accounts/logout/" not in url)
    assert "You have signed out." in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("link", name="Sign in").count() >= 1
    assert_accessible(page)
