"""The public register page: anyone may read it, it shows what is published and nothing else."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from applications.models import VariableRequestForm
from applications.register import selectors
from applications.states import State
from leo_access.profile import update_profile
from leo_access.roles import Role
from reviews.services import add_internal_note
from tests.factories import ApplicationFactory, add_form, researcher, staff
from tests.lifecycle import People, accredit_at_meeting, advance

from .helpers import on_register, tables

pytestmark = pytest.mark.django_db
URL = reverse("register:index")


def test_anyone_reads_the_register_without_signing_in(client):
    project = on_register(title="Apprenticeships and earnings", lay_summary="What apprentices earn later.")

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert project.reference in page
    assert "Apprenticeships and earnings" in page
    assert "What apprentices earn later." in page
    assert "University of Example" in page
    assert "Provide an evidence base for public policy decisions" in page
    assert "NPD: KS4 01-02 to 20-21" in page
    assert "2 March 2026" in page
    assert "31 March 2029" in page
    assert "Live: access granted" in page


def test_only_accredited_live_and_closed_projects_are_listed_never_drafts_rejected_or_withdrawn(client):
    people = People.create()
    applications = {state: advance(ApplicationFactory(title=f"Study {state}"), state, people) for state in State}

    listed = {row["reference"] for row in selectors.register_entries()}

    public = {State.ACCREDITED, State.ACCESS_GRANTED, State.CLOSED}
    assert listed == {applications[state].reference for state in public}
    page = client.get(URL).content.decode()
    for state, application in applications.items():
        assert (application.reference in page) == (state in public), state
    assert {row["status"] for row in selectors.register_entries()} == public


def test_no_staff_notes_panel_conditions_or_email_addresses_are_published(client):
    member = researcher()
    project = on_register(members=[member], panel_conditions="Secret condition", register_names_consent=True)
    add_internal_note(application_id=project.pk, by=staff(Role.RAS_OFFICER), text="Internal: doubts")

    page = client.get(URL).content.decode()
    csv_body = b"".join(client.get(reverse("register:csv")).streaming_content).decode()
    json_body = b"".join(client.get(reverse("register:json")).streaming_content).decode()

    for body in (page, csv_body, json_body):
        assert "Secret condition" not in body
        assert "Internal: doubts" not in body
        assert member.email not in body
        assert member.full_name in body  # named, with consent


def test_researchers_are_named_only_where_the_coordinator_agreed(client):
    named_member, unnamed_member = researcher(), researcher()
    named = on_register(members=[named_member], register_names_consent=True)
    unnamed = on_register(members=[unnamed_member])

    rows = {row["reference"]: row for row in selectors.register_entries()}
    page = client.get(URL).content.decode()

    coordinator = named.team_members.get(role="coordinator").user
    assert rows[named.reference]["researchers"] == [coordinator.full_name, named_member.full_name]
    assert rows[unnamed.reference]["researchers"] is None
    assert named_member.full_name in page
    assert unnamed_member.full_name not in page
    assert unnamed.team_members.get(role="coordinator").user.full_name not in page


def test_organisations_are_every_members_once_coordinators_first(client):
    colleague = researcher(organisation="Institute of Fiscal Research")
    same = researcher(organisation="University of Example")
    project = on_register(members=[colleague, same])

    [row] = selectors.register_entries()

    assert row["reference"] == project.reference
    assert row["organisations"] == ["University of Example", "Institute of Fiscal Research"]


def test_tables_come_from_the_current_form_a_failed_newer_upload_replaces_nothing():
    project = on_register(form_tables=[("NPD", "KS4"), ("HMRC", "P14")])
    newer = add_form(project, status=VariableRequestForm.Validation.FAILED)
    VariableRequestForm.objects.filter(pk=newer.pk).update(result={"tables": tables(("DWP", "Benefits"))})

    [row] = selectors.register_entries()

    assert row["tables"] == [{"dataset": "NPD", "table": "KS4"}, {"dataset": "HMRC", "table": "P14"}]


def test_a_change_to_the_register_shows_at_once_despite_the_cache(client, django_capture_on_commit_callbacks):
    people = People.create()
    first = advance(ApplicationFactory(title="First accredited"), State.ACCESS_GRANTED, people)
    assert first.reference in client.get(URL).content.decode()
    waiting = advance(ApplicationFactory(title="Second accredited"), State.PANEL_REVIEW, people)
    assert waiting.reference not in client.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        accredit_at_meeting(waiting, people.panel)

    assert waiting.reference in client.get(URL).content.decode()

    coordinator = first.team_members.get(role="coordinator").user
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(user=coordinator, by=coordinator, values={"full_name": "A Person", "organisation": "New Place"})

    assert "New Place" in client.get(URL).content.decode()


def test_the_rendered_list_is_served_from_the_cache_until_the_register_changes(client, django_assert_num_queries):
    on_register()
    client.get(URL)

    with django_assert_num_queries(0):
        response = client.get(URL)

    assert response.status_code == 200


def test_the_page_and_footer_link_to_each_other(client):
    on_register()
    page = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
    register_page = client.get(URL).content.decode()
    assert 'type="application/atom+xml"' in register_page
    assert reverse("register:csv") in register_page
    assert reverse("register:json") in register_page


def test_a_year_with_accredited_projects_is_offered_and_filters(client):
    old = on_register(accredited=datetime(2024, 6, 1, tzinfo=UTC))
    new = on_register(accredited=datetime(2026, 6, 1, tzinfo=UTC))

    options = selectors.filter_options()
    page = client.get(URL, {"year": "2024"}).content.decode()

    assert options["years"] == [2026, 2025, 2024]
    assert old.reference in page
    assert new.reference not in page


def test_a_change_made_by_another_process_is_seen_once_the_version_is_read_again(client, settings):
    from django.core.cache import cache

    from applications.models import Application
    from applications.register.cache import VERSION_KEY

    project = on_register(title="Before")
    assert "Before" in client.get(URL).content.decode()
    Application.objects.filter(pk=project.pk).update(title="After")
    assert "Before" in client.get(URL).content.decode()  # served from the cache

    cache.set(VERSION_KEY, "bumped-by-another-process")

    assert "After" in client.get(URL).content.decode()


def test_what_applicants_wrote_is_escaped(client):
    on_register(
        title="<script>alert(1)</script>",
        lay_summary="<b>bold</b>\n\nSecond paragraph",
        organisation="<i>Org</i>",
    )

    page = client.get(URL).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<p>Second paragraph</p>" in page
    assert "&lt;i&gt;Org&lt;/i&gt;" in page
