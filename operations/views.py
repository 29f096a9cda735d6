import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from leo_access.metrics import process_metrics

from .metrics import database_metrics


@never_cache
@require_GET
def metrics(request):
    """Prometheus text format for a scraper holding `METRICS_TOKEN`; the page does not exist without the setting."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("Metrics are not enabled.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return HttpResponse("The token is not the metrics token.\n", status=403, content_type="text/plain")
    return HttpResponse(process_metrics() + database_metrics(), content_type=CONTENT_TYPE_LATEST)
