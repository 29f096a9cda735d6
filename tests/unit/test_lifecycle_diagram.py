from applications.diagram import DIAGRAM_PATH, render, transitions


def test_the_diagram_in_docs_matches_the_code():
    assert DIAGRAM_PATH.read_text() == render(), "Run: manage.py lifecycle_diagram"


def test_every_transition_names_its_permission():
    assert all(action.startswith("application.") for *_, action in transitions())


def test_resubmission_returns_to_each_stage_that_can_query():
    targets = {target for source, target, name, _ in transitions() if name == "resubmit"}
    assert targets == {"ras_check", "department_review", "panel_review"}
