"""The admin role carries the Django admin site's model permissions, so that being an admin is one group."""

from .roles import Role, roles_of


class AdminRolePermissions:
    def authenticate(self, request, **credentials):
        return None  # grants permissions only; signing in is the other backends' work

    def has_perm(self, user, perm, obj=None):
        return Role.ADMIN in roles_of(user)

    def has_module_perms(self, user, app_label):
        return Role.ADMIN in roles_of(user)
