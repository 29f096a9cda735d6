"""The public register's project cards, written in Python: a page has twenty, each with ten rows, and the template
language takes several times as long to render the same markup (as the work queues' rows, `reviews.templatetags`)."""

from django import template
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe

register = template.Library()

CARD = (
    '<div class="govuk-summary-card" id="{}"><div class="govuk-summary-card__title-wrapper">'
    '<h2 class="govuk-summary-card__title">{}: {}</h2></div>'
    '<div class="govuk-summary-card__content"><dl class="govuk-summary-list">{}</dl></div></div>'
)
ROW = (
    '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
    '<dd class="govuk-summary-list__value">{}</dd></div>'
)
TABLES = (
    '<details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary">'
    '<span class="govuk-details__summary-text">{} table{}</span></summary>'
    '<div class="govuk-details__text"><ul class="govuk-list">{}</ul></div></details>'
)


def _items(values) -> str:
    return format_html_join("", "<li>{}</li>", ((value,) for value in values))


def _tables(tables) -> str:
    if not tables:
        return "None recorded"
    rows = format_html_join("", "<li>{}: {}</li>", ((t["dataset"], t["table"]) for t in tables))
    return format_html(TABLES, len(tables), "" if len(tables) == 1 else "s", rows)


OUTPUTS = (
    '<details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary">'
    '<span class="govuk-details__summary-text">{} output{}</span></summary>'
    '<div class="govuk-details__text"><ul class="govuk-list">{}</ul></div></details>'
)


def _outputs(outputs) -> str:
    rows = format_html_join(
        "",
        '<li><a class="govuk-link" href="{}" rel="noopener">{}</a> ({}, {}{})</li>',
        (
            (o["url"], o["title"], o["type"], _date(o["date"]), "" if o["output_checked"] else ", not output-checked")
            for o in outputs
        ),
    )
    return format_html(OUTPUTS, len(outputs), "" if len(outputs) == 1 else "s", rows)


def _date(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _card(project: dict) -> str:
    organisations = project["organisations"]
    researchers = project["researchers"]
    rows = [
        ("Status", project["status_label"]),
        # linebreaks escapes the text, then marks up its paragraphs.
        ("Lay summary", mark_safe(linebreaks(project["lay_summary"], autoescape=True))),  # noqa: S308
        ("Organisation" + ("s" if len(organisations) != 1 else ""), "; ".join(organisations)),
        ("Public benefit", format_html('<ul class="govuk-list">{}</ul>', _items(project["public_benefit_purposes"]))),
        ("Datasets", ", ".join(project["datasets"])),
        ("Tables approved", _tables(project["tables"])),
        ("Accredited", _date(project["accredited_on"])),
        ("Ends", _date(project["ends_on"]) or "Not set"),
        ("Researchers", "Not published" if researchers is None else "; ".join(researchers)),
    ]
    if project["outputs"]:
        rows.append(("Outputs", _outputs(project["outputs"])))
    body = format_html_join("", ROW, rows)
    return format_html(CARD, project["reference"], project["reference"], project["title"], body)


@register.simple_tag
def register_cards(projects):
    """A GOV.UK summary card for each row of `applications.register.selectors.register_entries`, every value
    escaped."""
    return mark_safe("\n".join(_card(project) for project in projects))  # noqa: S308 - each card is format_html
