"""Writes for closing a project and for its closure return. Each locks the application's row, checks the
permission table, appends an event to the application's timeline (the outbox tells the team once it commits) and
changes nothing else."""

from django.db import transaction
from django.utils import timezone

from leo_access.actors import SYSTEM

from .. import clock, lifecycle, service_levels
from ..errors import InvalidInput, StaleState
from ..member_access.services import end_project_access
from ..models import Application, ClosureReturn, ProjectOutput
from ..states import State

OUTPUT_FIELDS = ("title", "kind", "published_on", "link", "output_checked")


def close(application: Application, *, by, action: str, reason: str, data: dict | None = None):
    """Close a locked, live project: end every member's access and open its closure return. Inside the caller's
    transaction; `action` is the permission (`application.close` or `application.close_early`) the person acts by."""
    if action not in ("application.close", "application.close_early"):
        raise ValueError(f"Not a closing permission: {action}")
    lifecycle.authorise(by, action, application)
    lifecycle.apply(
        application,
        "close",
        by=by,
        action=action,
        kind="closed",
        comment=reason or ("The project's end date has passed." if by is SYSTEM else ""),
        data=data,
    )
    end_project_access(application, by=by, reason=reason)
    closed_on = timezone.localdate(application.closed_at)
    ClosureReturn.objects.get_or_create(
        application=application, defaults={"due_on": service_levels.closure_return_due_on(closed_on)}
    )


def close_early(*, application_id, by, reason: str, expected_state: str | None = State.ACCESS_GRANTED) -> Application:
    """The co-ordinator ends their project before its end date."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Enter why the project is closing early.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.close_early", application)
        ends_on = service_levels.project_ends_on(application)
        close(
            application,
            by=by,
            action="application.close_early",
            reason=reason,
            data={"early": True, "end_date": ends_on.isoformat() if ends_on else ""},
        )
    return application


def _locked_return(application_id, by) -> tuple[Application, ClosureReturn]:
    application = lifecycle.lock(application_id)
    lifecycle.authorise(by, "closure.return", application)
    closure_return = ClosureReturn.objects.select_for_update().filter(application=application).first()
    if application.state != State.CLOSED or closure_return is None:
        raise StaleState("The closure return opens once the project has closed.", current_state=application.state)
    if closure_return.is_submitted:
        raise StaleState("The closure return has already been sent.", current_state=application.state)
    return application, closure_return


def add_output(*, application_id, by, output: dict, final_report: str | None = None) -> ProjectOutput:
    """Add one output to a closed project's return while it is being written. The report written so far is kept
    with it, so adding an output loses nothing typed elsewhere on the page."""
    missing = [name for name in OUTPUT_FIELDS if output.get(name) in (None, "")]
    if missing:
        raise InvalidInput(f"Give the output's {', '.join(missing)}.")
    with transaction.atomic():
        application, closure_return = _locked_return(application_id, by)
        added = ProjectOutput.objects.create(
            application=application, added_by=by, **{name: output[name] for name in OUTPUT_FIELDS}
        )
        _keep_draft(closure_return, final_report)
        lifecycle.record(
            application,
            kind="output_added",
            by=by,
            role=lifecycle.acting_role(by, "closure.return"),
            comment=added.title,
            data={"output_id": added.pk, "kind": added.kind, "link": added.link},
        )
    return added


def _keep_draft(closure_return: ClosureReturn, final_report: str | None):
    if final_report is not None and final_report != closure_return.final_report:
        closure_return.final_report = final_report
        closure_return.save(update_fields=["final_report"])


def remove_output(*, application_id, output_id, by, final_report: str | None = None) -> None:
    """Take an output off a return that has not been sent (added by mistake), keeping the report written so far."""
    try:
        output_id = int(output_id)
    except (TypeError, ValueError):
        raise InvalidInput("That output has already been removed.") from None
    with transaction.atomic():
        application, closure_return = _locked_return(application_id, by)
        output = ProjectOutput.objects.select_for_update().filter(pk=output_id, application=application).first()
        if output is None:
            raise InvalidInput("That output has already been removed.")
        title = output.title
        output.delete()
        _keep_draft(closure_return, final_report)
        lifecycle.record(
            application,
            kind="output_removed",
            by=by,
            role=lifecycle.acting_role(by, "closure.return"),
            comment=title,
            data={"output_id": output_id},
        )


def submit_closure_return(*, application_id, by, final_report: str, materials_destroyed: bool) -> ClosureReturn:
    """Send the return: the outputs added to it, the final report and the confirmation that pre-publication
    material held outside the secure service has been destroyed. Sent once; the outputs then stay with the
    project on its page and the registers."""
    final_report = (final_report or "").strip()
    problems = []
    if not final_report:
        problems.append("Enter the final report.")
    if not materials_destroyed:
        problems.append("Confirm that pre-publication material held outside the secure service has been destroyed.")
    if problems:
        raise InvalidInput(" ".join(problems))
    with transaction.atomic():
        application, closure_return = _locked_return(application_id, by)
        closure_return.final_report = final_report
        closure_return.materials_destroyed = True
        closure_return.submitted_at = clock.now()
        closure_return.submitted_by = by
        closure_return.save(update_fields=["final_report", "materials_destroyed", "submitted_at", "submitted_by"])
        outputs = application.outputs.count()
        lifecycle.record(
            application,
            kind="closure_return_sent",
            by=by,
            role=lifecycle.acting_role(by, "closure.return"),
            data={"outputs": outputs, "due_on": closure_return.due_on.isoformat()},
        )
    return closure_return
