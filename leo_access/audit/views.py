from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..admin_paging import EstimatedCountPaginator
from ..paging import requested_page
from ..permissions import has_permission
from . import export, selectors, services
from .forms import AuditFilterForm
from .models import AuditKind

PAGE_SIZE = 50


def _filtered(request):
    if not has_permission(request.user, "audit.view"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, selectors.search(**{name: value for name, value in filters.items() if value})


@login_required
def audit_log(request):
    form, events = _filtered(request)
    # Unfiltered, a large log is not counted: PostgreSQL's estimate of its rows is shown as "about".
    page = requested_page(EstimatedCountPaginator(events, PAGE_SIZE), request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/list.html", context)


@login_required
def audit_export(request):
    _form, events = _filtered(request)
    services.record(
        kind=AuditKind.AUDIT_EXPORTED,
        by=request.user,
        request=request,
        summary="Exported the audit log" + (f" ({request.GET.urlencode()})" if request.GET else ""),
        data={"filters": request.GET.dict()},
    )
    response = StreamingHttpResponse(export.csv_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="leo-access-audit-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
