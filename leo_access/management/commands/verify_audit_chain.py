"""`manage.py verify_audit_chain`: check that no event or audit entry was changed, removed or reordered."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leo_access.chain_heads import loads, missing_heads
from leo_access.hash_chain import chained_logs, verify


class Command(BaseCommand):
    help = (
        "Check the hash chains of the event log and the audit log. Prints OK with the rows checked, or the first "
        "broken link (which log, which row) and exits 1. With --expect-heads, also checks that each log still "
        "holds the last row recorded by `audit_chain_heads` (so that no rows were cut from its end)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-heads",
            metavar="FILE",
            help="the JSON written by `manage.py audit_chain_heads` when the backup was made",
        )

    def handle(self, *args, **options):
        expected = None
        if options["expect_heads"]:
            path = Path(options["expect_heads"])
            try:
                expected = loads(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(f"{path} is not a file written by audit_chain_heads: {error}.") from error
        for model in chained_logs():
            verdict = verify(model)
            name = f"{model._meta.verbose_name} log ({verdict.log})"
            if not verdict.ok:
                raise CommandError(f"BROKEN: {name}: row id {verdict.broken_at}: {verdict.reason}.")
            self.stdout.write(f"OK: {name}: {verdict.rows} rows chained.")
        if expected is not None:
            problems = missing_heads(expected)
            if problems:
                raise CommandError("BROKEN: " + "; ".join(problems) + ".")
            self.stdout.write(f"OK: the last rows recorded in {path} are present and unchanged.")
