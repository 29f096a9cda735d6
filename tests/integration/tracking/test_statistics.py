from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.tracking import selectors, services
from reviews.tracking.selectors import Period

pytestmark = pytest.mark.django_db

WHOLE_PERIOD = Period(date(2025, 12, 1), date(2026, 3, 31))


def by_stage(period=WHOLE_PERIOD):
    services.refresh_stage_times()
    return {row.stage: row for row in selectors.stage_times(period)}


def test_stage_times_match_the_hand_computed_history(history):
    times = by_stage()
    expected = {
        # stage: (finished, median, 90th percentile)
        # A 6, B 2, C 20, F 23 (rejected at intake) and G 13 (withdrawn); D and E have not finished.
        "ras_check": (5, 13.0, 21.8),
        "dfe": (2, 2.5, 2.9),
        "hmrc": (2, 6.0, 7.6),
        "dwp": (2, 14.5, 18.9),
        "department_review": (2, 14.5, 18.9),
        "panel_review": (2, 10.0, 10.0),
        "accredited": (2, 3.5, 4.7),
        "end_to_end": (2, 40.0, 44.8),
    }
    for stage, (count, median, p90) in expected.items():
        row = times[stage]
        assert (row.count, row.median, row.p90) == (count, median, p90), stage


def test_the_distribution_buckets_count_each_finished_stage_once(history):
    times = by_stage()
    # Intake took 2, 6, 13, 20 and 23 days.
    assert times["ras_check"].buckets == [2, 1, 2, 0, 0]
    # DWP took 9 and 20 days.
    assert times["dwp"].buckets == [0, 1, 1, 0, 0]
    # End to end 46 and 34 days.
    assert times["end_to_end"].buckets == [0, 0, 0, 2, 0]


def test_only_stages_finished_in_the_period_count(history):
    # Up to 10 January only G (3 January, 13 days) and B (9 January, 2 days) have finished intake.
    times = by_stage(Period(date(2026, 1, 1), date(2026, 1, 10)))
    assert (times["ras_check"].count, times["ras_check"].median) == (2, 7.5)
    assert times["panel_review"].count == 0
    assert times["panel_review"].median is None


def test_percentiles_agree_with_postgresql_percentile_cont(history):
    """The window-function percentiles (which also run on SQLite) equal PostgreSQL's own over the same times."""
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")
    services.refresh_stage_times()
    ours = {row.stage: (row.median, row.p90) for row in selectors.stage_times(WHOLE_PERIOD) if row.count}
    check = """
        SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
        FROM (
            SELECT stage, days, finished_at FROM reviews_stageduration
            UNION ALL
            SELECT 'end_to_end', EXTRACT(EPOCH FROM (access_granted_at - submitted_at)) / 86400.0, access_granted_at
            FROM applications_application WHERE submitted_at IS NOT NULL AND access_granted_at IS NOT NULL
        ) times
        WHERE finished_at >= %s AND finished_at < %s
        GROUP BY stage
    """
    with connection.cursor() as cursor:
        cursor.execute(check, [WHOLE_PERIOD.since, WHOLE_PERIOD.until])
        native = {stage: (round(median, 1), round(p90, 1)) for stage, median, p90 in cursor.fetchall()}
    assert ours == native
    assert len(native) == 8


def test_throughput_per_month(history):
    months = {row.month: row.counts for row in selectors.throughput(WHOLE_PERIOD)}
    assert list(months) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert months[date(2025, 12, 1)] == {"submitted": 1, "accredited": 0, "rejected": 0, "withdrawn": 0}
    assert months[date(2026, 1, 1)] == {"submitted": 6, "accredited": 0, "rejected": 0, "withdrawn": 1}
    # A accredited on day 41 (15 February), B on day 34 (8 February); F rejected on day 28 (2 February).
    assert months[date(2026, 2, 1)] == {"submitted": 0, "accredited": 2, "rejected": 1, "withdrawn": 0}
    assert months[date(2026, 3, 1)] == {"submitted": 0, "accredited": 0, "rejected": 0, "withdrawn": 0}


def test_funnel_counts_how_far_applications_submitted_in_the_period_got(history):
    assert [count for _, _, count in selectors.funnel(WHOLE_PERIOD)] == [7, 3, 2, 2, 2]
    # Only G was submitted in December.
    december = Period(date(2025, 12, 1), date(2025, 12, 31))
    assert [count for _, _, count in selectors.funnel(december)] == [1, 0, 0, 0, 0]


def test_state_and_department_counts(history):
    counts = {row.state: row.count for row in selectors.state_counts()}
    assert counts["access_granted"] == 2
    assert counts["ras_check"] == 2
    assert counts["department_review"] == 1
    assert counts["rejected"] == 1
    assert counts["withdrawn"] == 1
    assert "draft" not in counts  # staff never see a draft


def test_the_dashboard_figures_take_a_fixed_number_of_queries(history):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.state_counts()
            selectors.department_counts()
            selectors.overdue()
            services.refresh_stage_times()
            selectors.stage_times(WHOLE_PERIOD)
            selectors.throughput(WHOLE_PERIOD)
            selectors.funnel(WHOLE_PERIOD)
            selectors.register_flag_counts()
        return len(captured)

    before = queries()
    from tests.integration.tracking.conftest import _start

    for number in range(5):
        _start(f"Extra {number}", 1)
    assert queries() == before
