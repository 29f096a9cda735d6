from django.core.management.base import BaseCommand

from leo_access import demo


class Command(BaseCommand):
    help = "Load the demo data (one user per role and a few applications). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--applications",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated applications spread over the states, with their events.",
        )

    def handle(self, *args, **options):
        _, created = demo.ensure_demo_users()
        self.stdout.write(f"Demo users: {len(demo.DEMO_USERS)} ({created} new).")
