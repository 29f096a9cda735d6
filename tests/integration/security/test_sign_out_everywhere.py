"""'Sign out everywhere' on "Your account" ends every session the person has, in other browsers too, and is
audited; other people's sessions are left alone."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.roles import Role
from leo_access.sessions import end_every_session
from tests.conftest import Client
from tests.factories import researcher, staff

from .helpers import signed_in

pytestmark = pytest.mark.django_db


def is_signed_in(client) -> bool:
    response = client.get(reverse("account_email"))
    return response.status_code == 200


def test_signing_out_everywhere_signs_out_the_other_browser_too():
    person = researcher()
    laptop, phone = Client(), Client()
    laptop.force_login(person)
    phone.force_login(person)
    someone_else = Client()
    someone_else.force_login(staff(Role.RAS_OFFICER))
    assert is_signed_in(laptop)
    assert is_signed_in(phone)

    page = laptop.get(reverse("account_email")).content.decode()
    assert f'action="{reverse("sign_out_everywhere")}"' in page
    assert "Sign out everywhere</button>" in page

    response = laptop.post(reverse("sign_out_everywhere"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "signed out on every browser and device" in laptop.get(reverse("home")).content.decode()

    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert is_signed_in(someone_else)
    event = AuditEvent.objects.get(kind=AuditKind.SIGN_OUT, actor=person, data__everywhere=True)
    assert event.data["sessions_ended"] == 2


def test_signing_out_everywhere_through_the_real_sign_in_pages():
    """Sessions opened with a password and authenticator code, as people sign in, are ended too."""
    from .helpers import verified

    person = verified(researcher())
    first, _ = signed_in(person)
    second, _ = signed_in(person, client=Client())
    assert is_signed_in(first)
    assert is_signed_in(second)
    first.post(reverse("sign_out_everywhere"))
    assert not is_signed_in(second)


def test_signing_out_everywhere_is_a_post_for_signed_in_people_only():
    person = researcher()
    client = Client()
    client.force_login(person)
    assert client.get(reverse("sign_out_everywhere")).status_code == 405
    assert is_signed_in(client)
    anonymous = Client().post(reverse("sign_out_everywhere"))
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_nobody_signs_someone_else_out():
    person, other = researcher(), researcher()
    client = Client()
    client.force_login(person)
    with pytest.raises(PermissionError):
        end_every_session(user=person, by=other)
    assert Session.objects.count() == 1
