"""After the run: do the event log and the stored results match what the simulated users did?

Called by `run.py` with Django set up against the load test's database. Each check returns whether it
passed and what it found; none of them trusts the simulated users' own view of their success beyond what
they wrote in the journal before and after each request.
"""

import ast
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django_celery_results.models import TaskResult

from applications.models import Application, ApplicationEvent, DepartmentReview, VariableRequestForm
from applications.selectors import current_department_reviews
from applications.states import State

from . import plan

VALIDATE_TASK = "applications.tasks.validate_variable_request_form"
DECISION_EVENTS = (
    "intake_passed",
    "department_approved",
    "accreditation_routed",
    "department_review_completed",
    "accredited",
)
# Recorded by the service with the last approval, not decisions of their own.
FOLLOW_ON_EVENTS = ("accreditation_routed", "department_review_completed")
EVENT_STATE = {
    "intake_passed": State.DEPARTMENT_REVIEW,
    "department_approved": None,  # department review, or where the route goes when it was the last approval
    "accreditation_routed": None,  # recorded before the move
    "department_review_completed": None,  # panel or delegated review, as the route says
    "accredited": State.ACCREDITED,
    "form_uploaded": State.DRAFT,
}
ROUTE_STATE = {"panel": State.PANEL_REVIEW, "delegated": State.DELEGATED_REVIEW}
ACCESS_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d{3}) ')


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    problems: list[str] = field(default_factory=list)


