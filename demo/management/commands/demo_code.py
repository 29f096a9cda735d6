from django.core.management.base import BaseCommand

from demo import users


class Command(BaseCommand):
    help = "Print the authenticator code the demo accounts accept now (it changes every 30 seconds)."

    def handle(self, *args, **options):
        self.stdout.write(users.current_demo_code())
