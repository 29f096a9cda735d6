"""The closure returns the RAS waits for: every closed project's unsent return, the overdue ones first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from applications import service_levels
from applications.closure import selectors
from leo_access.permissions import has_permission

PAGE_SIZE = 50


@login_required
def closure_returns(request):
    if not has_permission(request.user, "closure.view_returns"):
        raise PermissionDenied
    overdue_only = request.GET.get("overdue") == "on"
    today = selectors.today()
    returns = selectors.awaited_returns(overdue_only=overdue_only, on=today)
    page = Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page"))
    for closure_return in page.object_list:
        closure_return.overdue = service_levels.closure_return_overdue(closure_return, today)
    return render(
        request,
        "reviews/closure_returns.html",
        {"page": page, "overdue_only": overdue_only, "overdue_count": selectors.overdue_return_count(today)},
    )
