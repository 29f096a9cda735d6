"""The task-list sections: one page per section, saved part-done or complete."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from leo_access.permissions import has_permission

from . import services
from .errors import InvalidInput, LifecycleError, page_errors
from .section_forms import (
    CommitteeForm,
    EthicsRouteForm,
    ProjectForm,
    PublicBenefitForm,
    SafeguardsForm,
    SelfAssessmentForm,
)
from .views import visible_application

# slug: (section, form, page heading, template)
PAGES = {
    "project": ("project", ProjectForm, "Project details"),
    "public-benefit": ("public_benefit", PublicBenefitForm, "Public benefit"),
    "ethics": ("ethics", EthicsRouteForm, "Ethics"),
    "ethics-self-assessment": ("ethics", SelfAssessmentForm, "Ethics self-assessment"),
    "ethics-committee": ("ethics", CommitteeForm, "Approval by another ethics committee"),
    "safeguards": ("safeguards", SafeguardsForm, "Access and safeguards"),
}


def editable_application(request, pk):
    """The application if this person may edit it now; 404 if they may not see it."""
    application = visible_application(request, pk)
    if not has_permission(request.user, "application.edit", application):
        raise PermissionDenied
    return application


def _initial(application, form_class):
    if form_class is SelfAssessmentForm:
        return SelfAssessmentForm.initial_from(application.ethics_self_assessment)
    return {name: getattr(application, name) for name in form_class.fields_saved}


def _next_page(application, slug, form):
    if slug == "ethics":
        return "applications:section", [application.pk, f"ethics-{form.cleaned_data['ethics_route']}".replace("_", "-")]
    return "applications:detail", [application.pk]


@login_required
def section(request, pk, slug):
    if slug not in PAGES:
        raise Http404("No such section")
    name, form_class, heading = PAGES[slug]
    application = editable_application(request, pk)
    editable = application.state in services.EDITABLE_STATES
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
    else:
        form = form_class(initial=_initial(application, form_class))
    errors = []
    if request.method == "POST" and not editable:
        errors = [{"text": "This application can no longer be changed.", "href": ""}]
    elif request.method == "POST" and form.is_valid():
        try:
            services.save_section(application_id=application.pk, by=request.user, section=name, values=form.values())
        except InvalidInput as error:
            form.add_error(None, error.message)
        except LifecycleError as error:
            errors = page_errors(error)
        else:
            target, args = _next_page(application, slug, form)
            return redirect(target, *args)
    context = {
        "application": application,
        "form": form,
        "heading": heading,
        "slug": slug,
        "editable": editable,
        "page_errors": errors,
        "letter": application.ethics_approval_letter if slug == "ethics-committee" else None,
    }
    return render(request, "applications/section.html", context, status=409 if errors else 200)
