"""A Variable Request Form upload that fails its checks is kept and shown, but the application goes on using the
last version that passed until a better one passes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.errors import GuardFailed
from applications.models import VariableRequestForm
from applications.selectors import data_fingerprint, submission_facts
from applications.services import submit_application, upload_variable_request_form
from applications.states import State
from applications.validation import datasets_requested, validate_form
from demo.forms import DEMO_REQUEST, ensure_demo_catalogue, filled_form
from tests.factories import ApplicationFactory, add_form, coordinator_of
from tests.lifecycle import application_with_member, reload

pytestmark = pytest.mark.django_db

FAILED = VariableRequestForm.Validation.FAILED
PENDING = VariableRequestForm.Validation.PENDING


def upload(application, data: bytes):
    return upload_variable_request_form(
        application_id=application.pk, by=coordinator_of(application), uploaded=SimpleUploadedFile("form.xlsx", data)
    )


def test_a_failed_upload_leaves_the_requested_datasets_of_the_last_good_form():
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    good = validate_form(upload(application, filled_form(application.reference)).pk)
    bad = validate_form(upload(application, b"PK\x03\x04 truncated").pk)

    assert bad.validation_status == FAILED
    application = reload(application)
    assert application.requested_dataset_names == datasets_requested(good.result) != []
    assert data_fingerprint(application) == good.sha256


def test_a_better_upload_becomes_the_current_form():
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    validate_form(upload(application, filled_form(application.reference)).pk)
    validate_form(upload(application, b"PK\x03\x04 truncated").pk)
    smaller = {name: answer for name, answer in DEMO_REQUEST.items() if name != "KS4 01-02 to 20-21"}
    better = validate_form(upload(application, filled_form(application.reference, smaller)).pk)

    assert better.validation_status == VariableRequestForm.Validation.PASSED
    assert data_fingerprint(application) == better.sha256
    assert reload(application).requested_dataset_names == datasets_requested(better.result)


def test_an_application_is_submitted_with_its_last_good_form_after_a_failed_upload():
    application, _ = application_with_member()
    good = application.variable_request_forms.get()
    add_form(application, status=FAILED, content=b"a form with errors")

    assert submission_facts(application).latest_form_status == VariableRequestForm.Validation.PASSED
    assert data_fingerprint(application) == good.sha256
    submit_application(application_id=application.pk, by=coordinator_of(application))

    application = reload(application)
    assert application.state == State.RAS_CHECK
    assert application.events.get(kind="submitted").data["data_fingerprint"] == good.sha256


def test_a_newer_upload_still_being_checked_holds_submission_until_its_check_ends():
    application, _ = application_with_member()
    add_form(application, status=PENDING, content=b"a form not yet checked")

    with pytest.raises(GuardFailed) as refused:
        submit_application(application_id=application.pk, by=coordinator_of(application))
    assert "variable_request_form" in [p.code for p in refused.value.problems]
    assert reload(application).state == State.DRAFT
