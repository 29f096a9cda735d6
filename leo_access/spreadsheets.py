"""Text written to CSV or XLSX for people to open in a spreadsheet."""

# A spreadsheet runs a cell beginning with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made inert."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
