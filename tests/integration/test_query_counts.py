"""Metatest: every page's SQL stays flat as the data grows, the admin site included.

Every admin change list and one change form per model registered on the admin site, and every page that
takes no URL arguments, are requested by the demo admin (signed in with a second factor) on a small data set
and again on one five times larger. A page fails if it takes more queries on the larger set, or more than its
budget. Nothing needs adding here for a new model in the admin or a new page: both are found by iterating
`admin.site._registry` and the URL resolver. Pages are requested with an empty cache, as a first request
after the cache expired would be.

Run with `-s` to print each page's counts.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_celery_results.models import GroupResult, TaskResult

from applications.models import Amendment, Application
from declarations.models import Declaration, SignedDeclarationDocument
from demo import bulk, users
from demo.amendments import ensure_demo_amendments
from demo.applications import ensure_demo_applications
from demo.forms import ensure_demo_catalogue
from leo_access.models import User
from leo_access.roles import Role
from notifications.models import Message, Preference, ReminderRun, TeamSetting
from reviews.models import Team
from tests.conftest import Client

pytestmark = pytest.mark.django_db

# The service's pages take no more than this many queries, as the work queues' tests require.
SERVICE_BUDGET = 15
# An admin page: the session, the user and their roles, the count (or PostgreSQL's estimate), the rows with
# their related rows joined, and one query per filter or date drill-down; never one a row.
ADMIN_BUDGET = 15
# Pages that may take more, and why. The review page is measured at delegated review: it also reads the admins'
# criteria and names the checked form's tables from the catalogue (`tests/integration/reviews/test_queues.py`).
# A live project's page also lists its declarations, conditions and approved versions (measured on the demo's live
# project, as its co-ordinator).
PAGE_BUDGETS: dict[str, int] = {"reviews:review": 17, "applications:detail": 19}
# Requested also as these demo users: the tracking pages are the RAS officers' too.
ALSO_AS = {
    name: [Role.RAS_OFFICER]
    for name in ["tracking:dashboard", "tracking:applications", "tracking:register", "tracking:chart_funnel"]
} | {
    # The API's lists, as the people they are for (the admin holds neither permission).
    "api:applications": [Role.RESEARCHER],
    "api:access_list": [Role.RAS_OFFICER],
    # The amendments queue, as a department and the RAS (the demo's live project has one with each).
    "reviews:amendments": [Role.HMRC_REVIEWER, Role.RAS_OFFICER],
}
# Pages that take arguments, requested as the people they are for, on the demo application they are about
# (by its title) or with the arguments given: the delegated official's queue, review page and decision page.
DELEGATED_TITLE = "Further education and earnings at 30"
LIVE_TITLE = "Labour-market returns to level 3 qualifications"
WITH_ARGUMENTS = {
    "reviews:team_queue": (Role.DELEGATED_OFFICIAL, ["delegated"]),
    "reviews:review": (Role.DELEGATED_OFFICIAL, DELEGATED_TITLE),
    "reviews:delegated": (Role.DELEGATED_OFFICIAL, DELEGATED_TITLE),
    # The live demo project's changes, and the amendment with HMRC, as its co-ordinator and as HMRC.
    "applications:detail": (Role.RESEARCHER, LIVE_TITLE),
    "applications:amendments": (Role.RESEARCHER, LIVE_TITLE),
    "applications:amendment": (Role.RESEARCHER, lambda: data_amendment_arguments()),
    "reviews:amendment": (Role.HMRC_REVIEWER, lambda: data_amendment_arguments()),
}


def data_amendment_arguments() -> list:
    amendment = Amendment.objects.get(application__title=LIVE_TITLE, stage=Amendment.Stage.DEPARTMENTS)
    return [amendment.application_id, amendment.number]


# The small set is the demo data: fewer rows than a change list's page in every table, so a query per row shows.
# The larger one adds this many generated applications (about ten events each), several times the demo data.
GENERATED = 60


def url_names(resolver=None, namespace=""):
    """The names of every URL that takes no arguments."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.pattern.regex.groups:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            yield f"{namespace}{pattern.name}"


def service_pages() -> dict[str, str]:
    pages = {}
    for name in sorted(set(url_names())):
        if name.startswith("admin:"):
            continue
        try:
            pages[name] = reverse(name)
        except NoReverseMatch:
            continue
    return pages


