"""The service navigation each person sees, from what they may do."""

from dataclasses import dataclass

from django.urls import reverse

from .permissions import has_permission


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    name: str = ""


# (label, URL name, the action that makes the link worth showing)
_ITEMS = [
    ("Your applications", "applications:list", "application.list_own"),
    ("Work queues", "reviews:queue", "reviews.view_queue"),
    ("Panel meetings", "reviews:meetings", "reviews.manage_meetings"),
    ("Tracking", "tracking:dashboard", "tracking.view"),
    ("Access list", "reviews:access_list", "access.view"),
    ("Closure returns", "reviews:closure_returns", "closure.view_returns"),
    ("Audit log", "audit:log", "audit.view"),
    ("Researcher register", "accredited_register", "register.import"),
    ("Your profile", "profile", "application.list_own"),
    ("Your account", "account_email", "account.manage"),
    ("API tokens", "api_tokens:list", "account.manage"),
    # The header adds how many are unread.
    ("Notifications", "notifications:list", "account.manage"),
]


def navigation_for(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = [(label, name, reverse(name)) for label, name, action in _ITEMS if has_permission(user, action)]
    # One item is active: the one whose address is the longest start of this page's (so a panel meeting is under
    # "Panel meetings", not also under "Work queues" at /reviews/).
    matching = [url for _, _, url in links if request.path.startswith(url)]
    active = max(matching, key=len, default=None)
    return [NavItem(label, url, url == active, name) for label, name, url in links]
