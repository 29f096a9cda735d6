"""Signing rules: the evidence recorded, what is refused, withdrawal, and the versioned texts."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.models import TeamMember
from applications.states import State
from declarations.models import Declaration, DeclarationText
from declarations.services import (
    FIRST_TEXT_CLAUSES,
    create_text_draft,
    current_text,
    publish_text,
    sign_declaration,
    update_text_draft,
)
from tests.factories import PASSWORD
from tests.lifecycle import reload

from .conftest import sign_fully

pytestmark = pytest.mark.django_db


def declaration_of(application, user) -> Declaration:
    return Declaration.objects.get(application=application, member=user, withdrawn_at__isnull=True)


def test_every_member_gets_a_declaration_against_the_first_published_text(accredited):
    application, coordinator, member = accredited
    text = current_text()
    assert text.version == 1
    assert text.published_at
    assert text.clauses == FIRST_TEXT_CLAUSES
    assert text.sha256 == text.computed_sha256()
    assert {d.member for d in application.declarations.all()} == {coordinator, member}
    assert {d.text for d in application.declarations.all()} == {text}


def test_a_signature_records_its_evidence(accredited):
    application, _, member = accredited
    declaration = sign_fully(declaration_of(application, member), typed_name=f"  {member.full_name} ")

    declaration.refresh_from_db()
    assert declaration.signed_at is not None
    assert declaration.text.version == 1
    assert declaration.text_sha256 == current_text().sha256
    assert declaration.accreditation_reference == member.researcher_profile.accreditation_reference
    assert declaration.confirmed_clauses == list(range(1, len(FIRST_TEXT_CLAUSES) + 1))
    assert declaration.typed_name == member.full_name
    assert declaration.confirmed_with == "password"
    assert declaration.ip_address == "203.0.113.7"
    assert declaration.user_agent == "Test browser/1.0"
    event = application.events.get(kind="declaration_signed")
    assert event.data["text_sha256"] == declaration.text_sha256
    assert reload(application).state == State.ACCREDITED


def test_the_name_must_match_and_every_clause_must_be_confirmed(accredited):
    application, _, member = accredited
    declaration = declaration_of(application, member)
    with pytest.raises(InvalidInput, match="full name"):
        sign_fully(declaration, typed_name="Someone Else")
    # The name as written in the profile, case included.
    with pytest.raises(InvalidInput, match="full name"):
        sign_fully(declaration, typed_name=member.full_name.upper())
    with pytest.raises(InvalidInput, match="full name"):
        sign_fully(declaration, typed_name=member.full_name.lower())
    with pytest.raises(InvalidInput, match="every statement"):
        sign_fully(declaration, confirmed_clauses=[1, 2, 3])
    with pytest.raises(InvalidInput, match="every statement"):
        sign_fully(declaration, confirmed_clauses=[])
    with pytest.raises(StaleState, match="wording"):
        sign_fully(declaration, text_sha256="0" * 64)
    assert declaration_of(application, member).signed_at is None


def test_signing_twice_and_signing_for_someone_else_are_refused(accredited):
    application, coordinator, member = accredited
    sign_fully(declaration_of(application, member))
    with pytest.raises(StaleState, match="already signed"):
        sign_fully(declaration_of(application, member))
    with pytest.raises(NotPermitted):
        sign_declaration(declaration_id=declaration_of(application, coordinator).pk, by=member)
    assert Declaration.objects.filter(member=member, signed_at__isnull=False).count() == 1


def test_an_expired_accreditation_cannot_sign_and_is_told_why(accredited):
    application, _, member = accredited
    member.researcher_profile.accreditation_valid_until = date.today() - timedelta(days=1)
    member.researcher_profile.save()
    with pytest.raises(GuardFailed) as refused:
        sign_fully(declaration_of(application, member))
    assert "expired" in refused.value.problems[0].message


def test_the_last_signature_grants_access_as_the_system(accredited):
    application, coordinator, member = accredited
    sign_fully(declaration_of(application, coordinator))
    sign_fully(declaration_of(application, member))
    application = reload(application)
    assert application.state == State.ACCESS_GRANTED
    assert application.events.get(kind="access_granted").actor_role == "system"


def test_a_member_removed_before_access_has_their_task_withdrawn_and_the_rest_can_finish(accredited):
    application, coordinator, member = accredited
    sign_fully(declaration_of(application, coordinator))
    membership = application.team_members.get(user=member)
    membership.status = TeamMember.Status.REMOVED
    membership.save()

    withdrawn = Declaration.objects.get(application=application, member=member)
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.signed_at is None
    assert application.events.filter(kind="declaration_withdrawn").count() == 1
    # Everyone still on the team had signed, so access follows at once.
    assert reload(application).state == State.ACCESS_GRANTED
    with pytest.raises(NotPermitted):
        sign_fully(withdrawn)


def test_a_published_text_never_changes_and_new_wording_is_a_new_version(people):
    first = current_text()
    first.title = "Changed"
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(NotPermitted):
        create_text_draft(by=people.ras, title="Individual Declaration", clauses=["One."])

    draft = create_text_draft(by=people.admin, title="Individual Declaration", clauses=["One.", "", "Two."])
    assert draft.version == 2
    assert draft.clauses == ["One.", "Two."]
    assert not draft.published_at
    assert current_text() == first  # a draft is not used for signing
    update_text_draft(text_id=draft.pk, by=people.admin, title="Individual Declaration", clauses=["One.", "Three."])
    published = publish_text(text_id=draft.pk, by=people.admin)
    assert published.sha256 == published.computed_sha256() != first.sha256
    assert current_text() == published
    with pytest.raises(InvalidInput):
        update_text_draft(text_id=draft.pk, by=people.admin, title="X", clauses=["Y."])
    assert DeclarationText.objects.get(pk=first.pk).clauses == FIRST_TEXT_CLAUSES


# The signing page ------------------------------------------------------------------------


def sign_url(application):
    return reverse("declarations:sign", args=[application.pk])


def form_data(text, member, **overrides):
    data = {f"clause_{n}": "on" for n in range(1, len(text.clauses) + 1)}
    data |= {"typed_name": member.full_name, "password": PASSWORD, "text_sha256": text.sha256}
    return data | overrides


def passkey_only(member):
    """A member without an authenticator app (their second factor is a passkey) confirms with their password."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).delete()


