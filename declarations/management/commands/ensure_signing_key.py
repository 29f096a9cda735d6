from django.core.management.base import BaseCommand

from declarations.signing_keys import ensure_signing_pair, service_certificate_fingerprint


class Command(BaseCommand):
    help = (
        "Make sure the key and certificate that seal signed declaration PDFs exist. Without configured paths, "
        "generates a self-signed development pair once; with them, only checks the files are there."
    )

    def handle(self, *args, **options):
        paths, created = ensure_signing_pair()
        state = "generated a development key and self-signed certificate" if created else "found"
        self.stdout.write(f"Declaration signing: {state} ({paths.certificate}).")
        self.stdout.write(f"Certificate SHA-256: {service_certificate_fingerprint()}")
