"""Every form and every query parameter of the service, sent hostile values, answers clearly and never with a 5xx.

What is tried is found, not listed: every URL of the URLconf (through the access table, which a metatest keeps
complete) is opened as a role that may open it; the forms, links and images on those pages give each address's
fields and query parameters, and the view modules add the parameters they read from the request themselves.
Hypothesis then sends generated values - huge integers, far dates, NUL and other control characters, very long
strings, unicode, empty - alone or mixed with the page's own values. No answer may be a server error, and an
error answer (400, 409, 422, or a page with a field error) must show the GOV.UK error summary.
"""

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from applications.models import ReferenceCounter
from leo_access.access import URL_ACCESS
from leo_access.forms import FilterDateField, GovukDateField

from . import test_access_matrix
from .test_access_matrix import POST_ONLY, ROLES, may, signed_in_as, target
from .test_access_table import url_names

pytestmark = pytest.mark.django_db
# The access matrix's people, applications at every stage, meeting, declaration, export and message.
world = test_access_matrix.world

# allauth's pages with forms that anyone may send; signing out and the second-factor pages change the session.
ACCOUNT_PAGES = {
    "account_login": "anonymous",
    "account_signup": "anonymous",
    "account_reset_password": "anonymous",
    "account_change_password": "member",
}
SKIPPED_ACTIONS = ("account_logout", "mfa_", "admin:")
ERROR_STATUSES = {400, 409, 422}
# The readiness check answers 503 when a dependency is down, as it must (no worker runs here).
HEALTH_CHECK = "/healthz"

FAR = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "31/12/9999", "9" * 19, "-" + "9" * 19]
NUMBERS = ["9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e309", "NaN", "-1", "0", "1.5"]
WORDS = ["abc", "garbage", "true", "[]", "{}", "null", "../..", "%00", "' OR 1=1 --", "<script>x</script>"]
CONTROL = st.text(st.sampled_from("\x01\x07\x08\x0b\x0c\x1b\x1f\x7f"), max_size=3)
# The kinds of hostile value. Over as many examples as there are kinds, every field is sent one of each.
KINDS = [
    # Whole numbers past what PostgreSQL's bigint (and Python's date) can hold, and numbers that are not whole.
    st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(min_value=2**63 - 2, max_value=2**80).map(str),
        st.integers(min_value=-(2**80), max_value=-(2**63) - 1).map(str),
    ),
    # Dates outside the service's years, or that do not exist.
    st.one_of(
        st.sampled_from(FAR),
        st.builds("{}-{:02d}-{:02d}".format, st.integers(10_000, 10**19), st.integers(0, 13), st.integers(0, 32)),
    ),
    # A NUL character, which PostgreSQL cannot store, among other control characters.
    st.builds(
        lambda a, c, b: a + c + "\x00" + b, st.sampled_from(["", "a", "2026"]), CONTROL, st.sampled_from(["", "b"])
    ),
    # Very long.
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: "x" * n),
    # Any unicode, right-to-left marks and emoji included.
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40),
    # Empty, and words where a choice, an id or a number belongs.
    st.one_of(st.just(""), st.sampled_from(WORDS)),
]


@dataclass
class Target:
    method: str
    path: str
    role: str
    fields: dict = field(default_factory=dict)  # name: the page's own values for it

    def add(self, name, value):
        values = self.fields.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)


class Forms(HTMLParser):
    """The forms, links and images of a page: where each sends and with which names."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path = page_path
        self.forms = []  # (method, action, [(name, value)])
        self.addresses = []  # (path, [(name, value)]) from links and images
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_path)
            self._form = ((attrs.get("method") or "get").upper(), action.path or self.page_path, [])
            self.forms.append(self._form)
            self._form[2].extend(parse_qsl(action.query, keep_blank_values=True))
        elif tag in ("input", "select", "textarea", "button") and self._form and attrs.get("name"):
            if attrs.get("type") != "file":
                self._form[2].append((attrs["name"], attrs.get("value")))
        elif tag == "option" and self._form and self._form[2]:
            self._form[2].append((self._form[2][-1][0], attrs.get("value")))
        elif tag in ("a", "img") and (attrs.get("href") or attrs.get("src")):
            address = urlsplit(attrs.get("href") or attrs.get("src"))
            if not address.netloc and address.query:
                self.addresses.append((address.path or self.page_path, parse_qsl(address.query)))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def read_by_view(path, method) -> set[str]:
    """The parameters the view's module reads from the request: itself, or through a form it binds to it."""
    module = inspect.getmodule(resolve(path).func)
    source = inspect.getsource(module)
    names = set(re.findall(rf"request\.{method}(?:\.get\(|\[)\s*[\"'](\w+)[\"']", source))
    if method == "GET" and re.search(r"\b(requested_page|page_number)\(", source):
        names.add("page")  # leo_access.paging reads it for the view
    for form_name in re.findall(rf"(\w+)\(request\.{method}\b", source):
        form_class = getattr(module, form_name, None)
        if isinstance(form_class, type) and issubclass(form_class, forms.BaseForm):
            for name, form_field in form_class.base_fields.items():
                widget = form_field.widget
                names |= {name + suffix for suffix in widget.widgets_names} if hasattr(widget, "widgets") else {name}
    return names


