"""A live project changes in the browser, with axe-core on every page: the co-ordinator adds a member and an HMRC
table in one amendment; HMRC alone reviews it; the new member signs the declaration and gets access; the project
page shows version 2."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Amendment, AmendmentReview, MemberAccess
from applications.services import upload_variable_request_form
from applications.states import State
from applications.validation import validate_form
from applications.vrf_catalogue import import_catalogue
from declarations.services import FIRST_TEXT_CLAUSES
from tests.factories import PASSWORD, coordinator_of, forget_used_code, researcher, totp_code
from tests.lifecycle import People, advance, application_with_member
from tests.vrf_factory import VrfBuilder

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def live_project(builder):
    people = People.create()
    application, _ = application_with_member(form=False)
    form = upload_variable_request_form(
        application_id=application.pk,
        by=coordinator_of(application),
        uploaded=SimpleUploadedFile("form.xlsx", builder.build()),
    )
    assert validate_form(form.pk).validation_status == "passed"
    return advance(application, State.ACCESS_GRANTED, people), people


def wait_for_text(page, text, seconds=30):
    deadline = time.monotonic() + seconds
    while text not in page.content():
        assert time.monotonic() < deadline, f"{text!r} did not appear on {page.url}"
        time.sleep(0.5)
        page.reload()


def test_a_live_project_adds_a_member_and_an_hmrc_table(browser, live_server, celery_worker, tmp_path):
    builder = VrfBuilder()
    import_catalogue(data=builder.build(), source_name="official-form.xlsx")
    project, people = live_project(builder)
    newcomer = researcher()
    workbook = tmp_path / "new-form.xlsx"
    workbook.write_bytes(builder.request("cjrs").build())

    def person(user):
        page = browser.new_context(base_url=live_server.url).new_page()
        sign_in(page, user, PASSWORD)
        return page

    # The co-ordinator asks for the change.
    coordinator = person(coordinator_of(project))
    coordinator.goto(f"/applications/{project.pk}/")
    coordinator.get_by_role("link", name="Changes to the project (amendments)").click()
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Request a change").click()
    coordinator.wait_for_url("**/amendments/1/")
    assert_accessible(coordinator)
    coordinator.get_by_label("Why is the change needed?").fill("A new analyst joins to study furlough data.")
    coordinator.get_by_label("Add a researcher (optional)").fill(newcomer.email)
    coordinator.get_by_label("A new Variable Request Form (optional)").set_input_files(str(workbook))
    coordinator.get_by_role("button", name="Save the amendment").click()
    coordinator.wait_for_url("**/amendments/1/")
    wait_for_text(coordinator, "Version 2: Passed")
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Submit the amendment").click()
    coordinator.wait_for_url("**/amendments/1/")
    assert "Amendment 1 has been submitted" in coordinator.content()
    assert "Table added: CJRS" in coordinator.content()
    assert_accessible(coordinator)
    amendment = Amendment.objects.get(application=project)
    assert dict(amendment.reviews.values_list("department", "decision")) == {"hmrc": "pending"}

    # Only HMRC has it in its queue, and approves it.
    dfe = person(people.dfe)
    dfe.goto("/reviews/amendments/")
    assert "No amendments are waiting for your team." in dfe.content()
    assert_accessible(dfe)
    hmrc = person(people.hmrc)
    hmrc.goto("/reviews/amendments/")
    assert_accessible(hmrc)
    hmrc.get_by_role("link", name=f"Amendment 1 to {project.reference}").click()
    assert "HMRC: CJRS: table requested" in hmrc.content()
    assert_accessible(hmrc)
    hmrc.get_by_label("Approve").check()
    hmrc.get_by_role("button", name="Record your department's decision").click()
    hmrc.wait_for_url("**/reviews/amendments/")
    assert "The project is now at version 2" in hmrc.content()
    assert_accessible(hmrc)
    assert AmendmentReview.objects.get(amendment=amendment).decision == "approved"
    assert not MemberAccess.objects.filter(application=project, user=newcomer).exists()

    # The new member signs, and their access starts.
    member = person(newcomer)
    member.goto(f"/applications/{project.pk}/")
    member.get_by_role("button", name="Sign your Individual Declaration").click()
    assert_accessible(member)
    for clause in FIRST_TEXT_CLAUSES:
        member.get_by_label(clause).check()
    member.get_by_label("Your full name").fill(newcomer.full_name)
    # Signing is confirmed with the authenticator code; the one used to sign in a moment ago is made usable again.
    code = totp_code()
    forget_used_code(newcomer, code)
    member.get_by_label("Code from your authenticator app").fill(code)
    member.get_by_role("button", name="Sign the declaration").click()
    member.wait_for_url(f"**/applications/{project.pk}/")
    assert MemberAccess.objects.get(application=project, user=newcomer).status == MemberAccess.Status.ACTIVE

    # The project page shows version 2 and what changed.
    content = member.content()
    assert "Version 2" in content
    assert f"{newcomer.email} joined the team" in content
    assert "CJRS added" in content
    assert_accessible(member)
    member.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(member)
