"""Errors answer with the service's own pages: what happened, a way on, and where to ask for help."""

import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse

from leo_access import error_pages
from leo_access.roles import Role
from tests.factories import researcher, staff

pytestmark = pytest.mark.django_db


def assert_service_page(response, status, heading, settings):
    page = response.content.decode()
    assert response.status_code == status
    assert "govuk-header" in page
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert 'href="/"' in page
    assert f"mailto:{settings.SUPPORT_EMAIL}" in page


def test_a_missing_page_says_so_and_offers_the_start_page(client, settings):
    assert_service_page(client.get("/no-such-page/"), 404, "Page not found", settings)


def test_another_researchers_application_is_not_found_in_the_same_words(client, settings):
    client.force_login(researcher())
    response = client.get(reverse("applications:detail", args=[uuid.uuid4()]))
    assert_service_page(response, 404, "Page not found", settings)


def test_a_page_the_role_may_not_see_is_refused_with_a_way_on(client, settings):
    client.force_login(researcher())
    assert_service_page(client.get(reverse("tracking:dashboard")), 403, "You cannot see this page", settings)


def test_opening_a_form_action_directly_explains_itself(client, settings):
    client.force_login(staff(Role.RAS_OFFICER))
    response = client.get(reverse("declarations:grant_access", args=[uuid.uuid4()]))
    assert_service_page(response, 405, "This page cannot be opened directly", settings)
    assert response["Allow"] == "POST"


def test_a_server_error_page_needs_nothing_but_the_settings(settings):
    settings.SUPPORT_EMAIL = "help@leo.example"
    response = error_pages.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "mailto:help@leo.example" in page
    assert 'href="/"' in page


def test_the_support_address_is_in_the_banner_footer_and_accessibility_statement(client, settings):
    settings.SUPPORT_EMAIL = "help@leo.example"
    page = client.get(reverse("accessibility")).content.decode()
    assert page.count("mailto:help@leo.example") == 3
