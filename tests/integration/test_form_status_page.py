"""The data page says how a form's check went from the form's stored status, the one record of it."""

import pytest
from django.urls import reverse

from applications.models import VariableRequestForm
from tests.factories import ApplicationFactory, coordinator_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        (VariableRequestForm.Validation.PASSED, "Your form passed the checks", "Your form has errors"),
        (VariableRequestForm.Validation.FAILED, "Your form has errors", "Your form passed the checks"),
    ],
)
def test_the_data_page_follows_the_form_status(client, status, shown, hidden):
    # The factory keeps no findings with the form: the page must still say how its check went.
    application = ApplicationFactory(form=status)
    client.force_login(coordinator_of(application))
    html = client.get(reverse("applications:data", args=[application.pk])).content.decode()
    assert shown in html
    assert hidden not in html
