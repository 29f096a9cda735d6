"""`manage.py audit_chain_heads`: print each chained log's last row id and hash, to keep with a backup."""

from django.core.management.base import BaseCommand

from leo_access.chain_heads import dumps, heads


class Command(BaseCommand):
    help = (
        "Print, as JSON, the last row id and row_hash of the event log and the audit log. Run it just before "
        "pg_dump and keep the output beside the dump; `verify_audit_chain --expect-heads FILE` checks a restored "
        "database against it."
    )

    def handle(self, *args, **options):
        self.stdout.write(dumps(heads()))
