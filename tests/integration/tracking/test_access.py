"""Only admins and RAS officers reach the tracking pages: every address against every role."""

import uuid

import pytest
from django.urls import reverse

from leo_access.roles import Role
from reviews.tracking.models import Export
from tests.factories import researcher, staff

pytestmark = pytest.mark.django_db

ALLOWED = {Role.ADMIN, Role.RAS_OFFICER}


def addresses(export_id):
    return [
        ("get", reverse("tracking:dashboard")),
        ("get", reverse("tracking:chart_funnel")),
        ("get", reverse("tracking:chart_throughput")),
        ("get", reverse("tracking:chart_stage_days")),
        ("get", reverse("tracking:applications")),
        ("get", reverse("tracking:register")),
        ("post", reverse("tracking:export", args=["applications"])),
        ("post", reverse("tracking:export", args=["register"])),
        ("get", reverse("tracking:export_detail", args=[export_id])),
        ("get", reverse("tracking:export_status", args=[export_id])),
        ("get", reverse("tracking:export_download", args=[export_id])),
    ]


@pytest.fixture
def export_id():
    owner = staff(Role.ADMIN)
    return Export.objects.create(kind="applications", format="csv", requested_by=owner).pk


@pytest.mark.parametrize("method_url", range(11))
def test_anonymous_people_are_sent_to_sign_in(client, export_id, method_url):
    method, url = addresses(export_id)[method_url]
    response = getattr(client, method)(url, {"format": "csv"} if method == "post" else {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [role for role in Role if role not in ALLOWED])
def test_other_roles_are_refused_everywhere(client, export_id, role):
    client.force_login(researcher() if role == Role.RESEARCHER else staff(role))
    for method, url in addresses(export_id):
        response = getattr(client, method)(url, {"format": "csv"} if method == "post" else {})
        assert response.status_code == 403, (role, url)


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_admins_and_ras_officers_reach_every_page(client, role):
    client.force_login(staff(role))
    theirs = Export.objects.create(kind="register", format="csv", requested_by=staff(Role.ADMIN))
    for method, url in addresses(uuid.uuid4()):
        if "exports/" in url:
            continue
        response = getattr(client, method)(url, {"format": "csv"} if method == "post" else {})
        assert response.status_code == 200, (role, url)
    assert client.get(reverse("tracking:export_detail", args=[theirs.pk])).status_code == 404


def test_charts_are_svg_with_a_policy_that_lets_only_their_own_styles_apply(client):
    client.force_login(staff(Role.ADMIN))
    response = client.get(reverse("tracking:chart_throughput"))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "style-src 'unsafe-inline'" in policy
    page = client.get(reverse("tracking:dashboard"))
    assert "unsafe-inline" not in page["Content-Security-Policy"]
