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


# The pages of "Your account" that live at addresses of their own: signing in (password, second factor, passkeys,
# recovery codes, asking for the password again) and API tokens. The account page leads to each, so the menu
# marks "Your account" on them rather than nothing.
_ACCOUNT_SECTION = (
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",
    "mfa_index",
    "api_tokens:list",
)

# (label, URL name, the action that makes the link worth showing, further URL names whose pages are under it)
_ITEMS = [
    ("Your applications", "applications:list", "application.list_own", ()),
    ("Work queues", "reviews:queue", "reviews.view_queue", ()),
    ("Panel meetings", "reviews:meetings", "reviews.manage_meetings", ()),
    ("Tracking", "tracking:dashboard", "tracking.view", ()),
    ("Access list", "reviews:access_list", "access.view", ()),
    ("Closure returns", "reviews:closure_returns", "closure.view_returns", ()),
    ("Audit log", "audit:log", "audit.view", ()),
    ("Researcher register", "accredited_register", "register.import", ()),
    ("Your profile", "profile", "application.list_own", ()),
    ("Your account", "account_email", "account.manage", _ACCOUNT_SECTION),
    # The header adds how many are unread.
    ("Notifications", "notifications:list", "account.manage", ()),
]


def navigation_for(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = [
        (label, name, reverse(name), [reverse(page) for page in (name, *section)])
        for label, name, action, section in _ITEMS
        if has_permission(user, action)
    ]
    # One item is active: the one with the longest address that starts this page's (so a panel meeting is under
    # "Panel meetings", not also under "Work queues" at /reviews/).
    matching = [
        (len(prefix), url) for _, _, url, prefixes in links for prefix in prefixes if request.path.startswith(prefix)
    ]
    active = max(matching, default=(0, None))[1]
    return [NavItem(label, url, url == active, name) for label, name, url, _ in links]
