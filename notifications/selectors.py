from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from .catalogue import KINDS
from .models import Message

# The digest repeats arrivals already listed one by one.
IN_APP_EXCLUDED = ["digest"]


def for_user(user) -> QuerySet[Message]:
    return Message.objects.filter(user=user).exclude(template__in=IN_APP_EXCLUDED).select_related("application")


def unread_count(user) -> int:
    return for_user(user).filter(read_at__isnull=True).count()


def templates_catalogue() -> list[dict]:
    """Every message with its plain-text and HTML template source, for admins to read."""
    folder = Path(settings.BASE_DIR) / "templates" / "notifications" / "email"
    return [
        {
            "name": name,
            "kind": kind,
            "text": (folder / f"{name}.txt").read_text(),
            "html": (folder / f"{name}.html").read_text(),
        }
        for name, kind in KINDS.items()
    ]