def test_the_signing_page_shows_the_project_and_every_clause(client, accredited):
    application, _, member = accredited
    client.force_login(member)
    html = client.get(sign_url(application)).content.decode()
    assert application.reference in html
    assert application.title in html
    for number, clause in enumerate(FIRST_TEXT_CLAUSES, start=1):
        assert f'id="id_clause_{number}"' in html
        assert clause.replace("'", "&#x27;") in html


def test_the_page_refuses_a_wrong_password_and_an_unticked_clause(client, accredited):
    application, _, member = accredited
    client.force_login(member)
    passkey_only(member)
    text = current_text()
    data = form_data(text, member, password="not-my-password")
    del data["clause_4"]
    response = client.post(sign_url(application), data, REMOTE_ADDR="198.51.100.4")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The password is not correct" in html
    assert "Confirm statement 4" in html
    assert declaration_of(application, member).signed_at is None


def test_the_page_signs_and_records_the_request(client, accredited):
    application, _, member = accredited
    client.force_login(member)
    passkey_only(member)
    response = client.post(
        sign_url(application), form_data(current_text(), member), REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Firefox"
    )
    assert response.status_code == 302
    declaration = declaration_of(application, member)
    assert declaration.signed_at
    assert declaration.ip_address == "198.51.100.4"
    assert declaration.user_agent == "Firefox"
    assert declaration.confirmed_with == "password"
    again = client.post(sign_url(application), form_data(current_text(), member))
    assert "You have signed" in again.content.decode()
    assert Declaration.objects.filter(member=member, signed_at__isnull=False).count() == 1


def test_other_people_cannot_reach_a_signing_page(client, accredited, people):
    application, _, _ = accredited
    client.force_login(people.outsider)
    assert client.get(sign_url(application)).status_code == 404
    client.force_login(people.ras)
    assert client.get(sign_url(application)).status_code == 404


def test_a_member_with_an_authenticator_confirms_with_a_code(client, accredited):
    # The code must stay valid for the whole test: a 30-second window boundary must not fall inside it.
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        _confirm_with_a_code(client, accredited)


def _confirm_with_a_code(client, accredited):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    application, _, member = accredited
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    client.force_login(member)
    html = client.get(sign_url(application)).content.decode()
    assert "Code from your authenticator app" in html
    assert 'name="password"' not in html
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    data = form_data(current_text(), member, code=code)
    del data["password"]
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    assert "The code is not correct" in client.post(sign_url(application), data | {"code": wrong}).content.decode()
    assert declaration_of(application, member).signed_at is None
    assert client.post(sign_url(application), data).status_code == 302
    assert declaration_of(application, member).confirmed_with == "totp"
