"""Each role's main pages, walked in a browser as that role: at 1280 and 375 px, with JavaScript on and off, each
page loads, fits the viewport, marks at most one navigation item as current and passes axe-core.

Set SCREENSHOTS to a folder to keep a full-page picture of each page at 375 px with JavaScript on.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from applications.amendments.services import request_amendment, submit_amendment, update_amendment
from applications.closure.services import close_early
from applications.states import State
from leo_access.roles import Role
from tests.factories import PASSWORD, ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance, application_with_member, quorate_meeting

from .conftest import assert_accessible, sign_in
from .test_page_layout import WIDER_THAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)
SCREENSHOTS = os.environ.get("SCREENSHOTS")
ACTIVE_ITEM = ".govuk-service-navigation__item--active"
SECTIONS = ["project", "public-benefit", "ethics", "safeguards"]
# The account pages are the same for every role; the researcher's walk covers them.
ACCOUNT_PAGES = "/accounts/"


def live_project(people, coordinator=None):
    made = ApplicationFactory(created_by=coordinator) if coordinator else ApplicationFactory()
    return advance(made, State.ACCESS_GRANTED, people)


def ask_for_extension(application):
    """A submitted amendment asking for a month more: the RAS decides it, so it waits in the RAS's queue."""
    by = coordinator_of(application)
    amendment = request_amendment(application_id=application.pk, by=by, summary="The analysis needs a month more.")
    update_amendment(
        amendment_id=amendment.pk,
        by=by,
        summary="The analysis needs a month more.",
        new_end_date=application.end_date + timedelta(days=30),
    )
    submit_amendment(amendment_id=amendment.pk, by=by)


def closed_project(people):
    """Closed early, with its closure return awaited."""
    application = live_project(people)
    close_early(application_id=application.pk, by=coordinator_of(application), reason="The work is finished.")
    return application


def pages_for(role: str) -> tuple[object, list[str]]:
    """Who signs in for `role`, with an application at the stage they act on, and the pages beyond their
    navigation's links to walk."""
    people = People.create()
    if role == "researcher":
        draft, _ = application_with_member()
        researcher = coordinator_of(draft)
        accredited = advance(ApplicationFactory(created_by=researcher), State.ACCREDITED, people)
        live = live_project(people, researcher)
        ask_for_extension(live)
        return researcher, [
            reverse("applications:detail", args=[draft.pk]),
            *(reverse("applications:section", args=[draft.pk, slug]) for slug in SECTIONS[:2]),
            reverse("applications:team", args=[draft.pk]),
            reverse("applications:data", args=[draft.pk]),
            *(reverse("applications:section", args=[draft.pk, slug]) for slug in SECTIONS[2:]),
            reverse("applications:check", args=[draft.pk]),
            reverse("applications:detail", args=[accredited.pk]),
            reverse("declarations:sign", args=[accredited.pk]),
            reverse("applications:amendments", args=[live.pk]),
        ]
    if role == Role.RAS_OFFICER:
        waiting = advance(ApplicationFactory(), State.RAS_CHECK, people)
        ask_for_extension(live_project(people))
        closed_project(people)  # the closure returns list, in the RAS's navigation, shows its return
        return people.ras, [
            reverse("reviews:review", args=[waiting.pk]),
            reverse("declarations:verify"),
            reverse("reviews:amendments"),
        ]
    if role in (Role.DFE_REVIEWER, Role.HMRC_REVIEWER, Role.DWP_REVIEWER):
        reviewing = advance(ApplicationFactory(), State.DEPARTMENT_REVIEW, people)
        user = {Role.DFE_REVIEWER: people.dfe, Role.HMRC_REVIEWER: people.hmrc, Role.DWP_REVIEWER: people.dwp}[role]
        return user, [reverse("reviews:review", args=[reviewing.pk]), reverse("reviews:amendments")]
    if role == Role.PANEL_MEMBER:
        from reviews.services import add_to_agenda

        waiting = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
        meeting = quorate_meeting(people.panel)
        item = add_to_agenda(meeting_id=meeting.pk, application_id=waiting.pk, by=people.panel)
        return people.panel, [
            reverse("reviews:review", args=[waiting.pk]),
            reverse("reviews:meeting", args=[meeting.pk]),
            reverse("reviews:agenda_item", args=[meeting.pk, item.pk]),
            reverse("reviews:amendments"),
        ]
    if role == Role.DELEGATED_OFFICIAL:
        waiting = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
        return people.delegated, [reverse("reviews:review", args=[waiting.pk]), reverse("reviews:amendments")]
    assert role == Role.ADMIN
    from reviews.tracking.selectors import Period
    from reviews.tracking.services import refresh_dashboard

    accredited = advance(ApplicationFactory(), State.ACCREDITED, people)
    closed_project(people)  # the closure returns list, in the admin's navigation, shows its return
    # Worked out as the worker would, so the dashboard shows its tables and charts rather than "being worked out".
    refresh_dashboard(period=Period.last_months(12))
    return people.admin, [reverse("reviews:review", args=[accredited.pk])]


def navigation_links(page) -> list[str]:
    menu = page.get_by_role("navigation", name="Menu")
    return [link.get_attribute("href") for link in menu.get_by_role("link").all()]


def check_page(page, url: str, *, javascript: bool, in_navigation: bool, shots: str | None):
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    # GOV.UK Frontend's first script marks the body: it ran only where scripts may run.
    assert page.evaluate("document.body.classList.contains('js-enabled')") is javascript
    assert page.locator("h1").count() == 1, f"{url} has {page.locator('h1').count()} main headings"
    active = page.locator(ACTIVE_ITEM).count()
    assert active <= 1, f"{url} marks {active} navigation items as current"
    if in_navigation:
        assert active == 1, f"{url} is in the navigation but not marked as the current item"
    # Measured in the page's own font: a fallback font's wider letters would widen it.
    page.evaluate("document.fonts.ready.then(() => true)")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{url} is {wide} px wide at {width} px: {page.evaluate(WIDER_THAN, width)}"
        assert_accessible(page, javascript=javascript)
        if shots and width == 375 and javascript:
            name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


ROLES = [
    "researcher",
    Role.RAS_OFFICER,
    Role.DFE_REVIEWER,
    Role.HMRC_REVIEWER,
    Role.DWP_REVIEWER,
    Role.PANEL_MEMBER,
    Role.DELEGATED_OFFICIAL,
    Role.ADMIN,
]


@pytest.mark.parametrize("role", ROLES, ids=[str(role) for role in ROLES])
def test_each_role_walks_its_main_pages(browser, live_server, role):
    user, extra = pages_for(role)
    signed_in = browser.new_context(base_url=live_server.url)
    try:
        page = signed_in.new_page()
        sign_in(page, user, PASSWORD)
        links = navigation_links(page)
        assert links, "no navigation after signing in"
        walked = [url for url in links if role == "researcher" or not url.startswith(ACCOUNT_PAGES)]
        without_scripts = browser.new_context(
            base_url=live_server.url, java_script_enabled=False, storage_state=signed_in.storage_state()
        )
        try:
            still = without_scripts.new_page()
            shots = None
            if SCREENSHOTS:
                shots = str(Path(SCREENSHOTS) / str(role))
                Path(shots).mkdir(parents=True, exist_ok=True)
            for url in walked + extra:
                check_page(page, url, javascript=True, in_navigation=url in links, shots=shots)
                check_page(still, url, javascript=False, in_navigation=url in links, shots=None)
        finally:
            without_scripts.close()
    finally:
        signed_in.close()
