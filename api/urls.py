from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .docs import DocsView
from .views.me import MeView

app_name = "api"

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", DocsView.as_view(), name="docs"),
    path("v1/me/", MeView.as_view(), name="me"),
]
