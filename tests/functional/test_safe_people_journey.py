"""Safe people from accreditation to a suspension, in the browser with axe-core on each page: the panel accredits at
a meeting and sets a condition to be met before access, the co-ordinator sends evidence, the panel signs it off,
every member signs their declaration and access is granted; then an admin imports a register that no longer lists
one member, the nightly check warns and later suspends them, and the RAS sees it on the access list."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications.models import ApprovalCondition, MemberAccess
from applications.states import State
from applications.tasks import check_member_access
from declarations.services import FIRST_TEXT_CLAUSES
from leo_access.models import ResearcherProfile
from tests.factories import PASSWORD, coordinator_of, forget_used_code, totp_code
from tests.lifecycle import People, advance, application_with_member, reload

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDITION = "Send the panel the output-checking plan."


def as_person(page, user):
    page.context.clear_cookies()
    sign_in(page, user, PASSWORD)


def fill_date(page, field, day):
    for part, value in enumerate((day.day, day.month, day.year)):
        page.locator(f"#id_{field}_{part}").fill(str(value))


def accredit_at_a_meeting_with_a_condition(page, application):
    page.goto("/reviews/meetings/")
    assert_accessible(page)
    fill_date(page, "date", date.today())
    page.get_by_label("Members present", exact=True).fill("Chair\nIndependent member\nDfE official")
    page.get_by_label("Independent members present").fill("Independent member")
    page.get_by_role("button", name="Create meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add to agenda").click()
    page.get_by_role("link", name=f"Record the decision on {application.reference}").click()
    assert_accessible(page)
    page.get_by_label("Accredit the project").check()
    page.get_by_label("Conditions, reasons or questions").fill(CONDITION)
    fill_date(page, "ends_on", date.today() + timedelta(days=3 * 365))
    page.get_by_role("button", name="Record decision").click()
    assert_accessible(page)
    assert reload(application).state == State.ACCREDITED

    # The condition the minutes record is set formally, so that access waits for it.
    page.goto(f"/applications/{application.pk}/conditions/")
    assert_accessible(page)
    page.get_by_label("Condition", exact=True).fill(CONDITION)
    page.get_by_label("Before access is granted").check()
    page.get_by_label("Who must meet it?").select_option(label="The project co-ordinator")
    page.get_by_role("button", name="Add condition").click()
    page.wait_for_url(f"**/applications/{application.pk}/conditions/")
    assert_accessible(page)
    return ApprovalCondition.objects.get(application=application, timing="before_access")


def sign_declaration(page, user, application):
    as_person(page, user)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("button", name="Sign your Individual Declaration").click()
    assert_accessible(page)
    for clause in FIRST_TEXT_CLAUSES:
        page.get_by_label(clause).check()
    page.get_by_label("Your full name").fill(user.full_name)
    # Everyone here has an authenticator app, so signing is confirmed with its code; the one used to sign in a
    # moment ago is made usable again.
    code = totp_code()
    forget_used_code(user, code)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign the declaration").click()
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert "You have signed your Individual Declaration" in page.content()
    assert_accessible(page)


def register_listing(*users) -> str:
    rows = ["Accreditation number,Name,Accreditation type,Expiry date,Organisation"]
    for user in users:
        profile = ResearcherProfile.objects.get(user=user)
        expiry = f"{profile.accreditation_valid_until:%d/%m/%Y}"
        rows.append(f"{profile.accreditation_reference},{user.full_name},Full,{expiry},{profile.organisation}")
    return "\n".join(rows) + "\n"


def test_condition_declarations_access_and_a_register_suspension(page, tmp_path, settings):
    people = People.create()
    application, member = application_with_member()
    application = advance(application, State.PANEL_REVIEW, people)
    coordinator = coordinator_of(application)

    # The panel accredits at its meeting and sets a condition to be met before access.
    as_person(page, people.panel)
    condition = accredit_at_a_meeting_with_a_condition(page, application)
    assert condition.state == ApprovalCondition.State.OPEN

    # The co-ordinator is told access waits for it, and sends evidence.
    as_person(page, coordinator)
    page.goto(f"/applications/{application.pk}/")
    assert "Access will be granted only once every condition" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Submit evidence for this condition").click()
    assert_accessible(page)
    page.get_by_label("How is the condition met?").fill("The plan was sent to the panel secretary on Monday.")
    page.get_by_role("button", name="Submit evidence").click()
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert_accessible(page)
    condition.refresh_from_db()
    assert condition.state == ApprovalCondition.State.EVIDENCE_SUBMITTED

    # The panel reads the evidence and signs the condition off.
    as_person(page, people.panel)
    page.goto(f"/applications/{application.pk}/conditions/")
    assert "sent to the panel secretary" in page.content()
    page.get_by_role("link", name="Sign off or waive this condition").click()
    assert_accessible(page)
    page.get_by_label("Met: sign it off").check()
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"**/applications/{application.pk}/conditions/")
    assert_accessible(page)
    condition.refresh_from_db()
    assert condition.state == ApprovalCondition.State.MET

    # Every member signs; the last signature grants access to both.
    sign_declaration(page, coordinator, application)
    assert reload(application).state == State.ACCREDITED
    sign_declaration(page, member, application)
    assert reload(application).state == State.ACCESS_GRANTED
    records = MemberAccess.objects.filter(application=application)
    assert {(r.user, r.status) for r in records} == {
        (coordinator, MemberAccess.Status.ACTIVE),
        (member, MemberAccess.Status.ACTIVE),
    }

    # An admin imports a register that lists the co-ordinator but no longer the member.
    as_person(page, people.admin)
    page.goto("/accredited-researchers/")
    assert_accessible(page)
    register = tmp_path / "register.csv"
    register.write_text(register_listing(coordinator), encoding="utf-8")
    page.get_by_label("The register of accredited researchers").set_input_files(str(register))
    page.get_by_role("button", name="Import the register").click()
    page.wait_for_url("**/accredited-researchers/")
    assert "Version 1 imported" in page.content()
    assert_accessible(page)

    # The nightly check, run as the beat runs it: a warning first, the suspension once the warning period is over.
    settings.REGISTER_WARNING_DAYS = 14
    check_member_access()
    warned = MemberAccess.objects.get(application=application, user=member)
    assert (warned.status, warned.register_warned_on) == (MemberAccess.Status.ACTIVE, date.today())
    later = datetime.combine(date.today() + timedelta(days=14), time(2), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(later, tick=False):
        check_member_access()
    suspended = MemberAccess.objects.get(application=application, user=member)
    assert (suspended.status, suspended.suspension_cause) == (
        MemberAccess.Status.SUSPENDED,
        MemberAccess.Cause.REGISTER,
    )
    assert MemberAccess.objects.get(application=application, user=coordinator).status == MemberAccess.Status.ACTIVE

    # The RAS sees the suspension on the access list and on the member's record.
    as_person(page, people.ras)
    page.goto("/reviews/access/?status=suspended")
    assert_accessible(page)
    assert member.full_name in page.content()
    assert coordinator.full_name not in page.content()
    page.get_by_role("link", name=member.full_name).click()
    page.wait_for_url("**/reviews/access/*/")
    assert "not on the register of accredited researchers" in page.content()
    assert "by the service (Not confirmed by the accredited-researcher register)" in page.content()
    assert_accessible(page)
