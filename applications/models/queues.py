"""Which queue holds an application, and the multi-value columns queues filter on."""

from django.db import models

from ..states import State


def queue_stage():
    """The stage whose queue holds an application: its state, or the stage that queried it while it is queried.

    Indexed (see `Application.Meta`); queries must use this same expression for the index to serve them.
    """
    return models.Case(
        models.When(state=State.QUERIED, then=models.F("queried_from")),
        default=models.F("state"),
        output_field=models.CharField(),
    )


# The orders a queue is sorted in (each also backwards), with the columns its rows show.
QUEUE_ORDERS = {
    "order": ("stage_entered_at", "id", "state", "queried_from", "reference", "title"),
    "title": ("title", "id", "state", "queried_from", "stage_entered_at", "reference"),
    "reference": ("reference", "id", "state", "queried_from", "stage_entered_at", "title"),
}


def department_queue(department) -> models.Q:
    """At department review, or queried from it, with this department still to decide.

    Both a partial index's condition and the queue's filter: PostgreSQL uses the index only for a query that
    has the condition written the same way.
    """
    return models.Q(awaiting_departments__contains=joined([department])) & (
        models.Q(state=State.DEPARTMENT_REVIEW) | models.Q(state=State.QUERIED, queried_from=State.DEPARTMENT_REVIEW)
    )


def joined(values) -> str:
    """Names kept in one column, each between bars (`|HESA|NPD|`), so `contains="|NPD|"` finds one exactly."""
    names = sorted({str(value).replace("|", "/") for value in values})
    return f"|{'|'.join(names)}|" if names else ""


def split(value: str) -> list[str]:
    return [name for name in (value or "").split("|") if name]
