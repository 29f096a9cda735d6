"""Who reviews an amendment, and in what order: the one home of the amendment's routing rules.

An amendment is reviewed by everyone any of its changes needs, one stage after another:

- **departments**: each department whose data the new form asks more of (`rereview.departments_with_more_data`);
  removing data needs no review;
- **the RAS**: a changed purpose or outputs plan, which the RAS triages as minor (the RAS approves it) or material
  (the panel, or an official with delegated authority, decides); an extension of up to
  `AMENDMENT_EXTENSION_LIMIT_MONTHS`;
- **the panel**: an extension beyond that limit, or a purpose change triaged as material;
- **a delegated official**: a purpose change the RAS sends by the delegated route.

Team changes are checked by the rules of submission (accreditation, supervision) rather than by a person: a new
member signs the Individual Declaration before their access starts, and a removed member's access ends at once.
"""

from datetime import date

from django.conf import settings

from ..models import Amendment

Stage = Amendment.Stage
ORDER = [Stage.DEPARTMENTS, Stage.RAS, Stage.PANEL, Stage.DELEGATED]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 January + 1 month)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def extension_limit(current_end: date) -> date:
    """The furthest end date the RAS may approve; beyond it the panel decides."""
    return add_months(current_end, settings.AMENDMENT_EXTENSION_LIMIT_MONTHS)


def extension_needs_panel(amendment: Amendment, current_end: date | None) -> bool:
    if not amendment.new_end_date:
        return False
    return current_end is None or amendment.new_end_date > extension_limit(current_end)


def stages_needed(amendment: Amendment, current_end: date | None) -> set[str]:
    stages = set()
    if amendment.data_changes:
        stages.add(Stage.DEPARTMENTS)
    beyond_limit = extension_needs_panel(amendment, current_end)
    if amendment.proposed or (amendment.new_end_date and not beyond_limit):
        stages.add(Stage.RAS)
    if beyond_limit:
        stages.add(Stage.PANEL)
    if amendment.triage == Amendment.Triage.MATERIAL:
        stages.add(Stage.PANEL)
    if amendment.triage == Amendment.Triage.DELEGATED and not extension_needs_panel(amendment, current_end):
        stages.add(Stage.DELEGATED)
    return stages


def next_stage(amendment: Amendment, current_end: date | None, *, after: str | None = None) -> str | None:
    """The stage after `after` (or the first) that the amendment needs; None when it may be approved."""
    needed = stages_needed(amendment, current_end)
    start = ORDER.index(after) + 1 if after else 0
    return next((stage for stage in ORDER[start:] if stage in needed), None)
