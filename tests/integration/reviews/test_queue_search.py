"""A queue search finds what a plain reading of the rule finds, whether the term is rare or common.

A search first finds the applications matching, up to `queue_search.SEARCH_BOUND`; a term matching more walks the
queue's index checking each entry. The tests lower the bound so that a handful of applications exercise both
ways, and compare each with a filter written in Python over the whole queue.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Application
from applications.states import State
from leo_access.teams import Team
from reviews import queue_search, selectors
from tests.factories import ApplicationFactory, add_member, coordinator_of, researcher
from tests.lifecycle import People, advance

from .test_queue_rows import crowd, explain

pytestmark = pytest.mark.django_db

TITLES = [
    "Care leavers and earnings",
    "Apprenticeships by region",
    "Earnings after further education",
    "Free school meals and later earnings",
    "Pay at 50% of median",
    "Apprenticeship starts",
]
NAMES = ["Grace Hopper", "Ada Lovelace", "Alan Turing", "Grace Kelly", "", "Katherine Johnson"]


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def queue(people):
    """Intake's queue: applications waiting and queried, some overdue, each with named people, and two
    applications elsewhere that the search must not bring in."""
    applications = []
    for n, (title, name) in enumerate(zip(TITLES, NAMES, strict=True)):
        application = advance(ApplicationFactory(title=title), State.QUERIED if n % 3 == 2 else State.RAS_CHECK, people)
        coordinator = coordinator_of(application)
        coordinator.full_name = name
        coordinator.save()
        member = researcher()
        member.full_name = f"Member {n} Hopkins" if n % 2 else "Sam Smith"
        member.save()
        add_member(application, member)
        if n % 2:
            entered = timezone.now() - timedelta(days=40 + n)
            Application.objects.filter(pk=application.pk).update(stage_entered_at=entered)
        applications.append(application)
    for title in ("Care leavers elsewhere", "Earnings in the panel"):
        advance(ApplicationFactory(title=title), State.PANEL_REVIEW, people)
    return applications


def plainly(people, term: str, **filters) -> list:
    """The queue with the filters, in its order, searched by reading each application and its people."""
    term = term.strip().lower()
    listed = selectors.queue(Team.INTAKE, people.ras, selectors.QueueFilters(**filters))
    found = []
    for application in listed.prefetch_related("team_members__user"):
        members = application.team_members.all()
        names = [member.user.full_name for member in members if member.user]
        texts = [application.title, *(member.email for member in members), *names]
        if application.reference.lower() == term or any(term in text.lower() for text in texts):
            found.append(application.pk)
    return found


def searched(people, term: str, **filters) -> tuple[list, int]:
    """The searched queue's ids in order, and the count its first page shows."""
    chosen = selectors.QueueFilters(q=term, **filters)
    page = selectors.queue_page(Team.INTAKE, people.ras, chosen)
    return list(selectors.queue(Team.INTAKE, people.ras, chosen).values_list("pk", flat=True)), page.count


TERMS = ["example.org", "earnings", "grace", "HOPKINS", "smith", "lovelace", "ada lovelace", "50%", "zqxjvw", "ppr"]


@pytest.mark.parametrize("bound", [2, queue_search.SEARCH_BOUND])
@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_a_search_finds_what_reading_every_application_finds(people, queue, monkeypatch, bound, sort):
    monkeypatch.setattr(queue_search, "SEARCH_BOUND", bound)
    terms = [*TERMS, queue[0].reference.lower()]
    for term in terms:
        for filters in ({}, {"state": "waiting"}, {"state": "queried"}, {"overdue": True}):
            expected = plainly(people, term, sort=sort, **filters)
            assert searched(people, term, sort=sort, **filters) == (expected, len(expected)), (term, filters)
    if bound < queue_search.SEARCH_BOUND:
        # Both ways are taken: some terms match more than the bound, some fewer.
        matched = [len(queue_search._matching(term, 100)) for term in terms]
        assert min(matched) <= bound < max(matched)


