"""Approval conditions: staff set them and sign them off; the applicant team answers them with evidence."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse

from leo_access.audit import services as audit
from leo_access.files import protected_file_response

from . import conditions
from .condition_evidence import content_type_of, extension_of
from .condition_forms import ConditionDecisionForm, ConditionForm, EvidenceForm
from .models import ApprovalCondition
from .views import action_page, visible_application


def _condition(application, condition_id) -> ApprovalCondition:
    condition = application.conditions.filter(pk=condition_id).first()
    if condition is None:
        raise Http404("No such condition")
    return condition


@login_required
def condition_list(request, pk):
    """Every condition on the application, and adding one (for the approving team at its stage)."""
    application = visible_application(request, pk)
    form = ConditionForm(request.POST or None, application=application)
    return action_page(
        request,
        application,
        action="condition.set",
        form=form,
        template="applications/conditions.html",
        extra={"may_set": conditions.setting_team(request.user, application) is not None},
        perform=lambda data, seen: conditions.set_condition(
            application_id=pk, by=request.user, **form.service_arguments()
        ),
        done_url=reverse("applications:conditions", args=[pk]),
    )


@login_required
def condition_evidence(request, pk, condition_id):
    application = visible_application(request, pk)
    condition = _condition(application, condition_id)
    return action_page(
        request,
        application,
        action="condition.evidence",
        form=EvidenceForm(request.POST or None, request.FILES or None, initial={"evidence": condition.evidence}),
        template="applications/condition_action.html",
        extra={"condition": condition, "heading": "Submit evidence for a condition"},
        perform=lambda data, seen: conditions.submit_evidence(
            condition_id=condition.pk, by=request.user, evidence=data["evidence"], file=data["file"]
        ),
    )


@login_required
def condition_evidence_file(request, pk, condition_id):
    """The document sent as evidence, for the applicant team and for staff who may see the application (the team
    that set the condition among them), checked against its SHA-256 before it is sent."""
    application = visible_application(request, pk)
    condition = _condition(application, condition_id)
    if not condition.evidence_file:
        raise Http404("No document has been sent for this condition")
    extension = extension_of(condition.evidence_file.name)
    filename = f"{application.reference or 'draft'}-condition-{condition.pk}-evidence.{extension}"
    audit.record_download(
        request=request, what=f"the evidence for condition {condition.pk}", application=application, filename=filename
    )
    return protected_file_response(
        request,
        condition.evidence_file,
        filename=filename,
        content_type=content_type_of(condition.evidence_file.name),
        sha256=condition.evidence_file_sha256,
        application=application,
    )


@login_required
def condition_decide(request, pk, condition_id):
    application = visible_application(request, pk)
    condition = _condition(application, condition_id)
    return action_page(
        request,
        application,
        action="condition.decide",
        form=ConditionDecisionForm(request.POST or None),
        template="applications/condition_action.html",
        extra={"condition": condition, "heading": "Sign off or waive a condition"},
        perform=lambda data, seen: conditions.decide_condition(
            condition_id=condition.pk, by=request.user, decision=data["decision"], reason=data["reason"]
        ),
        done_url=reverse("applications:conditions", args=[pk]),
    )
