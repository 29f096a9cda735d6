"""Pairing the rows of the Data Tables summary with the table sheets.

Real forms name the same table differently in the two places ("Benefit Spells table" against the sheet
"Benefit_99-00_to_20-21", "Self -assessment table" against "SA_13-14_to_20-21" titled "LEO Self-assessment Table"),
so pairs are scored on shared words of the sheet name, its title and the LEO "Table Name" column, with the
two-digit years as a tie-breaker, and assigned best first. Position only breaks exact ties.
"""

import functools
import re

from .form import SummaryRow, TableSheet
from .text import header_key, normalise

_SPLIT = re.compile(r"[^0-9a-z]+")
_STOP_WORDS = frozenset({"table", "tables", "the", "and", "of", "to", "a", "leo", "link", "resolved", "spells", "data"})
_NAME_WEIGHT = 3.0
_CONTEXT_WEIGHT = 1.0
_YEAR_WEIGHT = 0.5
_EXACT_BONUS = 100.0


@functools.lru_cache(maxsize=2048)
def words(text: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """Name words (crudely singularised, so "Benefits" meets "Benefit") and two-digit year tokens of a name.
    Cached: every upload of the form repeats the same table and sheet names."""
    names: set[str] = set()
    years: set[str] = set()
    for token in _tokens(text):
        if token.isdigit():
            years.add(token[-2:])
        elif token not in _STOP_WORDS:
            names.add(token[:-1] if len(token) > 3 and token.endswith("s") else token)
    return frozenset(names), frozenset(years)


@functools.lru_cache(maxsize=2048)
def kind_words(text: str | None) -> frozenset[str]:
    """Every word of a name as written and singularised, for asking whether a table is "cjrs", "ks4", "benefit"..."""
    found = set()
    for token in _tokens(text):
        if not token.isdigit():
            found.add(token)
            if len(token) > 3 and token.endswith("s"):
                found.add(token[:-1])
    return frozenset(found)


def _tokens(text: str | None) -> list[str]:
    return [token for token in _SPLIT.split(normalise(text or "").replace("&", " and ")) if token]


def match_tables(rows: list[SummaryRow], sheets: list[TableSheet]) -> dict[int, TableSheet]:
    """Summary row index -> its table sheet; rows with no convincing sheet are left out."""
    sheet_words = []
    for sheet in sheets:
        name_words, name_years = words(sheet.name)
        context = set()
        for text in [sheet.title, *sorted(set(sheet.table_names))]:
            context |= words(text)[0]
        sheet_words.append((header_key(sheet.name), name_words, context - name_words, name_years))
    candidates = []
    for row_index, row in enumerate(rows):
        row_key = header_key(row.table)
        row_names, row_years = words(row.table)
        for sheet_index, (sheet_key, name_words, context, sheet_years) in enumerate(sheet_words):
            shared_names = len(row_names & name_words)
            shared_context = len(row_names & context)
            if not shared_names and not shared_context and row_key != sheet_key:
                continue
            score = (
                _NAME_WEIGHT * shared_names
                + _CONTEXT_WEIGHT * shared_context
                + _YEAR_WEIGHT * len(row_years & sheet_years)
                + (_EXACT_BONUS if row_key == sheet_key else 0.0)
            )
            candidates.append((-score, abs(row_index - sheet_index), row_index, sheet_index))
    candidates.sort()
    matched: dict[int, TableSheet] = {}
    used_sheets: set[int] = set()
    for _, _, row_index, sheet_index in candidates:
        if row_index in matched or sheet_index in used_sheets:
            continue
        matched[row_index] = sheets[sheet_index]
        used_sheets.add(sheet_index)
    return matched
