"""The access list: who has access to which project until when, for the RAS and admins only, with filters, a CSV
download safe to open in a spreadsheet, and the page that suspends and reinstates one member."""

import csv
import io

import pytest
from django.urls import reverse

from applications.member_access.services import suspend_member_access
from applications.models import MemberAccess
from leo_access.audit.models import AuditEvent
from leo_access.models import ResearcherProfile
from tests.conftest import Client

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_each_members_access_until_when_and_filters_by_status(granted, people):
    access = MemberAccess.objects.get(application=granted, user=granted.member)
    suspend_member_access(access_id=access.pk, by=people.ras, reason="Breach.")
    client = signed_in(people.ras)

    page = client.get(reverse("reviews:access_list")).content.decode()
    assert granted.reference in page
    assert granted.member.email in page
    assert granted.coordinator.email in page
    assert f"{access.valid_until:%-d %b %Y}" in page
    assert "2 records found" in page

    suspended = client.get(reverse("reviews:access_list"), {"status": "suspended"}).content.decode()
    assert "1 record found" in suspended
    assert granted.member.email in suspended
    assert granted.coordinator.email not in suspended
    nobody = client.get(reverse("reviews:access_list"), {"q": "no such project"}).content.decode()
    assert "0 records found" in nobody


def test_the_csv_lists_the_same_rows_with_formulas_made_inert_and_is_audited(granted, people):
    ResearcherProfile.objects.filter(user=granted.member).update(organisation='=HYPERLINK("http://x")')
    response = signed_in(people.admin).get(reverse("reviews:access_export"), {"q": granted.member.email})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Project reference", "Project title", "Member"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Project reference"] == granted.reference
    assert row["E-mail address"] == granted.member.email
    assert row["Organisation"] == '\'=HYPERLINK("http://x")'
    assert row["Status"] == "Active"
    assert row["Access until"] == MemberAccess.objects.get(user=granted.member).valid_until.isoformat()
    assert AuditEvent.objects.filter(actor=people.admin, summary__contains="the access list").exists()


@pytest.mark.parametrize("role", ["dfe", "hmrc", "dwp", "panel", "outsider"])
def test_other_roles_are_refused(granted, people, role):
    client = signed_in(getattr(people, role))
    access = MemberAccess.objects.filter(application=granted).first()
    for url in (
        reverse("reviews:access_list"),
        reverse("reviews:access_export"),
        reverse("reviews:member_access", args=[access.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("reviews:member_access", args=[access.pk]), {"action": "suspend", "reason": "No."})
    assert response.status_code == 403
    assert MemberAccess.objects.get(pk=access.pk).status == MemberAccess.Status.ACTIVE


def test_a_member_cannot_see_the_list(granted):
    assert signed_in(granted.coordinator).get(reverse("reviews:access_list")).status_code == 403


def test_ras_suspends_and_reinstates_on_the_members_page(granted, people):
    access = MemberAccess.objects.get(application=granted, user=granted.member)
    client = signed_in(people.ras)
    url = reverse("reviews:member_access", args=[access.pk])

    missing = client.post(url, {"action": "suspend", "reason": "", "expected_status": "active"})
    assert missing.status_code == 200
    assert "Enter the reason" in missing.content.decode()

    done = client.post(url, {"action": "suspend", "reason": "Output rules broken.", "expected_status": "active"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Suspended" in page
    assert "Output rules broken." in page

    stale = client.post(url, {"action": "suspend", "reason": "Again.", "expected_status": "active"})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()

    client.post(url, {"action": "reinstate", "reason": "Cleared.", "expected_status": "suspended"})
    assert MemberAccess.objects.get(pk=access.pk).status == MemberAccess.Status.ACTIVE


def test_ended_access_cannot_be_changed_on_its_page(granted, people):
    access = MemberAccess.objects.get(application=granted, user=granted.member)
    client = signed_in(people.admin)
    url = reverse("reviews:member_access", args=[access.pk])
    assert client.post(url, {"action": "end", "reason": "Left.", "expected_status": "active"}).status_code == 302
    assert "Removed from the team" in client.get(url).content.decode()
    refused = client.post(url, {"action": "reinstate", "reason": "Back.", "expected_status": "ended"})
    assert refused.status_code == 409
    assert MemberAccess.objects.get(pk=access.pk).status == MemberAccess.Status.ENDED
