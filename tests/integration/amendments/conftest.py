import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.amendments.services import (
    request_amendment,
    submit_amendment,
    update_amendment,
    upload_amendment_form,
)
from applications.services import upload_variable_request_form
from applications.states import State
from applications.validation import validate_form
from applications.vrf_catalogue import import_catalogue
from tests.factories import coordinator_of
from tests.lifecycle import People, advance, application_with_member
from tests.vrf_factory import VrfBuilder


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def builder():
    """The form the project was accredited with; tests change it for a data amendment."""
    builder = VrfBuilder()
    import_catalogue(data=builder.build(), source_name="official-form.xlsx")
    return builder


@pytest.fixture
def live(people, builder):
    """A live project (access granted) with a co-ordinator and one member, using the builder's form."""
    application, member = application_with_member(form=False)
    form = upload_variable_request_form(
        application_id=application.pk,
        by=coordinator_of(application),
        uploaded=SimpleUploadedFile("form.xlsx", builder.build()),
    )
    assert validate_form(form.pk).validation_status == "passed"
    application = advance(application, State.ACCESS_GRANTED, people)
    application.member = member
    return application


def amend(application, *, submit=True, form_builder=None, **changes):
    """A draft amendment with `changes` (as `update_amendment` takes them), its form from `form_builder`, submitted
    unless told otherwise."""
    by = coordinator_of(application)
    amendment = request_amendment(application_id=application.pk, by=by, summary="The project needs this change.")
    if changes:
        update_amendment(amendment_id=amendment.pk, by=by, summary="The project needs this change.", **changes)
    if form_builder is not None:
        form = upload_amendment_form(
            amendment_id=amendment.pk, by=by, uploaded=SimpleUploadedFile("new-form.xlsx", form_builder.build())
        )
        assert validate_form(form.pk).validation_status == "passed"
    if submit:
        submit_amendment(amendment_id=amendment.pk, by=by)
    amendment.refresh_from_db()
    return amendment
