"""Data, purpose and extension amendments reach only the reviewers their changes need, and each approval makes
the next version of the project, which everything downstream reads."""

from datetime import timedelta

import pytest
from django.test import override_settings

from applications.amendments.decisions import decide_amendment, record_amendment_department_decision
from applications.amendments.routing import add_months
from applications.errors import GuardFailed, InvalidInput, NotPermitted
from applications.models import Amendment, AmendmentReview, Application, MemberAccess
from applications.selectors import current_form
from tests.factories import researcher

from .conftest import amend

pytestmark = pytest.mark.django_db


def reload(application):
    return Application.objects.get(pk=application.pk)


def pending(amendment):
    return dict(amendment.reviews.values_list("department", "decision"))


def test_an_added_hmrc_table_goes_to_hmrc_alone(live, people, builder):
    approved_form = current_form(live)

    amendment = amend(live, form_builder=builder.request("cjrs"))

    assert amendment.state == Amendment.State.UNDER_REVIEW
    assert amendment.stage == Amendment.Stage.DEPARTMENTS
    assert pending(amendment) == {"hmrc": AmendmentReview.Decision.PENDING}
    assert amendment.data_changes == {"hmrc": ["CJRS: table requested"]}
    assert amendment.data_diff["tables_added"] == ["CJRS"]
    # The project keeps running under its approved form meanwhile.
    assert current_form(reload(live)) == approved_form
    with pytest.raises(NotPermitted):
        record_amendment_department_decision(
            amendment_id=amendment.pk, by=people.dfe, department="dfe", decision="approved"
        )

    record_amendment_department_decision(
        amendment_id=amendment.pk, by=people.hmrc, department="hmrc", decision="approved"
    )

    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.APPROVED
    live = reload(live)
    assert current_form(live) != approved_form
    assert current_form(live).amendment == amendment
    version = live.versions.get(number=2)
    assert "CJRS added" in version.changes


def test_a_department_refusing_refuses_the_amendment(live, people, builder):
    amendment = amend(live, form_builder=builder.request("cjrs"))

    record_amendment_department_decision(
        amendment_id=amendment.pk, by=people.hmrc, department="hmrc", decision="rejected", reasons="Too broad."
    )

    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.REJECTED
    assert not live.versions.exists()


def test_removing_data_needs_no_review(live, builder):
    amendment = amend(live, form_builder=builder.answer("benefit", "No"))

    assert amendment.state == Amendment.State.APPROVED
    assert amendment.data_changes == {}
    assert not amendment.reviews.exists()
    assert current_form(reload(live)).amendment == amendment


def test_a_minor_purpose_change_is_approved_by_the_ras(live, people):
    amendment = amend(live, proposed={"title": "A clearer title", "dissemination_plan": "Also a policy briefing."})
    assert (amendment.state, amendment.stage) == (Amendment.State.UNDER_REVIEW, Amendment.Stage.RAS)

    with pytest.raises(InvalidInput):
        decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="approve")
    decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="approve", triage="minor")

    live = reload(live)
    assert live.title == "A clearer title"
    assert live.dissemination_plan == "Also a policy briefing."
    assert live.versions.get(number=2).changes == ["Title changed", "Outputs and dissemination plan changed"]
    assert live.versions.get(number=1).snapshot["title"] != "A clearer title"


@pytest.mark.parametrize(
    ("triage", "stage", "decider"), [("material", "panel", "panel"), ("delegated", "delegated", "delegated")]
)
def test_a_material_purpose_change_goes_to_the_panel_or_a_delegated_official(live, people, triage, stage, decider):
    amendment = amend(live, proposed={"public_benefit_statement": "A different public benefit."})

    decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="approve", triage=triage)

    amendment.refresh_from_db()
    assert (amendment.state, amendment.stage) == (Amendment.State.UNDER_REVIEW, stage)
    with pytest.raises(NotPermitted):
        decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="approve")
    decide_amendment(amendment_id=amendment.pk, by=getattr(people, decider), decision="approve")
    assert reload(live).public_benefit_statement == "A different public benefit."


def test_the_ras_can_ask_questions_and_the_coordinator_answers(live, people):
    from applications.amendments.services import answer_amendment_query
    from tests.factories import coordinator_of

    amendment = amend(live, proposed={"lay_summary": "New summary."})
    decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="query", reasons="Why the change?")
    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.QUERIED

    answer_amendment_query(amendment_id=amendment.pk, by=coordinator_of(live), answers="Because.")

    amendment.refresh_from_db()
    assert (amendment.state, amendment.stage) == (Amendment.State.UNDER_REVIEW, Amendment.Stage.RAS)


@override_settings(AMENDMENT_EXTENSION_LIMIT_MONTHS=6)
def test_an_extension_within_the_limit_is_decided_by_the_ras(live, people):
    new_end = add_months(live.end_date, 6)
    amendment = amend(live, new_end_date=new_end)
    assert amendment.stage == Amendment.Stage.RAS

    decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="approve")

    live = reload(live)
    assert live.end_date == new_end
    access = MemberAccess.objects.filter(application=live).values_list("valid_until", flat=True)
    assert set(access) == {new_end}


@override_settings(AMENDMENT_EXTENSION_LIMIT_MONTHS=6)
def test_an_extension_beyond_the_limit_goes_to_the_panel(live, people):
    new_end = add_months(live.end_date, 6) + timedelta(days=1)
    amendment = amend(live, new_end_date=new_end)

    assert amendment.stage == Amendment.Stage.PANEL
    with pytest.raises(NotPermitted):
        decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="approve")
    decide_amendment(amendment_id=amendment.pk, by=people.panel, decision="approve")
    assert reload(live).end_date == new_end


def test_an_extension_needs_every_members_accreditation_to_cover_it(live):
    profile = live.member.researcher_profile
    new_end = live.end_date + timedelta(days=200)
    profile.accreditation_valid_until = new_end - timedelta(days=1)
    profile.save()

    with pytest.raises(GuardFailed) as refused:
        amend(live, new_end_date=new_end)
    assert "before the project ends" in refused.value.problems[0].message


def test_the_project_page_shows_each_version_and_what_changed(client, live, people, builder):
    newcomer = researcher()
    amend(live, add_email=newcomer.email)
    amendment = amend(live, form_builder=builder.request("cjrs"))
    record_amendment_department_decision(
        amendment_id=amendment.pk, by=people.hmrc, department="hmrc", decision="approved"
    )

    client.force_login(live.created_by)
    page = client.get(f"/applications/{live.pk}/").content.decode()

    for number in (1, 2, 3):
        assert f"Version {number}" in page
    assert f"{newcomer.email} joined the team" in page
    assert "CJRS added" in page
