"""A page request (GET) writes nothing to the database but its audit event: heavy or stateful work belongs to the
worker and to POSTs. Every address of the access table, as every staff role and a member."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leo_access.access import URL_ACCESS

from .test_access_matrix import POST_ONLY, signed_in_as, target, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

AUDIT_TABLE = "leo_access_auditevent"
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
# Following a notification's link is how a person reads it: recording that is what the request is for.
RECORDS_WHAT_IT_IS_FOR = {"notifications:open": '"notifications_message" SET "read_at"'}


def writes(captured) -> list[str]:
    found = []
    for query in captured:
        sql = query["sql"].lstrip()
        if sql.split(None, 1)[0].upper() in WRITES and not sql.startswith(f'INSERT INTO "{AUDIT_TABLE}"'):
            found.append(sql[:160])
    return found


@pytest.mark.parametrize("role", ["member", "ras", "dfe", "panel", "admin"])
def test_no_page_writes_but_its_audit_event(world, role):  # noqa: F811 - the fixture
    client = signed_in_as(role, world)
    client.get("/")  # the session's first use after sign-in
    written = {}
    for name in sorted(URL_ACCESS):
        if name in POST_ONLY:
            continue
        url, _ = target(name, world)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        found = writes(captured.captured_queries)
        expected = RECORDS_WHAT_IT_IS_FOR.get(name)
        found = [sql for sql in found if not (expected and expected in sql)]
        if found:
            written[f"{name} {url}"] = found
    assert written == {}
