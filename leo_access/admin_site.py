"""The Django admin site, for admins who signed in with a second factor, and nobody else."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .permissions import has_permission
from .second_factor import used_second_factor


class LeoAdminSite(admin.AdminSite):
    site_header = "LEO Access administration"
    site_title = "LEO Access administration"

    def has_permission(self, request):
        user = request.user
        return user.is_active and has_permission(user, "admin_site.use") and used_second_factor(request)

    def login(self, request, extra_context=None):
        """One sign-in page for the whole service; signed-in people who are not admins are refused."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("account_login"))
