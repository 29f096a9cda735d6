"""Load test: Locust against gunicorn, PostgreSQL, Redis and a Celery worker, on the loopback interface only.

    .venv/bin/pip install -r bench/load/requirements.txt     # once: Locust, into the project's .venv
    .venv/bin/python bench/load/run.py                       # 50 users for 3 minutes
    .venv/bin/python bench/load/run.py --run-time 30s --users 10

Re-creates its own database (default leo_load), flushes its own Redis database (default 11) and media
folder, migrates, seeds accounts and applications through the project's services, starts gunicorn on
127.0.0.1 with the production settings (`bench/load/settings.py`) and a Celery worker, runs Locust
headless for the given time, waits for the worker to finish, stops everything and checks that the
event log and the stored results match what the simulated users did. Prints requests per second and
the 95th percentile of each main page beside those of a bare page served by the same gunicorn, and
exits with status 1 when any check fails (2 when the run could not be set up).
"""

import argparse
import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load import plan, two_processes  # noqa: E402

HERE = Path(__file__).resolve().parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
INSTALL = ".venv/bin/pip install -r bench/load/requirements.txt"


class SetupError(Exception):
    pass


def log(message: str):
    print(message, flush=True)


def seconds_of(text: str) -> int:
    """'3m', '30s', '1h30m' or a number of seconds."""
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if not parts or not any(parts.groups()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 3m, 30s or 1h30m")
    hours, minutes, secs = (int(part or 0) for part in parts.groups())
    return hours * 3600 + minutes * 60 + secs


def think_time(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        pair = float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not MIN-MAX seconds, such as 1-4") from None
    if not 0 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: MIN must be at most MAX")
    return pair


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-time", type=seconds_of, default=180, help="how long Locust runs (default 3m)")
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50, at least 8)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/leo_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--gunicorn-workers", type=int, default=3, help="as docker-compose.yml runs (default 3)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="as docker-compose.yml runs (default 2)")
    parser.add_argument(
        "--background-applications",
        type=int,
        default=5000,
        help="generated applications in every state, so queues and lists are not empty (default 5000)",
    )
    parser.add_argument("--media-root", type=Path, default=ROOT / "var" / "load-media")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "load-run", help="logs, journal, results")
    parser.add_argument(
        "--think-time",
        type=think_time,
        default=(1.0, 4.0),
        help="seconds each simulated person waits between tasks, as MIN-MAX (default 1-4)",
    )
    parser.add_argument("--stop-timeout", type=int, default=60, help="seconds users get to finish a task at the end")
    parser.add_argument("--drain-timeout", type=int, default=120, help="seconds to wait for the worker afterwards")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=0,
        help="stop Locust after this many requests (default: users x seconds x 5)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        choices=(1, 2),
        default=1,
        help="1: one gunicorn and one worker sharing MEDIA_ROOT (default); 2: two of each, each in an empty folder "
        "of its own, files in an S3 server on 127.0.0.1 (bench/load/two_processes.py)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run with one process of each, then with two, and print their figures side by side",
    )
    parser.add_argument(
        "--locust-python",
        default=sys.executable,
        help="the Python that has Locust installed (default: this one)",
    )
    args = parser.parse_args()
    # Absolute, since the two-process mode starts its processes in folders of their own.
    args.run_dir, args.media_root = args.run_dir.resolve(), args.media_root.resolve()
    if args.users < plan.MIN_USERS:
        parser.error(f"--users must be at least {plan.MIN_USERS}")
    return args


# Processes -------------------------------------------------------------------------------------------------------


