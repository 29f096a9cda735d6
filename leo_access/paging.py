"""The page a list is asked for, read the same way by every list and queue.

`?page=` is whatever the address says: a word, a negative number or one with nineteen digits. Anything that is
not a whole number from 1 is the first page, and a number past MAX_PAGE is MAX_PAGE, which every list then treats
as a page past its end (its last page). No list hands an offset PostgreSQL cannot hold to a query.
"""

import re

from django.core.paginator import Page, Paginator

MAX_PAGE = 1_000_000
_WHOLE_NUMBER = re.compile(r"\d{1,20}")


def page_number(text) -> int:
    if not isinstance(text, str) or not _WHOLE_NUMBER.fullmatch(text.strip()):
        return 1
    return min(max(1, int(text.strip())), MAX_PAGE)


def requested_page(paginator: Paginator, request) -> Page:
    """The page of `paginator` the request's `?page=` asks for; the last page for one past the end."""
    return paginator.get_page(page_number(request.GET.get("page")))
