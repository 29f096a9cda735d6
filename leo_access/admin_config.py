"""Kept apart from admin_site.py: app configs are imported before models are ready."""

from django.contrib.admin.apps import AdminConfig


class LeoAdminConfig(AdminConfig):
    default_site = "leo_access.admin_site.LeoAdminSite"
