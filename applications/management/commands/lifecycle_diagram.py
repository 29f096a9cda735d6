from django.core.management.base import BaseCommand, CommandError

from applications.diagram import AMENDMENT_DIAGRAM_PATH, DIAGRAM_PATH, render, render_amendment


class Command(BaseCommand):
    help = (
        "Write the application and amendment state diagrams (Mermaid) to docs/lifecycle.md and "
        "docs/amendment-lifecycle.md, from the code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if either diagram is out of date.")

    def handle(self, *args, check=False, **options):
        for path, diagram in ((DIAGRAM_PATH, render()), (AMENDMENT_DIAGRAM_PATH, render_amendment())):
            if check:
                current = path.read_text() if path.exists() else ""
                if current != diagram:
                    raise CommandError(f"{path} is out of date: run manage.py lifecycle_diagram")
                self.stdout.write(f"{path} is up to date.")
                continue
            path.write_text(diagram)
            self.stdout.write(f"Wrote {path}")
