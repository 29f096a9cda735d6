"""What a queue row shows, in which order, and that the queue's indexes serve its queries.

The rows of a page are read with one SQL query (reviews.selectors.queue_page); these tests check each cell
of a row against the records it comes from, and the page order against every sort the page offers.
"""

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, joined
from applications.states import State
from leo_access.models import ResearcherProfile
from leo_access.teams import Team
from reviews import selectors
from reviews.services import assign
from tests.factories import ApplicationFactory, coordinator_of, requesting
from tests.lifecycle import People, advance, approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def at(state, people, **kwargs):
    return advance(ApplicationFactory(**kwargs), state, people)


def rows_of(client, team, **params) -> list[list[str]]:
    """The cells of each row of the queue's table, as text."""
    page = client.get(reverse("reviews:team_queue", args=[team]), params).content.decode()
    body = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0] if "<tbody" in page else ""
    rows = []
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))).strip() for cell in cells])
    return rows


def test_a_row_shows_the_application_its_people_datasets_days_and_status(client, people):
    application = at(State.RAS_CHECK, people, title="Apprentices & earnings <2026>")
    coordinator = coordinator_of(application)
    coordinator.full_name = "Ada Lovelace"
    coordinator.save()
    ResearcherProfile.objects.filter(user=coordinator).update(organisation="Institute for Fiscal Research")
    requesting(application, "NPD", "HESA")
    Application.objects.filter(pk=application.pk).update(stage_entered_at=timezone.now() - timedelta(days=12, hours=1))
    assign(application_id=application.pk, team="intake", assignee=people.ras, by=people.ras)
    waiting = at(State.RAS_CHECK, people)
    requesting(waiting)
    client.force_login(people.ras)

    page = client.get(reverse("reviews:team_queue", args=["intake"])).content.decode()
    assert f'href="{reverse("reviews:review", args=[application.pk])}"' in page
    assert "Apprentices &amp; earnings &lt;2026&gt;" in page
    first, second = rows_of(client, "intake")
    assert first == [
        application.reference,
        "Apprentices & earnings <2026>",
        "Ada Lovelace Institute for Fiscal Research",
        "HESA, NPD",
        "12",
        f"Overdue Assigned to {people.ras.full_name}",
    ]
    assert second[0] == waiting.reference
    assert second[3] == "None yet"
    assert second[4] == "0"
    assert second[5] == "On time"


def test_a_coordinator_without_a_name_is_shown_by_email_and_a_queried_row_is_with_the_applicant(client, people):
    application = at(State.QUERIED, people)
    coordinator = coordinator_of(application)
    coordinator.full_name = ""
    coordinator.save()
    client.force_login(people.ras)
    (row,) = rows_of(client, "intake")
    assert row[2].startswith(coordinator.email)
    assert row[5] == "With applicant"


def test_every_sort_orders_the_whole_queue_across_its_pages(client, people):
    applications = [at(State.RAS_CHECK, people, title=f"Study {chr(90 - n)}") for n in range(27)]
    for number, application in enumerate(applications):
        entered = timezone.now() - timedelta(days=number, minutes=number)
        Application.objects.filter(pk=application.pk).update(stage_entered_at=entered)
    applications = list(Application.objects.filter(pk__in=[a.pk for a in applications]))
    client.force_login(people.ras)
    expected = {
        "waiting": sorted(applications, key=lambda a: a.stage_entered_at),
        "newest": sorted(applications, key=lambda a: a.stage_entered_at, reverse=True),
        "reference": sorted(applications, key=lambda a: a.reference),
        "title": sorted(applications, key=lambda a: a.title),
    }
    for sort, ordered in expected.items():
        shown = [row[0] for row in rows_of(client, "intake", sort=sort)]
        shown += [row[0] for row in rows_of(client, "intake", sort=sort, page=2)]
        assert shown == [a.reference for a in ordered], sort


