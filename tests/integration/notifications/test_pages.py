"""The in-app list, the unread count, preferences and the templates page."""

import re

import pytest
from django.urls import reverse

from notifications.models import Message, Preference
from notifications.outbox import record_event
from tests.factories import coordinator_of, researcher, staff
from tests.lifecycle import People, advance, application_with_member


@pytest.fixture
def submitted(db):
    people = People.create()
    application, member = application_with_member()
    application = advance(application, "ras_check", people)
    record_event(application.events.get(kind="submitted").pk)
    return application, member, people


def test_the_header_counts_unread_notifications_and_opening_one_marks_it_read(client, submitted):
    application, member, _ = submitted
    client.force_login(member)
    page = client.get(reverse("applications:list")).content.decode()
    assert "Notifications (1" in page

    listing = client.get(reverse("notifications:list")).content.decode()
    message = Message.objects.get(user=member)
    assert f"{application.reference}: Your application has been submitted" in listing
    assert "Unread" in listing

    opened = client.get(reverse("notifications:open", args=[message.pk])).content.decode()
    assert application.title in opened
    assert f'href="/applications/{application.pk}/"' in opened
    message.refresh_from_db()
    assert message.read_at is not None
    assert "Notifications (" not in client.get(reverse("applications:list")).content.decode()


def test_nobody_can_open_someone_elses_notification(client, submitted):
    _, member, _ = submitted
    client.force_login(researcher())
    response = client.get(reverse("notifications:open", args=[Message.objects.get(user=member).pk]))
    assert response.status_code == 404  # not 403: that would reveal the message exists
    assert Message.objects.get(user=member).read_at is None


def test_mark_all_read(client, submitted):
    application, _, _ = submitted
    coordinator = coordinator_of(application)
    client.force_login(coordinator)
    client.post(reverse("notifications:read_all"))
    assert not Message.objects.filter(user=coordinator, read_at__isnull=True).exists()


def test_a_reviewer_chooses_the_daily_digest(client, db):
    reviewer = staff("ras_officer")
    client.force_login(reviewer)
    assert client.post(reverse("notifications:preferences"), {}).status_code == 200  # an answer is required
    response = client.post(reverse("notifications:preferences"), {"queue_arrivals": "digest"})
    assert response.status_code == 302
    assert Preference.objects.get(user=reviewer).queue_arrivals == "digest"
    form = client.get(reverse("notifications:preferences")).content.decode()
    assert re.search(r'<input[^>]*value="digest"[^>]*checked', form)


def test_only_admins_read_the_message_templates(client, db):
    client.force_login(staff("ras_officer"))
    assert client.get(reverse("notifications:templates")).status_code == 403
    client.force_login(staff("admin"))
    page = client.get(reverse("notifications:templates")).content.decode()
    for name in ("submitted", "arrival", "overdue", "accreditation_expiring", "digest"):
        assert f'id="{name}"' in page
    assert "{{ reference }}: {{ title }}" in page
