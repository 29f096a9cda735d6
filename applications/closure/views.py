"""The co-ordinator's closure pages: closing early (asked on its own page first) and the closure return."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from leo_access.confirmation import confirm
from leo_access.permissions import has_permission

from .. import service_levels
from ..errors import InvalidInput, LifecycleError, NotPermitted
from ..states import State
from ..views import action_page, visible_application
from . import selectors, services
from .forms import CloseEarlyForm, OutputForm, ReturnForm


@login_required
def close_early(request, pk):
    application = visible_application(request, pk)
    return action_page(
        request,
        application,
        action="application.close_early",
        form=CloseEarlyForm(request.POST or None),
        template="applications/close_early.html",
        extra={"ends_on": service_levels.project_ends_on(application)},
        perform=lambda data, seen: services.close_early(
            application_id=pk, by=request.user, reason=data["reason"], expected_state=seen
        ),
        confirmation=lambda data, closed: (
            f"{closed.reference} is closed",
            "Every member's access to the data has ended. Send the closure return: the project's outputs, a final "
            "report and confirmation that pre-publication material has been destroyed.",
        ),
        done_url=reverse("applications:closure_return", args=[pk]),
    )


def _form_errors(*forms) -> list[dict]:
    """The error summary for several forms on one page, each entry linking to its field."""
    entries = []
    for form in forms:
        entries += [{"text": error, "href": ""} for error in form.non_field_errors()]
        for field in form.visible_fields():
            href = f"#{field.auto_id}"
            if field.name == "published_on":
                href = f"#{field.auto_id}_0"
            entries += [{"text": error, "href": href} for error in field.errors]
    return entries


def _perform(request, application, output_form, return_form) -> bool:
    """Run the button pressed; True when done (the page redirects), False to show the forms again."""
    action = request.POST.get("action", "")
    report = request.POST.get("return-final_report", "")
    if action.startswith("remove-"):
        services.remove_output(
            application_id=application.pk,
            output_id=action.removeprefix("remove-"),
            by=request.user,
            final_report=report,
        )
        confirm(request, "The output has been removed")
        return True
    if action == "add":
        if not output_form.is_valid():
            return False
        services.add_output(
            application_id=application.pk, by=request.user, output=output_form.cleaned_data, final_report=report
        )
        confirm(request, f"“{output_form.cleaned_data['title']}” has been added", "Add another, or send the return.")
        return True
    # Sending: an output typed in but not yet added goes with the return, so nothing typed is lost.
    adding = not output_form.is_blank()
    # Both forms are checked, so every problem on the page is listed at once.
    valid = return_form.is_valid() & (output_form.is_valid() if adding else True)
    if not valid:
        return False
    if adding:
        services.add_output(
            application_id=application.pk, by=request.user, output=output_form.cleaned_data, final_report=report
        )
    services.submit_closure_return(
        application_id=application.pk,
        by=request.user,
        final_report=return_form.cleaned_data["final_report"],
        materials_destroyed=return_form.cleaned_data["materials_destroyed"],
    )
    confirm(request, "Your closure return has been sent", "The project's outputs are now listed on the register.")
    return True


@login_required
def closure_return(request, pk):
    application = visible_application(request, pk)
    if not has_permission(request.user, "closure.return", application):
        raise PermissionDenied
    if application.state != State.CLOSED:
        # Nothing to send yet (GET writes nothing, so no message either): the project page says where it stands.
        return redirect("applications:detail", pk=pk)
    the_return = selectors.closure_return_of(application)
    if the_return is None or the_return.is_submitted:
        return redirect("applications:detail", pk=pk)
    output_form = OutputForm(request.POST or None)
    return_form = ReturnForm(request.POST or None, initial={"final_report": the_return.final_report})
    errors = []
    if request.method == "POST":
        try:
            if _perform(request, application, output_form, return_form):
                done = request.POST.get("action") == "send"
                return redirect("applications:detail" if done else "applications:closure_return", pk=pk)
        except NotPermitted as error:
            raise PermissionDenied from error
        except (InvalidInput, LifecycleError) as error:
            errors.append({"text": error.message, "href": ""})
        errors += _form_errors(output_form, return_form)
    context = {
        "application": application,
        "closure_return": the_return,
        "outputs": selectors.outputs_of(application),
        "output_form": output_form,
        "return_form": return_form,
        "page_errors": errors,
        "overdue": service_levels.closure_return_overdue(the_return, selectors.today()),
    }
    return render(request, "applications/closure_return.html", context)
