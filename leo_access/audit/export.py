"""The audit log as CSV, streamed so that a long period never sits in memory."""

import csv
from datetime import UTC

from ..spreadsheets import neutralise

HEADER = ["When (UTC)", "What", "Person", "Application", "Summary", "IP address"]


class _Echo:
    def write(self, value):
        return value


def as_text(value) -> str:
    return neutralise("" if value is None else str(value))


def csv_rows(events):
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    columns = ("at", "kind", "actor_email", "application_reference", "summary", "ip_address")
    for at, kind, email, reference, summary, ip in events.values_list(*columns).iterator(chunk_size=2000):
        yield writer.writerow(
            [at.astimezone(UTC).isoformat(timespec="seconds"), kind]
            + [as_text(value) for value in (email, reference, summary, ip)]
        )
