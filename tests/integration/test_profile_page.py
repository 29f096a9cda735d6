"""The profile page: the accreditation warning every researcher page shows sends people here, so the page itself
does not repeat it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from leo_access.roles import Role
from tests.factories import UserFactory, researcher

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "warning"),
    [
        pytest.param(
            lambda: UserFactory(roles=[Role.RESEARCHER]), "Add your research accreditation to your profile", id="none"
        ),
        pytest.param(
            lambda: researcher(accreditation_valid_until=date.today() + timedelta(days=20)),
            "Your accreditation expires on",
            id="expiring",
        ),
    ],
)
def test_the_accreditation_warning_shows_everywhere_but_the_profile_page(client, make, warning):
    user = make()
    client.force_login(user)
    assert warning in client.get(reverse("applications:list")).content.decode()
    profile = client.get(reverse("profile")).content.decode()
    assert warning not in profile
    assert "Update your profile" not in profile
