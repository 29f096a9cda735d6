"""The simulated users of the load test. `run.py` seeds the database, writes the manifest and runs this file:

    LOAD_MANIFEST=var/load-run/manifest.json locust -f bench/load/locustfile.py --headless ...

- Researchers sign in, browse their applications list and application pages, download the form template,
  and upload Variable Request Forms to their own drafts' data page, then poll the result as the page does
  while a worker checks the form.
- Staff (crews of RAS officer, DfE, HMRC and DWP reviewers, a panel member and a delegated official) sign in
  with their password and their authenticator's code, browse their team's queue and "My work", open review
  pages and record decisions through the real forms: RAS passes intake, each department approves (the service
  routes the application to the panel or a delegated official), the delegated official accredits. The panel
  accredits only at a meeting: its member reads the queue, the reviews and the decision form, and decides nothing.
- Bare-page users, signed in as researchers, fetch a page of about the median size of the main pages served
  so far, rendered from a template without the database by the same gunicorn through the same middleware.

Every request goes through an emulated TLS-terminating proxy: `X-Forwarded-Proto: https`, the simulated
person's own address in `X-Forwarded-For`, and the HTTPS-only cookies sent as a browser sends them over TLS.
Redirects are followed one at a time, so each request's time is its own.

Each attempted upload and decision is written to the journal before it is sent and again with its outcome;
the runner checks the journal against the database afterwards. A decision refused with 409 because the
application was moved on by someone else is counted separately ("stale"), not as an error.
"""

import itertools
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, deque
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from locust.stats import StatsEntry

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load import plan

if "LOAD_MANIFEST" not in os.environ:
    raise SystemExit("Run the load test with bench/load/run.py (it seeds the database and sets LOAD_MANIFEST).")
