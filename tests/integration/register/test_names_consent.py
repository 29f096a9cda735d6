"""The co-ordinator's choice to name the researchers on the public register: asked, kept, shown, off by default."""

import pytest
from django.urls import reverse

from applications.services import create_application
from tests.factories import ApplicationFactory, coordinator_of, researcher

pytestmark = pytest.mark.django_db


def test_a_new_application_does_not_name_its_researchers():
    application = create_application(by=researcher(), title="A new study")

    assert application.register_names_consent is False


def test_the_public_benefit_section_asks_and_check_your_answers_shows_the_choice(client):
    application = ApplicationFactory()
    client.force_login(coordinator_of(application))
    section = reverse("applications:section", args=[application.pk, "public-benefit"])

    form = client.get(section).content.decode()
    assert 'name="register_names_consent"' in form
    assert 'type="checkbox"' in form
    check = client.get(reverse("applications:check", args=[application.pk])).content.decode()
    assert "Researchers named on the public register" in check

    response = client.post(
        section,
        {
            "public_benefit_categories": ["public_policy"],
            "public_benefit_statement": "Informs policy.",
            "dissemination_plan": "A report.",
            "publication_committed": "on",
            "register_names_consent": "on",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.register_names_consent is True
    check = client.get(reverse("applications:check", args=[application.pk])).content.decode()
    row = check.split("Researchers named on the public register", 1)[1].split("</div>", 1)[0]
    assert "Yes" in row

    client.post(section, {"public_benefit_categories": ["public_policy"]})
    application.refresh_from_db()
    assert application.register_names_consent is False
