import pytest

from notifications.outbox import record_event
from tests.factories import PASSWORD
from tests.lifecycle import People, advance, application_with_member

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_researcher_opens_a_notification_from_the_header(page):
    people = People.create()
    application, member = application_with_member()
    application = advance(application, "ras_check", people)
    record_event(application.events.get(kind="submitted").pk)

    sign_in(page, member, PASSWORD)
    header_link = page.locator("#navigation a[href='/accounts/notifications/']")
    assert header_link.inner_text().split() == ["Notifications", "(1", "unread", ")"]
    header_link.click()
    assert page.locator("h1").inner_text() == "Your notifications"
    assert_accessible(page)
    page.get_by_role("link", name=f"{application.reference}: Your application has been submitted").click()
    assert application.title in page.locator("main").inner_text()
    assert_accessible(page)
    assert page.locator("#navigation a[href='/accounts/notifications/']").inner_text() == "Notifications"
    page.get_by_role("button", name="Go to the page").click()
    page.wait_for_url(f"**/applications/{application.pk}/")

    page.goto("/accounts/notifications/preferences/")
    assert_accessible(page)
