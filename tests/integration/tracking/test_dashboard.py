"""The dashboard keeps its figures, and their tables rendered, for TRACKING_DASHBOARD_CACHE_SECONDS, never longer.

The tests ask for a period no other test shows, and remove its cache entry before and after.
"""

import re
import time
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from applications.states import State
from leo_access.roles import Role
from reviews.tracking.selectors import Period
from reviews.tracking.views import dashboard_sections
from tests.factories import ApplicationFactory, staff

pytestmark = pytest.mark.django_db


PERIOD = Period(date(2020, 1, 1), date(2020, 12, 31))


@pytest.fixture
def period():
    key = f"tracking:dashboard:{PERIOD.start}:{PERIOD.end}"
    cache.delete(key)
    yield {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}
    cache.delete(key)


@pytest.fixture
def admin_client(client):
    client.force_login(staff(Role.ADMIN))
    return client


def at_intake(count=1):
    for _ in range(count):
        application = ApplicationFactory(form=False)
        Application.objects.filter(pk=application.pk).update(state=State.RAS_CHECK)


def at_intake_shown(client, period) -> int:
    page = client.get(reverse("tracking:dashboard"), period).content.decode()
    found = re.search(r">([\d,]+)<span class=\"govuk-visually-hidden\"> intake check applications<", page)
    return int(found.group(1).replace(",", ""))


def as_of(client, period) -> str:
    page = client.get(reverse("tracking:dashboard"), period).content.decode()
    return re.search(r"Figures as of ([^;]+);", page).group(1)


def test_within_its_time_the_page_shows_one_snapshot_and_says_when(admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 300
    at_intake(2)
    assert at_intake_shown(admin_client, period) == 2
    stamp = as_of(admin_client, period)
    at_intake(1)
    # The tables and the time they are as of come from the same entry, so they agree with each other.
    assert at_intake_shown(admin_client, period) == 2
    assert as_of(admin_client, period) == stamp


def test_the_figures_and_their_tables_expire_together(admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 1
    at_intake(2)
    assert at_intake_shown(admin_client, period) == 2
    at_intake(3)
    time.sleep(1.5)
    assert at_intake_shown(admin_client, period) == 5
    assert ">5<span" in dashboard_sections(PERIOD)["now_html"]


def test_without_a_cache_time_the_page_is_always_current(admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 0
    at_intake(1)
    assert at_intake_shown(admin_client, period) == 1
    at_intake(1)
    assert at_intake_shown(admin_client, period) == 2


def test_the_cached_dashboard_takes_only_the_queries_every_page_takes(admin_client, period, settings):
    settings.TRACKING_DASHBOARD_CACHE_SECONDS = 300
    at_intake(3)
    admin_client.get(reverse("tracking:dashboard"), period)
    with CaptureQueriesContext(connection) as cached:
        admin_client.get(reverse("tracking:dashboard"), period)
    sql = " ".join(query["sql"] for query in cached.captured_queries)
    assert "applications_application" not in sql
    assert "applications_applicationevent" not in sql
