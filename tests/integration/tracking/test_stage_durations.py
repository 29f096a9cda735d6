"""The stored stage times: marked stale by each event in its own transaction, and worked out again from the log.

Each test compares the stored rows with the same figures worked out afresh from the whole event log, so
a change the marks miss, a rolled-back change that leaves a mark, or a refresh that counts twice fails.
"""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from applications.models import Application, ApplicationEvent
from applications.states import State
from reviews.tracking import selectors, services
from reviews.tracking.models import StageDuration, StageDurationStale
from reviews.tracking.selectors import Period
from tests.integration.tracking.conftest import _decide, _finish, _move, _start, day
from tests.lifecycle import People, advance, application_with_member, approve

pytestmark = pytest.mark.django_db

WHOLE_PERIOD = Period(date(2025, 12, 1), date(2026, 3, 31))


def stored() -> list[tuple]:
    rows = StageDuration.objects.values_list("application_id", "stage", "days", "finished_at")
    return sorted((str(a), stage, round(days, 6), at) for a, stage, days, at in rows)


def replayed() -> list[tuple]:
    """The stage times of every application, from the whole event log, ignoring what is stored."""
    applications = Application._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {selectors.durations_sql(f'SELECT id FROM {applications}')} "
            "SELECT application_id, stage, days, finished_at FROM durations"
        )
        rows = cursor.fetchall()
    return sorted((str(a), stage, round(float(days), 6), at) for a, stage, days, at in rows)


def test_the_stored_times_are_those_of_the_whole_event_log(history):
    assert StageDurationStale.objects.exists()
    services.refresh_stage_times()
    assert not StageDurationStale.objects.exists()
    assert stored() == replayed()
    # Intake finished for A (6 days), B (2), C (20), F (23) and G (13).
    intake = sorted(days for _, stage, days, _ in stored() if stage == "ras_check")
    assert intake == [2.0, 6.0, 13.0, 20.0, 23.0]


def test_a_new_event_is_counted_at_the_next_refresh(history):
    services.refresh_stage_times()
    before = {row.stage: row.count for row in selectors.stage_times(WHOLE_PERIOD)}
    c = history.applications["C"]
    c._now = State.DEPARTMENT_REVIEW
    _decide(c, "dfe", day(25))
    _decide(c, "hmrc", day(26))
    _decide(c, "dwp", day(27))
    _move(c, "department_review_completed", day(27), State.PANEL_REVIEW)
    services.refresh_stage_times()
    after = {row.stage: row.count for row in selectors.stage_times(WHOLE_PERIOD)}
    for stage in ("dfe", "hmrc", "dwp", "department_review"):
        assert after[stage] == before[stage] + 1, stage
    assert after["ras_check"] == before["ras_check"]
    assert stored() == replayed()


def test_an_event_that_does_not_change_stage_times_marks_nothing(history):
    services.refresh_stage_times()
    d = history.applications["D"]
    ApplicationEvent.objects.create(
        application=d, kind="note_added", actor_role="test", from_state="ras_check", to_state="ras_check", at=day(4)
    )
    assert not StageDurationStale.objects.exists()


def test_a_rolled_back_change_leaves_neither_a_mark_nor_a_time(history):
    services.refresh_stage_times()
    before = stored()
    d = history.applications["D"]
    d._now = State.RAS_CHECK

    def failing_change():
        with transaction.atomic():
            _move(d, "intake_passed", day(8), State.DEPARTMENT_REVIEW)
            raise RuntimeError("the change fails after its event")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not StageDurationStale.objects.exists()
    services.refresh_stage_times()
    assert stored() == before


def test_refreshing_again_or_marking_twice_counts_nothing_twice(history):
    services.refresh_stage_times()
    first = stored()
    for application in history.applications.values():
        StageDurationStale.objects.create(application=application)
        StageDurationStale.objects.create(application=application)
    services.refresh_stage_times()
    services.refresh_stage_times()
    assert stored() == first == replayed()


def test_changes_made_through_the_services_are_counted():
    people = People.create()
    application, _ = application_with_member()
    application = advance(application, State.DEPARTMENT_REVIEW, people)
    services.refresh_stage_times()
    approve(application, people, "dfe", "hmrc", "dwp")
    assert Application.objects.get(pk=application.pk).state == State.PANEL_REVIEW
    assert StageDurationStale.objects.filter(application=application).exists()
    services.refresh_stage_times()
    stages = {stage for a, stage, _, _ in stored() if a == str(application.pk)}
    assert {"dfe", "hmrc", "dwp", "department_review"} <= stages
    assert stored() == replayed()


def test_generated_applications_are_marked_for_their_stage_times():
    call_command("seed_demo", applications=40, verbosity=0)
    assert StageDurationStale.objects.exists()
    services.refresh_stage_times()
    assert stored() == replayed()
    assert StageDuration.objects.exists()


def test_time_with_a_delegated_official_is_its_own_stage():
    application = _start("Delegated study", 0)
    _move(application, "intake_passed", day(2), State.DEPARTMENT_REVIEW)
    _move(application, "accreditation_routed", day(9), State.DELEGATED_REVIEW)
    _move(application, "accredited", day(13), State.ACCREDITED)
    _finish(application, State.ACCREDITED, day(13), submitted_at=day(0))
    services.refresh_stage_times()
    assert stored() == replayed()
    times = {stage: days for _, stage, days, _ in stored()}
    assert times["delegated_review"] == 4.0
    assert times["department_review"] == 7.0
    rows = {row.stage: row for row in selectors.stage_times(WHOLE_PERIOD)}
    assert rows["delegated_review"].count == 1
