"""The co-ordinator closes their project early, on a confirmation page; nobody else may use that page."""

import pytest
from django.urls import reverse

from applications.models import ApplicationEvent, ClosureReturn, MemberAccess
from applications.states import State
from tests.lifecycle import reload

pytestmark = pytest.mark.django_db


def test_the_coordinator_is_asked_first_then_closes_the_project_and_every_members_access_ends(client, live):
    application, coordinator, _ = live
    client.force_login(coordinator)
    url = reverse("applications:close_early", args=[application.pk])

    detail = client.get(reverse("applications:detail", args=[application.pk]))
    assert f'href="{url}"' in detail.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Are you sure you want to close the project now?" in page.content.decode()
    assert reload(application).state == State.ACCESS_GRANTED  # asking closes nothing

    response = client.post(url, {"reason": "The analysis finished early.", "expected_state": State.ACCESS_GRANTED})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:closure_return", args=[application.pk])
    closed = reload(application)
    assert closed.state == State.CLOSED
    event = ApplicationEvent.objects.get(application=application, kind="closed")
    assert (event.actor, event.actor_role, event.comment) == (
        coordinator,
        "coordinator",
        "The analysis finished early.",
    )
    assert event.data["early"] is True
    assert set(MemberAccess.objects.filter(application=application).values_list("status", flat=True)) == {"ended"}
    assert ClosureReturn.objects.filter(application=application, submitted_at=None).exists()


def test_closing_early_needs_a_reason_and_keeps_the_project_open_without_one(client, live):
    application, coordinator, _ = live
    client.force_login(coordinator)
    response = client.post(
        reverse("applications:close_early", args=[application.pk]), {"reason": "  ", "expected_state": "access_granted"}
    )
    assert response.status_code == 200
    assert "Enter why the project is closing early" in response.content.decode()
    assert reload(application).state == State.ACCESS_GRANTED


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404), ("ras", 403), ("admin", 403)])
def test_only_the_coordinator_may_close_early(client, live, people, who, status):
    application, _, member = live
    user = {"member": member, "outsider": people.outsider, "ras": people.ras, "admin": people.admin}[who]
    client.force_login(user)
    url = reverse("applications:close_early", args=[application.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "No.", "expected_state": "access_granted"}).status_code == status
    assert reload(application).state == State.ACCESS_GRANTED
    detail = client.get(reverse("applications:detail", args=[application.pk]))
    assert f'href="{url}"' not in detail.content.decode()


def test_a_project_already_closed_cannot_be_closed_early_again(client, live):
    application, coordinator, _ = live
    client.force_login(coordinator)
    url = reverse("applications:close_early", args=[application.pk])
    client.post(url, {"reason": "Done.", "expected_state": State.ACCESS_GRANTED})
    again = client.post(url, {"reason": "Done again.", "expected_state": State.ACCESS_GRANTED})
    assert again.status_code == 409
    assert ApplicationEvent.objects.filter(application=application, kind="closed").count() == 1
