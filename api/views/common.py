"""What every application operation does first, exactly as the pages do."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError

from applications.views import visible_application
from leo_access.permissions import has_permission

from ..forms import NOT_AN_OBJECT
from ..serializers.applications import ExpectedStateSerializer


def visible(request, pk):
    """The application if this person may see it, else 404; a member of staff opening it is audited."""
    return visible_application(request._request, pk)


def allowed(request, action: str, pk):
    """The application, if visible (else 404) and if the person may do `action` to it (else 403)."""
    application = visible(request, pk)
    if not has_permission(request.user, action, application):
        raise PermissionDenied
    return application


def expected_state(request) -> str | None:
    """The state the caller saw, if it said: a change made since answers 409, as on the pages."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": [NOT_AN_OBJECT]})
    seen = request.data.get("expected_state")
    serializer = ExpectedStateSerializer(data={} if seen is None else {"expected_state": seen})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("expected_state")
