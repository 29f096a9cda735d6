from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leo_access.paging import requested_page
from leo_access.permissions import has_permission

from . import outbox, selectors, services
from .forms import PreferenceForm
from .models import Preference


def _require(request, action):
    if not has_permission(request.user, action):
        raise PermissionDenied


@login_required
def notification_list(request):
    _require(request, "account.manage")
    page = requested_page(Paginator(selectors.for_user(request.user), 25), request)
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request, pk):
    _require(request, "account.manage")
    try:
        message = services.mark_read(message_id=pk, by=request.user)
    except PermissionDenied:
        # Someone else's message is "not found", so that its existence is not revealed.
        raise Http404("No such notification") from None
    text, _ = outbox.render(message)
    return render(request, "notifications/detail.html", {"message": message, "text": text})


@login_required
@require_POST
def mark_all_read(request):
    _require(request, "account.manage")
    services.mark_all_read(by=request.user)
    messages.success(request, "All your notifications are marked as read.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    _require(request, "account.manage")
    current = Preference.objects.filter(user=request.user).first()
    initial = {"queue_arrivals": current.queue_arrivals if current else Preference.QueueArrivals.IMMEDIATE}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_preference(by=request.user, queue_arrivals=form.cleaned_data["queue_arrivals"])
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def templates(request):
    _require(request, "notifications.view_templates")
    return render(request, "notifications/templates.html", {"templates": selectors.templates_catalogue()})
