"""What each stage's decision form does, for the decision pages and the API alike: which service each choice
calls. The services check permission and state; this only dispatches."""

from leo_access.roles import department_of

from . import services


def intake(*, application_id, by, data: dict, expected_state: str | None):
    """RAS intake: tick the checklist, then pass, query or reject."""
    if data.get("checks"):
        services.tick_intake_items(application_id=application_id, by=by, items=data["checks"])
    if data["decision"] == "pass":
        services.pass_intake(application_id=application_id, by=by, comment=data["text"], expected_state=expected_state)
    elif data["decision"] == "query":
        services.query_application(
            application_id=application_id, by=by, questions=data["text"], expected_state=expected_state
        )
    else:
        services.reject_application(
            application_id=application_id, by=by, reasons=data["text"], expected_state=expected_state
        )


def department(*, application_id, by, data: dict, expected_state: str | None):
    """A department's reviewer: questions for the applicant, or their own department's decision."""
    if data["decision"] == "query":
        services.query_application(
            application_id=application_id, by=by, questions=data["text"], expected_state=expected_state
        )
    else:
        services.record_department_decision(
            application_id=application_id,
            by=by,
            department=department_of(by),
            decision=data["decision"],
            reasons=data["text"],
            expected_state=expected_state,
        )
