"""The access list for the RAS and admins: who has access to which project's data until when, one member's record,
and the CSV the Secure Research Service provisions accounts from."""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from applications.errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from applications.member_access import selectors, services
from applications.models import MemberAccess
from leo_access.audit import services as audit
from leo_access.permissions import has_permission
from leo_access.spreadsheets import neutralise

from .access_forms import AccessActionForm, AccessFilterForm

PAGE_SIZE = 50


def _require_view(request):
    if not has_permission(request.user, "access.view"):
        raise PermissionDenied


@login_required
def access_list(request):
    _require_view(request)
    form = AccessFilterForm(request.GET or None)
    page = Paginator(selectors.access_list(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = form.query()
    return render(
        request,
        "reviews/access_list.html",
        {
            "form": form if form.is_bound else None,
            "filter_form": form,
            "page": page,
            "filter_query": urlencode(query),
            "statuses": MemberAccess.Status,
        },
    )


class _Echo:
    def write(self, value):
        return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    return neutralise(str(value))


def _csv_rows(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(selectors.CSV_HEADER)
    for access in rows.iterator(chunk_size=2000):
        yield writer.writerow([_csv_value(value) for value in selectors.csv_values(access)])


@login_required
def access_export(request):
    """The access list with the page's filters, as CSV. A download of personal data, so it is in the audit log."""
    _require_view(request)
    form = AccessFilterForm(request.GET or None)
    rows = selectors.access_list(form.filters())
    audit.record_download(request=request, what="the access list", filename=urlencode(form.query()))
    response = StreamingHttpResponse(_csv_rows(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="leo-access-list-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _perform(request, access, data, seen):
    common = {"access_id": access.pk, "by": request.user, "reason": data["reason"], "expected_status": seen or None}
    if data["action"] == "suspend":
        services.suspend_member_access(**common)
    elif data["action"] == "reinstate":
        services.reinstate_member_access(**common)
    else:
        services.end_member_access(**common)


@login_required
def member_access(request, pk):
    """One member's access, and (for those who may) suspending, reinstating or ending it."""
    _require_view(request)
    try:
        access = selectors.access_record(pk)
    except MemberAccess.DoesNotExist:
        raise Http404("No such access record") from None
    may_change = access.is_open and has_permission(request.user, "access.suspend")
    seen = request.POST.get("expected_status") if request.method == "POST" else None
    # The choices the person was shown, so that a change made meanwhile is reported rather than refused as a choice.
    shown = seen if seen in MemberAccess.Status.values else access.status
    form = AccessActionForm(request.POST or None, status=shown) if may_change else None
    errors = []
    if request.method == "POST":
        if not has_permission(request.user, "access.suspend"):
            raise PermissionDenied
        if form is None:
            errors = [{"text": "This access has ended and cannot be changed.", "href": ""}]
            return render(
                request,
                "reviews/member_access.html",
                {"access": access, "form": None, "page_errors": errors, "events": _events(access)},
                status=409,
            )
        if form.is_valid():
            try:
                _perform(request, access, form.cleaned_data, seen)
            except InvalidInput as error:
                form.add_error(None, error.message)
            except NotPermitted as error:
                raise PermissionDenied from error
            except LifecycleError as error:
                errors = page_errors(error)
            else:
                return redirect("reviews:member_access", pk=access.pk)
            access = selectors.access_record(pk)
    return render(
        request,
        "reviews/member_access.html",
        {"access": access, "form": form, "page_errors": errors, "events": _events(access)},
        status=409 if errors else 200,
    )


def _events(access):
    return access.application.events.filter(
        kind__in=["member_access_suspended", "member_access_reinstated", "member_access_ended"],
        data__access_id=access.pk,
    ).select_related("actor")