def test_a_common_term_walks_the_queue_without_gathering_everyone_it_matches(people, queue, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    monkeypatch.setattr(queue_search, "SEARCH_BOUND", 2)
    common = selectors.queue(Team.INTAKE, people.ras, selectors.QueueFilters(q="example.org"))
    found = explain(*common.values_list("pk", flat=True)[:26].query.sql_with_params())
    # The page is read along the queue's index, in its order, and each entry's people are looked up by its own
    # id: neither the trigram indexes (which would gather every matching person) nor a hashed list of ids.
    assert "Index Only Scan using queue_stage_order" in found or "Index Scan using queue_stage_order" in found, found
    assert "queue_search_member_email" not in found, found
    assert "queue_search_user_name" not in found, found
    assert "hashed SubPlan" not in found, found
    assert "Sort" not in found.split("queue_stage_order")[0], found


def test_a_rare_term_is_looked_up_in_an_index_and_then_only_the_applications_found_are_read(people, queue):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    crowd(queue[0], 300)
    found = explain(*queue_search.matching_sql("lovelace", queue_search.SEARCH_BOUND + 1), off=("seqscan", "indexscan"))
    # The names have no other index; on the tests' few members a whole small index can cost less than the
    # e-mails' trigrams, so their plan is the benchmark's to show (bench/README.md).
    assert "queue_search_user_name" in found, found
    assert "Index Cond: (upper((full_name)::text) ~~ '%LOVELACE%'::text)" in found, found
    rare = selectors.queue(Team.INTAKE, people.ras, selectors.QueueFilters(q="lovelace"))
    assert list(rare.values_list("pk", flat=True)) == [queue[1].pk]
    found = explain(*rare.values_list("pk", flat=True).query.sql_with_params(), off=("seqscan",))
    assert str(queue[1].pk) in found, found
    assert "LOVELACE" not in found, found


def test_a_name_common_among_people_is_checked_for_each_entry_walked_not_gathered(people, queue, monkeypatch):
    """A term in many names but no e-mail (`researcher 2` among generated people) reads the user of each member
    the walk reaches, by its key: never every user whose name matches, hashed, for every page and count."""
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    monkeypatch.setattr(queue_search, "SEARCH_BOUND", 2)
    monkeypatch.setattr(selectors, "count_limit", lambda *_: selectors.COUNT_LIMIT)  # counted to the end, and checked
    crowd(queue[0], 300)
    crowded = Application.objects.filter(reference__startswith="LEO-2019-").order_by("reference")
    for n, application in enumerate(crowded):
        person = researcher()
        person.full_name = f"Hopkins {n}" if n % 3 == 0 else f"Person {n}"
        person.save()
        add_member(application, person)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    common = selectors.queue(Team.INTAKE, people.ras, selectors.QueueFilters(q="hopkins"))
    # The count walks furthest (up to COUNT_LIMIT + 1 matches), and with each look-up by key made dear the
    # planner would rather gather everyone, as it does on a large database: the query must not let it.
    selected, params = common.order_by().values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL random_page_cost = 1000")
        found = explain(selectors._counted(selected, selectors.COUNT_LIMIT + 1), params, off=())
    assert "hashed SubPlan" not in found, found
    assert "id = m.user_id" in found, found  # each member's own user, looked up
    assert searched(people, "hopkins") == (plainly(people, "hopkins"), len(plainly(people, "hopkins")))


def test_a_term_with_a_space_is_not_looked_for_in_e_mail_addresses(people, queue):
    """No e-mail address holds a space: such a term reads the names' index, never the e-mails'."""
    sql, _ = queue_search.matching_sql("ada lovelace", queue_search.SEARCH_BOUND + 1)
    assert "email" not in sql
    assert "email" in queue_search.matching_sql("lovelace", queue_search.SEARCH_BOUND + 1)[0]
    assert "email" not in queue_search._has_person("ada lovelace").sql
    assert "email" in queue_search._has_person("lovelace").sql
    assert searched(people, "ada lovelace")[0] == plainly(people, "ada lovelace")
