"""Approval conditions: a before-access condition holds access back on every path until the team that set it signs
it off or waives it; evidence comes from the applicant team; only the setting team decides."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.conditions import decide_condition, set_condition, submit_evidence
from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.models import ApprovalCondition, MemberAccess
from applications.states import State
from declarations.models import Declaration
from declarations.services import grant_access, sign_declaration
from notifications.models import Message
from notifications.reminders import run_all
from tests.conftest import Client
from tests.factories import coordinator_of
from tests.lifecycle import advance, application_with_member, reload

pytestmark = pytest.mark.django_db


def noon_on(day):
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=ZoneInfo("Europe/London")), tick=False)


@pytest.fixture
def accredited(people):
    return advance(application_with_member()[0], State.ACCREDITED, people)


def sign_all(application):
    for declaration in Declaration.objects.filter(application=application, signed_at__isnull=True):
        sign_declaration(declaration_id=declaration.pk, by=declaration.member)


def before_access(application, people, **kwargs):
    return set_condition(
        application_id=application.pk, by=people.panel, text="Send the output plan.", timing="before_access", **kwargs
    )


def test_a_before_access_condition_holds_access_until_signed_off(accredited, people):
    condition = before_access(accredited, people)
    sign_all(accredited)
    assert reload(accredited).state == State.ACCREDITED
    assert not MemberAccess.objects.filter(application=accredited).exists()
    with pytest.raises(GuardFailed) as refused:
        grant_access(application_id=accredited.pk, by=people.ras)
    assert "Send the output plan." in refused.value.problems[0].message

    with pytest.raises(InvalidInput):
        decide_condition(condition_id=condition.pk, by=people.panel, decision="met")  # no evidence yet
    submit_evidence(condition_id=condition.pk, by=coordinator_of(accredited), evidence="Attached to the e-mail.")
    decide_condition(condition_id=condition.pk, by=people.panel, decision="met")

    granted = reload(accredited)
    assert granted.state == State.ACCESS_GRANTED
    assert MemberAccess.objects.filter(application=granted, status="active").count() == 2
    kinds = list(granted.events.values_list("kind", flat=True))
    assert kinds.index("condition_met") < kinds.index("access_granted")


def test_waiving_needs_a_reason_and_also_releases_access(accredited, people):
    condition = before_access(accredited, people)
    sign_all(accredited)
    with pytest.raises(InvalidInput):
        decide_condition(condition_id=condition.pk, by=people.panel, decision="waived")
    decide_condition(condition_id=condition.pk, by=people.panel, decision="waived", reason="Covered by the plan.")
    assert reload(accredited).state == State.ACCESS_GRANTED


def test_a_during_project_condition_does_not_hold_access(accredited, people):
    set_condition(application_id=accredited.pk, by=people.panel, text="Report yearly.", timing="during_project")
    sign_all(accredited)
    assert reload(accredited).state == State.ACCESS_GRANTED


def test_the_ras_grant_waits_for_conditions_set_after_the_signatures(accredited, people):
    sign_all(accredited)  # granted at once, with no condition
    assert reload(accredited).state == State.ACCESS_GRANTED
    other = advance(application_with_member()[0], State.ACCREDITED, people)
    condition = before_access(other, people)
    with pytest.raises(GuardFailed):
        grant_access(application_id=other.pk, by=people.ras)
    assert ApprovalCondition.objects.get(pk=condition.pk).state == "open"


def test_only_the_setting_team_decides_and_each_team_sets_at_its_own_stage(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    with pytest.raises(StaleState):
        before_access(application, people)  # the panel has not got it yet
    condition = set_condition(
        application_id=application.pk, by=people.dfe, text="Drop the postcode.", timing="before_access"
    )
    assert condition.set_by_team == "dfe"
    for someone in (people.hmrc, people.panel):
        with pytest.raises(NotPermitted):
            decide_condition(condition_id=condition.pk, by=someone, decision="waived", reason="No.")
    with pytest.raises(NotPermitted):
        submit_evidence(condition_id=condition.pk, by=people.outsider, evidence="Me.")
    decide_condition(condition_id=condition.pk, by=people.dfe, decision="waived", reason="Not needed after all.")
    with pytest.raises(StaleState):
        decide_condition(condition_id=condition.pk, by=people.dfe, decision="waived", reason="Again.")


def test_pages_show_conditions_overdue_and_take_evidence(accredited, people):
    condition = before_access(accredited, people, due_date=date.today() - timedelta(days=1))
    member = Client()
    member.force_login(coordinator_of(accredited))
    detail = member.get(reverse("applications:detail", args=[accredited.pk])).content.decode()
    assert "Send the output plan." in detail
    assert "Overdue" in detail
    assert "Access will be granted only once every condition" in detail
    sign = member.get(reverse("declarations:sign", args=[accredited.pk])).content.decode()
    assert "Access will be granted only once every condition" in sign
    url = reverse("applications:condition_evidence", args=[accredited.pk, condition.pk])
    assert member.post(url, {"evidence": "", "expected_state": "accredited"}).status_code == 200
    assert member.post(url, {"evidence": "Plan sent.", "expected_state": "accredited"}).status_code == 302
    assert ApprovalCondition.objects.get(pk=condition.pk).state == "evidence_submitted"

    panel = Client()
    panel.force_login(people.panel)
    page = panel.get(reverse("applications:conditions", args=[accredited.pk])).content.decode()
    assert "Add a condition" in page
    added = panel.post(
        reverse("applications:conditions", args=[accredited.pk]),
        {"text": "Yearly report.", "timing": "during_project", "owner": "team:intake", "expected_state": "accredited"},
    )
    assert added.status_code == 302
    assert accredited.conditions.get(text="Yearly report.").owner_team == "intake"
    decide = reverse("applications:condition_decide", args=[accredited.pk, condition.pk])
    assert panel.post(decide, {"decision": "met", "expected_state": "accredited"}).status_code == 302
    assert ApprovalCondition.objects.get(pk=condition.pk).state == "met"


def test_the_owner_is_reminded_a_week_before_the_due_date_and_on_it(accredited, people):
    due = date.today() + timedelta(days=20)
    before_access(accredited, people, due_date=due)
    member = accredited.team_members.exclude(role="coordinator").get()
    set_condition(
        application_id=accredited.pk,
        by=people.panel,
        text="Complete the training.",
        timing="during_project",
        due_date=due,
        owner="member",
        owner_member_id=member.pk,
    )

    def reminded():
        return sorted(Message.objects.filter(template="condition_due").values_list("recipient", flat=True))

    with noon_on(due - timedelta(days=8)):
        run_all()
    assert reminded() == []
    with noon_on(due - timedelta(days=7)):
        run_all()
        run_all()  # beat fired twice
    assert reminded() == sorted([coordinator_of(accredited).email, member.email])
    with noon_on(due - timedelta(days=3)):
        run_all()
    assert len(reminded()) == 2
    with noon_on(due):
        run_all()
    assert len(reminded()) == 4


def test_an_overdue_condition_shows_in_the_queue_of_the_team_that_set_it(accredited, people):
    before_access(accredited, people, due_date=date.today() - timedelta(days=2))
    set_condition(
        application_id=accredited.pk,
        by=people.panel,
        text="Due later.",
        timing="during_project",
        due_date=date.today() + timedelta(days=5),
    )
    panel = Client()
    panel.force_login(people.panel)
    page = panel.get(reverse("reviews:team_queue", args=["panel"])).content.decode()
    assert "1 condition this team set or owns is overdue" in page
    assert "Send the output plan." in page
    assert "Due later." not in page
    dfe = Client()
    dfe.force_login(people.dfe)
    assert "Send the output plan." not in dfe.get(reverse("reviews:team_queue", args=["dfe"])).content.decode()


def test_overdue_conditions_are_on_the_stored_dashboard_by_team(accredited, people, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.tracking import services
    from reviews.tracking.selectors import Period

    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 300
    before_access(accredited, people, due_date=date.today() - timedelta(days=3))
    set_condition(
        application_id=accredited.pk,
        by=people.panel,
        text="Yearly report to intake.",
        timing="during_project",
        owner="team",
        owner_team="intake",
        due_date=date.today() - timedelta(days=1),
    )
    before_access(accredited, people, due_date=date.today() + timedelta(days=3))  # not yet due
    period = Period(date(2021, 1, 1), date(2021, 12, 31))
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    admin = Client()
    admin.force_login(people.admin)
    assert "Overdue conditions" not in admin.get(reverse("tracking:dashboard"), query).content.decode()

    services.refresh_dashboard(period=period)
    with CaptureQueriesContext(connection) as seen:
        page = admin.get(reverse("tracking:dashboard"), query).content.decode()
    assert "2 conditions of approval are past their due date" in page
    assert '>2<span class="govuk-visually-hidden"> overdue conditions for Research Accreditation Panel<' in page
    assert '>1<span class="govuk-visually-hidden"> overdue conditions for RAS intake<' in page
    assert '>0<span class="govuk-visually-hidden"> overdue conditions for DfE<' in page
    assert page.index("Send the output plan.") < page.index("Yearly report to intake.")
    # Read from the stored dashboard: the page itself neither counts conditions nor writes anything but its audit.
    sql = [query["sql"] for query in seen.captured_queries]
    assert not any("applications_approvalcondition" in statement for statement in sql)
    writes = [s for s in sql if s.split()[0] in ("INSERT", "UPDATE", "DELETE") and "leo_access_auditevent" not in s]
    assert writes == []
