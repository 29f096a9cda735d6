import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from demo import bulk, users
from demo.after_grant import ensure_demo_register, ensure_open_condition, ensure_suspended_member
from demo.amendments import ensure_demo_amendments
from demo.applications import ensure_demo_applications
from demo.closure import ensure_closed_project_outputs
from demo.forms import ensure_demo_catalogue


class Command(BaseCommand):
    help = (
        "Load the demo data: one user per role, the official v2.3 catalogue and a few applications at different "
        "stages. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--applications",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated applications spread over the states, with their events (for benchmarks).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        # Demo histories are generated, so nobody is e-mailed about them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            by_role, created_users = users.ensure_demo_users()
            catalogue = ensure_demo_catalogue()
            created_applications = ensure_demo_applications(by_role)
            ensure_open_condition(by_role)
            ensure_suspended_member(by_role)
            ensure_demo_register(by_role)
            ensure_closed_project_outputs(by_role)
            ensure_demo_amendments(by_role)
            generated = bulk.generate(options["applications"], by_role) if options["applications"] else 0
        self.stdout.write(f"Demo users: {len(users.DEMO_USERS)} ({created_users} new).")
        self.stdout.write("Demo catalogue: " + ("imported." if catalogue else "already present."))
        self.stdout.write(f"Demo applications: {created_applications} new.")
        if generated:
            self.stdout.write(f"Generated applications: {generated} in {time.monotonic() - started:.1f} s.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {users.DEMO_PASSWORD}):")
        for user in users.DEMO_USERS:
            self.stdout.write(f"  {user.email:<26} {user.role.label}")
        self.stdout.write(
            f"Everyone also enters an authenticator code: add the secret {users.DEMO_TOTP_SECRET} to an authenticator "
            "app, or run `manage.py demo_code` for the current code."
        )
