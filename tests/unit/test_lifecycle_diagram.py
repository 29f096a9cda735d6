from applications.diagram import AMENDMENT_DIAGRAM_PATH, DIAGRAM_PATH, render, render_amendment, transitions
from applications.models import Amendment


def test_the_diagram_in_docs_matches_the_code():
    assert DIAGRAM_PATH.read_text() == render(), "Run: manage.py lifecycle_diagram"


def test_every_transition_names_its_permission():
    assert all(action.startswith("application.") for *_, action in transitions())


def test_resubmission_returns_to_each_stage_that_can_query():
    targets = {target for source, target, name, _ in transitions() if name == "resubmit"}
    assert targets == {"ras_check", "department_review", "panel_review"}


def test_the_amendment_diagram_in_docs_matches_the_code():
    assert AMENDMENT_DIAGRAM_PATH.read_text() == render_amendment(), "Run: manage.py lifecycle_diagram"


def test_every_amendment_transition_names_its_permission():
    assert all(action.startswith("amendment.") for *_, action in transitions(Amendment))


def test_an_amendment_ends_approved_rejected_or_withdrawn():
    targets = {target for _, target, _, _ in transitions(Amendment)}
    assert targets == {"submitted", "under_review", "queried", "approved", "rejected", "withdrawn"}
