"""Reading the years people write. Academic and tax years are identified by the calendar year they end in, which
is how the form's "Data request years required?" column counts them ("2002 to 2021" for 2001/02 to 2020/21)."""

import re

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*/\s*(\d{4}|\d{2}))?(?!\d)")
_RANGE_JOINERS = frozenset({"to", "-", "until", "through"})
_PAIR = re.compile(r"(?<!\d)(\d{2})[-_/](\d{2})(?!\d)")


def requested_years(text: str | None) -> set[int] | None:
    """End years named in free text such as "2002 to 2021", "2019/20" or "2015, 2016"; None when it names none
    ("all years", blank), which callers take to mean every year available."""
    if not text:
        return None
    matches = list(_YEAR.finditer(text))
    if not matches:
        return None
    years: set[int] = set()
    previous = None
    for match in matches:
        year = _end_year(match)
        if previous is not None:
            joiner = text[previous[0] : match.start()].strip().casefold()
            if joiner in _RANGE_JOINERS and previous[1] <= year and year - previous[1] < 100:
                years.update(range(previous[1], year + 1))
        years.add(year)
        previous = (match.end(), year)
    return years


def _end_year(match: re.Match) -> int:
    first = int(match.group(1))
    second = match.group(2)
    if second is None:
        return first
    if len(second) == 4:
        return int(second)
    # "2019/20": the century of the first year, rolling over at 99/00.
    end = first // 100 * 100 + int(second)
    return end + 100 if end < first else end


def coverage_from_name(name: str | None) -> set[int] | None:
    """The years a table covers, read from names such as "KS4_01-02_to_20-21" or "SEISS_20-21"."""
    if not name:
        return None
    ends = [_two_digit_year(int(second)) for _, second in _PAIR.findall(name)]
    if not ends:
        return None
    return set(range(min(ends), max(ends) + 1))


def _two_digit_year(value: int) -> int:
    # The form's data start in the 1990s.
    return 1900 + value if value >= 90 else 2000 + value
