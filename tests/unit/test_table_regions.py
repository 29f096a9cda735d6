"""Every GOV.UK table sits in a scrolling region (`app-table-scroll`), so that a wide one scrolls on its own on a
phone rather than widening the page, and the region is named so that screen-reader users know what scrolls."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# allauth's table element, which none of the service's pages render (each writes its table out).
UNUSED = {"allauth/elements/table.html"}
REGION = re.compile(r'<div class="app-table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*$')


def unwrapped_tables() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        if name in UNUSED:
            continue
        previous = ""
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if '<table class="govuk-table' in line and not REGION.search(previous):
                found.append(f"{name}:{number}")
            if line.strip():
                previous = line
    return found


def test_every_table_is_in_a_named_scrolling_region():
    assert unwrapped_tables() == []
