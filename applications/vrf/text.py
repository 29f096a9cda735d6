"""Normalising the untidy text found in real forms so that headers, sheet names and answers compare reliably."""

import datetime
import functools
import re

# Researchers type into Word-like editors and paste from them, so quotes arrive curly and spaces non-breaking.
_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
    }
)
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def cell_text(value) -> str:
    """The text a person sees in a cell, whatever type calamine returned (4.0 shows as 4)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def tidy(value) -> str:
    """Cell text with whitespace collapsed and curly quotes straightened, case kept: for showing back to people."""
    return " ".join(cell_text(value).translate(_TRANSLATION).split())


def normalise(value) -> str:
    """Case-folded tidy text: for comparing free text such as answers and sheet names."""
    return tidy(value).casefold()


@functools.lru_cache(maxsize=4096)
def header_key(value) -> str:
    """Only the letters and digits of a header, so "NPD Alias", "NPDAlias" and "npd\\nalias " are the same column.
    Cached because the same few header texts recur on every sheet."""
    return _NOT_ALPHANUMERIC.sub("", normalise(value))


def first_line(value) -> str:
    """Alias cells sometimes carry former names on later lines; the first non-blank line is the alias itself."""
    for line in cell_text(value).splitlines():
        line = line.strip()
        if line:
            return tidy(line)
    return ""


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """A1-style reference from 0-based row and column indexes."""
    return f"{column_letter(column)}{row + 1}"


def alias_key(value) -> str:
    """How two spellings of one variable alias are compared: first line, case and spaces ignored."""
    return "".join(first_line(value).casefold().split())
