"""Print a new personal API token for an account, for operators and tests."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import tokens
from applications.errors import LifecycleError
from leo_access.actors import SYSTEM


class Command(BaseCommand):
    help = "Create a personal API token for the account with this e-mail address and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--scope", choices=["read", "write"], required=True)
        parser.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS, help="days until it expires (1 to 365)")
        parser.add_argument("--name", default="Created with create_api_token")

    def handle(self, *args, email, scope, days, name, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active account has the e-mail address {email}.")
        try:
            _, secret = tokens.issue_token(user=user, by=SYSTEM, name=name, scope=scope, days=days)
        except LifecycleError as error:
            raise CommandError(error.message) from error
        self.stdout.write(secret)
