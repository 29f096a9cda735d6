"""A queue's table rows, written in Python: a page has 25 of them, and the template language takes several
times as long to render the same markup cell by cell (as Django's admin does for its change lists)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

STATUS = {
    "queried": format_html('<strong class="govuk-tag govuk-tag--orange">{}</strong>', "With applicant"),
    "overdue": format_html('<strong class="govuk-tag govuk-tag--red">{}</strong>', "Overdue"),
    "on_time": format_html('<strong class="govuk-tag govuk-tag--green">{}</strong>', "On time"),
}
ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}{}</td>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell">{}{}</td>'
    "</tr>"
)


def _status(row) -> str:
    if row.state == "queried":
        return STATUS["queried"]
    return STATUS["overdue"] if row.is_overdue else STATUS["on_time"]


def _small(text, before="") -> str:
    return format_html('<br><span class="govuk-body-s">{}{}</span>', before, text) if text else ""


@register.simple_tag
def queue_rows(rows):
    """The `<tr>` of each `reviews.selectors.QueueRow`, every value escaped."""
    return format_html_join(
        "\n",
        ROW,
        (
            (
                row.url,
                row.reference,
                row.title,
                row.coordinator_name,
                _small(row.coordinator_organisation),
                row.datasets_text or "None yet",
                row.days,
                _status(row),
                _small(row.assignee_name, "Assigned to "),
            )
            for row in rows
        ),
    )
