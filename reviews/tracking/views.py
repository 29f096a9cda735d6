"""Tracking pages for admins and RAS officers: the dashboard, lists, the register, charts and exports."""

import os
import tempfile
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from csp.constants import NONE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from leo_access.audit import services as audit
from leo_access.error_pages import bad_request
from leo_access.files import protected_media_response
from leo_access.paging import requested_page
from leo_access.permissions import has_permission

from . import charts, exports, selectors, services
from .forms import ApplicationFilterForm, PeriodForm, RegisterFilterForm, filter_data
from .models import Export

PAGE_SIZE = 50


def allowed(action):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_permission(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def stored_dashboard(period: selectors.Period):
    """The dashboard the worker stored for the period, asking it for a fresh one when there is none yet or it is
    older than TRACKING_DASHBOARD_CACHE_SECONDS. The page itself works nothing out and writes nothing."""
    snapshot = selectors.stored_dashboard(period)
    age = settings.TRACKING_DASHBOARD_CACHE_SECONDS
    if snapshot is None or snapshot.computed_at < timezone.now() - timedelta(seconds=age):
        services.request_dashboard(period=period)
        if snapshot is None:
            # Tasks run in-process (the embedded default): it is there now.
            snapshot = selectors.stored_dashboard(period)
    return snapshot


@allowed("tracking.view")
def dashboard(request):
    form = PeriodForm(request.GET or None)
    period = form.period()
    snapshot = stored_dashboard(period)
    return render(
        request,
        "reviews/tracking/dashboard.html",
        {
            "form": form if form.is_bound else None,
            "period_form": form,
            "period": period,
            "snapshot": snapshot,
            "computed_at": snapshot.computed_at if snapshot else None,
            "now_html": mark_safe(snapshot.now_html) if snapshot else "",  # noqa: S308 - rendered from our templates
            "period_html": mark_safe(snapshot.period_html) if snapshot else "",  # noqa: S308
        },
    )


# Images carry their own styles; nothing in them runs, and they may not load anything.
_chart_policy = csp_replace(
    {
        "default-src": [NONE],
        "style-src": ["'unsafe-inline'"],
        "script-src": [NONE],
        "img-src": [NONE],
        "font-src": [NONE],
        "connect-src": [NONE],
    }
)


# What a chart shows while its period's figures are still being worked out: its frame, saying there is no data.
_EMPTY_CHARTS = {"funnel_svg": charts.funnel, "throughput_svg": charts.throughput, "stage_days_svg": charts.stage_days}


def _chart(request, name: str) -> HttpResponse:
    snapshot = stored_dashboard(PeriodForm(request.GET or None).period())
    content = getattr(snapshot, name) if snapshot else _EMPTY_CHARTS[name]([])
    response = HttpResponse(content, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@allowed("tracking.view")
@_chart_policy
def funnel_chart(request):
    return _chart(request, "funnel_svg")


@allowed("tracking.view")
@_chart_policy
def throughput_chart(request):
    return _chart(request, "throughput_svg")


@allowed("tracking.view")
@_chart_policy
def stage_days_chart(request):
    return _chart(request, "stage_days_svg")


@allowed("tracking.view")
def application_list(request):
    form = ApplicationFilterForm(request.GET or None)
    queryset = selectors.applications(form.filters())
    page = Paginator(queryset.only("pk", "reference", "title", "state", "stage_entered_at", "submitted_at"), PAGE_SIZE)
    page = requested_page(page, request)
    filters = filter_data(form) if form.is_bound else {}
    return render(
        request,
        "reviews/tracking/applications.html",
        {
            "form": form if form.is_bound else None,
            "filter_form": form,
            "page": page,
            "filters": filters,
            "filter_query": urlencode(filters),
            "now": timezone.now(),
            "sla": settings.STAGE_SLA_DAYS,
            "may_export": has_permission(request.user, "tracking.export"),
        },
    )


@allowed("tracking.view")
def register(request):
    form = RegisterFilterForm(request.GET or None)
    queryset = selectors.register(form.filters())
    page = requested_page(Paginator(queryset, PAGE_SIZE), request)
    filters = filter_data(form) if form.is_bound else {}
    return render(
        request,
        "reviews/tracking/register.html",
        {
            "form": form if form.is_bound else None,
            "filter_form": form,
            "page": page,
            "filters": filters,
            "filter_query": urlencode(filters),
            "flags": selectors.register_flag_counts(),
            "may_export": has_permission(request.user, "tracking.export"),
        },
    )


@allowed("tracking.export")
@require_POST
def export(request, kind):
    """Small exports come back at once; large ones are built by a worker and wait on their own page."""
    fmt = request.POST.get("format")
    if kind not in Export.Kind.values or fmt not in Export.Format.values:
        raise Http404("No such export")
    form = (RegisterFilterForm if kind == Export.Kind.REGISTER else ApplicationFilterForm)(request.POST)
    if not form.is_valid():
        # Never an export of everything for filters that could not be read.
        return bad_request(request, problems=[error for errors in form.errors.values() for error in errors])
    filters = filter_data(form)
    table = services.table_for(kind, filters)
    total = table.count()
    if total > settings.TRACKING_EXPORT_SYNC_MAX_ROWS:
        job = services.request_export(kind=kind, fmt=fmt, filters=filters, by=request.user, total_rows=total)
        return redirect("tracking:export_detail", pk=job.pk)
    filename = f"leo-{kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(table), content_type=exports.CONTENT_TYPES["csv"])
    else:
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - FileResponse closes it
        handle.close()
        try:
            exports.write_xlsx(table, handle.name)
            opened = open(handle.name, "rb")  # noqa: SIM115 - FileResponse closes it
        finally:
            # The open handle keeps the data readable; the name goes at once so nothing is left behind.
            os.unlink(handle.name)
        response = FileResponse(opened, content_type=exports.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit.record_download(request=request, what=f"an export of {total} rows", filename=filename)
    return response


def _own_export(request, pk) -> Export:
    job = get_object_or_404(Export, pk=pk)
    if job.requested_by_id != request.user.pk:
        raise Http404("No such export")
    return job


@allowed("tracking.export")
def export_detail(request, pk):
    return render(request, "reviews/tracking/export.html", {"export": _own_export(request, pk)})


@allowed("tracking.export")
def export_status(request, pk):
    return render(request, "reviews/tracking/includes/export_status.html", {"export": _own_export(request, pk)})


@allowed("tracking.export")
def export_download(request, pk):
    job = _own_export(request, pk)
    if job.status != Export.Status.DONE or (job.expires_at and job.expires_at < timezone.now()) or not job.file:
        return render(request, "reviews/tracking/export.html", {"export": job, "gone": True}, status=410)
    audit.record_download(request=request, what=f"an export of {job.get_kind_display().lower()}", filename=job.filename)
    return protected_media_response(
        request, job.file.name, filename=job.filename, content_type=exports.CONTENT_TYPES[job.format]
    )