class Processes:
    """The processes this run started, each in its own session, stopped by their own ids."""

    def __init__(self):
        self.running: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, command: list[str], env: dict, log_path: Path, cwd: Path = ROOT) -> subprocess.Popen:
        with open(log_path, "wb") as output:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running[name] = process
        self.logs[name] = log_path
        return process

    def alive(self, name: str) -> bool:
        return name in self.running and self.running[name].poll() is None

    def stop(self, name: str, timeout: float = 30):
        process = self.running.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # a graceful stop, to the main process only
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f"  {name} did not stop within {timeout:.0f} s; killing it")
        # Whatever is left of its process group (its own session, started here) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.logs.get(name)
        if not path or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _on_signal(signum, frame):
    raise SystemExit(f"Stopped by signal {signum}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Setting up --------------------------------------------------------------------------------------------------


def check_loopback(args):
    database, redis = urlsplit(args.database_url), urlsplit(args.redis_url)
    for name, url in (("--database-url", database), ("--redis-url", redis)):
        if url.hostname not in LOOPBACK:
            raise SetupError(f"{name} must point at the loopback interface, not {url.hostname}")
    name = database.path.lstrip("/")
    if "load" not in name:
        raise SetupError(f"The load test drops and re-creates its database; its name must contain 'load', not {name!r}")
    if redis.path.strip("/") in ("", "0"):
        raise SetupError("The load test flushes its Redis database: give one of its own, such as redis://…/11")


def environment(args, port: int, mail_port: int | None, run_dir: Path) -> dict:
    signing = run_dir / "signing"
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}" if mail_port else "consolemail://",
        "MEDIA_ROOT": str(args.media_root),
        "STATIC_ROOT": str(ROOT / "var" / "load-static"),
        "SITE_URL": f"https://127.0.0.1:{port}",
        # A throwaway key pair for the declarations the panel's accreditations open.
        "DECLARATION_SIGNING_KEY": str(signing / "declaration-signing-key.pem"),
        "DECLARATION_SIGNING_CERTIFICATE": str(signing / "declaration-signing-cert.pem"),
        "DECLARATION_SIGNING_DEVELOPMENT_PAIR": "true",
        "LOG_LEVEL": "INFO",
    }


def recreate_database(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        raise SetupError(f"PostgreSQL is not reachable at {parts.hostname}:{parts.port}: {error}") from error


def flush_redis(url: str):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).flushdb()
    except redis.RedisError as error:
        raise SetupError(f"Redis is not reachable at {url}: {error}") from error