def test_a_department_queue_keeps_what_it_queried_and_drops_what_it_decided(client, people):
    decided = at(State.DEPARTMENT_REVIEW, people)
    approve(decided, people, "hmrc")
    waiting = at(State.DEPARTMENT_REVIEW, people)
    from reviews.services import query_application

    queried = at(State.DEPARTMENT_REVIEW, people)
    query_application(application_id=queried.pk, by=people.hmrc, questions="Which years?")
    client.force_login(people.hmrc)
    shown = {row[0]: row[5] for row in rows_of(client, "hmrc")}
    assert shown == {waiting.reference: "On time", queried.reference: "With applicant"}
    assert {row[0] for row in rows_of(client, "hmrc", state="queried")} == {queried.reference}
    assert {row[0] for row in rows_of(client, "hmrc", state="waiting")} == {waiting.reference}


def test_search_finds_a_researcher_by_name(client, people):
    wanted = at(State.RAS_CHECK, people)
    other = at(State.RAS_CHECK, people)
    coordinator = coordinator_of(wanted)
    coordinator.full_name = "Grace Hopper"
    coordinator.save()
    client.force_login(people.ras)
    shown = {row[0] for row in rows_of(client, "intake", q="hopper")}
    assert shown == {wanted.reference}
    assert other.reference not in shown


def test_search_takes_wildcards_literally(client, people):
    wanted = at(State.RAS_CHECK, people, title="Pay at 50% of median")
    at(State.RAS_CHECK, people)
    client.force_login(people.ras)
    assert {row[0] for row in rows_of(client, "intake", q="50%")} == {wanted.reference}
    assert rows_of(client, "intake", q="%_") == []


# The indexes ------------------------------------------------------------------------------------------


def explain(sql: str, params, off=("seqscan", "bitmapscan", "sort")) -> str:
    """PostgreSQL's plan for `sql` with the planner's methods in `off` ruled out."""
    with transaction.atomic(), connection.cursor() as cursor:
        for method in off:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan(queryset) -> str:
    """PostgreSQL's plan with sequential scans and sorts ruled out: an index that cannot serve the query, in its
    order, is not in it. (On the tests' few rows, sorting them can cost the same as reading an index in order.)"""
    return explain(*queryset.query.sql_with_params())


@pytest.mark.parametrize(
    ("team", "sort", "index"),
    [
        (Team.INTAKE, "waiting", "queue_stage_order"),
        (Team.PANEL, "newest", "queue_stage_order"),
        (Team.INTAKE, "title", "queue_stage_title"),
        (Team.INTAKE, "reference", "queue_stage_reference"),
        (Team.HMRC, "waiting", "hmrc_queue_order"),
        (Team.DFE, "newest", "dfe_queue_order"),
        (Team.DWP, "title", "dwp_queue_title"),
        (Team.HMRC, "reference", "hmrc_queue_reference"),
    ],
)
def test_each_queue_order_is_read_from_its_index(people, team, sort, index):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    queryset = selectors.queue(team, people.ras, selectors.QueueFilters(sort=sort)).values_list("pk", flat=True)
    page = plan(queryset[:25])
    assert f"Index Only Scan using {index}" in page or f"Index Only Scan Backward using {index}" in page, page
    assert "Sort" not in page.split("Index")[0], page


@pytest.mark.parametrize(("team", "index"), [(Team.INTAKE, "queue_stage"), (Team.DFE, "dfe_queue")])
def test_a_queue_is_counted_from_its_index_and_a_department_reads_only_its_own_queue(people, team, index):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    queryset = selectors.queue(team, people.dfe, selectors.QueueFilters(dataset="NPD"))
    selected, params = queryset.order_by().values("pk").query.sql_with_params()
    found = explain(selectors._counted(selected, selectors.COUNT_LIMIT + 1), params, off=("seqscan", "bitmapscan"))
    assert f"Index Only Scan using {index}" in found, found
    assert "Limit" in found, found


def crowd(application, count: int):
    """`count` copies of the application in the same queue, each with its own reference, and fresh statistics:
    on a near-empty table every plan costs the same, and the planner's choice among them is arbitrary."""
    copies = []
    for n in range(count):
        copy = Application.objects.get(pk=application.pk)
        copy.pk, copy.reference, copy.title = uuid.uuid4(), f"LEO-2019-{n:04d}", f"Crowd study {n}"
        copies.append(copy)
    Application.objects.bulk_create(copies)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Application._meta.db_table}")


