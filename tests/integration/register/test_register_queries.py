"""The register's pages take a fixed number of queries however many projects there are.

Requested with an empty cache (as after a change to the register), at two sizes; and the downloads, which
read in chunks, take a fixed number per chunk.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.register.cache import forget_local
from demo.forms import ensure_demo_catalogue
from tests.factories import researcher

from .helpers import on_register

pytestmark = pytest.mark.django_db
# The page of projects, its count, their teams and forms, and the filters' choices (datasets, organisations,
# years): seven, on a page that never asks for the session.
PAGE_QUERIES = 7
START = datetime(2026, 1, 1, tzinfo=UTC)


def empty_caches():
    cache.clear()
    forget_local()


def grow_to(total: int, made: list):
    while len(made) < total:
        n = len(made)
        made.append(
            on_register(
                accredited=START + timedelta(hours=n),
                organisation=f"Organisation {n % 7}",
                members=[researcher(organisation=f"Organisation {n % 5}")],
                register_names_consent=n % 2 == 0,
                datasets=("NPD", "HESA") if n % 3 else ("UCAS",),
            )
        )


def queries(client, url, params=None) -> int:
    empty_caches()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "earnings"},
        {"dataset": "NPD", "status": "access_granted"},
        {"organisation": "Organisation 1"},
        {"page": "2"},
    ],
)
def test_the_register_page_takes_the_same_queries_at_two_sizes(client, params, django_assert_max_num_queries):
    ensure_demo_catalogue()
    made: list = []
    grow_to(25, made)
    small = queries(client, reverse("register:index"), params)
    grow_to(60, made)

    with django_assert_max_num_queries(PAGE_QUERIES):
        empty_caches()
        assert client.get(reverse("register:index"), params).status_code == 200
    assert queries(client, reverse("register:index"), params) == small


def test_the_feed_takes_the_same_queries_at_two_sizes(client, django_assert_max_num_queries):
    made: list = []
    grow_to(5, made)
    small = queries(client, reverse("register:feed"))
    grow_to(60, made)

    with django_assert_max_num_queries(small):
        empty_caches()
        client.get(reverse("register:feed"))


@pytest.mark.parametrize("name", ["register:csv", "register:json"])
def test_downloads_take_three_queries_a_chunk_plus_the_filter_choices(client, monkeypatch, name):
    from applications.register import selectors

    made: list = []
    grow_to(10, made)
    monkeypatch.setattr(selectors.iter_register_entries, "__defaults__", (selectors.RegisterFilters(), 4))

    # Chunks of 4: 10 rows are three chunks (4, 4, 2) of three queries each, after the three filter choices.
    assert queries(client, reverse(name)) == 3 + 3 * 3
