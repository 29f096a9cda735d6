"""The service's URLs, plus a bare page served through the same middleware for comparison."""

from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

import leo_access.urls

BARE_TEMPLATE = Engine.get_default().from_string(
    '<!DOCTYPE html><html lang="en"><head><title>Bare page</title></head><body>{{ filler }}</body></html>'
)


def bare(request, size):
    """A page of about `size` bytes rendered from a template that asks nothing of the database."""
    return HttpResponse(BARE_TEMPLATE.render(Context({"filler": "x" * min(size, 2_000_000)})))


urlpatterns = [*leo_access.urls.urlpatterns, path("__bench__/bare/<int:size>/", bare, name="bench_bare")]
