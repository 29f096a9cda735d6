"""Research Accreditation Panel meetings: create, set the agenda, decide each item, close, download the record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from applications.errors import InvalidInput, LifecycleError, NotPermitted
from applications.models import Application
from applications.states import State
from applications.views import lost_to_another
from leo_access.audit import services as audit
from leo_access.confirmation import confirm
from leo_access.permissions import has_permission

from . import confirmations, services
from .forms import AgendaAddForm, AgendaDecisionForm, MeetingForm
from .models import AgendaItem, PanelMeeting

CHOOSE_APPLICATION = "Choose an application at panel review."


def _allowed(request, action):
    if not has_permission(request.user, action):
        raise PermissionDenied


@login_required
def meetings(request):
    _allowed(request, "reviews.view_meetings")
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        _allowed(request, "reviews.manage_meetings")
        if form.is_valid():
            try:
                meeting = services.create_meeting(by=request.user, **form.cleaned_data)
            except InvalidInput as error:
                form.add_error(None, error.message)
            else:
                return redirect("reviews:meeting", meeting_id=meeting.pk)
    context = {
        "meetings": PanelMeeting.objects.all()[:100],
        "form": form,
        "may_manage": has_permission(request.user, "reviews.manage_meetings"),
    }
    return render(request, "reviews/meetings.html", context)


@login_required
def meeting(request, meeting_id):
    _allowed(request, "reviews.view_meetings")
    meeting = get_object_or_404(PanelMeeting, pk=meeting_id)
    if request.method == "POST":
        _allowed(request, "reviews.manage_meetings")
        form = AgendaAddForm(request.POST)
        if not form.is_valid():
            messages.error(request, CHOOSE_APPLICATION)
        else:
            try:
                services.add_to_agenda(
                    meeting_id=meeting.pk, application_id=form.cleaned_data["application"], by=request.user
                )
            except (LifecycleError, Application.DoesNotExist) as error:
                messages.error(request, getattr(error, "message", CHOOSE_APPLICATION))
        return redirect("reviews:meeting", meeting_id=meeting.pk)
    agenda = meeting.agenda.select_related("application")
    waiting = Application.objects.filter(state=State.PANEL_REVIEW).exclude(agenda_items__meeting=meeting)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "waiting": waiting.order_by("stage_entered_at")[:200],
        "may_manage": has_permission(request.user, "reviews.manage_meetings"),
    }
    return render(request, "reviews/meeting.html", context)


@login_required
def agenda_item(request, meeting_id, item_id):
    _allowed(request, "reviews.manage_meetings")
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting", "application"), pk=item_id, meeting_id=meeting_id
    )
    form = AgendaDecisionForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.record_agenda_decision(
                item_id=item.pk,
                by=request.user,
                decision=form.cleaned_data["decision"],
                text=form.cleaned_data["text"],
                ends_on=form.cleaned_data.get("ends_on"),
                expected_state=request.POST.get("expected_state"),
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        except NotPermitted as error:
            raise PermissionDenied from error
        except LifecycleError as error:
            errors = lost_to_another(item.application, error)
        else:
            item.application.refresh_from_db()
            confirm(request, *confirmations.panel(form.cleaned_data["decision"], item.application))
            return redirect("reviews:meeting", meeting_id=meeting_id)
    context = {"item": item, "application": item.application, "form": form, "page_errors": errors}
    return render(request, "reviews/agenda_item.html", context, status=409 if errors else 200)


@login_required
@require_POST
def close(request, meeting_id):
    _allowed(request, "reviews.manage_meetings")
    meeting = get_object_or_404(PanelMeeting, pk=meeting_id)
    if request.POST.get("confirm") != "yes":
        # Closing cannot be undone: the meeting page's button asks first, and only this page's button closes.
        agenda = meeting.agenda.select_related("application")
        return render(request, "reviews/meeting_close.html", {"meeting": meeting, "agenda": agenda})
    try:
        meeting = services.close_meeting(meeting_id=meeting.pk, by=request.user)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The {meeting} is closed. Its record can now be downloaded.")
    return redirect(reverse("reviews:meeting", args=[meeting.pk]))


@login_required
def record_pdf(request, meeting_id):
    _allowed(request, "reviews.view_meetings")
    meeting = get_object_or_404(PanelMeeting, pk=meeting_id)
    if meeting.status != PanelMeeting.Status.CLOSED:
        raise Http404("The record is available once the meeting is closed")
    from leo_access.pdf import html_to_pdf

    html = render_to_string(
        "reviews/meeting_record.html", {"meeting": meeting, "agenda": meeting.agenda.select_related("application")}
    )
    pdf = html_to_pdf(html)
    filename = f"panel-meeting-{meeting.date:%Y-%m-%d}.pdf"
    audit.record_download(
        request=request, what=f"the record of the panel meeting of {meeting.date:%-d %B %Y}", filename=filename
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
