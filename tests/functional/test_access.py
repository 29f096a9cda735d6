"""Safe people after the grant, in the browser with axe-core on each page: an admin imports the register, the RAS
suspends a member from the access list, and a co-ordinator answers a condition that holds access back."""

import pytest

from applications.conditions import set_condition
from applications.models import ApprovalCondition, MemberAccess
from applications.states import State
from leo_access.accredited_researchers.models import RegisterImport
from tests.factories import PASSWORD, coordinator_of
from tests.lifecycle import People, advance, application_with_member

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_person(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, user, PASSWORD)
    return page


def test_register_access_list_and_conditions_pages(browser, live_server, tmp_path):
    people = People.create()
    granted, member = application_with_member()
    granted = advance(granted, State.ACCESS_GRANTED, people)
    accredited = advance(application_with_member()[0], State.ACCREDITED, people)
    condition = set_condition(
        application_id=accredited.pk, by=people.panel, text="Send the output plan.", timing="before_access"
    )

    admin = as_person(browser, live_server, people.admin)
    admin.goto("/accredited-researchers/")
    assert_accessible(admin)
    register = tmp_path / "register.csv"
    register.write_text(
        "Accreditation number,Name,Accreditation type,Expiry date,Organisation\nA-1,Jane Smith,Full,31/08/2029,Uni\n"
    )
    admin.get_by_label("The register of accredited researchers").set_input_files(str(register))
    admin.get_by_role("button", name="Import the register").click()
    admin.wait_for_url("**/accredited-researchers/")
    assert "Version 1 imported" in admin.content()
    assert RegisterImport.objects.get().rows == 1
    assert_accessible(admin)

    ras = as_person(browser, live_server, people.ras)
    ras.goto("/reviews/access/")
    assert_accessible(ras)
    ras.get_by_role("link", name=member.full_name).click()
    ras.wait_for_url("**/reviews/access/*/")
    assert_accessible(ras)
    ras.get_by_label("Suspend access").check()
    ras.get_by_label("Reason").fill("An output was released without checks.")
    ras.get_by_role("button", name="Save").click()
    ras.wait_for_load_state()
    assert MemberAccess.objects.get(application=granted, user=member).status == MemberAccess.Status.SUSPENDED
    assert "An output was released without checks." in ras.content()
    assert_accessible(ras)

    coordinator = as_person(browser, live_server, coordinator_of(accredited))
    coordinator.goto(f"/applications/{accredited.pk}/")
    assert "Access will be granted only once every condition" in coordinator.content()
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Submit evidence for this condition").click()
    assert_accessible(coordinator)
    coordinator.get_by_label("How is the condition met?").fill("Sent by e-mail on Monday.")
    coordinator.get_by_role("button", name="Submit evidence").click()
    coordinator.wait_for_url(f"**/applications/{accredited.pk}/")
    assert ApprovalCondition.objects.get(pk=condition.pk).state == ApprovalCondition.State.EVIDENCE_SUBMITTED
