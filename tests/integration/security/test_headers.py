"""The security headers on real responses, read from the response itself."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import researcher

pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_a_strict_content_security_policy_and_the_usual_headers(client, signed_in):
    if signed_in:
        client.force_login(researcher())
    response = client.get(reverse("applications:list") if signed_in else reverse("home"))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert any(value.startswith("'nonce-") for value in policy["script-src"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    if signed_in:
        assert response["Cache-Control"] == "no-store"


def test_every_inline_script_carries_the_policys_nonce(client):
    """Scripts from files are allowed as 'self'; anything written into the page needs this response's nonce."""
    client.force_login(researcher())
    response = client.get(reverse("applications:list"))
    nonce = next(v for v in directives(response["Content-Security-Policy"])["script-src"] if v.startswith("'nonce-"))
    tags = re.findall(r"<script\b[^>]*>", response.content.decode())
    inline = [tag for tag in tags if " src=" not in tag]
    assert tags, "the page loads its scripts"
    assert all(f'nonce="{nonce[7:-1]}"' in tag for tag in inline), inline


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_SSL_REDIRECT=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_over_https_the_production_headers_and_cookies_are_set():
    """The production profile's values (leo_access/settings/production.py); `check --deploy` checks the file."""
    insecure = Client().get(reverse("home"))
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")
    client = Client()
    page = client.get(reverse("account_login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    cookie = page.cookies["csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def _views(resolver=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def _checks_csrf_itself(callback) -> bool:
    """An API view: DRF exempts it from the middleware and checks the CSRF token itself for a session; a personal
    token, sent in a header a browser never adds, needs none."""
    from rest_framework.authentication import SessionAuthentication

    from api.authentication import SecondFactorSessionAuthentication

    view = getattr(callback, "cls", None)
    classes = getattr(view, "authentication_classes", None)
    if classes is None:
        return False
    sessions = [c for c in classes if issubclass(c, SessionAuthentication)]
    return all(c is SecondFactorSessionAuthentication for c in sessions)


def test_no_view_is_exempt_from_csrf_protection():
    exempt = [
        str(p.pattern)
        for p in _views()
        if getattr(p.callback, "csrf_exempt", False) and not _checks_csrf_itself(p.callback)
    ]
    assert exempt == []


def test_a_form_posted_without_its_csrf_token_is_refused():
    user = researcher()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("applications:create"), {"title": "Anything"})
    assert response.status_code == 403
