"""Reminders fire on the right days, once per period, with a frozen clock."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from applications.models import Application
from applications.states import State
from notifications.models import Message, ReminderRun, TeamSetting
from notifications.reminders import run_all
from reviews.services import query_application
from tests.factories import coordinator_of, researcher, staff
from tests.lifecycle import People, advance, application_with_member, reload


@pytest.fixture
def people(db):
    return People.create()


def sent(template):
    return sorted(Message.objects.filter(template=template).values_list("recipient", flat=True))


def morning_of_today():
    """Nine o'clock local time today: stepping whole days (plus an hour) from it never crosses midnight,
    whatever time of day the tests run."""
    return timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)


def on_day(start, days, hours=1):
    return time_machine.travel(start + timedelta(days=days, hours=hours), tick=False)


def test_overdue_work_reminds_the_team_and_its_lead_when_the_sla_passes_then_weekly(people, settings):
    lead = staff("ras_officer")
    TeamSetting.objects.create(team="intake", lead=lead)
    application, _ = application_with_member()
    application = advance(application, State.RAS_CHECK, people)
    start = application.stage_entered_at
    sla = settings.STAGE_SLA_DAYS["ras_check"]

    with on_day(start, sla - 1):
        run_all()
    assert sent("overdue") == []
    with on_day(start, sla):
        run_all()
        run_all()  # beat fired twice
    assert sent("overdue") == sorted([people.ras.email, lead.email])
    with on_day(start, sla + 6):
        run_all()
    assert len(sent("overdue")) == 2
    with on_day(start, sla + 7):
        run_all()
    assert len(sent("overdue")) == 4
    message = Message.objects.filter(template="overdue").first()
    assert message.subject == f"{application.reference}: An application in your queue is overdue"
    assert message.url == f"/reviews/applications/{application.pk}/"


def test_an_unanswered_query_is_reminded_at_14_days_warned_and_withdrawn_at_the_limit(people, settings):
    settings.NOTIFICATION_QUERY_WITHDRAW_DAYS = 60
    application, member = application_with_member()
    application = advance(application, State.RAS_CHECK, people)
    query_application(application_id=application.pk, by=people.ras, questions="Who funds it?")
    start = reload(application).stage_entered_at
    team = sorted([coordinator_of(application).email, member.email])

    with on_day(start, 13):
        run_all()
    assert sent("query_unanswered") == []
    with on_day(start, 14):
        run_all()
        run_all()
    with on_day(start, 20):
        run_all()
    assert sent("query_unanswered") == team
    assert sent("withdrawal_warning") == []
    with on_day(start, 53):
        run_all()
        run_all()
    assert sent("withdrawal_warning") == team
    assert Message.objects.filter(template="withdrawal_warning").first().context["withdraw_on"] == (
        (start + timedelta(days=60)).date().isoformat()
    )
    with on_day(start, 59):
        run_all()
    assert reload(application).state == State.QUERIED
    with on_day(start, 60):
        run_all()
        run_all()
    application = reload(application)
    assert application.state == State.WITHDRAWN
    event = application.events.get(kind="withdrawn")
    assert event.actor is None
    assert event.actor_role == "system"


def test_accreditation_expiry_is_reminded_90_and_30_days_before(db):
    today = timezone.localdate()
    person = researcher(accreditation_valid_until=today + timedelta(days=100))
    start = morning_of_today()

    with on_day(start, 9):
        run_all()
    assert sent("accreditation_expiring") == []
    for day in (10, 11, 50, 69):
        with on_day(start, day):
            run_all()
    assert sent("accreditation_expiring") == [person.email]
    for day in (70, 71, 99):
        with on_day(start, day):
            run_all()
    messages = Message.objects.filter(template="accreditation_expiring").order_by("created_at")
    assert [m.context["days"] for m in messages] == [90, 30]
    assert ReminderRun.objects.filter(kind="accreditation_expiring").count() == 2


def test_a_project_end_is_reminded_60_days_before_and_admins_are_told_when_it_passes(people):
    application, member = application_with_member()
    application = advance(application, State.ACCESS_GRANTED, people)
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(end_date=today + timedelta(days=100))
    start = morning_of_today()

    with on_day(start, 39):
        run_all()
    assert sent("project_ending") == []
    with on_day(start, 40):
        run_all()
    with on_day(start, 41):
        run_all()
    assert sent("project_ending") == sorted([coordinator_of(application).email, people.ras.email])
    assert member.email not in sent("project_ending")
    with on_day(start, 100):
        run_all()
    assert sent("project_ended") == []
    with on_day(start, 101):
        run_all()
    with on_day(start, 102):
        run_all()
    assert sent("project_ended") == [people.admin.email]