def read_journal(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def outcomes(entries: list[dict], kind: str) -> dict[str, list[dict]]:
    """Each attempt's entries paired up: "done", "stale", "failed" and "interrupted" (an intent without outcome)."""
    found: dict[str, list[dict]] = defaultdict(list)
    open_intents: dict[tuple, list[dict]] = defaultdict(list)

    def key(entry):
        return (entry["user"], entry["application"], entry.get("action"), entry.get("sha256"))

    for entry in entries:
        if entry.get("kind") != kind:
            continue
        if entry["outcome"] == "intent":
            open_intents[key(entry)].append(entry)
        else:
            if open_intents[key(entry)]:
                open_intents[key(entry)].pop()
            found[entry["outcome"]].append(entry)
    found["interrupted"] = [entry for waiting in open_intents.values() for entry in waiting]
    return found


def _summarise(counter: Counter, limit: int = 8) -> list[str]:
    return [f"{key}: {count}" for key, count in list(counter.items())[:limit]]


def check_locust(summary: dict | None, mix: plan.Mix) -> list[Check]:
    if summary is None:
        return [Check("Locust finished and wrote its figures", False, "no summary: Locust did not finish")]
    fives = {status: count for status, count in summary["statuses"].items() if status.isdigit() and int(status) >= 500}
    errors = [f"{e['method']} {e['name']}: {e['error']} (x{e['occurrences']})" for e in summary["errors"]]
    exceptions = [f"{e['msg']} (x{e['count']})" for e in summary["exceptions"]]
    sign_ins = summary["sign_ins"]
    return [
        Check(
            "No failed requests in Locust",
            summary["total"]["failures"] == 0 and not errors,
            f"{summary['total']['failures']} failures of {summary['total']['requests']} requests",
            errors,
        ),
        Check("No 5xx responses", not fives, f"5xx responses: {sum(fives.values())}", _summarise(Counter(fives))),
        Check("No exceptions in the simulated users", not exceptions, f"{len(exceptions)} kinds", exceptions),
        Check(
            "Every simulated user signed in",
            sign_ins["completed"] == mix.total,
            f"{sign_ins['completed']} of {mix.total} signed in ({sign_ins['attempted']} attempts)",
        ),
        Check(
            "The run stayed within its request bound",
            not summary["capped"],
            f"{summary['requests']} requests, bound {summary['max_requests']}",
        ),
    ]


def check_logs(access_log: Path, error_logs: list[Path]) -> list[Check]:
    statuses = Counter()
    server_errors = []
    if access_log.exists():
        for line in access_log.read_text(errors="replace").splitlines():
            match = ACCESS_LINE.search(line)
            # The runner's own readiness probes (503 until the worker answers) are not the run's.
            if match and not match["request"].startswith("GET /healthz "):
                statuses[match["status"]] += 1
                if match["status"].startswith("5"):
                    server_errors.append(line)
    tracebacks = []
    for path in error_logs:
        if not path.exists():
            continue
        text = path.read_text(errors="replace")
        for block in text.split("Traceback (most recent call last):")[1:]:
            lines = block.strip().splitlines()
            tracebacks.append(f"{path.name}: " + " | ".join(line.strip() for line in lines[-3:]))
    return [
        Check(
            "No 5xx in gunicorn's access log",
            bool(statuses) and not server_errors,
            f"{sum(statuses.values())} requests logged; statuses {dict(sorted(statuses.items()))}",
            server_errors[:10],
        ),
        Check(
            "No tracebacks in the gunicorn and worker logs",
            not tracebacks,
            f"{len(tracebacks)} tracebacks",
            tracebacks[:10],
        ),
    ]


def _event_key(event) -> tuple:
    return (str(event.application_id), event.kind, event.actor.email if event.actor else "system")


def check_decisions(manifest: dict, entries: list[dict]) -> tuple[list[Check], dict]:
    attempts = outcomes(entries, "decision")
    done = attempts["done"]
    interrupted = attempts["interrupted"]
    events = list(
        ApplicationEvent.objects.filter(pk__gt=manifest["last_event_id"], kind__in=DECISION_EVENTS)
        .select_related("actor")
        .order_by("pk")
    )
    expected = Counter((d["application"], plan.EVENT_KIND[d["action"]], d["user"]) for d in done)
    logged = Counter(_event_key(e) for e in events if e.kind not in FOLLOW_ON_EVENTS)
    problems = [f"not logged: {key} x{count}" for key, count in (expected - logged).items()]
    problems += [
        f"logged but not done by a simulated user (or twice): {key} x{count}"
        for key, count in (logged - expected).items()
    ]
    # The users finish their task when the run ends (--stop-timeout): an attempt without an outcome is lost.
    problems += [f"no outcome in the journal: {d['action']} on {d['application']} by {d['user']}" for d in interrupted]

    wrong_state = []
    for event in events:
        want = EVENT_STATE[event.kind]
        if want is not None and event.to_state != want:
            wrong_state.append(f"{event.kind} on {event.application_id} ended in {event.to_state}, not {want}")
        if event.kind == "department_approved" and event.to_state not in (
            State.DEPARTMENT_REVIEW,
            *ROUTE_STATE.values(),
        ):
            wrong_state.append(f"department_approved on {event.application_id} ended in {event.to_state}")

    # The approval that completes department review is followed, in the same transaction, by one
    # "accreditation_routed" and one "department_review_completed" event by the same person, on the route the
    # seeding set the application up for, ending at that route's stage.
    follow_ons = defaultdict(list)
    approvals = defaultdict(list)
    for event in events:
        if event.kind in FOLLOW_ON_EVENTS:
            follow_ons[str(event.application_id)].append(event)
        elif event.kind == "department_approved":
            approvals[str(event.application_id)].append(event)
    routes = Counter()
    for application_id, found in follow_ons.items():
        last = approvals[application_id][-1] if approvals[application_id] else None
        seeded = manifest["seeded"].get(application_id, {}).get("route")
        routes[seeded] += 1
        wrong_state += route_problems(application_id, found, last, seeded)

    stale = attempts["stale"]
    by_action = Counter(d["action"] for d in done)
    checks = [
        Check(
            "Every decision recorded appears exactly once in the event log",
            not problems,
            f"{len(done)} decisions done ({', '.join(f'{k} {v}' for k, v in sorted(by_action.items()))}); "
            f"{sum(logged.values())} decision events logged; {len(stale)} refused as stale (409); "
            f"{len(interrupted)} without an outcome",
            problems[:20],
        ),
        Check("Each decision event moved the application to the right stage", not wrong_state, "", wrong_state[:20]),
    ]
    figures = {
        "decisions_done": dict(by_action),
        "stale_409": len(stale),
        "interrupted": len(interrupted),
        "failed": len(attempts["failed"]),
        "completions": sum(routes.values()),
        "routes": dict(routes),
    }
    return checks, figures


def route_problems(application_id: str, found: list, last_approval, route: str | None) -> list[str]:
    """What is wrong with the events that followed the approval completing an application's department review."""
    kinds = Counter(event.kind for event in found)
    if kinds != Counter(FOLLOW_ON_EVENTS) or last_approval is None:
        return [f"{application_id}: {dict(kinds)} after its last approval, not one of each of {FOLLOW_ON_EVENTS}"]
    problems = [
        f"{application_id}: {event.kind} by another person than the last approval"
        for event in found
        if event.actor_id != last_approval.actor_id
    ]
    routed = next(event for event in found if event.kind == "accreditation_routed")
    completed = next(event for event in found if event.kind == "department_review_completed")
    taken = routed.data.get("route")
    if taken != route or completed.data.get("route") != route:
        problems.append(f"{application_id}: routed to {taken}, seeded for the {route} route")
    if completed.to_state != ROUTE_STATE.get(route):
        problems.append(f"{application_id}: department review completed at {completed.to_state}, not {route} review")
    return problems


def expected_states(manifest: dict, done: list[dict]) -> dict[str, str]:
    """Where each seeded application must be, from where it was seeded and the decisions done on it."""
    by_application = defaultdict(list)
    for decision in done:
        by_application[decision["application"]].append(decision)
    expected = {}
    for application_id, seeded in manifest["seeded"].items():
        state = seeded["state"]
        decisions = by_application.get(application_id, [])
        actions = {d["action"] for d in decisions}
        approved = set()
        if state == State.RAS_CHECK and "intake_pass" in actions:
            state = State.DEPARTMENT_REVIEW
        if state == State.DEPARTMENT_REVIEW:
            approved |= {d["role"] for d in decisions if d["action"] == "department_approve"}
            if approved == set(plan.DEPARTMENTS):
                state = ROUTE_STATE[seeded["route"]]
        if state == State.DELEGATED_REVIEW and "delegated_accredit" in actions:
            state = State.ACCREDITED
        expected[application_id] = str(state)
    return expected


def check_states(manifest: dict, entries: list[dict]) -> list[Check]:
    attempts = outcomes(entries, "decision")
    expected = expected_states(manifest, attempts["done"])
    actual = {
        str(pk): str(state)
        for pk, state in Application.objects.filter(pk__in=list(expected)).values_list("pk", "state")
    }
    problems = [
        f"{pk}: at {actual.get(pk)} where {state} was expected"
        for pk, state in expected.items()
        if actual.get(pk) != state
    ]
    # Each department's recorded approval is on the application's current review, by that person.
    reviews_wrong = []
    for decision in attempts["done"]:
        if decision["action"] != "department_approve":
            continue
        application = Application.objects.get(pk=decision["application"])
        review = current_department_reviews(application).filter(department=decision["role"]).first()
        if (
            review is None
            or review.decision != DepartmentReview.Decision.APPROVED
            or review.decided_by is None
            or review.decided_by.email != decision["user"]
        ):
            reviews_wrong.append(f"{decision['application']} {decision['role']}: {review and review.decision}")
    moved = Counter(f"{manifest['seeded'][pk]['state']} -> {state}" for pk, state in expected.items())
    return [
        Check(
            "Every application is at the stage the decisions on it lead to",
            not problems,
            f"{len(expected)} seeded applications; " + ", ".join(f"{k}: {v}" for k, v in sorted(moved.items())),
            problems[:20],
        ),
        Check(
            "Every department approval is stored on the department's current review",
            not reviews_wrong,
            f"{sum(1 for d in attempts['done'] if d['action'] == 'department_approve')} approvals",
            reviews_wrong[:20],
        ),
    ]


def _task_form_id(task: TaskResult) -> int | None:
    """The form id a validation task was given (its arguments are stored as text)."""
    raw = task.task_args
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(raw)
        except (ValueError, SyntaxError, TypeError):
            continue
        if isinstance(value, str):
            raw = value
            continue
        if isinstance(value, list | tuple) and value:
            return int(value[0])
    return None


def check_uploads(manifest: dict, entries: list[dict]) -> tuple[list[Check], dict]:
    attempts = outcomes(entries, "upload")
    done = attempts["done"]
    interrupted = attempts["interrupted"]
    forms = list(
        VariableRequestForm.objects.filter(pk__gt=manifest["last_form_id"]).select_related("uploaded_by").order_by("pk")
    )
    expected = Counter((u["application"], u["sha256"], u["user"]) for u in done)
    stored = Counter((str(f.application_id), f.sha256, f.uploaded_by.email) for f in forms)
    events = ApplicationEvent.objects.filter(pk__gt=manifest["last_event_id"], kind="form_uploaded").select_related(
        "actor"
    )
    logged = Counter((str(e.application_id), e.data.get("sha256"), e.actor.email) for e in events)
    problems = [f"no outcome in the journal: upload to {u['application']} by {u['user']}" for u in interrupted]
    for name, found in (("stored form", stored), ("form_uploaded event", logged)):
        for key, count in (expected - found).items():
            problems.append(f"{name} missing: {key} x{count}")
        for key, count in (found - expected).items():
            problems.append(f"{name} not uploaded by a simulated user (or twice): {key} x{count}")

    results = {form["sha256"]: form for form in manifest["forms"]}
    tasks = defaultdict(list)
    for task in TaskResult.objects.filter(task_name=VALIDATE_TASK):
        tasks[_task_form_id(task)].append(task)
    unchecked, wrong, task_problems = [], [], []
    for form in forms:
        if form.validation_status not in (VariableRequestForm.Validation.PASSED, VariableRequestForm.Validation.FAILED):
            unchecked.append(f"form {form.pk} ({form.application_id} v{form.version}): {form.validation_status}")
            continue
        want = results.get(form.sha256)
        if want is None or form.result != want["expected"]:
            wrong.append(f"form {form.pk}: stored result differs from the validator's for {want and want['name']}")
        status = VariableRequestForm.Validation.PASSED if want and want["expected"]["valid"] else "failed"
        if form.validation_status != status:
            wrong.append(f"form {form.pk}: {form.validation_status}, expected {status}")
        runs = tasks.get(form.pk, [])
        if len(runs) != 1 or runs[0].status != "SUCCESS":
            task_problems.append(f"form {form.pk}: {[r.status for r in runs] or 'no'} validation task results")
    failed_tasks = Counter(
        (task.task_name, task.status)
        for task in TaskResult.objects.exclude(status="SUCCESS").only("task_name", "status")
    )
    variants = Counter(u["form"] for u in done)
    checks = [
        Check(
            "Every upload is stored exactly once, with its event",
            not problems,
            f"{len(done)} uploads done ({', '.join(f'{k} {v}' for k, v in sorted(variants.items()))}); "
            f"{len(forms)} forms stored; {len(interrupted)} without an outcome",
            problems[:20],
        ),
        Check(
            "Every uploaded form has exactly one validation result, the validator's",
            not unchecked and not wrong and not task_problems,
            f"{len(forms) - len(unchecked)} of {len(forms)} checked by the worker",
            (unchecked + wrong + task_problems)[:20],
        ),
        Check(
            "No task failed or is waiting to be retried",
            not failed_tasks,
            f"{sum(failed_tasks.values())} task results not successful",
            _summarise(failed_tasks),
        ),
    ]
    checked = [e["seconds"] for e in entries if e.get("kind") == "upload_checked"]
    figures = {
        "uploads_done": len(done),
        "forms_stored": len(forms),
        "seen_checked": len(checked),
        "seen_unchecked": sum(1 for e in entries if e.get("kind") == "upload_unchecked"),
        "checked_seconds": sorted(checked),
    }
    return checks, figures


def check_other_events(manifest: dict) -> Check:
    """Nothing else happened to applications during the run (no event the simulated users cannot explain)."""
    kinds = Counter(
        ApplicationEvent.objects.filter(pk__gt=manifest["last_event_id"])
        .exclude(kind__in=(*DECISION_EVENTS, "form_uploaded"))
        .values_list("kind", flat=True)
    )
    return Check(
        "No other events in the log during the run",
        not kinds,
        f"{sum(kinds.values())} other events",
        _summarise(kinds),
    )


def check_mail(manifest: dict, received_path: Path) -> Check:
    """Every e-mail recorded during the run was handed to the mail server exactly once."""
    from notifications.models import Message

    messages = Message.objects.filter(pk__gt=manifest["last_message_id"])
    states = Counter(messages.values_list("state", flat=True))
    sent = Counter(
        (recipient, subject)
        for recipient, subject in messages.filter(state=Message.State.SENT).values_list("recipient", "subject")
    )
    received = Counter()
    if received_path.exists():
        for line in received_path.read_text().splitlines():
            entry = json.loads(line)
            for recipient in entry["to"]:
                received[(recipient, entry["subject"])] += 1
    problems = [f"sent but not received: {key} x{n}" for key, n in (sent - received).items()]
    problems += [f"received but not recorded as sent (or twice): {key} x{n}" for key, n in (received - sent).items()]
    unsent = {state: n for state, n in states.items() if state not in (Message.State.SENT, Message.State.HELD)}
    problems += [f"{n} e-mails {state}" for state, n in unsent.items()]
    return Check(
        "Every e-mail recorded during the run reached the mail server exactly once",
        not problems,
        f"{sum(states.values())} recorded ({', '.join(f'{k} {v}' for k, v in sorted(states.items()))}); "
        f"{sum(received.values())} received",
        problems[:20],
    )
