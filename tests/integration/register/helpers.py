"""Projects put on the public register directly, for tests of what it shows and how it filters.

The tests of which states are on the register move applications through the real services instead
(`tests.lifecycle.advance`); these helpers set the accredited state and dates on a factory application so that
filters and downloads can be checked over many projects quickly.
"""

from datetime import UTC, date, datetime

from applications.models import Application, VariableRequestForm, joined
from applications.states import State
from tests.factories import ApplicationFactory, add_member, researcher


def tables(*pairs) -> list[dict]:
    return [
        {"dataset": dataset, "table": table, "requested": "yes", "justification": "Needed."} for dataset, table in pairs
    ]


def on_register(
    *,
    state=State.ACCESS_GRANTED,
    accredited=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    ends_on=date(2029, 3, 31),
    datasets=("NPD",),
    form_tables=(("NPD", "KS4 01-02 to 20-21"),),
    organisation="University of Example",
    members=(),
    **fields,
) -> Application:
    """An accredited application (co-ordinator at `organisation`, plus `members`), as the services leave it."""
    coordinator = researcher(organisation=organisation)
    application = ApplicationFactory(created_by=coordinator, **fields)
    for member in members:
        add_member(application, member)
    VariableRequestForm.objects.filter(application=application).update(
        result={"form_version": "2.3", "tables": tables(*form_tables), "variables": []}
    )
    Application.objects.filter(pk=application.pk).update(
        state=state,
        submitted_at=accredited,
        accredited_at=accredited,
        decided_at=accredited,
        accreditation_ends_on=ends_on,
        end_date=ends_on,
        requested_datasets=joined(datasets),
    )
    return Application.objects.get(pk=application.pk)
