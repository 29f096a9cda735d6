"""Delegated accreditation: applications that meet the criteria go to a delegated official after department
review, who accredits them or refers them to the panel; the rest go to the panel, and the service refuses a
delegated accreditation whenever a criterion fails, whichever path asks."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.conditions import decide_condition, set_condition
from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.models import ApplicationEvent, ApprovalCondition, DelegationSettings
from applications.services import submit_application, withdraw_application
from applications.states import State
from declarations.models import Declaration
from declarations.services import sign_declaration
from demo.forms import DEMO_REQUEST
from notifications.tasks import notify_event
from reviews.delegation import accredit_delegated, refer_to_panel
from reviews.selectors import QueueFilters, queue
from reviews.tracking import selectors as tracking
from reviews.tracking.selectors import Period
from tests.factories import ApplicationFactory, complete_ethics, coordinator_of
from tests.lifecycle import (
    People,
    accredit_at_meeting,
    advance,
    approve,
    pass_checked_intake,
    reload,
    with_checked_form,
)

pytestmark = pytest.mark.django_db

ENDS = date.today() + timedelta(days=3 * 365)
KS4 = "KS4 01-02 to 20-21"
# The demo's request (its most identifying item scores 4, none in sensitivity A or B) with one item more.
RISKIER = {**DEMO_REQUEST, KS4: ("Yes", ["KS4_GENDER", "KS4_IDACI", "KS4_PupilMatchingRefNonAnonymous"])}  # 3
SENSITIVE = {**DEMO_REQUEST, KS4: ("Yes", ["KS4_GENDER", "KS4_IDACI", "KS4_FSM_CLA"])}  # B
COMMITTEE = {
    "ethics_route": "committee",
    "ethics_committee_name": "University Research Ethics Committee",
    "ethics_committee_reference": "UREC-1",
    "ethics_approval_date": date.today() - timedelta(days=30),
}


def criteria(**fields):
    """Change the admins' criteria, as the admin site does."""
    rules = DelegationSettings.current()
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()


@pytest.fixture
def people():
    return People.create()


def routed(application):
    return ApplicationEvent.objects.get(application=application, kind="accreditation_routed")