def roles_for(name, world) -> list[str]:
    """Everyone who may open the page: each may see different forms on it."""
    if name in ACCOUNT_PAGES:
        return [ACCOUNT_PAGES[name]]
    _url, obj = target(name, world)
    if URL_ACCESS[name].public:
        return ["anonymous"]
    return [role for role in ROLES[1:] if may(world.user(role), name, obj)]


def discover(world, clients):
    """Every (method, path) the pages lead to, with their fields, and the role that may send them."""
    names = [name for name in url_names() if name in URL_ACCESS or name in ACCOUNT_PAGES]
    assert set(URL_ACCESS) <= set(names)
    roles = {}
    targets: dict[tuple[str, str], Target] = {}

    def target_for(method, path, role):
        key = (method, path)
        if key not in targets:
            targets[key] = Target(method, path, role)
            for name in read_by_view(path, method):
                targets[key].add(name, None)
        return targets[key]

    pages = []
    for name in names:
        url = reverse(name) if name in ACCOUNT_PAGES else target(name, world)[0]
        roles[url] = roles_for(name, world)
        if name in POST_ONLY:
            target_for("POST", url, roles[url][0])
        else:
            target_for("GET", url, roles[url][0])
            pages.append(url)

    def read(url, role, query):
        response = clients[role].get(url, query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        parser = Forms(url)
        parser.feed(response.content.decode())
        for method, action, fields in parser.forms:
            if resolves(action):
                # Sent by whoever was shown the form, unless the address is a page of its own.
                sender = target_for(method, action, roles[action][0] if method == "GET" and action in roles else role)
                for name, value in fields:
                    sender.add(name, value)
        for path, params in parser.addresses:
            if path in roles:
                for name, value in params:
                    target_for("GET", path, roles[path][0]).add(name, value)

    for url in pages:
        for role in roles[url]:
            read(url, role, {})
    # Once more with each page's filters filled in, for what only a filtered page shows (its images' and
    # exports' parameters).
    for url in pages:
        filled = {name: own[-1] for name, own in targets[("GET", url)].fields.items() if own and own[-1]}
        if filled:
            read(url, roles[url][0], filled)
    return list(targets.values())


def resolves(path) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return not (match.view_name or "").startswith(SKIPPED_ACTIONS)


def send(client, sender: Target, data: dict):
    # Each request in its own savepoint: a database error is reported as itself, not as the next request's.
    with transaction.atomic():
        if sender.method == "POST":
            return client.post(sender.path, data)
        return client.get(sender.path, data)


def problem(sender, response) -> str | None:
    if response.status_code >= 500 and sender.path != HEALTH_CHECK:
        return f"answered {response.status_code}"
    if "html" not in response.get("Content-Type", ""):
        return None
    body = response.content.decode()
    shows_error = response.status_code in ERROR_STATUSES or "govuk-error-message" in body
    if shows_error and "govuk-error-summary" not in body:
        return f"answered {response.status_code} with an error but no error summary"
    return None


@pytest.fixture
def senders(world):
    # The factories number their applications from LEO-<year>-0001 themselves; copies must not meet them.
    ReferenceCounter.objects.update_or_create(year=timezone.now().year, defaults={"last": 5000})
    clients = {role: signed_in_as(role, world) for role in ROLES}
    return clients, discover(world, clients)


def test_discovery_finds_the_known_forms_and_filters(senders):
    """The discovery is what the property test below relies on: it must find the forms and filters there are."""
    _clients, found = senders
    fields = {(s.method, s.path): set(s.fields) for s in found}
    assert {"start", "end"} <= fields[("GET", reverse("tracking:dashboard"))]
    assert {"submitted_to", "q", "page"} <= fields[("GET", reverse("tracking:applications"))]
    assert {"q", "page"} <= fields[("GET", reverse("reviews:team_queue", args=["dfe"]))]
    assert {"date_to", "page"} <= fields[("GET", reverse("audit:log"))]
    assert "end" in fields[("GET", reverse("tracking:chart_funnel"))]
    assert {"date_0", "date_1", "date_2"} <= fields[("POST", reverse("reviews:meetings"))]
    posted = {path.rstrip("/").rsplit("/", 1)[-1]: names for (how, path), names in fields.items() if how == "POST"}
    assert "text" in posted["notes"]
    assert "assignee" in posted["assign"]
    assert len(found) >= len(URL_ACCESS)


def test_the_inputs_that_once_answered_500_answer_clearly(senders, world):
    """The known cases of issue 18, each sent once as it was reported: the answer, and whether the page shows the
    error summary (a chart is an image; a refused assignment goes back to the review page with a message)."""
    clients, _found = senders
    huge = "9" * 19
    page = {"page": "9223372036854775807"}
    far = {"end": "9999-12-31"}
    queue = reverse("reviews:team_queue", args=["intake"])
    cases = [
        ("panel", "POST", reverse("reviews:meetings"), {"date_0": "1", "date_1": "1", "date_2": huge}, 200, True),
        (
            "panel",
            "POST",
            reverse("reviews:agenda_item", args=[world.meeting.pk, world.item.pk]),
            {"decision": "accredit", "ends_on_0": "1", "ends_on_1": "1", "ends_on_2": huge},
            200,
            True,
        ),
        (
            "member",
            "POST",
            reverse("applications:section", args=[world.apps["draft"].pk, "project"]),
            {"start_date_0": "1", "start_date_1": "1", "start_date_2": huge},
            200,
            True,
        ),
        ("admin", "GET", reverse("tracking:dashboard"), far, 200, True),
        ("admin", "GET", reverse("tracking:chart_funnel"), far, 200, False),
        ("admin", "GET", reverse("tracking:applications"), {"submitted_to": "9999-12-31"}, 200, True),
        (
            "admin",
            "POST",
            reverse("tracking:export", args=["applications"]),
            {"format": "csv", "submitted_to": "9999-12-31"},
            400,
            True,
        ),
        ("admin", "GET", reverse("audit:log"), {"date_to": "9999-12-31"}, 200, True),
        ("admin", "GET", queue, page, 200, False),
        ("admin", "GET", reverse("tracking:applications"), page, 200, False),
        ("admin", "GET", reverse("audit:log"), page, 200, False),
        ("admin", "GET", queue, {"q": "LEO\x00"}, 400, True),
        ("ras", "POST", reverse("reviews:note", args=[world.apps["intake"].pk]), {"text": "a\x00"}, 400, True),
        ("ras", "POST", reverse("reviews:assign", args=[world.apps["intake"].pk]), {"assignee": "abc"}, 302, False),
        ("panel", "POST", reverse("reviews:meeting", args=[world.meeting.pk]), {"application": "garbage"}, 302, False),
    ]
    for role, method, path, data, status, summary in cases:
        sender = Target(method, path, role)
        response = send(clients[role], sender, data)
        assert (response.status_code, problem(sender, response)) == (status, None), (path, data)
        assert ("govuk-error-summary" in response.content.decode(errors="replace")) == summary, (path, data)


@settings(
    max_examples=len(KINDS),
    deadline=None,
    database=None,
    # Without shrinking: every request of a failing example is reported, and a failure costs no extra minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_values_never_get_a_server_error(senders, data):
    clients, found = senders
    # Each field is sent a kind of value by its place, turned by the example: fields side by side get different
    # kinds, and a field gets every kind over len(KINDS) examples. Its neighbours sometimes keep the page's values,
    # so that one bad value reaches further than a form full of them would.
    turn = data.draw(st.integers(0, len(KINDS) - 1), label="turn")
    failures = []
    for sender in found:
        values = {}
        for place, (name, own) in enumerate(sender.fields.items()):
            if own and data.draw(st.integers(0, 3)) == 0:
                values[name] = data.draw(st.sampled_from(own))
            else:
                kind = KINDS[(turn + place) % len(KINDS)]
                values[name] = data.draw(kind, label=f"{sender.method} {sender.path} {name}")
        try:
            response = send(clients[sender.role], sender, values)
        except Exception as error:
            failures.append(f"{sender.method} {sender.path} {values!r:.300}: raised {error!r:.300}")
            continue
        if (reason := problem(sender, response)) is not None:
            failures.append(f"{sender.method} {sender.path} {values!r:.300}: {reason}")
    assert failures == [], "\n".join(failures)


def _form_classes(base=forms.BaseForm):
    for subclass in base.__subclasses__():
        if subclass.__module__.split(".")[0] in FIRST_PARTY:
            yield subclass
        yield from _form_classes(subclass)


FIRST_PARTY = {"leo_access", "applications", "reviews", "declarations", "notifications", "demo"}


def test_every_date_and_number_in_the_services_forms_is_read_by_the_shared_fields():
    """A date is read only by leo_access.forms' date fields, which refuse a date no query or date arithmetic can
    take, and a whole number only within what PostgreSQL can hold."""
    assert list(url_names())  # the URLconf imports every view, and so every form
    loose = []
    for form_class in set(_form_classes()):
        for name, form_field in form_class.base_fields.items():
            if isinstance(form_field, forms.DateField | forms.DateTimeField) and not isinstance(
                form_field, FilterDateField
            ):
                loose.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
            if isinstance(form_field, DateInputField) and not isinstance(form_field, GovukDateField):
                loose.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
            if isinstance(form_field, forms.IntegerField) and form_field.max_value is None:
                loose.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert loose == []
