from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks


def home(request):
    return render(request, "pages/home.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")


def privacy(request):
    return render(request, "pages/privacy.html")


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers. No database, broker or worker calls (readiness is /healthz)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz(request):
    healthy, checks = run_checks()
    body = {"status": "ok" if healthy else "unhealthy", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
