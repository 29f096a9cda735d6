"""Two team members sign their Individual Declarations in the browser; access is granted and the worker
seals both PDFs. axe-core checks the signing pages."""

import time

import pytest

from applications.states import State
from declarations.models import Declaration, SignedDeclarationDocument
from declarations.services import FIRST_TEXT_CLAUSES
from tests.factories import PASSWORD, coordinator_of, forget_used_code, totp_code
from tests.lifecycle import People, advance, application_with_member, reload

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def enter_code(page, user):
    """Everyone has an authenticator app here, so signing is confirmed with its code, not the password. A code is
    accepted once: the one used to sign in a moment ago is made usable again."""
    code = totp_code()
    forget_used_code(user, code)
    page.get_by_label("Code from your authenticator app").fill(code)


def sign_as(page, user, application):
    sign_in(page, user, PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("button", name="Sign your Individual Declaration").click()
    assert_accessible(page)
    assert application.title in page.content()

    # Submitting with nothing ticked lists every statement still to confirm.
    page.get_by_label("Your full name").fill(user.full_name)
    enter_code(page, user)
    page.get_by_role("button", name="Sign the declaration").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Confirm statement 1" in summary
    assert f"Confirm statement {len(FIRST_TEXT_CLAUSES)}" in summary
    assert_accessible(page)

    for clause in FIRST_TEXT_CLAUSES:
        page.get_by_label(clause).check()
    page.get_by_label("Your full name").fill(user.full_name)
    enter_code(page, user)
    page.get_by_role("button", name="Sign the declaration").click()
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert "You have signed your Individual Declaration" in page.content()
    assert_accessible(page)
    page.context.clear_cookies()


def test_two_members_sign_and_access_is_granted(page, celery_worker):
    people = People.create()
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    coordinator = coordinator_of(application)

    sign_as(page, coordinator, application)
    assert reload(application).state == State.ACCREDITED
    sign_as(page, member, application)
    assert reload(application).state == State.ACCESS_GRANTED

    signed = Declaration.objects.filter(application=application, signed_at__isnull=False)
    assert {d.member for d in signed} == {coordinator, member}
    assert all(d.ip_address and d.user_agent and d.confirmed_with == "totp" for d in signed)

    # The worker seals both PDFs after the signatures commit; the member downloads theirs.
    deadline = time.monotonic() + 60
    while SignedDeclarationDocument.objects.filter(declaration__application=application).count() < 2:
        assert time.monotonic() < deadline, "the worker did not make both signed PDFs in time"
        time.sleep(0.3)
    sign_in(page, member, PASSWORD)
    page.goto(f"/declarations/application/{application.pk}/sign/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your signed declaration (PDF)").click()
    document = SignedDeclarationDocument.objects.get(declaration__member=member, declaration__application=application)
    with open(download.value.path(), "rb") as handle:
        from declarations.pdf import sha256

        assert sha256(handle.read()) == document.sha256
