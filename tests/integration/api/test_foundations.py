"""The API's description, its documentation within the content security policy, problem documents and throttling."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client as PlainClient
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.problems import PROBLEM_CONTENT_TYPE
from api.throttling import PerTokenThrottle
from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.rules import Problem, Section
from leo_access.roles import Role
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_at_its_address(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "LEO Access API"
    assert "Problem" in schema["components"]["schemas"]
    assert {"personalToken", "session"} <= set(schema["components"]["securitySchemes"])
    # Every operation says which problem documents it may answer with.
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/"), path
        for method, operation in operations.items():
            problems = {
                code for code, r in operation["responses"].items() if "application/problem+json" in r.get("content", {})
            }
            assert {"400", "401", "403", "404", "429"} <= problems, (method, path)
    assert reverse("api:schema") == "/api/v1/schema/"


def test_the_documentation_runs_from_our_own_static_files_without_inline_code(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "script-src 'self'" in policy
    # Every script and style sheet comes from this site: no inline code, which the policy would block.
    assert "<style" not in html
    assert re.findall(r"<script>", html) == []
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(sources) == 5
    for source in sources:
        assert source.startswith(("/static/", reverse("api:docs"))), source
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    script = client.get(sources[2])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


class Raising(APIView):
    authentication_classes = []
    permission_classes = []
    error = None

    def get(self, request):
        raise self.error


def problem_for(error):
    request = APIRequestFactory().get("/api/v1/anything")
    response = Raising.as_view(error=error)(request)
    response.render()
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return response.status_code, body


def test_domain_errors_answer_as_the_pages_do():
    status, body = problem_for(StaleState("It moved on.", current_state="queried"))
    assert (status, body["detail"], body["current_state"]) == (409, "It moved on.", "queried")
    problems = [Problem("project_incomplete", "Complete the project details", Section.PROJECT)]
    status, body = problem_for(GuardFailed("Cannot be submitted yet.", problems=problems))
    assert (status, body["problems"]) == (409, ["Complete the project details"])
    status, body = problem_for(InvalidInput("Enter the questions."))
    assert (status, body["errors"]) == (400, {"non_field_errors": ["Enter the questions."]})
    status, body = problem_for(NotPermitted("You do not have permission to do that to this application."))
    assert (status, body["title"]) == (403, "You cannot see this page")


def test_framework_errors_are_problem_documents_with_the_pages_headings():
    status, body = problem_for(exceptions.ValidationError({"title": ["Enter the title of your project"]}))
    assert (status, body["detail"], body["errors"]) == (
        400,
        "Enter the title of your project",
        {"title": ["Enter the title of your project"]},
    )
    status, body = problem_for(exceptions.NotFound())
    assert (status, body["title"]) == (404, "Page not found")
    status, body = problem_for(exceptions.MethodNotAllowed("PUT"))
    assert status == 405


def test_requests_beyond_the_rate_are_refused_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "2/minute"})
    cache.clear()
    statuses = [client.get("/api/v1/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.get("/api/v1/schema/")
    assert refused["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert int(refused["Retry-After"]) > 0
    assert json.loads(refused.content)["title"] == "Too many requests"
    cache.clear()


def test_an_address_under_the_api_that_matches_no_route_is_a_problem_document(client):
    response = client.get("/api/v1/applications/not-a-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert json.loads(response.content)["title"] == "Page not found"
    page = client.get("/no-such-page/")
    assert page["Content-Type"].startswith("text/html")


def test_the_description_is_public_even_to_a_session_without_its_second_factor():
    part_way = PlainClient()
    part_way.force_login(staff(Role.RAS_OFFICER))
    assert part_way.get("/api/v1/schema/").status_code == 200
    assert part_way.get(reverse("api:docs")).status_code == 200
    assert part_way.get("/api/v1/me/").status_code == 401
