"""Who may call an operation: the permission table, and a token's scope (a read token reads; writing needs write)."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import SAFE_METHODS, BasePermission

from leo_access.permissions import has_permission

from .models import ApiToken

READ_ONLY = "This API token may only read. Create a token with the read and write scope to change anything."


class TokenScope(BasePermission):
    message = READ_ONLY

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in SAFE_METHODS:
            return token.may_write
        return True


class RoleAllows(BasePermission):
    """The permission table's answer for the action the view names (`needs`: one action, or one per method).

    Every API view names its action, as every URL has one in `leo_access.access`; a view that names none is
    refused rather than left open. A view about one application (`on_object`) checks in its own code, as the pages
    do: first whether the person may see it (404 if not, so that its existence is not revealed), then the action.
    """

    def has_permission(self, request, view):
        if getattr(view, "on_object", False):
            return True
        needs = getattr(view, "needs", None)
        if needs is None:
            raise ImproperlyConfigured(f"{type(view).__name__} names no permission (`needs`).")
        action = needs.get(request.method) if isinstance(needs, dict) else needs
        if action is None:
            return True  # a method the view does not have: the framework answers 405
        return has_permission(request.user, action)
