"""Warnings before the end date (60 and 14 days, once each), and overdue closure returns chased and listed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from applications.closure.services import close_early, submit_closure_return
from applications.models import Application, ClosureReturn
from notifications.models import Message
from notifications.reminders import run_all
from reviews.tracking.services import refresh_dashboard

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at_nine(day):
    return time_machine.travel(datetime.combine(day, time(9), tzinfo=LONDON), tick=False)


def warnings():
    return list(Message.objects.filter(template="project_ending").order_by("pk").values_list("recipient", "context"))


def test_the_coordinator_and_ras_are_warned_60_and_14_days_before_the_end_date_once_each(live, people):
    application, coordinator, member = live
    ends = application.end_date

    with at_nine(ends - timedelta(days=61)):
        run_all()
    assert warnings() == []
    for days in (60, 59, 30):
        with at_nine(ends - timedelta(days=days)):
            run_all()
            run_all()  # beat fired twice
    sixty = warnings()
    assert sorted(recipient for recipient, _ in sixty) == sorted([coordinator.email, people.ras.email])
    assert {context["days"] for _, context in sixty} == {60}
    for days in (15, 14, 13, 1, 0):
        with at_nine(ends - timedelta(days=days)):
            run_all()
    fourteen = warnings()[len(sixty) :]
    assert sorted(recipient for recipient, _ in fourteen) == sorted([coordinator.email, people.ras.email])
    assert {context["days"] for _, context in fourteen} == {14}
    assert member.email not in {recipient for recipient, _ in warnings()}


def test_an_extended_end_date_warns_afresh(live):
    application, _, _ = live
    ends = application.end_date
    with at_nine(ends - timedelta(days=14)):
        run_all()
    assert len(warnings()) == 2
    Application.objects.filter(pk=application.pk).update(end_date=ends + timedelta(days=90))
    with at_nine(ends + timedelta(days=30)):
        run_all()
    assert [context["days"] for _, context in warnings()[2:]] == [60, 60]


def overdue_chases():
    return Message.objects.filter(template="closure_return_overdue")


def test_an_overdue_closure_return_is_chased_weekly_until_sent_and_listed_for_the_ras(client, live, people):
    application, coordinator, _ = live
    close_early(application_id=application.pk, by=coordinator, reason="Finished.")
    due = ClosureReturn.objects.get(application=application).due_on

    with at_nine(due):
        run_all()
        client.force_login(people.ras)
        listed = client.get(reverse("reviews:closure_returns"), {"overdue": "on"})
    assert overdue_chases().count() == 0
    assert application.reference not in listed.content.decode()

    with at_nine(due + timedelta(days=1)):
        run_all()
        run_all()
        client.force_login(people.ras)  # a month on: a new session
        listed = client.get(reverse("reviews:closure_returns"), {"overdue": "on"}).content.decode()
        refresh_dashboard()
        dashboard = client.get(reverse("tracking:dashboard")).content.decode()
    assert sorted(overdue_chases().values_list("recipient", flat=True)) == sorted([coordinator.email, people.ras.email])
    assert application.reference in listed
    assert "Overdue" in listed
    assert "1 closure return overdue" in dashboard

    with at_nine(due + timedelta(days=7)):
        run_all()
    assert overdue_chases().count() == 2
    with at_nine(due + timedelta(days=8)):
        run_all()
    assert overdue_chases().count() == 4

    submit_closure_return(application_id=application.pk, by=coordinator, final_report="Done.", materials_destroyed=True)
    with at_nine(due + timedelta(days=15)):
        run_all()
        client.force_login(people.ras)
        listed = client.get(reverse("reviews:closure_returns")).content.decode()
    assert overdue_chases().count() == 4
    assert application.reference not in listed


def test_the_return_is_due_closure_return_days_after_closing(live):
    application, coordinator, _ = live
    close_early(application_id=application.pk, by=coordinator, reason="Finished.")
    the_return = ClosureReturn.objects.get(application=application)
    closed_on = Application.objects.get(pk=application.pk).closed_at.astimezone(LONDON).date()
    assert the_return.due_on == closed_on + timedelta(days=settings.CLOSURE_RETURN_DAYS)


@pytest.mark.parametrize("who", ["member", "dfe", "panel"])
def test_only_the_ras_and_admins_see_the_returns_list(client, live, people, who):
    _, _, member = live
    client.force_login({"member": member, "dfe": people.dfe, "panel": people.panel}[who])
    assert client.get(reverse("reviews:closure_returns")).status_code == 403
