"""Rules about the request as a whole (the form's Overview sheet): it must ask for something, it must include LEO
outcome data, and it must not ask for everything."""

from ..findings import finding
from ..form import YES
from ..tables import OUTCOME
from .context import Context


def check_request(context: Context):
    sheet = context.summary_sheet
    tables = context.answerable_tables
    if not context.anything_requested:
        yield finding(
            "nothing_requested",
            "No table is requested: every 'Is this table required?' answer in Data Tables is No or blank. Choose "
            "Yes for each table you need and tick its data items.",
            sheet=sheet,
        )
        return
    if not any(table.family == OUTCOME and table.requested == YES for table in tables):
        yield finding(
            "no_leo_outcome_table",
            "No LEO outcome table (HMRC or DWP data such as Employment, Earnings or Benefit spells) is requested. "
            "Every LEO request must include outcome data; the form is not a route to education data alone.",
            sheet=sheet,
        )
    if tables and all(table.requested == YES for table in tables):
        choosable = [table.sheet for table in tables if table.sheet is not None and table.sheet.has_answer_column]
        if all(len(item_sheet.ticked()) >= item_sheet.by_request_count for item_sheet in choosable):
            yield finding(
                "disproportionate_request",
                "Every table and every data item is requested. Requests for all the variables of all the tables "
                "are refused as disproportionate: ask only for what your research questions need.",
                sheet=sheet,
            )
            return
    if tables and all(table.is_requested for table in tables):
        yield finding(
            "all_tables_requested",
            "Every table is requested. Reviewers will check that each one is needed for your research questions, "
            "so make sure each justification says why.",
            sheet=sheet,
        )
