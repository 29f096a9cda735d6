"""The load test's checks of where department review sends an application: the seeded route, to the panel or to a
delegated official, decides the stage expected and the events that must follow the last approval
(bench/load/verify.py)."""

from types import SimpleNamespace

from applications.states import State
from bench.load import verify


def _event(kind, *, actor=7, route=None, to_state=None):
    return SimpleNamespace(kind=kind, actor_id=actor, data={"route": route} if route else {}, to_state=to_state)


def _decision(application, action, role):
    return {"application": application, "action": action, "role": role, "user": f"{role}@example.org"}


def test_an_application_goes_where_its_seeded_route_leads_and_the_delegated_official_accredits():
    manifest = {
        "seeded": {
            "to-panel": {"state": "department_review", "route": "panel"},
            "to-official": {"state": "department_review", "route": "delegated"},
            "accredited": {"state": "delegated_review", "route": "delegated"},
            "two-approvals": {"state": "department_review", "route": "delegated"},
        }
    }
    done = [
        _decision(pk, "department_approve", role)
        for pk in ("to-panel", "to-official")
        for role in verify.plan.DEPARTMENTS
    ]
    done += [_decision("two-approvals", "department_approve", role) for role in ("dfe", "hmrc")]
    done.append(_decision("accredited", "delegated_accredit", "delegated"))
    assert verify.expected_states(manifest, done) == {
        "to-panel": State.PANEL_REVIEW,
        "to-official": State.DELEGATED_REVIEW,
        "accredited": State.ACCREDITED,
        "two-approvals": State.DEPARTMENT_REVIEW,
    }


def test_the_last_approval_must_be_followed_by_one_routing_and_one_completion_on_the_seeded_route():
    approval = _event("department_approved")
    right = [
        _event("accreditation_routed", route="delegated", to_state=State.DEPARTMENT_REVIEW),
        _event("department_review_completed", route="delegated", to_state=State.DELEGATED_REVIEW),
    ]
    assert verify.route_problems("a", right, approval, "delegated") == []
    # Seeded for the panel, but the service sent it to a delegated official.
    assert verify.route_problems("a", right, approval, "panel")
    # No routing event, or the completion recorded by someone other than the last approver.
    assert verify.route_problems("a", right[1:], approval, "delegated")
    moved_by_another = [
        right[0],
        _event("department_review_completed", actor=8, route="delegated", to_state=State.DELEGATED_REVIEW),
    ]
    assert verify.route_problems("a", moved_by_another, approval, "delegated")
    # Routed to a delegated official, yet completed at panel review.
    wrong_stage = [right[0], _event("department_review_completed", route="delegated", to_state=State.PANEL_REVIEW)]
    assert verify.route_problems("a", wrong_stage, approval, "delegated")
