"""The team section, and answering invitations."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from leo_access.forms import GovukForm

from . import selectors, services
from .errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from .models import TeamMember
from .rules import accreditation_problem
from .section_views import editable_application


class InviteForm(GovukForm):
    submit_label = "Send invitation"
    email = forms.EmailField(
        label="E-mail address of the researcher to invite",
        max_length=254,
        error_messages={
            "required": "Enter the e-mail address of the researcher to invite",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )


def _rows(application):
    today = timezone.localdate()
    rows = []
    for member in application.team_members.select_related("user__researcher_profile__supervisor").exclude(
        status__in=[TeamMember.Status.REMOVED, TeamMember.Status.DECLINED]
    ):
        facts = selectors.member_facts(member)
        problem = accreditation_problem(facts, application.end_date, today) if member.account else None
        rows.append({"member": member, "facts": facts, "problem": problem})
    return rows


@login_required
def team(request, pk):
    application = editable_application(request, pk)
    form = InviteForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(application_id=application.pk, by=request.user, email=form.cleaned_data["email"])
        except InvalidInput as error:
            form.add_error("email", error.message)
        except LifecycleError as error:
            errors = page_errors(error)
        else:
            messages.success(request, f"We have sent an invitation to {form.cleaned_data['email']}.")
            return redirect("applications:team", pk=application.pk)
    context = {
        "application": application,
        "rows": _rows(application),
        "form": form,
        "page_errors": errors,
        "editable": application.state in services.EDITABLE_STATES,
    }
    return render(request, "applications/team.html", context, status=409 if errors else 200)


def _member_action(request, pk, action, done):
    application = editable_application(request, pk)
    try:
        member_id = int(request.POST.get("member", ""))
    except ValueError:
        member_id = 0
    try:
        member = action(application_id=application.pk, by=request.user, member_id=member_id)
    except TeamMember.DoesNotExist:
        messages.error(request, "That person is no longer on the team.")
    except LifecycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(email=member.email))
    return redirect("applications:team", pk=application.pk)


@login_required
@require_POST
def remove(request, pk):
    return _member_action(request, pk, services.remove_member, "{email} has been removed from the team.")


@login_required
@require_POST
def hand_over(request, pk):
    return _member_action(request, pk, services.hand_over_coordination, "{email} is now the project co-ordinator.")


@login_required
@require_POST
def respond(request, member_id):
    invitation = get_object_or_404(TeamMember, pk=member_id, email__iexact=request.user.email)
    accept = request.POST.get("answer") == "accept"
    try:
        services.respond_to_invitation(member_id=invitation.pk, by=request.user, accept=accept)
    except NotPermitted as error:
        raise PermissionDenied from error
    except LifecycleError as error:
        messages.error(request, error.message)
        return redirect("applications:list")
    if accept:
        messages.success(request, f"You have joined {invitation.application.reference}.")
        return redirect("applications:detail", pk=invitation.application_id)
    messages.success(request, f"You have declined the invitation to {invitation.application.reference}.")
    return redirect("applications:list")
