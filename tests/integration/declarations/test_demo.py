"""The embedded demo ends with signed, sealed declaration PDFs for the application at access_granted."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from applications.models import Application
from applications.states import State
from declarations.models import SignedDeclarationDocument
from leo_access.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_tasks():
    # As in the embedded default, where there is no broker and tasks run in-process.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_the_demo_application_with_access_has_every_members_signed_pdf(eager_tasks):
    call_command("seed_demo")

    application = Application.objects.get(title="Labour-market returns to level 3 qualifications")
    assert application.state == State.ACCESS_GRANTED
    documents = SignedDeclarationDocument.objects.filter(declaration__application=application)
    assert {d.declaration.member for d in documents} == {m.user for m in application.current_members()}
    for document in documents:
        path = Path(document.file.path)
        assert path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert path.exists()
        report = subprocess.run(["/usr/bin/pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
        assert "Signature is Valid." in report
        assert "Total document signed" in report