def at_department_review(people, request=None, **fields):
    application = ApplicationFactory(**fields)
    if fields.get("ethics_route") == "committee":
        application.ethics_approval_letter.save("letter.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)
    application = with_checked_form(application, request)
    submit_application(application_id=application.pk, by=coordinator_of(application))
    pass_checked_intake(application, people.ras)
    return reload(application)


def test_an_eligible_application_is_accredited_by_the_official_end_to_end(client, people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    assert application.state == State.DELEGATED_REVIEW
    event = routed(application)
    assert event.data["route"] == "delegated"
    assert [(c["code"], c["met"]) for c in event.data["criteria"]] == [
        ("identification_risk", True),
        ("sensitivity", True),
        ("department_conditions", True),
        ("ethics", True),
    ]
    assert event.data["criteria"][0]["value"] == "Most identifying item scores 4"

    client.force_login(people.delegated)
    queue_page = client.get(reverse("reviews:team_queue", args=["delegated"]))
    assert application.reference in queue_page.content.decode()
    assert (
        application.reference
        not in client.get(reverse("reviews:team_queue", args=["delegated"]) + "?q=zzz").content.decode()
    )
    review = client.get(reverse("reviews:review", args=[application.pk])).content.decode()
    assert "Delegated accreditation criteria" in review
    assert "Most identifying item scores 4" in review
    assert "Met: No department condition is open (0 open)" in review  # the routing event on the timeline
    assert reverse("reviews:delegated", args=[application.pk]) in review

    response = client.post(
        reverse("reviews:delegated", args=[application.pk]),
        {
            "expected_state": State.DELEGATED_REVIEW,
            "decision": "accredit",
            "text": "Outputs checked at 10.",
            "ends_on_0": ENDS.day,
            "ends_on_1": ENDS.month,
            "ends_on_2": ENDS.year,
        },
    )
    assert response.status_code == 302
    application = reload(application)
    assert application.state == State.ACCREDITED
    assert application.accreditation_ends_on == ENDS
    assert application.panel_meeting_date is None
    accredited = ApplicationEvent.objects.get(application=application, kind="accredited")
    assert accredited.actor == people.delegated
    assert accredited.actor_role == "delegated_official"
    assert accredited.data["route"] == "delegated"
    members = set(application.current_members().values_list("user_id", flat=True))
    assert set(Declaration.objects.filter(application=application).values_list("member_id", flat=True)) == members


def test_an_official_may_attach_a_condition_that_holds_access_back(people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    condition = set_condition(
        application_id=application.pk, by=people.delegated, text="Send the output plan.", timing="before_access"
    )
    assert condition.set_by_team == "delegated"
    accredit_delegated(application_id=application.pk, by=people.delegated, ends_on=ENDS)
    assert reload(application).state == State.ACCREDITED
    for declaration in Declaration.objects.filter(application=application):
        sign_declaration(declaration_id=declaration.pk, by=declaration.member)
    assert reload(application).state == State.ACCREDITED  # the condition holds access back
    decide_condition(condition_id=condition.pk, by=people.delegated, decision="waived", reason="Plan seen at meeting.")
    assert reload(application).state == State.ACCESS_GRANTED


def test_an_application_without_a_checked_form_goes_to_the_panel(people):
    application = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
    assert application.state == State.PANEL_REVIEW
    event = routed(application)
    assert event.data["route"] == "panel"
    failed = {c["code"]: c["value"] for c in event.data["criteria"] if not c["met"]}
    assert set(failed) == {"identification_risk", "sensitivity"}


def _eligible_then(people, spoil):
    """An application at delegated review, then made to fail one criterion; the service must refuse it."""
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    spoil(application)
    with pytest.raises(GuardFailed) as refused:
        accredit_delegated(application_id=application.pk, by=people.delegated, ends_on=ENDS)
    assert reload(application).state == State.DELEGATED_REVIEW
    assert not ApplicationEvent.objects.filter(application=application, kind="accredited").exists()
    return [problem.code for problem in refused.value.problems]


def test_refused_when_identification_risk_is_above_the_threshold(people):
    def spoil(application):
        criteria(identification_risk_floor=5)

    assert _eligible_then(people, spoil) == ["delegation_identification_risk"]


def test_refused_when_a_requested_item_is_in_an_excluded_sensitivity(people):
    def spoil(application):
        criteria(excluded_sensitivities="a, c")

    assert _eligible_then(people, spoil) == ["delegation_sensitivity"]


def test_refused_when_a_department_condition_is_open(people):
    def spoil(application):
        ApprovalCondition.objects.create(
            application=application,
            text="Tell us the server.",
            timing="during_project",
            set_by=people.dfe,
            set_by_team="dfe",
            set_at=application.stage_entered_at,
        )

    assert _eligible_then(people, spoil) == ["delegation_department_conditions"]


def test_refused_when_the_ethics_self_assessment_is_not_all_low(people):
    def spoil(application):
        answers = complete_ethics()
        answers["6"]["risk"] = "average"
        type(application).objects.filter(pk=application.pk).update(ethics_self_assessment=answers)

    assert _eligible_then(people, spoil) == ["delegation_ethics"]


def test_refused_when_delegation_is_switched_off(people):
    def spoil(application):
        criteria(enabled=False)

    assert _eligible_then(people, spoil) == ["delegation_disabled"]


@pytest.mark.parametrize(
    ("request_", "fields", "settings", "failing"),
    [
        (RISKIER, {}, {"identification_risk_floor": 4}, "identification_risk"),
        (SENSITIVE, {}, {}, "sensitivity"),
        (None, COMMITTEE, {}, "ethics"),
    ],
)
def test_an_application_failing_a_criterion_goes_to_the_panel(people, request_, fields, settings, failing):
    if settings:
        criteria(**settings)
    application = at_department_review(people, request_, **fields)
    approve(application, people, "dfe", "hmrc", "dwp")
    assert reload(application).state == State.PANEL_REVIEW
    event = routed(application)
    assert event.data["route"] == "panel"
    assert [c["code"] for c in event.data["criteria"] if not c["met"]] == [failing]


def test_an_open_department_condition_sends_the_application_to_the_panel(people):
    application = at_department_review(people)
    set_condition(application_id=application.pk, by=people.dwp, text="Name the analyst.", timing="during_project")
    approve(application, people, "dfe", "hmrc", "dwp")
    assert reload(application).state == State.PANEL_REVIEW
    assert [c["code"] for c in routed(application).data["criteria"] if not c["met"]] == ["department_conditions"]


def test_a_met_department_condition_does_not_stop_delegation(people):
    application = at_department_review(people)
    condition = set_condition(
        application_id=application.pk, by=people.dwp, text="Name the analyst.", timing="during_project"
    )
    decide_condition(condition_id=condition.pk, by=people.dwp, decision="waived", reason="Named in the form.")
    approve(application, people, "dfe", "hmrc", "dwp")
    assert reload(application).state == State.DELEGATED_REVIEW


def test_a_referral_goes_to_the_panel_which_accredits_at_a_quorate_meeting(client, people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    client.force_login(people.delegated)
    url = reverse("reviews:delegated", args=[application.pk])
    empty = client.post(url, {"expected_state": State.DELEGATED_REVIEW, "decision": "refer", "text": ""})
    assert empty.status_code == 200
    assert "Enter the reason for referring the application to the panel" in empty.content.decode()
    response = client.post(
        url, {"expected_state": State.DELEGATED_REVIEW, "decision": "refer", "text": "A novel linkage."}
    )
    assert response.status_code == 302
    application = reload(application)
    assert application.state == State.PANEL_REVIEW
    referral = ApplicationEvent.objects.get(application=application, kind="referred_to_panel")
    assert referral.comment == "A novel linkage."
    assert referral.actor == people.delegated
    assert application in queue("panel", people.panel, QueueFilters())
    assert application not in queue("delegated", people.delegated, QueueFilters())
    with pytest.raises(StaleState):
        accredit_delegated(application_id=application.pk, by=people.delegated, ends_on=ENDS)
    accredit_at_meeting(application, people.panel)
    assert reload(application).state == State.ACCREDITED
    assert reload(application).panel_meeting_date == date.today()


def test_a_referral_needs_a_reason_and_only_officials_accredit_or_refer(people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    with pytest.raises(InvalidInput):
        refer_to_panel(application_id=application.pk, by=people.delegated, reason="  ")
    for someone in (people.panel, people.ras, people.dfe, people.admin, coordinator_of(application)):
        with pytest.raises(NotPermitted):
            accredit_delegated(application_id=application.pk, by=someone, ends_on=ENDS)
        with pytest.raises(NotPermitted):
            refer_to_panel(application_id=application.pk, by=someone, reason="Panel, please.")
    assert reload(application).state == State.DELEGATED_REVIEW


def test_the_panel_cannot_accredit_at_delegated_review_without_a_referral(people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    with pytest.raises(StaleState):
        accredit_at_meeting(application, people.panel)
    assert reload(application).state == State.DELEGATED_REVIEW


def test_a_failed_criterion_on_the_page_shows_why_and_refuses(client, people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    criteria(identification_risk_floor=5)
    client.force_login(people.delegated)
    url = reverse("reviews:delegated", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Not met" in page
    assert "Most identifying item scores 4" in page
    response = client.post(
        url,
        {
            "expected_state": State.DELEGATED_REVIEW,
            "decision": "accredit",
            "ends_on_0": ENDS.day,
            "ends_on_1": ENDS.month,
            "ends_on_2": ENDS.year,
        },
    )
    assert response.status_code == 409
    assert "does not meet the criteria for delegated accreditation" in response.content.decode()
    assert reload(application).state == State.DELEGATED_REVIEW


def test_the_co_ordinator_may_withdraw_at_delegated_review(people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    withdraw_application(application_id=application.pk, by=coordinator_of(application))
    assert reload(application).state == State.WITHDRAWN


def test_the_officials_hear_of_arrivals_the_panel_of_referrals_and_the_team_who_accredited(mailoutbox, people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    notify_event(ApplicationEvent.objects.get(application=application, kind="department_review_completed").pk)
    assert [message.to[0] for message in mailoutbox] == [people.delegated.email]

    accredit_delegated(application_id=application.pk, by=people.delegated, ends_on=ENDS)
    mailoutbox.clear()
    notify_event(ApplicationEvent.objects.get(application=application, kind="accredited").pk)
    told = [message for message in mailoutbox if "accredited your project" in message.body]
    assert {message.to[0] for message in told} == {coordinator_of(application).email}
    assert all("An official with delegated authority has accredited your project." in m.body for m in told)

    other = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    refer_to_panel(application_id=other.pk, by=people.delegated, reason="A novel linkage.")
    mailoutbox.clear()
    notify_event(ApplicationEvent.objects.get(application=other, kind="referred_to_panel").pk)
    assert [message.to[0] for message in mailoutbox] == [people.panel.email]


def test_the_dashboard_funnel_counts_an_application_routed_to_an_official_as_approved_by_all_departments(people):
    application = advance(ApplicationFactory(), State.DELEGATED_REVIEW, people)
    accredit_delegated(application_id=application.pk, by=people.delegated, ends_on=ENDS)
    today = date.today()
    funnel = {state: count for state, _, count in tracking.funnel(Period(today, today))}
    assert funnel == {"ras_check": 1, "department_review": 1, "panel_review": 1, "accredited": 1, "access_granted": 0}


def test_an_admin_changes_the_criteria_in_the_admin_site_and_bad_categories_are_refused(client, people):
    DelegationSettings.current().save()  # the row the migration makes (a flushing test may have removed it)
    client.force_login(people.admin)
    changelist = client.get(reverse("admin:applications_delegationsettings_changelist"))
    url = reverse("admin:applications_delegationsettings_change", args=[1])
    assert changelist.headers["Location"] == url
    assert client.get(url).status_code == 200
    form = {"enabled": "on", "identification_risk_floor": "4", "excluded_sensitivities": "a, b, z"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "not Z" in refused.content.decode()
    assert client.post(url, {**form, "excluded_sensitivities": "c, a"}).status_code == 302
    rules = DelegationSettings.current()
    assert (rules.identification_risk_floor, rules.excluded_sensitivities) == (4, "A,C")
    assert DelegationSettings.objects.count() == 1
    client.force_login(people.delegated)
    assert client.get(url).status_code == 302  # staff without the admin role are sent away from the admin site
