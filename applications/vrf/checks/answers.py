"""The answers on the Data Tables summary and the ticks on the table sheets, and whether they agree."""

from ..findings import finding
from ..form import DEFAULT_ONLY, NO, UNCLEAR, YES
from ..tables import LINKING, NPD
from .context import Context

# The form asks for "at least a short paragraph" per requested table; fewer words than this cannot be one.
MIN_JUSTIFICATION_WORDS = 10


def check_answers(context: Context):
    summary = context.form.summary
    anything = context.anything_requested
    missing_column_reported = False
    for table in context.tables:
        row = table.row
        if row is None:
            continue
        yield from _check_table_answer(context, table, anything)
        if not table.is_requested or table.family == LINKING:
            continue
        if not summary.has_justification_column:
            if not missing_column_reported:
                missing_column_reported = True
                yield finding(
                    "missing_justification",
                    "The Data Tables sheet has no Justification column, so no table is justified. Use a fresh copy "
                    "of the form and justify each table you request.",
                    sheet=summary.sheet,
                )
        elif not row.justification:
            yield finding(
                "missing_justification",
                f"'{table.name}' is requested but has no justification. Explain, in at least a short paragraph, how "
                "this table and its variables help answer your research questions.",
                sheet=summary.sheet,
                cell=row.justification_cell,
            )
        elif len(row.justification.split()) < MIN_JUSTIFICATION_WORDS:
            yield finding(
                "short_justification",
                f"The justification for '{table.name}' is only {len(row.justification.split())} word(s). Reviewers "
                "expect at least a short paragraph on how the table and its variables help answer your research "
                "questions.",
                sheet=summary.sheet,
                cell=row.justification_cell,
            )
    for table in context.tables:
        if table.sheet is not None:
            yield from _check_sheet_agrees(context, table)


def _check_table_answer(context: Context, table, anything_requested: bool):
    row = table.row
    sheet = context.summary_sheet
    if row.answer_text and row.requested is None:
        choices = _choices(table)
        yield finding(
            "invalid_table_answer",
            f"'{row.answer_text}' is not an answer to 'Is this table required?' for '{table.name}'. Choose "
            f"{choices} from the list.",
            sheet=sheet,
            cell=row.answer_cell,
        )
    elif row.requested == DEFAULT_ONLY and table.family != NPD:
        yield finding(
            "invalid_table_answer",
            f"'Default Variables only' applies to NPD tables only, but '{table.name}' is not one. Choose "
            f"{_choices(table)}.",
            sheet=sheet,
            cell=row.answer_cell,
        )
    elif row.requested == NO and table.family == LINKING:
        yield finding(
            "invalid_table_answer",
            f"'{table.name}' is a linking table: linking tables are always included, so the answer must be Yes.",
            sheet=sheet,
            cell=row.answer_cell,
        )
    elif row.requested is None and table.family != LINKING and anything_requested:
        yield finding(
            "table_answer_blank",
            f"'Is this table required?' is blank for '{table.name}', so it is treated as not requested. Choose "
            f"{_choices(table)}.",
            sheet=sheet,
            cell=row.answer_cell,
        )


def _choices(table) -> str:
    if table.family == NPD:
        return "Yes, No or Default Variables only"
    if table.family == LINKING:
        return "Yes"
    return "Yes or No"


def _check_sheet_agrees(context: Context, table):
    sheet = table.sheet
    ticked = sheet.ticked()
    row = table.row
    if row is not None and ticked and row.requested in (NO, None):
        if row.requested == NO:
            state = "'No'"
        elif row.answer_text:
            state = f"'{row.answer_text}', which is not a valid answer,"
        else:
            state = "not answered"
        yield finding(
            "ticked_but_table_not_requested",
            f"{len(ticked)} data item(s) are ticked Yes on this sheet (first at {ticked[0].answer_cell}) but "
            f"'Is this table required?' for '{table.name}' is {state} in Data Tables ({row.answer_cell}). Set it "
            "to Yes, or change the items to No.",
            sheet=sheet.name,
            cell=ticked[0].answer_cell,
        )
    elif row is not None and ticked and row.requested == DEFAULT_ONLY:
        yield finding(
            "ticked_but_default_only",
            f"{len(ticked)} 'by request' data item(s) are ticked Yes on this sheet (first at "
            f"{ticked[0].answer_cell}) but '{table.name}' is 'Default Variables only' in Data Tables "
            f"({row.answer_cell}). Choose Yes to receive them, or change the items to No.",
            sheet=sheet.name,
            cell=ticked[0].answer_cell,
        )
    elif row is not None and not ticked and row.requested == YES and sheet.has_answer_column:
        hint = (
            " If you need only the default data items, choose 'Default Variables only'." if table.family == NPD else ""
        )
        yield finding(
            "requested_but_nothing_ticked",
            f"'{table.name}' is Yes in Data Tables but no data items are ticked on sheet '{sheet.name.strip()}'. "
            f"Tick Yes against each data item you need.{hint}",
            sheet=context.summary_sheet,
            cell=row.answer_cell,
        )
    for item in sheet.items:
        if item.answer == UNCLEAR:
            yield finding(
                "unclear_item_answer",
                f"'{item.answer_text}' against {item.alias} is neither Yes nor No, so the item is treated as not "
                "requested. Choose Yes or No from the list.",
                sheet=sheet.name,
                cell=item.answer_cell,
            )
        elif item.answer == YES and sheet.has_years_column and not item.years:
            yield finding(
                "item_years_missing",
                f"{item.alias} is ticked but no years are given. Say which years you need (for example "
                "'2010 to 2021'); otherwise reviewers will assume every year available.",
                sheet=sheet.name,
                cell=item.years_cell,
            )
        elif item.answer != YES and item.years and item.answer_column is not None:
            yield finding(
                "years_without_item",
                f"Years ('{item.years}') are given for {item.alias} but it is not ticked Yes, so it is not "
                "requested. Tick Yes if you need it, or clear the years.",
                sheet=sheet.name,
                cell=item.answer_cell,
            )
