"""The public register through the API: open to anyone, the page's projects, filters and search (the same
selector), pages by cursor, bad filters refused in the page's words, and kept until the register changes."""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.register import selectors
from applications.register.cache import bump, forget_local
from applications.register.forms import RegisterSearchForm
from applications.states import State
from demo.forms import ensure_demo_catalogue
from tests.factories import ApplicationFactory, researcher
from tests.integration.register.helpers import on_register

from .helpers import body

pytestmark = pytest.mark.django_db
URL = "/api/v1/register/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()


@pytest.fixture
def projects():
    ensure_demo_catalogue()
    return {
        "apprentices": on_register(
            title="Apprenticeships and earnings", datasets=("NPD", "UCAS"), organisation="Northern University"
        ),
        "benefits": on_register(
            title="Benefits after school",
            lay_summary="Who claims support after leaving school.",
            datasets=("LILR",),
            organisation="Institute of Fiscal Research",
            state=State.CLOSED,
            accredited=datetime(2025, 5, 5, tzinfo=UTC),
        ),
        "accredited": on_register(
            title="Graduate outcomes",
            datasets=("HESA",),
            state=State.ACCREDITED,
            organisation="Southern College",
            accredited=datetime(2026, 6, 1, tzinfo=UTC),
        ),
    }


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [entry["reference"] for entry in body(response)["results"]]


def page_references(params: dict) -> list[str]:
    """What the page's selector lists for the same filters."""
    form = RegisterSearchForm(params, selectors.filter_options())
    assert form.is_valid(), form.errors
    return [entry["reference"] for entry in selectors.register_entries(form.filters())]


def test_anyone_reads_the_register_without_a_session_or_token(projects):
    ApplicationFactory(title="A draft never published")
    response = APIClient().get(URL)
    entries = body(response)["results"]
    assert [entry["reference"] for entry in entries] == page_references({})
    assert len(entries) == 3
    first = entries[0]
    assert first["reference"] == projects["accredited"].reference  # most recently accredited first
    assert first["organisations"] == ["Southern College"]
    assert first["status"] == State.ACCREDITED
    assert first["researchers"] is None  # the co-ordinator did not agree to publish names
    assert "e-mail" not in response.content.decode()
    assert "@" not in response.content.decode()


def test_a_bad_token_does_not_stop_a_public_read(projects):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer leo_not-a-token")
    assert len(references(client.get(URL))) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"q": "leaving school"},
        {"q": "northern"},
        {"dataset": "NPD"},
        {"organisation": "Institute of Fiscal Research"},
        {"year": "2025"},
        {"status": State.CLOSED},
        {"status": State.ACCESS_GRANTED, "dataset": "UCAS"},
        {"q": "no project says this"},
    ],
)
def test_filters_and_search_are_the_pages(projects, params):
    assert references(APIClient().get(URL, params)) == page_references(params)


def test_bad_filters_are_refused_in_the_pages_words(projects):
    response = APIClient().get(URL, {"dataset": "Not a dataset", "year": "1066"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = body(response)["errors"]
    assert errors == {"dataset": ["Choose a dataset from the list"], "year": ["Choose a year from the list"]}


def test_the_register_pages_by_cursor_carrying_only_its_filters(projects):
    on_register(title="Earnings by region", organisation="Northern University")
    seen, url = [], f"{URL}?page_size=2&organisation=Northern+University&stray=1"
    while url:
        page = body(APIClient().get(url))
        assert "stray" not in (page["next"] or "")
        seen += [entry["reference"] for entry in page["results"]]
        url = page["next"]
    assert seen == page_references({"organisation": "Northern University"})
    assert len(seen) == 2


def test_a_page_is_kept_until_the_register_changes(projects):
    client = APIClient()
    assert len(references(client.get(URL))) == 3
    later = on_register(title="Later project", accredited=datetime(2026, 11, 1, tzinfo=UTC))
    with CaptureQueriesContext(connection) as captured:
        assert len(references(client.get(URL))) == 3  # kept: the direct update above recorded no event
    assert len(captured) == 0
    bump()  # what an event on a registered application does
    assert references(client.get(URL))[0] == later.reference


def test_named_researchers_only_where_the_coordinator_agreed(projects):
    member = researcher()
    named = on_register(title="Named team", register_names_consent=True, members=[member])
    entries = {entry["reference"]: entry for entry in body(APIClient().get(URL))["results"]}
    assert member.full_name
    assert member.full_name in entries[named.reference]["researchers"]
    assert entries[projects["apprentices"].reference]["researchers"] is None