def test_a_search_for_a_reference_is_an_index_condition(people):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    crowd(at(State.RAS_CHECK, people), 300)
    searched = selectors.queue(Team.INTAKE, people.ras, selectors.QueueFilters(q="leo-2026-0042"))
    found = explain(*searched.values_list("pk", flat=True).query.sql_with_params(), off=("seqscan",))
    # An index condition (the reference's own index, or the queue's with the reference as a key), not a filter
    # applied to every entry of the queue. PostgreSQL writes the column with its cast, `(reference)::text`.
    reference = r"\(*\breference\b\)*(?:::text)? = 'LEO-2026-0042'"
    assert [line for line in found.splitlines() if "Index Cond:" in line and re.search(reference, line)], found
    assert not [line for line in found.splitlines() if "Filter" in line and "reference" in line], found


@pytest.mark.parametrize(("team", "state"), [("intake", State.RAS_CHECK), ("hmrc", State.DEPARTMENT_REVIEW)])
def test_a_queue_page_takes_the_same_queries_however_long_the_queue(client, people, team, state):
    viewer = people.ras if team == "intake" else people.hmrc
    at(state, people)
    client.force_login(viewer)
    url = reverse("reviews:team_queue", args=[team])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url, {"sort": "title"})
    for _ in range(28):
        application = at(state, people)
        requesting(application, "NPD")
        assign(application_id=application.pk, team=team, assignee=viewer, by=viewer)
    with CaptureQueriesContext(connection) as long:
        client.get(url, {"sort": "title"})
    with CaptureQueriesContext(connection) as second_page:
        client.get(url, {"sort": "title", "page": 2, "q": "study", "mine": "1", "dataset": "NPD"})
    with CaptureQueriesContext(connection) as rare:
        client.get(url, {"sort": "title", "q": "zqxjvw"})
    # A search takes one query more, the bounded look-up of what it matches (which, when it finds nothing, saves
    # reading the page).
    assert len(short) == len(long) == len(second_page) - 1
    assert len(rare) <= len(second_page) <= 15


def test_a_department_queue_follows_its_reviews_through_decisions_queries_and_a_new_round(people):
    """The column the department queues read is kept in step with the department reviews it stands for."""
    from applications.lifecycle import reopen_department_reviews
    from leo_access.roles import Department
    from reviews.services import query_application

    def queue_of(team):
        return set(selectors.queue(team, people.ras, selectors.QueueFilters()).values_list("pk", flat=True))

    def in_step():
        for application in Application.objects.all():
            pending = application.department_reviews.filter(superseded_at__isnull=True, decision="pending")
            assert application.awaiting_departments == joined(pending.values_list("department", flat=True))

    decided = at(State.DEPARTMENT_REVIEW, people)
    approve(decided, people, "hmrc")
    reopened = at(State.DEPARTMENT_REVIEW, people)
    approve(reopened, people, "hmrc")
    approve(reopened, people, "dfe")
    with transaction.atomic():
        reopen_department_reviews(
            Application.objects.select_for_update().get(pk=reopened.pk),
            departments={department: ["Data items added."] for department in Department},
            by=people.admin,
            role="admin",
        )
    queried = at(State.DEPARTMENT_REVIEW, people)
    approve(queried, people, "dwp")
    query_application(application_id=queried.pk, by=people.hmrc, questions="Which years?")
    passed = at(State.PANEL_REVIEW, people)
    in_step()
    assert queue_of(Team.HMRC) == {reopened.pk, queried.pk}
    assert queue_of(Team.DFE) == {decided.pk, reopened.pk, queried.pk}
    assert queue_of(Team.DWP) == {decided.pk, reopened.pk}
    assert passed.pk not in queue_of(Team.HMRC) | queue_of(Team.DFE) | queue_of(Team.DWP)


def test_an_application_saved_from_an_older_copy_keeps_the_queue_columns(people):
    application = at(State.DEPARTMENT_REVIEW, people)
    stale = Application.objects.get(pk=application.pk)
    requesting(application, "HESA")
    approve(application, people, "hmrc")
    stale.title = "A new title"
    stale.save()
    application.refresh_from_db()
    assert application.title == "A new title"
    assert application.requested_datasets == "|HESA|"
    assert application.awaiting_departments == "|dfe|dwp|"
