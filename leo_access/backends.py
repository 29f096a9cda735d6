"""How a signed-in person is loaded on each request, and the admin role's Django admin permissions."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .roles import Role, roles_of, with_role_names


class _UserWithRoles:
    """Each request's user is read with the names of their roles in one query, not two."""

    def get_user(self, user_id):
        user = with_role_names(get_user_model()._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class PasswordBackend(_UserWithRoles, ModelBackend):
    pass


class AccountBackend(_UserWithRoles, AuthenticationBackend):
    pass


class AdminRolePermissions:
    """The admin role carries the Django admin site's model permissions, so that being an admin is one group."""

    def authenticate(self, request, **credentials):
        return None  # grants permissions only; signing in is the other backends' work

    def has_perm(self, user, perm, obj=None):
        return Role.ADMIN in roles_of(user)

    def has_module_perms(self, user, app_label):
        return Role.ADMIN in roles_of(user)
