"""Personal API tokens: made on the account page or by command, shown once, stored hashed, scoped, expiring,
revocable, throttled one by one, and every use written to the audit log."""

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client as PlainClient
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.problems import PROBLEM_CONTENT_TYPE
from api.throttling import PerTokenThrottle
from api.tokens import issue_token
from applications.errors import NotPermitted
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.roles import Role
from tests.factories import researcher, staff

from .helpers import body, session_client, token_client, token_for

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_command_prints_a_token_and_only_its_digest_is_kept():
    user = researcher()
    out = StringIO()
    call_command("create_api_token", user.email, "--scope", "read", "--days", "7", stdout=out)
    secret = out.getvalue().strip()
    assert re.fullmatch(r"leo_[A-Za-z0-9_-]{43}", secret)
    token = ApiToken.objects.get(user=user)
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert (token.scope, (token.expires_at - token.created_at).days) == ("read", 7)
    response = bearer(secret).get(ME)
    assert response.status_code == 200
    assert body(response) | {"token_expires_at": None} == {
        "email": user.email,
        "full_name": user.full_name,
        "roles": ["researcher"],
        "token_scope": "read",
        "token_expires_at": None,
    }


def test_the_command_refuses_an_unknown_address_and_a_bad_expiry():
    with pytest.raises(CommandError, match="No active account"):
        call_command("create_api_token", "nobody@example.org", "--scope", "read")
    user = researcher()
    with pytest.raises(CommandError, match="between 1 and 365 days"):
        call_command("create_api_token", user.email, "--scope", "write", "--days", "400")


def test_every_use_is_audited_once_and_sets_last_used():
    user = researcher()
    client = token_client(user, "read")
    for _ in range(3):
        assert client.get(ME).status_code == 200
    uses = AuditEvent.objects.filter(kind=AuditKind.API_TOKEN_USED, actor=user)
    assert uses.count() == 3
    assert uses.first().summary.endswith(f"GET {ME}")
    assert ApiToken.objects.get(user=user).last_used_at is not None


@pytest.mark.parametrize("change", ["expired", "revoked", "wrong", "malformed", "inactive"])
def test_a_token_that_is_not_live_is_refused_with_401(change):
    user = researcher()
    secret = token_for(user)
    token = ApiToken.objects.get(user=user)
    if change == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif change == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif change == "wrong":
        secret = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    elif change == "malformed":
        secret = secret + " extra"
    else:
        user.is_active = False
        user.save()
    response = bearer(secret).get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body(response)["title"] == "Sign in to use the API"
    assert not AuditEvent.objects.filter(kind=AuditKind.API_TOKEN_USED).exists()


def test_anonymous_callers_are_asked_to_authenticate():
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_a_read_token_cannot_change_anything_and_a_write_token_can_try():
    user = researcher()
    refused = token_client(user, "read").post(ME, {}, format="json")
    assert refused.status_code == 403
    assert "may only read" in body(refused)["detail"]
    assert token_client(user, "write").post(ME, {}, format="json").status_code == 405


@pytest.mark.parametrize("kind", ["staff", "researcher"])
def test_the_session_works_only_with_its_second_factor(kind):
    person = staff(Role.RAS_OFFICER) if kind == "staff" else researcher()
    assert session_client(person).get(ME).status_code == 200
    without_code = PlainClient()
    without_code.force_login(person)
    response = without_code.get(ME)
    assert response.status_code == 401
    assert "authenticator app or passkey" in body(response)["detail"]


def test_a_session_must_send_its_csrf_token_to_change_anything():
    client = PlainClient(enforce_csrf_checks=True)
    client.force_login(researcher())
    response = client.post(ME, {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in body(response)["detail"]


def test_the_account_page_shows_a_new_token_once_and_revokes_it():
    user = researcher()
    client = session_client(user)
    page = client.post(reverse("api_tokens:list"), {"name": "Nightly check", "scope": "read", "days": "30"})
    assert page.status_code == 200
    secret = re.search(r'<code id="new-token">(leo_[^<]+)</code>', page.content.decode()).group(1)
    assert bearer(secret).get(ME).status_code == 200
    again = client.get(reverse("api_tokens:list")).content.decode()
    assert "Nightly check" in again
    assert secret not in again
    token = ApiToken.objects.get(user=user)
    assert AuditEvent.objects.filter(kind=AuditKind.API_TOKEN_CREATED, actor=user).count() == 1
    revoked = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEvent.objects.filter(kind=AuditKind.API_TOKEN_REVOKED, actor=user).count() == 1


def test_the_account_page_says_what_is_wrong_with_the_form():
    client = session_client(researcher())
    page = client.post(reverse("api_tokens:list"), {"name": "", "scope": "admin", "days": "0"})
    text = page.content.decode()
    assert "Enter a name for the token" in text
    assert "Select a valid choice" in text
    assert "between 1 and 365 days" in text
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_persons_token():
    owner, other = researcher(), researcher()
    token_for(owner)
    token = ApiToken.objects.get(user=owner)
    response = session_client(other).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.parametrize("kind", ["staff", "researcher"])
def test_people_create_a_token_only_from_a_session_with_its_second_factor(kind):
    person = staff(Role.RAS_OFFICER) if kind == "staff" else researcher()
    with pytest.raises(NotPermitted, match="authenticator app or passkey"):
        issue_token(user=person, by=person, name="x", scope="read", second_factor=False)
    # A session without the second factor never reaches the page: it is sent to sign in again.
    without_code = PlainClient()
    without_code.force_login(person)
    assert without_code.post(reverse("api_tokens:list"), {"name": "x", "scope": "read", "days": "1"}).status_code == 302
    assert not ApiToken.objects.filter(user=person).exists()
    page = session_client(person).post(reverse("api_tokens:list"), {"name": "SRS", "scope": "read", "days": "1"})
    assert page.status_code == 200
    assert ApiToken.objects.filter(user=person).count() == 1


def test_each_token_has_its_own_request_budget(monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "2/minute"})
    cache.clear()
    user = researcher()
    first, second = token_client(user, "read"), token_client(user, "read")
    assert [first.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(ME).status_code == 200
    cache.clear()