MANIFEST = json.loads(Path(os.environ["LOAD_MANIFEST"]).read_text())
MIX = plan.Mix(**MANIFEST["mix"])
TOTP = MANIFEST["totp"]
FORMS = [{**form, "data": Path(form["path"]).read_bytes()} for form in MANIFEST["forms"]]
MAX_REQUESTS = int(MANIFEST["max_requests"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CHECKING = ("We are checking your form now", "Your form is waiting to be checked")

MAIN_PAGES, POSTS = plan.MAIN_PAGES, plan.POSTS
# Sizes of the main pages served so far: the bare page is made as large as their median.
MAIN_PAGE_SIZES: deque = deque(maxlen=500)
FIRST_BARE_SIZE = 40_000

JOURNAL = open(MANIFEST["journal"], "a", buffering=1)  # noqa: SIM115 - open for the whole run, one line per entry
ADDRESSES = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())  # RFC 2544 benchmarking range
STATUS = Counter()
RUN = {"requests": 0, "capped": False, "started": None, "stopped": None, "signed_in_attempts": 0, "signed_in": 0}


def journal(**entry):
    JOURNAL.write(json.dumps({"t": time.time(), **entry}) + "\n")


# Pages ---------------------------------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page, each as a list of its fields."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[list[dict]] = []
        self._open = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append([])
            self._open = True
        elif self._open and tag in ("input", "textarea", "select") and attributes.get("name"):
            self.forms[-1].append(
                {
                    "tag": tag,
                    "name": attributes["name"],
                    "type": (attributes.get("type") or tag).lower(),
                    "value": attributes.get("value") or "",
                    "checked": "checked" in attributes,
                }
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


def form_with(html: str, field: str) -> list[dict] | None:
    """The first form on the page that has a field called `field`."""
    return next((form for form in Forms(html).forms if any(f["name"] == field for f in form)), None)


def hidden_values(form: list[dict]) -> dict:
    return {f["name"]: f["value"] for f in form if f["type"] == "hidden"}


def application_ids(html: str, prefix: str) -> list[str]:
    """Applications linked from a page, in page order."""
    return list(dict.fromkeys(re.findall(rf'href="{re.escape(prefix)}({UUID})/"', html)))


# Users -----------------------------------------------------------------------------------------------------------


class LeoUser(HttpUser):
    abstract = True
    wait_time = between(*MANIFEST["think_time"])

    def on_start(self):
        self.email = None
        # With two web processes (run.py --processes 2) each person's requests go to them in turn, as a load
        # balancer without sticky sessions sends them: the session and the rate limits must hold across both.
        self.bases = itertools.cycle(MANIFEST.get("hosts") or [self.host])
        self.client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": next(ADDRESSES)})

    def call(self, method: str, path: str, name: str, *, expect=(200,), **kwargs):
        """One request, without following redirects; any status not in `expect` is a failure."""
        # The cookies are HTTPS-only; behind the emulated proxy the browser would send them.
        for cookie in self.client.cookies:
            cookie.secure = False
        headers = kwargs.pop("headers", {})
        base = next(self.bases)
        if method == "POST":
            origin = "https://" + urlsplit(base).netloc
            headers |= {"Origin": origin, "Referer": origin + path}
        with self.client.request(
            method,
            path if "://" in path else base + path,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code in expect:
                response.success()
            else:
                where = response.headers.get("Location", "")
                response.failure(
                    f"{method} {name}: {response.status_code}{' to ' + where if where else ''} (user {self.email})"
                )
        if name in MAIN_PAGES and response.status_code == 200:
            MAIN_PAGE_SIZES.append(len(response.content))
        return response

    def fail(self, name: str, message: str):
        """Count a failure that is not a response's status: a page without the form it should have."""
        self.environment.events.request.fire(
            request_type="CHECK",
            name=name,
            response_time=0,
            response_length=0,
            exception=AssertionError(f"{message} (user {self.email})"),
            context={},
        )

    def sign_in(self, email: str, password: str, totp_secret: str | None = None):
        self.email = email
        RUN["signed_in_attempts"] += 1
        page = self.call("GET", "/accounts/login/", "sign-in page")
        form = form_with(page.text, "login") if page.status_code == 200 else None
        if form is None:
            if page.status_code == 200:
                self.fail("sign-in page", "no sign-in form")
            raise StopUser
        data = hidden_values(form) | {"login": email, "password": password}
        response = self.call("POST", "/accounts/login/", "sign-in POST", expect=(302,), data=data)
        if response.status_code != 302:
            raise StopUser
        location = response.headers["Location"]
        if urlsplit(location).path == "/accounts/2fa/authenticate/":
            location = self.second_factor(location, totp_secret)
        if urlsplit(location).path != "/":
            self.fail("sign-in", f"signing in led to {location}, not the home page")
            raise StopUser
        if self.call("GET", "/", "home page").status_code == 200:
            RUN["signed_in"] += 1

    def second_factor(self, location: str, secret: str | None) -> str:
        page = self.call("GET", location, "sign-in code page")
        form = form_with(page.text, "code") if page.status_code == 200 else None
        if form is None or secret is None:
            self.fail("sign-in code page", "no code form" if secret else "asked for a code, but has no authenticator")
            raise StopUser
        # A code is good for its 30 seconds only: do not send one about to expire.
        period = TOTP["period"]
        if period - time.time() % period < 3:
            gevent.sleep(period - time.time() % period + 0.1)
        code = plan.totp_code(secret, time.time(), period=period, digits=TOTP["digits"])
        response = self.call(
            "POST", location, "sign-in code POST", expect=(302,), data=hidden_values(form) | {"code": code}
        )
        if response.status_code != 302:
            raise StopUser
        return response.headers["Location"]


class Researcher(LeoUser):
    fixed_count = MIX.researchers
    accounts = itertools.count()

    def on_start(self):
        super().on_start()
        self.account = MANIFEST["researchers"][next(Researcher.accounts)]
        self.sign_in(self.account["email"], self.account["password"], self.account["totp_secret"])

    @task(4)
    def application_list(self):
        self.call("GET", "/applications/", "application list")

    @task(4)
    def application_page(self):
        pk = random.choice(self.account["drafts"] + self.account["applications"])
        self.call("GET", f"/applications/{pk}/", "application page")

    @task(1)
    def form_template(self):
        pk = random.choice(self.account["drafts"])
        response = self.call("GET", f"/applications/{pk}/data/template.xlsx", "template download")
        if response.status_code == 200 and not response.headers.get("Content-Type", "").startswith(XLSX):
            response.failure(f"The template is {response.headers.get('Content-Type')}")

    @task(2)
    def upload(self):
        pk = random.choice(self.account["drafts"])
        page = self.call("GET", f"/applications/{pk}/data/", "data page")
        form = form_with(page.text, "file") if page.status_code == 200 else None
        if form is None:
            if page.status_code == 200:
                self.fail("data page", f"no upload form on the data page of draft {pk}")
            return
        variant = random.choice(FORMS)
        entry = {"kind": "upload", "user": self.email, "application": pk, "form": variant["name"]}
        entry["sha256"] = variant["sha256"]
        journal(outcome="intent", **entry)
        response = self.call(
            "POST",
            f"/applications/{pk}/data/",
            "upload POST",
            expect=(302,),
            data=hidden_values(form),
            files={"file": ("variable-request-form.xlsx", variant["data"], XLSX)},
        )
        if response.status_code != 302 or response.headers["Location"] != f"/applications/{pk}/data/":
            journal(outcome="failed", status=response.status_code, **entry)
            return
        journal(outcome="done", **entry)
        uploaded = time.monotonic()
        self.call("GET", f"/applications/{pk}/data/", "data page")
        # The page polls every 2 seconds while the form is checked; the user waits up to 20 seconds.
        for _ in range(10):
            status = self.call("GET", f"/applications/{pk}/data/status/", "upload status")
            if status.status_code != 200:
                return
            if not any(text in status.text for text in CHECKING):
                journal(kind="upload_checked", user=self.email, application=pk, seconds=time.monotonic() - uploaded)
                return
            gevent.sleep(2)
        journal(kind="upload_unchecked", user=self.email, application=pk)


class Staff(LeoUser):
    abstract = True
    role = ""

    def on_start(self):
        super().on_start()
        crew = MANIFEST["crews"][next(self.accounts)]
        account = crew["staff"][self.role]
        self.tag = crew["tag"]
        self.team = plan.TEAM[self.role]
        self.decided: set[str] = set()
        self.seen: list[str] = []
        self.sign_in(account["email"], account["password"], account["totp_secret"])

    @task(3)
    def queue(self):
        query = random.choice(["", "?page=2", "?sort=newest", "?overdue=1", "?state=waiting&sort=title"])
        response = self.call("GET", f"/reviews/queues/{self.team}/{query}", "queue page")
        if response.status_code == 200:
            self.seen = application_ids(response.text, "/reviews/applications/") or self.seen

    @task(1)
    def my_work(self):
        self.call("GET", "/reviews/my-work/", "my work")

    @task(2)
    def review(self):
        if self.seen:
            self.call("GET", f"/reviews/applications/{random.choice(self.seen)}/", "review page")

    @task(4)
    def decide(self):
        query = urlencode({"q": self.tag, "state": "waiting"})
        search = self.call("GET", f"/reviews/queues/{self.team}/?{query}", "queue search")
        if search.status_code != 200:
            return
        waiting = [pk for pk in application_ids(search.text, "/reviews/applications/") if pk not in self.decided]
        if not waiting:
            journal(kind="no_work", user=self.email)
            return
        action = plan.DECISION[self.role]
        # One who decides takes the next application; the panel member, who decides nothing here, reads any.
        pk = waiting[0] if action else random.choice(waiting)
        self.call("GET", f"/reviews/applications/{pk}/", "review page")
        path = f"/reviews/applications/{pk}/{plan.DECISION_PAGE[self.role]}/"
        page = self.call("GET", path, "decision form")
        form = form_with(page.text, "decision") if page.status_code == 200 else None
        if form is None:
            if page.status_code == 200:
                self.fail("decision form", f"no decision form for {pk}")
            return
        if action is None:
            return
        entry = {"kind": "decision", "action": action, "user": self.email, "application": pk, "role": self.role}
        journal(outcome="intent", **entry)
        response = self.call("POST", path, "decision POST", expect=(302, 409), data=self.answers(form))
        self.decided.add(pk)
        if response.status_code == 302 and response.headers["Location"] == f"/reviews/applications/{pk}/":
            journal(outcome="done", **entry)
            self.call("GET", response.headers["Location"], "review page")
        elif response.status_code == 409:
            journal(outcome="stale", **entry)
        else:
            journal(outcome="failed", status=response.status_code, **entry)

    def answers(self, form: list[dict]) -> dict:
        """The decision form filled in: the hidden fields as served, and this role's decision."""
        data = hidden_values(form)
        decision = {"ras": "pass", "delegated": "accredit"}.get(self.role, "approved")
        offered = {f["value"] for f in form if f["name"] == "decision"}
        if decision not in offered:
            raise ValueError(f"The decision form offers {sorted(offered)}, not {decision}")
        data |= {"decision": decision, "text": ""}
        if self.role == "ras":
            data["checks"] = [f["value"] for f in form if f["name"] == "checks"]
        if self.role == "delegated":
            ends = date.today() + timedelta(days=3 * 365)
            data |= {"ends_on_0": ends.day, "ends_on_1": ends.month, "ends_on_2": ends.year}
        return data


class RasOfficer(Staff):
    role = "ras"
    fixed_count = MIX.crews
    accounts = itertools.count()


class DfeReviewer(Staff):
    role = "dfe"
    fixed_count = MIX.crews
    accounts = itertools.count()


class HmrcReviewer(Staff):
    role = "hmrc"
    fixed_count = MIX.crews
    accounts = itertools.count()


class DwpReviewer(Staff):
    role = "dwp"
    fixed_count = MIX.crews
    accounts = itertools.count()


class PanelMember(Staff):
    role = "panel"
    fixed_count = MIX.crews
    accounts = itertools.count()


class DelegatedOfficial(Staff):
    role = "delegated"
    fixed_count = MIX.crews
    accounts = itertools.count()


class BarePage(LeoUser):
    fixed_count = MIX.bare
    accounts = itertools.count()

    def on_start(self):
        super().on_start()
        account = MANIFEST["bare"][next(BarePage.accounts)]
        self.sign_in(account["email"], account["password"], account["totp_secret"])

    @task
    def bare(self):
        size = int(statistics.median(MAIN_PAGE_SIZES)) if MAIN_PAGE_SIZES else FIRST_BARE_SIZE
        self.call("GET", f"/__bench__/bare/{size}/", "bare view")


# Bounds and the summary ----------------------------------------------------------------------------------------


@events.request.add_listener
def _count(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    RUN["requests"] += 1
    if request_type == "CHECK":
        STATUS["failed check"] += 1
        return
    status = getattr(response, "status_code", None) if response is not None else None
    STATUS[str(status) if status else "no response"] += 1
    if RUN["requests"] > MAX_REQUESTS and not RUN["capped"]:
        RUN["capped"] = True
        journal(kind="request_cap", requests=RUN["requests"])
        environment = EVENTS["environment"]
        if environment and environment.runner:
            gevent.spawn(environment.runner.quit)


EVENTS = {"environment": None}


@events.init.add_listener
def _init(environment, **kwargs):
    EVENTS["environment"] = environment


@events.test_start.add_listener
def _started(environment, **kwargs):
    RUN["started"] = time.time()


@events.test_stop.add_listener
def _stopped(environment, **kwargs):
    RUN["stopped"] = time.time()


def _figures(entry: StatsEntry, seconds: float) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.num_requests / seconds if seconds else 0.0,
        "median_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else None,
        "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None,
        "p99_ms": entry.get_response_time_percentile(0.99) if entry.num_requests else None,
        "max_ms": entry.max_response_time if entry.num_requests else None,
        "avg_bytes": entry.avg_content_length if entry.num_requests else None,
    }


@events.quitting.add_listener
def _summary(environment, **kwargs):
    """Every page's figures, the main pages together, failures and statuses, for the runner."""
    stats = environment.stats
    seconds = (RUN["stopped"] or time.time()) - (RUN["started"] or time.time())
    pages = {name: _figures(entry, seconds) for (name, _method), entry in sorted(stats.entries.items())}
    groups = {}
    for group, names in (("main pages", MAIN_PAGES), ("POSTs (decisions and uploads)", POSTS)):
        combined = StatsEntry(stats, group, "")
        for (name, _method), entry in stats.entries.items():
            if name in names:
                combined.extend(entry)
        groups[group] = _figures(combined, seconds)
    summary = {
        "seconds": seconds,
        "pages": pages,
        "groups": groups,
        "total": _figures(stats.total, seconds),
        "statuses": dict(STATUS),
        "errors": [
            {"name": error.name, "method": error.method, "error": str(error.error), "occurrences": error.occurrences}
            for error in stats.errors.values()
        ],
        "exceptions": [
            {"count": item["count"], "msg": item["msg"], "traceback": item["traceback"]}
            for item in (environment.runner.exceptions.values() if environment.runner else [])
        ],
        "requests": RUN["requests"],
        "capped": RUN["capped"],
        "max_requests": MAX_REQUESTS,
        "sign_ins": {"attempted": RUN["signed_in_attempts"], "completed": RUN["signed_in"]},
    }
    Path(MANIFEST["summary"]).write_text(json.dumps(summary, indent=2))
    JOURNAL.close()
