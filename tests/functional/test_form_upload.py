"""Upload a Variable Request Form in the browser; a real worker checks it; the page shows the result."""

import pytest

from applications.services import create_application
from demo.forms import ensure_demo_catalogue, filled_form
from tests.factories import PASSWORD, researcher

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_uploaded_form_is_checked_by_the_worker_and_its_result_shown(page, celery_worker, tmp_path):
    ensure_demo_catalogue()
    user = researcher()
    application = create_application(title="Returns to apprenticeships", by=user)
    workbook = tmp_path / "variable-request-form.xlsx"
    workbook.write_bytes(filled_form(application.reference))
    sign_in(page, user, PASSWORD)

    page.goto(f"/applications/{application.pk}/data/")
    assert_accessible(page)
    page.get_by_label("Upload your completed Variable Request Form").set_input_files(str(workbook))
    page.get_by_role("button", name="Upload form").click()

    page.get_by_text("Your form passed the checks").wait_for(timeout=30_000)
    assert "What is requested, by dataset" in page.content()
    assert_accessible(page)


def test_a_file_that_is_not_a_spreadsheet_is_explained(page, celery_worker, tmp_path):
    ensure_demo_catalogue()
    user = researcher()
    application = create_application(title="Returns to apprenticeships", by=user)
    bogus = tmp_path / "notes.xlsx"
    bogus.write_bytes(b"These are my notes, not a workbook.")
    sign_in(page, user, PASSWORD)

    page.goto(f"/applications/{application.pk}/data/")
    page.get_by_label("Upload your completed Variable Request Form").set_input_files(str(bogus))
    page.get_by_role("button", name="Upload form").click()

    page.get_by_text("Your form has errors").wait_for(timeout=30_000)
    assert "not" in page.locator("#form-status").inner_text().lower()
    assert_accessible(page)
