"""One application from intake, through DfE, HMRC and DWP, to the panel and accreditation, in the browser."""

from datetime import date

import pytest

from applications.models import Application
from applications.services import submit_application
from applications.states import State
from demo.applications import not_all_low_risk
from demo.forms import attach_demo_form, ensure_demo_catalogue
from tests.factories import PASSWORD, ApplicationFactory, coordinator_of
from tests.lifecycle import People

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_departments_and_panel_accredit_an_application(page):
    ensure_demo_catalogue()
    people = People.create()
    application = ApplicationFactory(form=False)
    # Not one a delegated official may accredit: this journey is the panel's.
    not_all_low_risk(application)
    attach_demo_form(application, by=application.created_by)
    submit_application(application_id=application.pk, by=coordinator_of(application))

    # RAS intake: the queue, the review page, the checklist, the decision.
    sign_in(page, people.ras, PASSWORD)
    page.goto("/reviews/queues/intake/")
    assert_accessible(page)
    page.get_by_role("link", name=application.reference).click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the intake decision").click()
    assert_accessible(page)
    for box in page.locator("input[name='checks']").all():
        box.check()
    page.get_by_label("Pass to department review").check()
    page.get_by_role("button", name="Record decision").click()
    assert_accessible(page)
    assert Application.objects.get(pk=application.pk).state == State.DEPARTMENT_REVIEW

    # Each department approves from its own queue.
    for reviewer, team in ((people.dfe, "dfe"), (people.hmrc, "hmrc"), (people.dwp, "dwp")):
        page.context.clear_cookies()
        sign_in(page, reviewer, PASSWORD)
        page.goto(f"/reviews/queues/{team}/")
        assert_accessible(page)
        page.get_by_role("link", name=application.reference).click()
        assert_accessible(page)
        page.get_by_role("button", name="Record your department's decision").click()
        page.get_by_label("Approve").check()
        page.get_by_role("button", name="Record decision").click()
        assert_accessible(page)
    assert Application.objects.get(pk=application.pk).state == State.PANEL_REVIEW

    # The panel meets, puts it on the agenda and accredits it.
    page.context.clear_cookies()
    sign_in(page, people.panel, PASSWORD)
    page.goto("/reviews/meetings/")
    assert_accessible(page)
    today = date.today()
    page.locator("#id_date_0").fill(str(today.day))
    page.locator("#id_date_1").fill(str(today.month))
    page.locator("#id_date_2").fill(str(today.year))
    page.get_by_label("Members present", exact=True).fill("Chair\nIndependent member\nDfE official")
    page.get_by_label("Independent members present").fill("Independent member")
    page.get_by_role("button", name="Create meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add to agenda").click()
    page.get_by_role("link", name=f"Record the decision on {application.reference}").click()
    assert_accessible(page)
    page.get_by_label("Accredit the project").check()
    page.locator("#id_ends_on_0").fill("31")
    page.locator("#id_ends_on_1").fill("3")
    page.locator("#id_ends_on_2").fill(str(today.year + 3))
    page.get_by_role("button", name="Record decision").click()
    assert_accessible(page)

    assert Application.objects.get(pk=application.pk).state == State.ACCREDITED
