"""Personal API tokens: made, revoked and recognised here.

A token is "leo_" and 43 URL-safe characters from the operating system's random source (256 bits). Only its
SHA-256 is stored: a token that high in entropy needs no slow hash, and looking it up by its digest reveals nothing
through timing. A member of staff may make one only from a session that proved its second factor, as the pages
they would otherwise use require.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from applications.errors import InvalidInput, NotPermitted
from leo_access.actors import SYSTEM
from leo_access.audit.models import AuditKind
from leo_access.audit.services import record
from leo_access.permissions import has_permission

from .models import ApiToken

PREFIX = "leo_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
# last_used_at is written at most this often for one token, so a busy program does not rewrite the row each request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
NEED_SECOND_FACTOR = "Sign in with your authenticator app or passkey before you create an API token."


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    *, user, by, name: str, scope: str, days: int = DEFAULT_DAYS, second_factor: bool = False, request=None
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is never available again. `by` is the person themselves, or
    SYSTEM for an operator's command; `second_factor` says whether their session proved it."""
    if by is not SYSTEM and by.pk != user.pk:
        raise NotPermitted("People may only create API tokens for themselves.")
    if not has_permission(user, "account.manage"):
        raise NotPermitted("This account has no role, so an API token could do nothing.")
    if by is not SYSTEM and not second_factor:
        raise NotPermitted(NEED_SECOND_FACTOR)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Enter a name for the token")
    if scope not in ApiToken.Scope.values:
        raise InvalidInput("Choose what the token may do")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"The token must expire in between 1 and {MAX_DAYS} days")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            scope=scope,
            prefix=secret[: len(PREFIX) + 6],
            secret_sha256=digest(secret),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        record(
            kind=AuditKind.API_TOKEN_CREATED,
            by=user,
            request=request,
            summary=f"{user.email} created API token “{token.name}” ({scope}, {days} days)"
            + (" by an operator's command" if by is SYSTEM else ""),
            data={"token_id": token.pk, "scope": scope, "days": days},
        )
    return token, secret


def revoke_token(*, token_id, by, request=None) -> ApiToken:
    """Revoke one of one's own tokens; someone else's is not found."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=by).first()
        if token is None:
            raise ApiToken.DoesNotExist
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(
                kind=AuditKind.API_TOKEN_REVOKED,
                by=by,
                request=request,
                summary=f"{by.email} revoked API token “{token.name}”",
                data={"token_id": token.pk},
            )
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret and its active owner, or None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(secret_sha256=digest(secret)).first()
    if token is None or not token.is_active(timezone.now()) or not token.user.is_active:
        return None
    return token


def record_use(token: ApiToken, request) -> None:
    """One audit event per request made with a token, and its last use (to the minute)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    record(
        kind=AuditKind.API_TOKEN_USED,
        by=token.user,
        request=request,
        summary=f"API token “{token.name}”: {request.method} {request.path}"[:500],
        data={"token_id": token.pk, "method": request.method, "path": request.path[:300]},
    )
