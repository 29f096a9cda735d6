"""The database connection lost during a request: the person sees the service's error page, and the service's
transaction leaves nothing half-written."""

import pytest
from django.db import connection
from django.urls import reverse

from applications import clock
from applications.models import Application, ApplicationEvent, ReferenceCounter, TeamMember
from tests.conftest import Client
from tests.factories import researcher
from tests.smtp import free_port

from .conftest import database_connection

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Returns to adult learning"
ERROR_PAGE = "Sorry, there is a problem with the service"


def assert_error_page(response):
    assert response.status_code == 500
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{ERROR_PAGE}</h1>' in page
    assert "Try again later." in page
    assert '<body class="govuk-template__body">' in page
    assert 'href="/static/dist/application.css"' in page
    assert "<script" not in page  # no CSP nonce reaches this page


def test_a_connection_lost_between_two_writes_shows_the_error_page_and_saves_neither():
    """create_application writes the reference counter, the application, its co-ordinator and an event in one
    transaction. The test ends the database session (pg_terminate_backend, as a failover or a restart does) just
    before the co-ordinator is written."""
    user = researcher()
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    year = clock.now().year
    last_before = ReferenceCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0
    written, terminated = [], []

    def lose_the_connection(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "applications_teammember"') and not terminated:
            session = context["connection"].connection.info.backend_pid
            with database_connection(autocommit=True) as admin:
                # Waits until the session has really ended.
                assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", [session]).fetchone() == (True,)
            terminated.append(session)
        elif sql.startswith(("INSERT", "UPDATE")):
            written.append(sql.split('"')[1])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lose_the_connection):
        response = browser.post(reverse("applications:create"), {"title": TITLE})

    assert terminated, "the request never reached the co-ordinator's row"
    assert {"applications_referencecounter", "applications_application"} <= set(written)
    assert_error_page(response)
    assert not Application.objects.filter(title=TITLE).exists()
    assert not TeamMember.objects.filter(user=user).exists()
    assert not ApplicationEvent.objects.filter(actor=user).exists()
    assert (ReferenceCounter.objects.filter(year=year).values_list("last", flat=True).first() or 0) == last_before

    # The person tries again once the database answers: the reference number was not used up.
    response = browser.post(reverse("applications:create"), {"title": TITLE})
    application = Application.objects.get(title=TITLE)
    assert response.status_code == 302
    assert application.reference == f"LEO-{year}-{last_before + 1:04d}"
    assert TeamMember.objects.filter(application=application, user=user).count() == 1


def test_with_the_database_unreachable_the_error_page_still_renders():
    user = researcher()
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    database = connection.settings_dict
    port = database["PORT"]
    connection.close()
    database["PORT"] = str(free_port())  # nothing listens there
    try:
        response = browser.get(reverse("applications:list"))
    finally:
        connection.close()
        database["PORT"] = port

    assert_error_page(response)
