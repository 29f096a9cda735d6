"""Charts as SVG, drawn by pygal from figures the selectors have already aggregated.

The pages show them with <img>, so their styles stay inside the image and the page's
Content-Security-Policy (no inline styles or scripts) holds; pygal's JavaScript is left out.
"""

import pygal
from pygal.style import Style

from . import selectors

# GOV.UK Frontend colours.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    opacity="1",
    opacity_hover="1",
    colors=("#1d70b8", "#00703c", "#d4351c", "#505a5f", "#f47738", "#4c2c92"),
    font_family="arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    value_font_size=12,
)
CONFIG = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": False,
    "width": 800,
    "height": 400,
    "print_values": False,
    "show_legend": True,
    "legend_at_bottom": True,
    "no_data_text": "No data for this period",
    # Labels in full: pygal otherwise cuts long stage names short with an ellipsis.
    "truncate_label": -1,
    "truncate_legend": -1,
}
MOST_TICKS = 10


def count_ticks(highest: int) -> list[int]:
    """Whole-number ticks from 0 past `highest`, at most MOST_TICKS + 1 of them: counts of applications come in
    whole numbers, and pygal's own ticks for small counts are fractions (0.2, 0.4, ...)."""
    step = 1
    while highest > step * MOST_TICKS:  # steps of 1, 2, 5, 10, 20, 50, ...
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    top = max(step, -(-highest // step) * step)
    return list(range(0, top + 1, step))


def funnel(rows) -> bytes:
    counts = [count for _, _, count in rows]
    chart = pygal.HorizontalBar(
        **CONFIG | {"show_legend": False, "print_values": True, "y_labels": count_ticks(max(counts, default=0))}
    )
    chart.title = "Applications submitted in the period, by the furthest stage reached"
    chart.x_labels = [label for _, label, _ in reversed(rows)]
    chart.add("Applications", [count for _, _, count in reversed(rows)])
    return chart.render()


def throughput(months) -> bytes:
    highest = max((row.counts[kind] for row in months for kind, _ in selectors.THROUGHPUT), default=0)
    chart = pygal.Bar(**CONFIG | {"x_label_rotation": 30, "y_labels": count_ticks(highest)})
    chart.title = "Applications per month"
    chart.x_labels = [row.month.strftime("%b %Y") for row in months]
    for kind, label in selectors.THROUGHPUT:
        chart.add(label, [row.counts[kind] for row in months])
    return chart.render()


def stage_days(times) -> bytes:
    # Stacked: the tallest bar is a stage's applications in every bucket together.
    highest = max((sum(time.buckets) for time in times), default=0)
    chart = pygal.StackedBar(**CONFIG | {"x_label_rotation": 20, "y_labels": count_ticks(highest)})
    chart.title = "Days per stage: how many applications took how long"
    chart.x_labels = [time.label for time in times]
    for index, label in enumerate(selectors.bucket_labels()):
        chart.add(label, [time.buckets[index] for time in times])
    return chart.render()
