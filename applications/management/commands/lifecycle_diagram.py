from django.core.management.base import BaseCommand, CommandError

from applications.diagram import DIAGRAM_PATH, render


class Command(BaseCommand):
    help = "Write the application state diagram (Mermaid) to docs/lifecycle.md, from the code."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if docs/lifecycle.md is out of date.")

    def handle(self, *args, check=False, **options):
        diagram = render()
        if check:
            current = DIAGRAM_PATH.read_text() if DIAGRAM_PATH.exists() else ""
            if current != diagram:
                raise CommandError(f"{DIAGRAM_PATH} is out of date: run manage.py lifecycle_diagram")
            self.stdout.write(f"{DIAGRAM_PATH} is up to date.")
            return
        DIAGRAM_PATH.write_text(diagram)
        self.stdout.write(f"Wrote {DIAGRAM_PATH}")
