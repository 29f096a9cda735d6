"""Uploaded files and PDFs leave only through views that check permission; nothing is served from MEDIA_ROOT."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse

from applications.states import State
from tests.factories import ApplicationFactory, coordinator_of, researcher
from tests.lifecycle import People, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    application = ApplicationFactory(
        ethics_route="committee",
        ethics_committee_name="University Research Ethics Committee",
        ethics_committee_reference="UREC-2026-17",
        ethics_approval_date=date.today() - timedelta(days=20),
    )
    application.ethics_approval_letter.save("letter.pdf", ContentFile(b"%PDF-1.7 approval letter"), save=True)
    return application


def test_stored_files_have_no_public_address(client, application):
    form = application.variable_request_forms.get()
    for stored in (form.file, application.ethics_approval_letter):
        assert Client().get(stored.url).status_code == 404
        client.force_login(coordinator_of(application))
        assert client.get(stored.url).status_code == 404


def test_the_team_and_staff_download_through_the_permission_check(client, application):
    people = People.create()
    advance(application, State.RAS_CHECK, people)
    letter = reverse("applications:ethics_letter", args=[application.pk])
    form = reverse("applications:form_download", args=[application.pk, 1])
    for person in (coordinator_of(application), people.ras, people.dfe):
        client.force_login(person)
        response = client.get(letter)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.7 approval letter"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
        assert client.get(form).status_code == 200
    client.force_login(researcher())
    assert client.get(letter).status_code == 404
    assert client.get(form).status_code == 404
    anonymous = Client().get(letter)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


@override_settings(PROTECTED_MEDIA_ACCEL_PREFIX="/protected-media/")
def test_behind_a_web_server_the_file_is_handed_over_with_x_accel_redirect(client, application):
    client.force_login(coordinator_of(application))
    response = client.get(reverse("applications:ethics_letter", args=[application.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{application.ethics_approval_letter.name}"
    assert response.content == b""
    client.force_login(researcher())
    refused = client.get(reverse("applications:ethics_letter", args=[application.pk]))
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_an_application_without_a_letter_says_so(client):
    application = ApplicationFactory()
    client.force_login(coordinator_of(application))
    assert client.get(reverse("applications:ethics_letter", args=[application.pk])).status_code == 404
