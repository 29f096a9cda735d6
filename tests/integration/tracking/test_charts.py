"""The dashboard's charts count applications, so their value axis shows whole numbers only, and each label is
shown in full rather than cut short."""

import re
from datetime import date

import pytest

from reviews.tracking import charts
from reviews.tracking.selectors.statistics import FUNNEL, STAGE_TIMES, THROUGHPUT, MonthRow, StageTime


def texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


@pytest.mark.parametrize(
    "svg",
    [
        pytest.param(
            lambda: charts.funnel([(state, label, count) for (state, label), count in zip(FUNNEL, [3, 2, 2, 1, 1])]),
            id="funnel",
        ),
        pytest.param(
            lambda: charts.throughput(
                [MonthRow(date(2026, m, 1), {kind: m % 3 for kind, _ in THROUGHPUT}) for m in range(1, 13)]
            ),
            id="throughput",
        ),
        pytest.param(
            lambda: charts.stage_days(
                [StageTime(key, label, buckets=[1, 0, 0, 1, 0]) for key, label in STAGE_TIMES.items()]
            ),
            id="stage-days",
        ),
    ],
)
def test_counts_have_whole_number_ticks_and_labels_in_full(svg):
    drawn = svg()
    labels = texts(drawn)
    numbers = [text for text in labels if re.fullmatch(r"[\d.,]+", text)]
    assert numbers, "no ticks drawn"
    assert all(re.fullmatch(r"\d+", number) for number in numbers), numbers
    assert not any("…" in text for text in labels), labels
    expected = [label for _, label in FUNNEL] + list(STAGE_TIMES.values()) + [label for _, label in THROUGHPUT]
    shown = [label for label in expected if label in labels]
    assert shown, "no category labels drawn"


@pytest.mark.parametrize(
    ("highest", "expected"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (10, list(range(11))),
        (11, [0, 2, 4, 6, 8, 10, 12]),
        (23, [0, 5, 10, 15, 20, 25]),
        (101, [0, 20, 40, 60, 80, 100, 120]),
        (999, list(range(0, 1001, 100))),
    ],
)
def test_count_ticks_are_few_round_whole_numbers(highest, expected):
    assert charts.count_ticks(highest) == expected
