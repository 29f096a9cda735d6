"""`manage.py verify_audit_chain`: check that no event or audit entry was changed, removed or reordered."""

from django.core.management.base import BaseCommand, CommandError

from leo_access.hash_chain import chained_logs, verify


class Command(BaseCommand):
    help = (
        "Check the hash chains of the event log and the audit log. Prints OK with the rows checked, or the first "
        "broken link (which log, which row) and exits 1."
    )

    def handle(self, *args, **options):
        for model in chained_logs():
            verdict = verify(model)
            name = f"{model._meta.verbose_name} log ({verdict.log})"
            if not verdict.ok:
                raise CommandError(f"BROKEN: {name}: row id {verdict.broken_at}: {verdict.reason}.")
            self.stdout.write(f"OK: {name}: {verdict.rows} rows chained.")
