"""The public register in a browser, signed out: reached from the footer, searched and filtered with the plain form
(no JavaScript needed), with axe-core on each page, errors included."""

from datetime import UTC, datetime

import pytest

from demo.forms import ensure_demo_catalogue

from ..integration.register.helpers import on_register
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    from applications.register.cache import forget_local

    cache.clear()
    forget_local()


def test_anyone_finds_searches_and_filters_the_register(page):
    ensure_demo_catalogue()
    apprentices = on_register(title="Apprenticeships and earnings", datasets=("NPD",), organisation="North Uni")
    graduates = on_register(title="Graduate outcomes", datasets=("HESA",), accredited=datetime(2025, 4, 1, tzinfo=UTC))

    page.goto("/")
    page.get_by_role("link", name="Register of accredited projects").click()
    assert page.locator("h1").inner_text() == "Register of accredited projects"
    assert_accessible(page)

    page.get_by_label("Search").fill("apprenticeships")
    page.get_by_role("button", name="Search").click()
    assert apprentices.reference in page.locator("main").inner_text()
    assert graduates.reference not in page.locator("main").inner_text()
    assert "q=apprenticeships" in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_label("Dataset").select_option("HESA")
    page.get_by_label("Year accredited").select_option("2025")
    page.get_by_role("button", name="Search").click()
    main = page.locator("main").inner_text()
    assert graduates.reference in main
    assert apprentices.reference not in main
    page.get_by_text("1 table").click()  # the tables approved, behind a details element
    assert "NPD: KS4 01-02 to 20-21" in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_bad_address_shows_an_accessible_error_summary(page):
    on_register()
    page.goto("/register/?page=abc&q=")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.goto("/register/?dataset=NOT-A-DATASET")
    assert "Choose a dataset from the list" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_the_register_works_without_javascript(browser, live_server):
    on_register(title="Apprenticeships and earnings")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/register/")
    page.get_by_label("Search").fill("nothing matches this")
    page.get_by_role("button", name="Search").click()
    assert "No projects match this search." in page.locator("main").inner_text()
    context.close()