def setup_django(args, run_dir: Path, mix: plan.Mix) -> dict:
    """Migrate, collect static files, make the signing pair and seed; returns the manifest."""
    import django

    django.setup()
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.core.management import call_command

    from bench.load import seed

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("ensure_signing_key", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    log(f"  migrated, static files collected ({time.monotonic() - started:.0f} s)")
    manifest = seed.seed(mix, run_seconds=args.run_time, background=args.background_applications, run_dir=run_dir)
    log(f"  seeded in {time.monotonic() - started:.0f} s: {manifest['applications_in_database']} applications")

    # The simulated staff compute their codes as allauth checks them.
    secret = manifest["crews"][0]["staff"]["ras"]["totp_secret"]
    now = time.time()
    ours = plan.totp_code(secret, now, period=mfa_settings.TOTP_PERIOD, digits=mfa_settings.TOTP_DIGITS)
    if ours != format_hotp_value(hotp_value(secret, int(now) // mfa_settings.TOTP_PERIOD)):
        raise SetupError("The locustfile's authenticator codes differ from allauth's")
    manifest |= {
        "mix": {"researchers": mix.researchers, "crews": mix.crews, "bare": mix.bare},
        "totp": {"period": mfa_settings.TOTP_PERIOD, "digits": mfa_settings.TOTP_DIGITS},
        "journal": str(run_dir / "journal.jsonl"),
        "summary": str(run_dir / "locust-summary.json"),
        "max_requests": args.max_requests or args.users * args.run_time * 5,
        "think_time": list(args.think_time),
    }
    from django.db import connections

    connections.close_all()
    return manifest


def wait_for_port(processes: Processes, name: str, port: int, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not processes.alive(name):
            raise SetupError(f"{name} stopped while starting:\n{processes.tail(name)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise SetupError(f"{name} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def wait_until_healthy(processes: Processes, bases: list[str], timeout: float = 90):
    deadline = time.monotonic() + timeout
    last = ""
    waiting = list(bases)
    while time.monotonic() < deadline:
        for name in list(processes.running):
            if not processes.alive(name):
                raise SetupError(f"{name} stopped while starting:\n{processes.tail(name)}")
        try:
            with urllib.request.urlopen(f"{waiting[0]}/healthz", timeout=5) as response:
                if response.status == 200:
                    waiting.pop(0)
                    if not waiting:
                        return
                    continue
        except urllib.error.HTTPError as error:
            last = error.read().decode(errors="replace")[:300]
        except OSError as error:
            last = str(error)
        time.sleep(1)
    raise SetupError(f"The service at {waiting[0]} did not become healthy within {timeout:.0f} s: {last}")


# The run -----------------------------------------------------------------------------------------------------------


def cpu_sample(processes: Processes) -> dict:
    """CPU seconds used so far by the whole machine and by each process group this run started."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    sample = {"wall": time.monotonic(), "machine": (sum(fields) - fields[3] - fields[4]) / ticks}
    groups = {process.pid: name for name, process in processes.running.items()}
    for name in groups.values():
        sample[name] = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            after_name = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = groups.get(int(after_name[2]))
        if name:
            sample[name] += (int(after_name[11]) + int(after_name[12])) / ticks
    return sample


def cpu_used(before: dict, after: dict) -> dict:
    """Average cores busy between two samples: the machine, each of this run's groups, and everything else."""
    wall = after["wall"] - before["wall"]
    used = {name: (after[name] - before.get(name, 0.0)) / wall for name in after if name != "wall"}
    used["everything else (PostgreSQL, Redis, other work on the machine)"] = used["machine"] - sum(
        value for name, value in used.items() if name != "machine"
    )
    return {"cores": os.cpu_count(), "seconds": wall, "busy": used}


def run_locust(processes: Processes, args, env: dict, base: str, run_dir: Path, mix: plan.Mix) -> dict:
    command = [
        args.locust_python,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(mix.total),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.run_time}s",
        "--stop-timeout",
        str(args.stop_timeout),
        "--csv",
        str(run_dir / "locust"),
        "--loglevel",
        "INFO",
    ]
    locust_env = {**env, "LOAD_MANIFEST": str(run_dir / "manifest.json")}
    process = processes.start("locust", command, locust_env, run_dir / "locust.log")
    before = cpu_sample(processes)
    # The hard cap: the run, the users' last tasks and start-up and shutdown, then it is stopped.
    limit = args.run_time + args.stop_timeout + 90
    started = time.monotonic()
    next_report = 30
    after = None
    while process.poll() is None:
        elapsed = time.monotonic() - started
        if elapsed > limit:
            log(f"  Locust ran past its hard limit of {limit} s; stopping it")
            processes.stop("locust", timeout=10)
            return {"exit": None, "overran": True, "seconds": elapsed, "limit": limit, "cpu": None}
        if elapsed >= next_report:
            log(f"  ... {elapsed:.0f} s")
            next_report += 30
        if process.poll() is None:
            after = cpu_sample(processes)
        time.sleep(1)
    code = process.returncode
    processes.stop("locust")
    cpu = cpu_used(before, after) if after else None
    return {"exit": code, "overran": False, "seconds": time.monotonic() - started, "limit": limit, "cpu": cpu}


def drain(manifest: dict, redis_url: str, timeout: float) -> tuple[bool, str]:
    """Wait until the worker has checked every uploaded form, sent every e-mail and emptied its queue."""
    import redis
    from django.db import close_old_connections

    from applications.models import VariableRequestForm
    from notifications.models import Message

    client = redis.Redis.from_url(redis_url)
    forms = VariableRequestForm.objects.filter(
        pk__gt=manifest["last_form_id"],
        validation_status__in=[VariableRequestForm.Validation.PENDING, VariableRequestForm.Validation.RUNNING],
    )
    messages = Message.objects.filter(
        pk__gt=manifest["last_message_id"], state__in=[Message.State.PENDING, Message.State.SENDING]
    )
    started = time.monotonic()
    while True:
        close_old_connections()
        waiting = forms.count(), messages.count(), client.llen("celery"), client.hlen("unacked")
        if not any(waiting):
            return True, f"every form checked and e-mail sent, the queue empty after {time.monotonic() - started:.0f} s"
        if time.monotonic() - started > timeout:
            return False, (
                f"after {timeout:.0f} s: {waiting[0]} forms unchecked, {waiting[1]} e-mails unsent, "
                f"{waiting[2]} tasks queued, {waiting[3]} unacknowledged"
            )
        time.sleep(1)


# Report -----------------------------------------------------------------------------------------------------------

REPORTED = [
    *plan.MAIN_PAGES,
    "main pages",
    "decision POST",
    "upload POST",
    "upload status",
    "template download",
    "sign-in POST",
    "sign-in code POST",
    "bare view",
]


# Which page a request in gunicorn's access log is, named as the locustfile names it.
PAGE_PATTERNS = [
    ("GET", r"/applications/", "application list"),
    ("GET", r"/applications/{id}/", "application page"),
    ("GET", r"/applications/{id}/data/", "data page"),
    ("POST", r"/applications/{id}/data/", "upload POST"),
    ("GET", r"/applications/{id}/data/status/", "upload status"),
    ("GET", r"/applications/{id}/data/template\.xlsx", "template download"),
    ("GET", r"/reviews/queues/\w+/\?(?=.*\bq=).*", "queue search"),
    ("GET", r"/reviews/queues/\w+/(\?.*)?", "queue page"),
    ("GET", r"/reviews/my-work/", "my work"),
    ("GET", r"/reviews/applications/{id}/", "review page"),
    ("GET", r"/reviews/applications/{id}/(intake|department|panel)/", "decision form"),
    ("POST", r"/reviews/applications/{id}/(intake|department|panel)/", "decision POST"),
    ("POST", r"/accounts/login/", "sign-in POST"),
    ("POST", r"/accounts/2fa/authenticate/", "sign-in code POST"),
    ("GET", r"/__bench__/bare/\d+/", "bare view"),
]
PAGE_PATTERNS = [
    (method, re.compile(pattern.replace("{id}", r"[0-9a-f-]{36}") + "$"), name)
    for method, pattern, name in PAGE_PATTERNS
]
ACCESS_TIMED = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[^"]*" (?P<status>\d{3}) .* (?P<micros>\d+)$')


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Milliseconds the gunicorn worker spent on each request, by page (queueing before it is not included)."""
    times: dict[str, list[float]] = {}
    if not access_log.exists():
        return times
    for line in access_log.read_text(errors="replace").splitlines():
        match = ACCESS_TIMED.search(line)
        if not match:
            continue
        for method, pattern, name in PAGE_PATTERNS:
            if match["method"] == method and pattern.match(match["path"]):
                times.setdefault(name, []).append(int(match["micros"]) / 1000)
                if name in plan.MAIN_PAGES:
                    times.setdefault("main pages", []).append(int(match["micros"]) / 1000)
                break
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))] if ordered else 0.0


def figures_table(summary: dict, server: dict[str, dict]) -> list[str]:
    rows = {**summary["pages"], **summary["groups"]}
    lines = [
        f"{'':<24}{'as the simulated users saw it':^48}{'in the gunicorn worker':^24}",
        f"{'':<24}{'requests':>9}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'failures':>10}"
        f"{'median ms':>12}{'p95 ms':>9}",
    ]
    for name in REPORTED:
        figures = rows.get(name)
        if not figures:
            continue
        label = "main pages (together)" if name == "main pages" else name
        worker = server.get(name, {"median_ms": 0, "p95_ms": 0})
        lines.append(
            f"{label:<24}{figures['requests']:>9}{figures['rps']:>8.2f}"
            f"{figures['median_ms'] or 0:>11.0f}{figures['p95_ms'] or 0:>9.0f}{figures['failures']:>10}"
            f"{worker['median_ms']:>12.0f}{worker['p95_ms']:>9.0f}"
        )
    total = summary["total"]
    lines.append(
        f"{'all requests':<24}{total['requests']:>9}{total['rps']:>8.2f}"
        f"{total['median_ms'] or 0:>11.0f}{total['p95_ms'] or 0:>9.0f}{total['failures']:>10}"
    )
    main, bare = summary["groups"].get("main pages"), summary["pages"].get("bare view")
    if main and bare and bare["p95_ms"]:
        main_server = server.get("main pages", {}).get("p95_ms", 0)
        bare_server = server.get("bare view", {}).get("p95_ms", 0)
        lines.append(
            f"p95 of the main pages: {main['p95_ms']:.0f} ms = {main['p95_ms'] / bare['p95_ms']:.1f} x the bare view's "
            f"{bare['p95_ms']:.0f} ms as seen by the users; "
            + (
                f"{main_server:.0f} ms = {main_server / bare_server:.1f} x {bare_server:.0f} ms in the worker"
                if bare_server
                else ""
            )
        )
        size, main_size = bare["avg_bytes"] or 0, main["avg_bytes"] or 0
        lines.append(f"(bare page about {size:,.0f} bytes; main pages {main_size:,.0f} on average)")
    return lines


def verify(
    args, manifest: dict, run_dir: Path, mix: plan.Mix, locust_run: dict, drained: tuple, logs: list[Path]
) -> tuple[list, dict]:
    from django.db import close_old_connections

    from bench.load import verify as checks_of

    close_old_connections()
    summary_path = Path(manifest["summary"])
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else None
    entries = checks_of.read_journal(Path(manifest["journal"]))
    checks = [
        checks_of.Check(
            "Locust ran within its time bound",
            not locust_run["overran"],
            f"{locust_run['seconds']:.0f} s, limit {locust_run['limit']} s; Locust's exit status {locust_run['exit']}",
        ),
        *checks_of.check_locust(summary, mix),
        *checks_of.check_logs(run_dir / "gunicorn-access.log", logs),
        checks_of.Check("The worker drained its queue", drained[0], drained[1]),
    ]
    decision_checks, decision_figures = checks_of.check_decisions(manifest, entries)
    upload_checks, upload_figures = checks_of.check_uploads(manifest, entries)
    checks += [
        *decision_checks,
        *checks_of.check_states(manifest, entries),
        *upload_checks,
        checks_of.check_other_events(manifest),
    ]
    if manifest["mail_catcher"]:
        checks.append(checks_of.check_mail(manifest, run_dir / "mail.jsonl"))
    no_work = sum(1 for entry in entries if entry.get("kind") == "no_work")
    server = {
        name: {"requests": len(times), "median_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}
        for name, times in server_times(run_dir / "gunicorn-access.log").items()
    }
    return checks, {
        "summary": summary,
        "server_ms": server,
        "cpu": locust_run["cpu"],
        "decisions": decision_figures,
        "uploads": upload_figures,
        "no_work": no_work,
    }


def report(args, mix: plan.Mix, manifest: dict, checks: list, figures: dict, run_dir: Path) -> bool:
    summary = figures["summary"]
    log("")
    log(
        f"Load test: {mix.total} users ({mix.researchers} researcher{'s' * (mix.researchers != 1)}, "
        f"{mix.crews} crew{'s' * (mix.crews != 1)} of six staff, "
        f"{mix.bare} on the bare page) for {args.run_time} s, waiting {args.think_time[0]:g}-{args.think_time[1]:g} s "
        f"between tasks; "
        + (
            f"two web processes (gunicorn with {args.gunicorn_workers} workers each) and two Celery workers "
            f"(concurrency {args.worker_concurrency} each), each in an empty folder of its own, files in S3; "
            if args.processes == 2
            else f"gunicorn with {args.gunicorn_workers} workers, a Celery worker with concurrency "
            f"{args.worker_concurrency}; "
        )
        + f"{manifest['applications_in_database']} applications in the database"
    )
    if summary:
        log("")
        for line in figures_table(summary, figures["server_ms"]):
            log(line)
    cpu = figures["cpu"]
    if cpu:
        busy = ", ".join(f"{name} {cores:.2f}" for name, cores in cpu["busy"].items() if name != "machine")
        log(f"CPU during the run: {cpu['busy']['machine']:.2f} of {cpu['cores']} cores busy on average ({busy})")
    uploads, decisions = figures["uploads"], figures["decisions"]
    seen = uploads["checked_seconds"]
    if seen:
        p95 = statistics.quantiles(seen, n=20)[-1] if len(seen) >= 2 else seen[0]
        log(
            f"Uploaded forms seen checked by the page: {len(seen)}, median {statistics.median(seen):.1f} s, "
            f"p95 {p95:.1f} s after the upload; {uploads['seen_unchecked']} not yet checked after 20 s of polling"
        )
    log(
        f"Decisions: {decisions['decisions_done']}, stale (409) {decisions['stale_409']}, "
        f"department reviews completed {decisions['completions']} "
        f"({', '.join(f'to {route} {n}' for route, n in sorted(decisions['routes'].items(), key=str))}); "
        f"searches that found no work left: {figures['no_work']}"
    )
    log("")
    log("Checks:")
    for check in checks:
        log(f"  {'PASS' if check.ok else 'FAIL'}  {check.name}{': ' + check.detail if check.detail else ''}")
        for problem in check.problems:
            log(f"          - {problem}")
    passed = all(check.ok for check in checks)
    results = {
        "arguments": {k: str(v) for k, v in vars(args).items()},
        "mix": manifest["mix"],
        "figures": figures,
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, "problems": c.problems} for c in checks],
        "passed": passed,
    }
    (run_dir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    log("")
    log(f"{'PASSED' if passed else 'FAILED'}. Logs, journal and results.json in {run_dir}")
    return passed


def gunicorn_command(args, port: int, access_log: Path) -> list[str]:
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "leo_access.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.gunicorn_workers),
        "--timeout",
        "60",
        "--access-logfile",
        str(access_log),
        # The usual format, then the microseconds the worker spent on the request.
        "--access-logformat",
        '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s',
    ]


def worker_command(args, name: str) -> list[str]:
    return [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "leo_access",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={args.worker_concurrency}",
        f"--hostname={name}@%h",
    ]


def start_service(processes: Processes, args, env: dict, run_dir: Path, ports: list[int]) -> list[Path]:
    """gunicorn and a worker, or two of each in folders of their own; the logs to check afterwards."""
    if args.processes == 1:
        processes.start(
            "gunicorn", gunicorn_command(args, ports[0], run_dir / "gunicorn-access.log"), env, run_dir / "gunicorn.log"
        )
        processes.start("worker", worker_command(args, "load"), env, run_dir / "worker.log")
        return [run_dir / "gunicorn.log", run_dir / "worker.log"]
    logs = []
    for name, port in zip(two_processes.WEB, ports, strict=True):
        command = gunicorn_command(args, port, run_dir / f"{name}-access.log")
        own = two_processes.own_environment(env, run_dir, name)
        processes.start(name, command, own, run_dir / f"{name}.log", cwd=two_processes.folder_of(run_dir, name))
        logs.append(run_dir / f"{name}.log")
    for name in two_processes.WORKERS:
        own = two_processes.own_environment(env, run_dir, name)
        processes.start(
            name, worker_command(args, name), own, run_dir / f"{name}.log", cwd=two_processes.folder_of(run_dir, name)
        )
        logs.append(run_dir / f"{name}.log")
    return logs


def merge_access_logs(run_dir: Path):
    """The two web processes' access logs as one, in which the figures and checks read every request."""
    with open(run_dir / "gunicorn-access.log", "w") as merged:
        for name in two_processes.WEB:
            path = run_dir / f"{name}-access.log"
            if path.exists():
                merged.write(path.read_text(errors="replace"))


def storage_checks(run_dir: Path, storage: dict) -> list:
    from bench.load import verify as checks_of

    kept = two_processes.files_kept(run_dir)
    objects = two_processes.bucket_keys(storage)
    return [
        checks_of.Check(
            "No web process or worker kept a file of its own",
            not kept,
            f"{len(kept)} files in their folders",
            kept[:10],
        ),
        checks_of.Check("The files are in the bucket", objects > 0, f"{objects} objects in the bucket"),
    ]


def compare(args) -> int:
    """Run with one process of each, then with two, each as a run of its own, and print both side by side."""
    results, codes = {}, {}
    passed_on = [part for part in sys.argv[1:] if part != "--compare"]
    for count in (1, 2):
        run_dir = args.run_dir / f"{count}-process"
        log(f"=== {count} web process{'es' * (count > 1)} and {count} worker{'s' * (count > 1)} ===")
        command = [sys.executable, __file__, *passed_on, "--processes", str(count), "--run-dir", str(run_dir)]
        codes[count] = subprocess.call(command)
        path = run_dir / "results.json"
        results[count] = json.loads(path.read_text()) if codes[count] in (0, 1) and path.exists() else None
    if all(results.values()):
        log("")
        for line in comparison_table(results[1]["figures"], results[2]["figures"]):
            log(line)
    return max(codes.values())


def comparison_table(one: dict, two: dict) -> list[str]:
    """Requests per second and 95th percentiles of each page, one process of each beside two."""
    lines = [
        f"{'':<24}{'one process of each':^30}{'two of each, no shared disk':^30}",
        f"{'':<24}" + f"{'req/s':>8}{'p95 ms':>9}{'in worker':>11}" * 2,
    ]
    for name in [*REPORTED, "all requests"]:
        row = f"{name:<24}"
        for figures in (one, two):
            summary = figures["summary"] or {}
            page = (
                summary.get("total")
                if name == "all requests"
                else {**summary.get("pages", {}), **summary.get("groups", {})}.get(name)
            )
            worker = figures["server_ms"].get(name, {})
            if not page:
                row += f"{'':>28}"
                continue
            in_worker = f"{worker['p95_ms']:.0f}" if "p95_ms" in worker else ""
            row += f"{page['rps']:>8.2f}{page['p95_ms'] or 0:>9.0f}{in_worker:>11}"
        lines.append(row)
    return lines


def main() -> int:
    args = arguments()
    if args.compare:
        return compare(args)
    if args.locust_python == sys.executable and importlib.util.find_spec("locust") is None:
        log(f"Locust is not installed in this environment. Install it with:\n  {INSTALL}")
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    mix = plan.mix_for(args.users)
    processes = Processes()
    try:
        check_loopback(args)
        ports = [args.port or free_port()] + [free_port() for _ in range(args.processes - 1)]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        # A mail server on the loopback interface when aiosmtpd (a development dependency) is there.
        mail_port = free_port() if importlib.util.find_spec("aiosmtpd") else None
        run_dir = args.run_dir
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(args.media_root, ignore_errors=True)
        run_dir.mkdir(parents=True)
        args.media_root.mkdir(parents=True)
        env = environment(args, ports[0], mail_port, run_dir)
        storage = {}
        if args.processes == 2:
            log("Starting an S3 server on 127.0.0.1 for the files")
            storage = two_processes.start_s3(processes, run_dir, free_port(), env)
            env |= storage
        os.environ.update(env)

        log(f"Setting up the database {urlsplit(args.database_url).path.lstrip('/')} and Redis {args.redis_url}")
        recreate_database(args.database_url)
        flush_redis(args.redis_url)
        manifest = setup_django(args, run_dir, mix)
        manifest["mail_catcher"] = bool(mail_port)
        manifest["hosts"] = bases if len(bases) > 1 else []
        (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str))
        # Seeding queued e-mails and checks of forms it had already checked itself: the run starts clean.
        flush_redis(args.redis_url)

        logs = [run_dir / "mail.log"]
        if mail_port:
            processes.start(
                "mail",
                [
                    sys.executable,
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-l",
                    f"127.0.0.1:{mail_port}",
                    "-c",
                    "bench.load.mail.Catcher",
                    str(run_dir / "mail.jsonl"),
                ],
                env,
                run_dir / "mail.log",
            )
            wait_for_port(processes, "mail", mail_port)
        workers = f"{args.processes} Celery worker{'s' * (args.processes > 1)}"
        log(f"Starting {' and '.join(bases)}, {workers}{' and a mail server' if mail_port else ''}")
        logs += start_service(processes, args, env, run_dir, ports)
        wait_until_healthy(processes, bases)

        log(f"Running Locust: {mix.total} users, {args.run_time} s (log: {run_dir / 'locust.log'})")
        locust_run = run_locust(processes, args, env, bases[0], run_dir, mix)
        log("Waiting for the workers to finish")
        drained = drain(manifest, args.redis_url, args.drain_timeout)
        for name in [name for name in processes.running if name not in ("mail", "s3")]:
            processes.stop(name)
        processes.stop("mail")
        if args.processes == 2:
            merge_access_logs(run_dir)
        checks, figures = verify(args, manifest, run_dir, mix, locust_run, drained, logs)
        if args.processes == 2:
            checks += storage_checks(run_dir, storage)
        return 0 if report(args, mix, manifest, checks, figures, run_dir) else 1
    except SetupError as error:
        log(f"Could not run the load test: {error}")
        return 2
    finally:
        processes.stop_all()


if __name__ == "__main__":
    sys.exit(main())
