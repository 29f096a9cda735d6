"""Checking an uploaded Variable Request Form and storing the result on the upload."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Application, VariableRequestForm, joined
from .selectors import current_form
from .vrf import ValidationResult, validate_workbook
from .vrf.findings import finding
from .vrf_catalogue import catalogue_for_version


def validate_form(form_id: int) -> VariableRequestForm:
    """Validate one upload. Idempotent: a form already checked is returned as it is."""
    with transaction.atomic():
        form = VariableRequestForm.objects.select_for_update().get(pk=form_id)
        if form.validation_status in (VariableRequestForm.Validation.PASSED, VariableRequestForm.Validation.FAILED):
            return form
        form.validation_status = VariableRequestForm.Validation.RUNNING
        form.validation_started_at = timezone.now()
        form.save(update_fields=["validation_status", "validation_started_at"])
    with form.file.open("rb") as handle:
        data = handle.read(settings.VRF_MAX_BYTES + 1)
    result = validate_workbook(data, catalogue_for_version=catalogue_for_version, max_bytes=settings.VRF_MAX_BYTES)
    outcome = result.to_dict()
    with transaction.atomic():
        form = VariableRequestForm.objects.select_for_update().get(pk=form_id)
        form.result = outcome
        form.validation_status = (
            VariableRequestForm.Validation.PASSED if outcome["valid"] else VariableRequestForm.Validation.FAILED
        )
        form.validated_at = timezone.now()
        form.save(update_fields=["result", "validation_status", "validated_at"])
        # Only a form that passed can become the one the application uses (a failed upload changes nothing), and
        # only if no newer one passed first.
        if form.validation_status == VariableRequestForm.Validation.PASSED and current_form(form.application) == form:
            record_requested_datasets(form.application_id, outcome)
    return form


TIMED_OUT_MESSAGE = (
    "The check of this file did not finish in time, so it cannot be accepted as it is. Save the workbook again "
    "from Excel as .xlsx without anything added to the form (pictures, extra sheets, very long text), then upload "
    "it again. If it happens again, contact the accreditation service."
)


def record_timed_out(form_id: int) -> VariableRequestForm:
    """A check stopped by its time limit: the form fails with a finding saying so, rather than staying "running"."""
    outcome = ValidationResult.unreadable(finding("check_timed_out", TIMED_OUT_MESSAGE)).to_dict()
    with transaction.atomic():
        form = VariableRequestForm.objects.select_for_update().get(pk=form_id)
        if form.validation_status in (VariableRequestForm.Validation.PASSED, VariableRequestForm.Validation.FAILED):
            return form
        form.result = outcome
        form.validation_status = VariableRequestForm.Validation.FAILED
        form.validated_at = timezone.now()
        form.save(update_fields=["result", "validation_status", "validated_at"])
    return form


def tables_requested(tables: list[dict]) -> list[dict]:
    """Of a checked form's tables (`result["tables"]`), those it asks for: "yes", or the default variables only."""
    return [table for table in tables or [] if table.get("requested") in ("yes", "default")]


def datasets_requested(result: dict) -> list[str]:
    return sorted({t["dataset"] for t in tables_requested(result.get("tables", []))})


def record_requested_datasets(application_id, result: dict):
    """Keep the datasets of the current form (`selectors.current_form`) on the application, for the queues."""
    Application.objects.filter(pk=application_id).update(requested_datasets=joined(datasets_requested(result)))
