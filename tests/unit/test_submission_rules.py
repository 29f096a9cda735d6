"""Every submission guard, judged by the pure rules."""

from dataclasses import replace
from datetime import date

import pytest

from applications.rules import MemberFacts, Section, SectionStatus, SubmissionFacts, submission_problems

TODAY = date(2026, 11, 24)
END = date(2028, 6, 30)


def member(email="lead@uni.example", **changes) -> MemberFacts:
    base = MemberFacts(
        email=email,
        name=email.split("@")[0],
        is_coordinator=False,
        accepted=True,
        organisation="University of Example",
        accreditation_type="full",
        accreditation_reference="DEA-1",
        valid_from=date(2024, 1, 1),
        valid_until=date(2029, 1, 1),
    )
    return replace(base, **changes)


def facts(**changes) -> SubmissionFacts:
    base = SubmissionFacts(
        section_statuses=dict.fromkeys(Section, SectionStatus.COMPLETED),
        members=[member(is_coordinator=True)],
        end_date=END,
        latest_form_status="passed",
        ethics_evidence=True,
        publication_committed=True,
    )
    return replace(base, **changes)


def codes(f: SubmissionFacts) -> list[str]:
    return [p.code for p in submission_problems(f, TODAY)]


def test_a_complete_application_has_no_problems():
    assert codes(facts()) == []


def test_each_incomplete_section_is_named():
    statuses = dict.fromkeys(Section, SectionStatus.COMPLETED) | {Section.ETHICS: SectionStatus.IN_PROGRESS}
    problems = submission_problems(facts(section_statuses=statuses), TODAY)
    assert [(p.code, p.section) for p in problems] == [("section_incomplete", Section.ETHICS)]
    assert "Ethics" in problems[0].message


@pytest.mark.parametrize("coordinators", [0, 2])
def test_exactly_one_coordinator(coordinators):
    members = [member(f"m{i}@uni.example", is_coordinator=i < coordinators) for i in range(3)]
    assert codes(facts(members=members)) == ["coordinator_count"]


def test_an_unaccepted_coordinator_does_not_count():
    members = [member(is_coordinator=True, accepted=False), member("other@uni.example")]
    assert "coordinator_count" in codes(facts(members=members))


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"accreditation_type": ""}, "no research accreditation"),
        ({"valid_until": None}, "no research accreditation"),
        ({"valid_until": date(2026, 11, 1)}, "expired on 1 November 2026"),
        ({"valid_until": date(2027, 1, 1)}, "before the project ends"),
        ({"valid_from": date(2027, 1, 1)}, "in the future"),
    ],
)
def test_accreditation_must_be_valid_until_the_project_end(changes, fragment):
    problems = submission_problems(facts(members=[member(is_coordinator=True, **changes)]), TODAY)
    assert [p.code for p in problems] == ["accreditation"]
    assert fragment in problems[0].message


def test_accreditation_ending_on_the_project_end_date_is_enough():
    assert codes(facts(members=[member(is_coordinator=True, valid_until=END)])) == []


def provisional_team(**supervisor_changes):
    supervisor = member("sup@uni.example", is_coordinator=True, **supervisor_changes)
    student = member("phd@uni.example", accreditation_type="provisional", supervisor_email="sup@uni.example")
    return [supervisor, student]


def test_a_provisional_researcher_with_a_fully_accredited_supervisor_on_the_team_passes():
    assert codes(facts(members=provisional_team())) == []


def test_a_provisional_researcher_needs_the_supervisor_on_the_team():
    student = member("phd@uni.example", accreditation_type="provisional", supervisor_email="away@uni.example")
    assert codes(facts(members=[member(is_coordinator=True), student])) == ["supervisor_missing"]


def test_the_supervisor_must_hold_full_accreditation():
    assert codes(facts(members=provisional_team(accreditation_type="provisional"))) == [
        "supervisor_missing",
        "supervisor_not_accredited",
    ]


def test_the_supervisor_must_be_accredited_through_the_project():
    team = provisional_team(valid_until=date(2027, 1, 1))
    assert codes(facts(members=team)) == ["accreditation", "supervisor_not_accredited"]


def test_the_supervisor_must_be_at_the_same_organisation():
    assert codes(facts(members=provisional_team(organisation="Another University"))) == [
        "supervisor_other_organisation"
    ]


@pytest.mark.parametrize(
    ("status", "fragment"),
    [(None, "Upload"), ("failed", "has errors"), ("pending", "Wait"), ("running", "Wait")],
)
def test_the_latest_variable_request_form_must_have_passed(status, fragment):
    problems = submission_problems(facts(latest_form_status=status), TODAY)
    assert [p.code for p in problems] == ["variable_request_form"]
    assert fragment in problems[0].message


def test_ethics_evidence_and_publication_are_required():
    assert codes(facts(ethics_evidence=False, publication_committed=False)) == ["ethics_evidence", "publication"]


def test_unanswered_invitations_block_submission():
    assert codes(facts(pending_invitations=2)) == ["invitations_pending"]
