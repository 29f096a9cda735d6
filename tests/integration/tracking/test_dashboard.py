"""The dashboard is worked out by the worker and stored; pages only read what is stored, and ask for a fresh
copy when it is older than TRACKING_DASHBOARD_CACHE_SECONDS.

The tests ask for a period no other test shows.
"""

import re
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.states import State
from leo_access.roles import Role
from reviews.tracking import services
from reviews.tracking.models import DashboardSnapshot
from reviews.tracking.selectors import Period
from tests.factories import ApplicationFactory, staff

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2020, 1, 1), date(2020, 12, 31))


@pytest.fixture
def period():
    return {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


@pytest.fixture
def admin_client(client):
    client.force_login(staff(Role.ADMIN))
    return client


def at_intake(count=1):
    for _ in range(count):
        application = ApplicationFactory(form=False)
        Application.objects.filter(pk=application.pk).update(state=State.RAS_CHECK, submitted_at=timezone.now())


def at_intake_shown(client, period) -> int | None:
    page = client.get(reverse("tracking:dashboard"), period).content.decode()
    found = re.search(r">([\d,]+)<span class=\"govuk-visually-hidden\"> intake check applications<", page)
    return int(found.group(1).replace(",", "")) if found else None


def as_of(client, period) -> str:
    page = client.get(reverse("tracking:dashboard"), period).content.decode()
    return re.search(r"Figures as of ([^;]+);", page).group(1)


def test_within_its_time_the_page_shows_the_stored_dashboard_and_says_when(admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 300
    at_intake(2)
    services.refresh_dashboard(period=PERIOD)
    assert at_intake_shown(admin_client, period) == 2
    stamp = as_of(admin_client, period)
    at_intake(1)
    # The tables and the time they are as of come from the same stored row, so they agree with each other.
    assert at_intake_shown(admin_client, period) == 2
    assert as_of(admin_client, period) == stamp


def test_a_period_not_yet_worked_out_says_so_and_shows_no_figures(admin_client, period):
    response = admin_client.get(reverse("tracking:dashboard"), period)
    assert response.status_code == 200
    assert "being worked out" in response.content.decode()
    assert at_intake_shown(admin_client, period) is None
    chart = admin_client.get(reverse("tracking:chart_funnel"), period)
    assert chart.status_code == 200
    assert b"No data for this period" in chart.content


def test_the_stored_dashboard_takes_only_the_queries_every_page_takes(admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 300
    at_intake(3)
    services.refresh_dashboard(period=PERIOD)
    with CaptureQueriesContext(connection) as stored:
        response = admin_client.get(reverse("tracking:dashboard"), period)
    assert response.status_code == 200
    sql = " ".join(query["sql"] for query in stored.captured_queries)
    assert "applications_application" not in sql
    assert "applications_applicationevent" not in sql
    assert len(stored) <= 15


def test_pages_write_nothing_whether_the_dashboard_is_fresh_stale_or_missing(admin_client, period, settings):
    at_intake(1)
    for age, prepare in ((300, True), (0, True), (300, False)):
        settings.TRACKING_DASHBOARD_CACHE_SECONDS = age
        DashboardSnapshot.objects.all().delete()
        if prepare:
            services.refresh_dashboard(period=PERIOD)
        with CaptureQueriesContext(connection) as seen:
            for name in ("tracking:dashboard", "tracking:chart_funnel", "tracking:chart_throughput"):
                admin_client.get(reverse(name), period)
        writes = [q["sql"] for q in seen.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        assert [sql for sql in writes if "leo_access_auditevent" not in sql] == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_stale_or_missing_dashboard_is_worked_out_by_the_worker(celery_worker, admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 1
    at_intake(2)
    deadline = time.monotonic() + 30
    while at_intake_shown(admin_client, period) != 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert at_intake_shown(admin_client, period) == 2
    at_intake(3)
    time.sleep(1.5)
    # Stale: shown as it is while the worker works out a fresh copy.
    deadline = time.monotonic() + 30
    while at_intake_shown(admin_client, period) != 5 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert at_intake_shown(admin_client, period) == 5
