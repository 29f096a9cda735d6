"""A co-ordinator closes their project early and sends the closure return with two outputs, in the browser with
axe-core on each page at 1280 and 375 pixels; the outputs then show on the project page and the public register."""

import pytest

from applications.models import ClosureReturn, MemberAccess
from applications.states import State
from tests.factories import PASSWORD, coordinator_of
from tests.lifecycle import People, advance, application_with_member, reload

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible_at_both_widths(page):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def add_output(page, *, title, kind, day, month, year, link, checked):
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Type", exact=True).select_option(label=kind)
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_label("DOI or web address").fill(link)
    page.get_by_role("group", name="Was the output checked").get_by_label("Yes" if checked else "No").check()
    page.get_by_role("button", name="Add this output").click()
    page.wait_for_load_state()


def test_a_coordinator_closes_early_and_sends_the_return_with_two_outputs(page):
    people = People.create()
    application, _ = application_with_member()
    application = advance(application, State.ACCESS_GRANTED, people)
    sign_in(page, coordinator_of(application), PASSWORD)

    page.goto(f"/applications/{application.pk}/")
    accessible_at_both_widths(page)
    page.get_by_role("button", name="Close the project early").click()
    page.wait_for_url(f"**/applications/{application.pk}/close/")
    accessible_at_both_widths(page)
    page.get_by_role("button", name="Close the project now").click()  # no reason given
    page.wait_for_load_state()
    assert "Enter why the project is closing early" in page.content()
    accessible_at_both_widths(page)
    page.get_by_label("Why is the project closing before its end date?").fill("The analysis is complete.")
    page.get_by_role("button", name="Close the project now").click()
    page.wait_for_url(f"**/applications/{application.pk}/closure-return/")
    assert reload(application).state == State.CLOSED
    assert not MemberAccess.objects.filter(application=application).exclude(status=MemberAccess.Status.ENDED).exists()
    assert f"{application.reference} is closed" in page.content()
    accessible_at_both_widths(page)

    # A bad address is refused with the report typed so far kept.
    page.get_by_label("Final report").fill("We linked school and earnings records.")
    add_output(
        page,
        title="Earnings five years after GCSEs",
        kind="Journal article",
        day="14",
        month="3",
        year="2027",
        link="not an address",
        checked=True,
    )
    assert "Enter a DOI starting 10. or a web address starting https://" in page.content()
    assert page.get_by_label("Final report").input_value() == "We linked school and earnings records."
    accessible_at_both_widths(page)
    page.get_by_label("DOI or web address").fill("10.1234/leo.2027.01")
    page.get_by_role("button", name="Add this output").click()
    page.wait_for_load_state()
    assert "has been added" in page.content()
    add_output(
        page,
        title="Regional gaps in graduate pay",
        kind="Report",
        day="2",
        month="9",
        year="2027",
        link="https://example.org/reports/regional-gaps",
        checked=False,
    )
    assert page.get_by_role("table", name="Outputs added so far").get_by_role("row").count() == 3
    assert page.get_by_label("Final report").input_value() == "We linked school and earnings records."
    accessible_at_both_widths(page)

    page.get_by_label("I confirm that any pre-publication material").check()
    page.get_by_role("button", name="Send the closure return").click()
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert "Your closure return has been sent" in page.content()
    the_return = ClosureReturn.objects.get(application=application)
    assert the_return.submitted_at is not None
    assert the_return.materials_destroyed
    assert application.outputs.count() == 2
    assert "Regional gaps in graduate pay" in page.content()
    accessible_at_both_widths(page)

    page.goto(f"/register/?q={application.reference}")
    assert "2 outputs" in page.content()
    page.get_by_text("2 outputs").click()
    assert page.get_by_role("link", name="Earnings five years after GCSEs").is_visible()
    accessible_at_both_widths(page)
