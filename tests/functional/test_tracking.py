import csv
import io
from datetime import date
from pathlib import Path

import pytest

from applications.models import Application
from applications.states import State
from leo_access.roles import Role
from reviews.tracking import services
from reviews.tracking.selectors import Period
from tests.factories import PASSWORD, ApplicationFactory, staff
from tests.integration.tracking.conftest import BASE, _finish, _move, _start, day

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_follows_a_count_to_its_list_and_exports_it(page):
    finished = _start("Finished intake", 0)
    _move(finished, "intake_passed", day(3), State.DEPARTMENT_REVIEW)
    _finish(finished, State.DEPARTMENT_REVIEW, day(3), submitted_at=BASE)
    for number in range(2):
        application = ApplicationFactory(form=False, title=f"=Waiting study {number}")
        Application.objects.filter(pk=application.pk).update(state=State.PANEL_REVIEW, submitted_at=BASE)
    # The worker stores the dashboard (reviews.tracking.tasks.refresh_dashboard); the page only reads it.
    services.refresh_dashboard(period=Period(date(2025, 12, 1), day(60).date()))
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    sign_in(page, staff(Role.ADMIN), PASSWORD)
    page.goto(f"/tracking/?start=2025-12-01&end={day(60):%Y-%m-%d}")
    assert page.locator("h1").inner_text() == "Tracking every application"
    for image in page.locator("main img").all():
        # Each chart loaded as an image: it has a size, so neither the server nor the policy refused it.
        assert image.evaluate("i => i.complete && i.naturalWidth > 0"), image.get_attribute("src")
    assert_accessible(page)

    page.get_by_role("link", name="2 panel review applications").click()
    page.wait_for_url("**/tracking/applications/?state=panel_review")
    assert page.locator("tbody tr").count() == 2
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export as CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert sorted(row[1] for row in rows[1:]) == ["'=Waiting study 0", "'=Waiting study 1"]
    assert_accessible(page)
    assert not problems, problems