def admin_pages() -> dict[str, str]:
    """Every change list, and the change form of the first row of each model that has one."""
    pages = {"admin:index": reverse("admin:index")}
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages[f"{prefix}_changelist"] = reverse(f"{prefix}_changelist")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages[f"{prefix}_change"] = reverse(f"{prefix}_change", args=[first.pk])
    return pages


def count_queries(client, url) -> tuple[int, int]:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured.captured_queries), response.status_code


def measure(clients: dict[Role, object]) -> dict[str, tuple[int, int]]:
    counts = {}
    for name, url in {**admin_pages(), **service_pages()}.items():
        counts[name] = count_queries(clients[Role.ADMIN], url)
        for role in ALSO_AS.get(name, []):
            counts[f"{name} as {role.value}"] = count_queries(clients[role], url)
    for name, (role, about) in WITH_ARGUMENTS.items():
        if callable(about):
            args = about()
        else:
            args = about if isinstance(about, list) else [Application.objects.get(title=about).pk]
        counts[f"{name} as {role.value}"] = count_queries(clients[role], reverse(name, args=args))
    return counts


def budget_for(name: str) -> int:
    page = name.split(" as ")[0]
    return PAGE_BUDGETS.get(page, ADMIN_BUDGET if page.startswith("admin:") else SERVICE_BUDGET)


def signed_in(role: Role) -> Client:
    client = Client()
    email = next(demo.email for demo in users.DEMO_USERS if demo.role == role)
    client.force_login(User.objects.get(email=email))
    return client


def add_other_rows(count: int):
    """Rows of the tables the demo data leaves empty, `count` more of each (as far as each table allows)."""
    people = list(User.objects.order_by("pk"))
    done = Message.objects.count()
    for number in range(done, done + count):
        # Everyone signed in has notifications on both sets: an empty list takes a query fewer.
        for user in User.objects.filter(email__in=[demo.email for demo in users.DEMO_USERS]):
            Message.objects.create(
                key=f"query-counts-{number}-{user.pk}",
                recipient=user.email,
                user=user,
                template="t",
                subject="s",
                url="/",
            )
        ReminderRun.objects.create(kind="overdue", subject=f"subject {number}", period="p")
        TaskResult.objects.create(task_id=f"query-counts-{number}", task_name="t", status="SUCCESS")
        GroupResult.objects.create(group_id=f"query-counts-{number}")
    for user in people[:count]:
        Preference.objects.get_or_create(user=user)
    for user in people[-count:]:
        EmailAddress.objects.get_or_create(user=user, email=user.email)
    for team, lead in zip(Team.values, people[:count], strict=False):
        TeamSetting.objects.get_or_create(team=team, defaults={"lead": lead})
    for declaration in Declaration.objects.filter(document__isnull=True).order_by("pk")[:count]:
        SignedDeclarationDocument.objects.create(
            declaration=declaration,
            document_number=f"QC-{declaration.pk}",
            file=ContentFile(b"%PDF-1.7", name="declaration.pdf"),
            sha256="0" * 64,
            size=8,
            certificate_sha256="0" * 64,
        )


def test_no_page_takes_more_queries_as_the_data_grows():
    by_role, _ = users.ensure_demo_users()
    ensure_demo_catalogue()
    ensure_demo_applications(by_role)
    ensure_demo_amendments(by_role)
    add_other_rows(2)
    roles = {
        Role.ADMIN,
        *(role for roles in ALSO_AS.values() for role in roles),
        *(role for role, _ in WITH_ARGUMENTS.values()),
    }
    clients = {role: signed_in(role) for role in roles}
    measure(clients)  # Once first, so that caches kept by the process (content types, sites) are full.
    small = measure(clients)
    bulk.generate(GENERATED, by_role)
    add_other_rows(10)
    large = measure(clients)

    print()
    assert set(small) == set(large)
    for name in sorted(small):
        print(f"{name:70} {small[name][0]:4} {large.get(name, ('-',))[0]:>4}  ({small[name][1]})")
    assert all(small[f"{name} as {role.value}"][1] == 200 for name, (role, _) in WITH_ARGUMENTS.items())
    grown = {name: (small[name][0], large[name][0]) for name in small if large.get(name, (0,))[0] > small[name][0]}
    over = {name: counts[0] for name, counts in large.items() if counts[0] > budget_for(name)}
    assert grown == {}, f"These pages take more queries with more data: {grown}"
    assert over == {}, f"These pages take more queries than their budget: {over}"
