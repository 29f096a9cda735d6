"""Sign-ins, staff opening applications, downloads and permission changes are in the audit log."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.states import State
from demo.forms import ensure_demo_catalogue
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.audit.services import record
from leo_access.roles import Role
from tests.conftest import Client as SignedInClient
from tests.factories import ApplicationFactory, UserFactory, coordinator_of, researcher, staff
from tests.lifecycle import People, advance

from .helpers import code_step, password_step, verified

pytestmark = pytest.mark.django_db


def _last_id(count_before):
    return AuditEvent.objects.order_by("id").values_list("id", flat=True)[count_before - 1] if count_before else 0


def kinds(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("at", "id").values_list("kind", flat=True))


def test_sign_in_and_a_failed_sign_in_are_recorded_without_the_password():
    user = verified(researcher())
    password_step(user, password="the wrong one")
    client, _ = password_step(user)
    client.post(reverse("account_logout"))
    failed = AuditEvent.objects.get(kind=AuditKind.SIGN_IN_FAILED)
    assert failed.actor is None
    assert failed.actor_email == user.email
    assert "the wrong one" not in str(failed.data) + failed.summary
    assert failed.ip_address == "127.0.0.1"
    assert kinds(actor=user) == [AuditKind.SIGN_IN, AuditKind.SIGN_OUT]


def test_a_staff_sign_in_is_recorded_once_both_factors_are_given():
    from tests.factories import give_authenticator

    user = verified(staff(Role.RAS_OFFICER))
    give_authenticator(user)
    client, _ = password_step(user)
    assert kinds(actor=user) == []
    code_step(client, user)
    assert kinds(actor=user) == [AuditKind.SIGN_IN]


def test_staff_opening_an_application_is_recorded_every_time_and_members_are_not(client):
    people = People.create()
    application = advance(ApplicationFactory(), State.DEPARTMENT_REVIEW, people)
    client.force_login(people.dfe)
    for _ in range(2):
        assert client.get(reverse("reviews:review", args=[application.pk])).status_code == 200
    assert client.get(reverse("reviews:department", args=[application.pk])).status_code == 200
    opened = AuditEvent.objects.filter(kind=AuditKind.APPLICATION_OPENED, actor=people.dfe).order_by("id")
    assert [event.data["path"] for event in opened] == [
        reverse("reviews:review", args=[application.pk]),
        reverse("reviews:review", args=[application.pk]),
        reverse("reviews:department", args=[application.pk]),
    ]
    assert {event.application_reference for event in opened} == {application.reference}
    member = SignedInClient()
    member.force_login(coordinator_of(application))
    assert member.get(reverse("applications:detail", args=[application.pk])).status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditKind.APPLICATION_OPENED, actor=coordinator_of(application)).exists()


def test_downloads_of_files_are_recorded_for_everyone(client):
    application = ApplicationFactory()
    coordinator = coordinator_of(application)
    client.force_login(coordinator)
    response = client.get(reverse("applications:form_download", args=[application.pk, 1]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.FILE_DOWNLOADED)
    assert event.actor == coordinator
    assert event.application_id == application.pk
    assert "Variable Request Form version 1" in event.summary
    ensure_demo_catalogue()
    assert client.get(reverse("applications:form_template", args=[application.pk])).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.FILE_DOWNLOADED).count() == 2


def test_role_changes_are_recorded_with_who_made_them(client):
    admin_user = staff(Role.ADMIN)
    admin_user.is_superuser = True  # as the demo's admin: the admin site's model permissions
    admin_user.save()
    person = researcher()
    before = AuditEvent.objects.count()
    client.force_login(admin_user)
    panel = Group.objects.get_or_create(name=Role.PANEL_MEMBER.value)[0]
    researchers = Group.objects.get(name=Role.RESEARCHER.value)
    response = client.post(
        reverse("admin:leo_access_user_change", args=[person.pk]),
        {
            "email": person.email,
            "full_name": person.full_name,
            "is_active": "on",
            "groups": [panel.pk, researchers.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = AuditEvent.objects.filter(pk__gt=_last_id(before)).get(kind=AuditKind.PERMISSION_CHANGED)
    assert changed.actor == admin_user
    assert changed.data["roles"] == [Role.PANEL_MEMBER.value]
    assert changed.data["action"] == "add"
    admin_change = AuditEvent.objects.get(kind=AuditKind.ADMIN_CHANGE)
    assert admin_change.actor == admin_user
    assert admin_change.data["object_id"] == str(person.pk)


def test_giving_someone_superuser_rights_is_a_permission_change():
    person = researcher()
    assert AuditEvent.objects.get(kind=AuditKind.PERMISSION_CHANGED).data["roles"] == [Role.RESEARCHER.value]
    person.is_superuser = True
    person.save()
    event = AuditEvent.objects.filter(kind=AuditKind.PERMISSION_CHANGED).latest("id")
    assert event.data["changed"] == {"is_superuser": True}
    person.last_login = timezone.now()
    person.save(update_fields=["last_login"])
    person.full_name = "A new name"
    person.save()
    assert AuditEvent.objects.filter(kind=AuditKind.PERMISSION_CHANGED).count() == 2


def test_the_audit_log_cannot_be_changed_or_deleted():
    event = record(kind=AuditKind.SIGN_IN, by=None, summary="x")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE leo_access_auditevent SET summary = 'edited' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM leo_access_auditevent WHERE id = %s", [event.pk])


@pytest.fixture
def logged():
    """Three entries on different days, by different people, about two applications."""
    alice = UserFactory(email="alice@example.org", roles=[Role.RESEARCHER])
    bob = UserFactory(email="bob@example.org", roles=[Role.RESEARCHER])
    first, second = ApplicationFactory(), ApplicationFactory()
    now = timezone.now()
    for when, who, application, summary in [
        (now - timedelta(days=10), alice, first, "Opened one"),
        (now - timedelta(days=3), bob, second, '=HYPERLINK("http://evil")'),
        (now, alice, second, "Opened two"),
    ]:
        with time_machine.travel(when, tick=False):
            record(kind=AuditKind.APPLICATION_OPENED, by=who, application=application, summary=summary)
    return {"alice": alice, "bob": bob, "first": first, "second": second, "now": now}


def summaries(response):
    return [row for row in ("Opened one", "=HYPERLINK", "Opened two") if row in response.content.decode()]


def test_admins_search_the_log_by_person_application_and_date(client, logged):
    client.force_login(staff(Role.ADMIN))
    url = reverse("audit:log")
    base = {"kind": AuditKind.APPLICATION_OPENED}
    assert summaries(client.get(url, base | {"user": "alice"})) == ["Opened one", "Opened two"]
    assert summaries(client.get(url, base | {"application": logged["second"].reference})) == [
        "=HYPERLINK",
        "Opened two",
    ]
    day = (logged["now"] - timedelta(days=3)).astimezone().date()
    assert summaries(client.get(url, base | {"date_from": day, "date_to": day})) == ["=HYPERLINK"]
    assert summaries(client.get(url, base | {"date_from": day})) == ["=HYPERLINK", "Opened two"]
    wrong = client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "The end date must be the same as or after the start date." in wrong.content.decode()


def test_the_export_has_the_same_filters_and_escapes_formulas(client, logged):
    admin_user = staff(Role.ADMIN)
    client.force_login(admin_user)
    response = client.get(
        reverse("audit:export"), {"application": logged["second"].reference, "kind": AuditKind.APPLICATION_OPENED}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["When (UTC)", "What", "Person", "Application", "Summary", "IP address"]
    assert [row[4] for row in rows[1:]] == ["Opened two", '\'=HYPERLINK("http://evil")']
    assert {row[3] for row in rows[1:]} == {logged["second"].reference}
    assert AuditEvent.objects.filter(kind=AuditKind.AUDIT_EXPORTED, actor=admin_user).exists()


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMIN])
def test_only_admins_reach_the_audit_log(client, role):
    client.force_login(researcher() if role == Role.RESEARCHER else staff(role))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_anonymous_people_are_sent_to_sign_in():
    for name in ("audit:log", "audit:export"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_exports_are_downloads_in_the_audit_log(client, settings):

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reviews.tracking.models import Export
    from reviews.tracking.services import export_name

    admin_user = staff(Role.ADMIN)
    client.force_login(admin_user)
    response = client.post(reverse("tracking:export", args=["applications"]), {"format": "csv"})
    assert response.status_code == 200
    job = Export.objects.create(
        kind="register",
        format="csv",
        requested_by=admin_user,
        status=Export.Status.DONE,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    job.file = default_storage.save(export_name(job), ContentFile(b"Reference\r\nLEO-2026-0001\r\n"))
    job.save()
    downloaded = client.get(reverse("tracking:export_download", args=[job.pk]))
    assert b"".join(downloaded.streaming_content) == b"Reference\r\nLEO-2026-0001\r\n"
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/protected-media/"
    handed_over = client.get(reverse("tracking:export_download", args=[job.pk]))
    assert handed_over["X-Accel-Redirect"] == f"/protected-media/{job.file.name}"
    summaries = list(
        AuditEvent.objects.filter(kind=AuditKind.FILE_DOWNLOADED, actor=admin_user).values_list("summary", flat=True)
    )
    assert len(summaries) == 3
    assert summaries[0].startswith("Downloaded an export of")
