"""Every API error as `application/problem+json` (RFC 9457), with the words the pages use.

Domain errors raised by the services are mapped here, once, so that API views stay as thin as the pages: a
stale decision is 409 as on the pages, a missing answer 400, a refusal 403.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from applications.errors import InvalidInput, LifecycleError, NotPermitted, StaleState
from leo_access.error_pages import MESSAGES

PROBLEM_CONTENT_TYPE = "application/problem+json"
# The pages' headings for the same answers (leo_access/error_pages.py), and ones the pages never give.
TITLES = {
    400: MESSAGES[400][0],
    401: "Sign in to use the API",
    403: MESSAGES[403][0],
    404: MESSAGES[404][0],
    405: MESSAGES[405][0],
    406: "The service cannot answer in the format asked for",
    409: "The application has changed",
    415: "The service cannot read a request in that format",
    429: "Too many requests",
}
DETAILS = {
    403: "You do not have permission to do that.",
    404: "There is nothing at this address, or you may not see it.",
}


def problem(status_code: int, detail: str = "", *, extra: dict | None = None, headers: dict | None = None):
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail or DETAILS.get(status_code, TITLES.get(status_code, "")),
        **(extra or {}),
    }
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _field_errors(detail) -> dict:
    """DRF's nested validation detail as {field: [messages]}; errors of the whole request under "non_field_errors"."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    errors = {}
    for field, messages in detail.items():
        if isinstance(messages, dict):
            for inner, inner_messages in _field_errors(messages).items():
                errors[f"{field}.{inner}"] = inner_messages
        else:
            errors[field] = [str(message) for message in (messages if isinstance(messages, list) else [messages])]
    return errors


def _domain(error: LifecycleError):
    if isinstance(error, NotPermitted):
        return problem(status.HTTP_403_FORBIDDEN, error.message)
    if isinstance(error, InvalidInput):
        errors = {"non_field_errors": [error.message]}
        return problem(status.HTTP_400_BAD_REQUEST, error.message, extra={"errors": errors})
    # As on the pages: the application has moved on (StaleState) or is not ready (GuardFailed), 409 either way.
    extra = {"problems": [item.message for item in error.problems]}
    if isinstance(error, StaleState):
        extra["current_state"] = error.current_state
    return problem(status.HTTP_409_CONFLICT, error.message, extra=extra)


def exception_handler(exc, context):
    request = context.get("request")
    if request is not None:
        # A problem is JSON whatever the operation's own formats (the schema's YAML, the documentation's HTML).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    if isinstance(exc, LifecycleError):
        set_rollback()
        return _domain(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    code = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        first = next(iter(errors.values()))[0] if errors else ""
        return problem(code, first, extra={"errors": errors})
    detail = str(exc.detail) if code not in DETAILS or isinstance(exc, exceptions.AuthenticationFailed) else ""
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) != exceptions.PermissionDenied.default_detail:
        detail = str(exc.detail)
    return problem(code, detail, headers=headers)
