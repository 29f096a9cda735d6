"""The register of accredited researchers: importing versions (command and upload), each researcher's check against
the newest version on their profile and on staff pages, and the nightly warning then suspension."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from applications.member_access.checks import check_active_access
from applications.models import MemberAccess
from leo_access.accredited_researchers.models import RegisterImport
from leo_access.accredited_researchers.selectors import check_profile
from leo_access.models import ResearcherProfile
from notifications.outbox import record_event
from tests.conftest import Client

pytestmark = pytest.mark.django_db

HEADINGS = "Accreditation Number,Name,Accreditation type,Valid until,Organisation\n"
LONDON = ZoneInfo("Europe/London")


def listing(*users) -> str:
    lines = []
    for user in users:
        profile = ResearcherProfile.objects.get(user=user)
        lines.append(
            f"{profile.accreditation_reference.lower()},{user.full_name.upper()},Full,"
            f"{profile.accreditation_valid_until:%d/%m/%Y},{profile.organisation}"
        )
    return HEADINGS + "\n".join(lines) + "\n"


def write(tmp_path, text, name="register.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_imports_a_version_once_and_checks_researchers_against_the_newest(granted, tmp_path, people):
    out = StringIO()
    call_command("import_accredited_researchers", write(tmp_path, listing(granted.member)), stdout=out)
    assert "Imported version 1: 1 researchers" in out.getvalue()
    version = RegisterImport.objects.get()
    assert (version.rows, version.source, version.imported_by) == (1, "command", None)
    assert len(version.sha256) == 64
    assert check_profile(granted.member.researcher_profile).result == "verified"
    assert check_profile(granted.coordinator.researcher_profile).result == "not_found"

    again = StringIO()
    call_command("import_accredited_researchers", write(tmp_path, listing(granted.member)), stdout=again)
    assert "already version 1" in again.getvalue()

    ResearcherProfile.objects.filter(user=granted.member).update(accreditation_valid_until=date(2031, 1, 1))
    call_command(
        "import_accredited_researchers",
        write(tmp_path, listing(granted.member, granted.coordinator)),
        "--by",
        people.admin.email,
        stdout=StringIO(),
    )
    newest = RegisterImport.objects.order_by("-version").first()
    assert (newest.version, newest.imported_by) == (2, people.admin)
    assert check_profile(granted.coordinator.researcher_profile).result == "verified"


def test_the_command_names_a_missing_column(tmp_path):
    path = write(tmp_path, "Accreditation number,Name,Valid until,Organisation\nA1,X,2030-01-01,U\n")
    with pytest.raises(CommandError, match="no column headed: Accreditation type"):
        call_command("import_accredited_researchers", path)
    assert not RegisterImport.objects.exists()


def test_a_mismatch_shows_on_the_profile_and_the_review_page(granted, tmp_path, people):
    text = listing(granted.member).replace(granted.member.full_name.upper(), "Someone Else")
    call_command("import_accredited_researchers", write(tmp_path, text), stdout=StringIO())
    client = Client()
    client.force_login(granted.member)
    profile = client.get(reverse("profile")).content.decode()
    assert "Does not match the register" in profile
    assert "Someone Else" in profile

    staff = Client()
    staff.force_login(people.ras)
    review = staff.get(reverse("reviews:review", args=[granted.pk])).content.decode()
    assert "Does not match the register" in review
    assert "Not on the register" in review  # the co-ordinator


def test_admins_upload_the_register_and_others_may_not(people):
    admin = Client()
    admin.force_login(people.admin)
    url = reverse("accredited_register")
    upload = SimpleUploadedFile("register.csv", (HEADINGS + "A1,Jane Smith,Full,2030-01-31,Uni\n").encode())
    assert admin.post(url, {"file": upload}).status_code == 302
    assert RegisterImport.objects.get().imported_by == people.admin
    bad = SimpleUploadedFile("register.csv", b"Name,Organisation\nJane,Uni\n")
    refused = admin.post(url, {"file": bad})
    assert refused.status_code == 200
    assert "no column headed: Accreditation number" in refused.content.decode()
    ras = Client()
    ras.force_login(people.ras)
    assert ras.get(url).status_code == 403


@override_settings(REGISTER_WARNING_DAYS=14)
def test_a_member_missing_from_the_register_is_warned_then_suspended(granted, tmp_path):
    call_command("import_accredited_researchers", write(tmp_path, listing(granted.coordinator)), stdout=StringIO())
    today = date.today()

    run = check_active_access(today=today)
    assert (run.warned, run.suspended) == (1, 0)
    access = MemberAccess.objects.get(application=granted, user=granted.member)
    assert access.register_warned_on == today
    warning = granted.events.get(kind="member_access_warning")
    messages = record_event(warning.pk)
    assert {m.recipient for m in messages} == {granted.member.email, granted.coordinator.email}
    assert messages[0].context["suspend_on"] == (today + timedelta(days=14)).isoformat()
    assert check_active_access(today=today).warned == 0  # warned once

    later = today + timedelta(days=14)
    with time_machine.travel(datetime.combine(later, time(12), tzinfo=LONDON), tick=False):
        run = check_active_access()
    assert run.suspended == 1
    access.refresh_from_db()
    assert access.status == MemberAccess.Status.SUSPENDED
    assert access.suspension_cause == MemberAccess.Cause.REGISTER
    assert MemberAccess.objects.get(user=granted.coordinator).status == MemberAccess.Status.ACTIVE


def test_a_register_put_right_in_time_clears_the_warning(granted, tmp_path):
    call_command("import_accredited_researchers", write(tmp_path, listing(granted.coordinator)), stdout=StringIO())
    check_active_access(today=date.today())
    call_command(
        "import_accredited_researchers",
        write(tmp_path, listing(granted.coordinator, granted.member)),
        stdout=StringIO(),
    )
    run = check_active_access(today=date.today() + timedelta(days=30))
    assert run.suspended == 0
    assert MemberAccess.objects.get(user=granted.member).register_warned_on is None
