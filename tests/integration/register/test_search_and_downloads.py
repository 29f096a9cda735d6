"""Searching and filtering the public register, its downloads and its feed, and bad parameters."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from applications.states import State
from demo.forms import ensure_demo_catalogue
from leo_access.request_input import PROBLEM as NUL_PROBLEM
from tests.factories import researcher

from .helpers import on_register

pytestmark = pytest.mark.django_db
URL = reverse("register:index")
ATOM = "{http://www.w3.org/2005/Atom}"


def listed(client, **params) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    page = response.content.decode()
    return {reference for reference in REFERENCES if reference in page}


REFERENCES: list[str] = []


@pytest.fixture
def projects():
    ensure_demo_catalogue()
    made = {
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
            title="Graduate outcomes", datasets=("HESA",), state=State.ACCREDITED, organisation="Southern College"
        ),
    }
    REFERENCES[:] = [project.reference for project in made.values()]
    return made


def test_search_matches_reference_title_summary_and_organisation(client, projects):
    apprentices, benefits = projects["apprentices"].reference, projects["benefits"].reference
    assert listed(client, q="apprenticeships") == {apprentices}
    assert listed(client, q="leaving school") == {benefits}
    assert listed(client, q="fiscal") == {benefits}
    assert listed(client, q=benefits.lower()) == {benefits}
    assert listed(client, q="nothing like this") == set()


def test_filters_by_dataset_organisation_year_and_status(client, projects):
    apprentices, benefits, accredited = (projects[name].reference for name in ("apprentices", "benefits", "accredited"))
    assert listed(client, dataset="UCAS") == {apprentices}
    assert listed(client, organisation="Southern College") == {accredited}
    assert listed(client, year="2025") == {benefits}
    assert listed(client, status="closed") == {benefits}
    assert listed(client, status="accredited", dataset="HESA") == {accredited}
    assert listed(client) == {apprentices, benefits, accredited}


def test_the_page_is_paginated_with_the_filters_kept(client):
    ensure_demo_catalogue()
    made = [on_register(accredited=datetime(2026, 1, 1 + day, tzinfo=UTC), datasets=("NPD",)) for day in range(22)]
    first = client.get(URL, {"dataset": "NPD"}).content.decode()
    second = client.get(URL, {"dataset": "NPD", "page": "2"}).content.decode()

    assert "22 projects, showing 1 to 20" in first
    assert "dataset=NPD&amp;page=2" in first
    assert made[-1].reference in first
    assert made[0].reference not in first
    assert made[0].reference in second
    assert made[-1].reference not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(
    ("params", "message", "status"),
    [
        ({"dataset": "NOT-A-DATASET"}, "Choose a dataset from the list", 400),
        ({"organisation": "Nowhere"}, "Choose an organisation from the list", 400),
        ({"status": "draft"}, "Choose a status from the list", 400),
        ({"status": "rejected"}, "Choose a status from the list", 400),
        ({"year": "1999"}, "Choose a year from the list", 400),
        ({"year": "20x6"}, "Choose a year from the list", 400),
        # Refused for every page before any view reads it (leo_access/request_input.py).
        ({"q": "earnings\x00"}, NUL_PROBLEM, 400),
        ({"dataset": "NPD\x00"}, NUL_PROBLEM, 400),
        ({"page": "abc"}, "Page must be a whole number", 400),
        ({"page": "0"}, "Page must be 1 or more", 400),
        ({"page": "9" * 40}, "There is no such page: the register has fewer pages", 400),
        ({"page": "500"}, "There is no page 500: the register has 1 page for this search.", 404),
        ({"q": "x" * 201}, "Search must be 200 characters or fewer", 400),
    ],
)
def test_bad_parameters_get_a_clear_error_not_a_server_error(client, projects, params, message, status):
    response = client.get(URL, params)

    assert response.status_code == status
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error:" in page or status == 404


@pytest.mark.parametrize("name", ["register:csv", "register:json"])
def test_downloads_refuse_bad_parameters_with_the_reasons(client, projects, name):
    response = client.get(reverse(name), {"dataset": "NOT-A-DATASET", "q": "x" * 201})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["dataset"] == ["Choose a dataset from the list"]
    assert errors["q"] == ["Search must be 200 characters or fewer"]
    with_nul = client.get(reverse(name), {"q": "a\x00"})
    assert with_nul.status_code == 400
    assert NUL_PROBLEM in with_nul.content.decode()


def _csv(client, **params) -> list[list[str]]:
    response = client.get(reverse("register:csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_download_neutralises_formulas(client):
    dangerous = on_register(title='=HYPERLINK("http://evil.example")', lay_summary="+1+1", organisation="@SUM(A1)")
    member = researcher()
    member.full_name = "-2+3 Smith"
    member.save()
    from tests.factories import add_member

    add_member(dangerous, member)
    from applications.models import Application

    Application.objects.filter(pk=dangerous.pk).update(register_names_consent=True)

    header, row = _csv(client)

    assert header[:3] == ["Reference", "Title", "Lay summary"]
    cells = dict(zip(header, row, strict=True))
    assert cells["Title"] == '\'=HYPERLINK("http://evil.example")'
    assert cells["Lay summary"] == "'+1+1"
    assert cells["Organisations"] == "'@SUM(A1); University of Example"
    assert cells["Researchers"].endswith("-2+3 Smith")
    assert cells["Reference"] == dangerous.reference


def test_csv_download_keeps_the_filters_and_says_when_names_are_not_published(client, projects):
    rows = _csv(client, dataset="LILR")

    assert len(rows) == 2
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Reference"] == projects["benefits"].reference
    assert cells["Status"] == "Closed"
    assert cells["Researchers"] == "Not published"
    assert cells["Accredited on"] == "2025-05-05"
    assert cells["Tables approved"] == "NPD: KS4 01-02 to 20-21"


def test_json_download_has_a_stable_shape(client, projects):
    response = client.get(reverse("register:json"), {"status": "closed"})

    assert response["Content-Type"] == "application/json"
    body = json.loads(b"".join(response.streaming_content))
    assert set(body) == {"register", "generated_at", "filters", "projects"}
    assert body["filters"] == {"status": "closed"}
    [project] = body["projects"]
    assert project == {
        "reference": projects["benefits"].reference,
        "title": "Benefits after school",
        "lay_summary": "Who claims support after leaving school.",
        "organisations": ["Institute of Fiscal Research"],
        "public_benefit_purposes": ["Provide an evidence base for public policy decisions"],
        "datasets": ["LILR"],
        "tables": [{"dataset": "NPD", "table": "KS4 01-02 to 20-21"}],
        "accredited_on": "2025-05-05",
        "ends_on": "2029-03-31",
        "status": "closed",
        "status_label": "Closed",
        "researchers": None,
        "outputs": [],
    }


def test_downloads_read_every_row_in_chunks(client, monkeypatch):
    from applications.register import selectors

    made = [on_register(accredited=datetime(2026, 1, 1, tzinfo=UTC)) for _ in range(7)]
    monkeypatch.setattr(selectors, "CHUNK", 3)
    monkeypatch.setattr(selectors.iter_register_entries, "__defaults__", (selectors.RegisterFilters(), 3))

    rows = _csv(client)
    body = json.loads(b"".join(client.get(reverse("register:json")).streaming_content))

    assert sorted(row[0] for row in rows[1:]) == sorted(p.reference for p in made)
    assert [p["reference"] for p in body["projects"]] == [row[0] for row in rows[1:]]


def test_the_atom_feed_is_valid_and_lists_newly_accredited_projects_first(client, projects):
    response = client.get(reverse("register:feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles[-1] == f"{projects['benefits'].reference}: Benefits after school"  # accredited earliest
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 3
    assert entries[-1].find(f"{ATOM}updated").text.startswith("2025-05-05")
