"""A check stopped by its time limit tells the researcher what to do, instead of showing "checking" for ever."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from applications import validation
from applications.models import VariableRequestForm
from applications.tasks import validate_variable_request_form
from tests.factories import ApplicationFactory, coordinator_of

pytestmark = pytest.mark.django_db


def test_a_check_that_reaches_its_time_limit_fails_the_form_with_a_finding(client, monkeypatch):
    application = ApplicationFactory(form=VariableRequestForm.Validation.PENDING)
    form = application.variable_request_forms.get()

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()  # what Celery raises inside the task at the soft time limit

    monkeypatch.setattr(validation, "validate_workbook", too_slow)
    assert validate_variable_request_form.run(form.pk) == VariableRequestForm.Validation.FAILED
    form.refresh_from_db()
    assert form.result["valid"] is False
    assert [f["code"] for f in form.result["findings"]] == ["check_timed_out"]
    assert form.validated_at is not None

    client.force_login(coordinator_of(application))
    page = client.get(reverse("applications:data", args=[application.pk])).content.decode()
    assert "did not finish in time" in page
    assert "We are checking your form now" not in page


def test_a_late_time_limit_does_not_overwrite_a_finished_check():
    application = ApplicationFactory(form=VariableRequestForm.Validation.PASSED)
    form = application.variable_request_forms.get()
    validation.record_timed_out(form.pk)
    form.refresh_from_db()
    assert form.validation_status == VariableRequestForm.Validation.PASSED
