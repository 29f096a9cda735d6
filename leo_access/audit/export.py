"""The audit log as CSV, streamed so that a long period never sits in memory."""

import csv
from datetime import UTC

HEADER = ["When (UTC)", "What", "Person", "Application", "Summary", "IP address"]
# A spreadsheet would run a cell beginning with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def as_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_rows(events):
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    columns = ("at", "kind", "actor_email", "application_reference", "summary", "ip_address")
    for at, kind, email, reference, summary, ip in events.values_list(*columns).iterator(chunk_size=2000):
        yield writer.writerow(
            [at.astimezone(UTC).isoformat(timespec="seconds"), kind]
            + [as_text(value) for value in (email, reference, summary, ip)]
        )
