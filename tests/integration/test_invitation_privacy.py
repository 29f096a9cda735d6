"""An invitation reveals nothing about the invitee's account: their name and accreditation show only once they
accept, so typing an address into the team page cannot tell anyone whether its owner has an account."""

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, coordinator_of, researcher

pytestmark = pytest.mark.django_db


def test_an_invitee_name_and_accreditation_show_only_after_they_accept(client):
    application = ApplicationFactory()
    invitee = researcher(accreditation_reference="DEA-77777")
    invitee.full_name = "Imogen Quarrie"
    invitee.save(update_fields=["full_name"])
    coordinator = coordinator_of(application)
    team = reverse("applications:team", args=[application.pk])
    detail = reverse("applications:detail", args=[application.pk])
    check = reverse("applications:check", args=[application.pk])

    client.force_login(coordinator)
    client.post(team, {"email": invitee.email.upper()})
    invitation = application.team_members.get(email=invitee.email.lower())
    # The invitation is linked to the account at once, so the invitee finds it waiting ...
    assert invitation.user == invitee
    # ... but the team sees the same as for an address with no account behind it.
    client.post(team, {"email": "nobody-yet@example.org"})
    for url in (team, detail, check):
        html = client.get(url).content.decode()
        assert invitee.email.lower() in html, url
        assert "Imogen Quarrie" not in html, url
        assert "DEA-77777" not in html, url
    team_html = client.get(team).content.decode()
    assert team_html.count("Not known until they accept") == 2

    client.force_login(invitee)
    client.post(reverse("applications:invitation_respond", args=[invitation.pk]), {"answer": "accept"})

    client.force_login(coordinator)
    for url in (team, detail):
        html = client.get(url).content.decode()
        assert "Imogen Quarrie" in html, url
        assert "DEA-77777" in html, url
    assert client.get(team).content.decode().count("Not known until they accept") == 1
