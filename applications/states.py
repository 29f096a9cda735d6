"""The states of an application, and what each means to the people involved."""

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    RAS_CHECK = "ras_check", "Intake check"
    QUERIED = "queried", "Queried"
    DEPARTMENT_REVIEW = "department_review", "Department review"
    PANEL_REVIEW = "panel_review", "Panel review"
    DELEGATED_REVIEW = "delegated_review", "Delegated review"
    ACCREDITED = "accredited", "Accredited"
    ACCESS_GRANTED = "access_granted", "Access granted"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Stages that may send the application back with a query, and where a resubmission returns.
QUERYABLE_STATES = [State.RAS_CHECK, State.DEPARTMENT_REVIEW, State.PANEL_REVIEW]
# Before a final decision: the co-ordinator may still withdraw.
OPEN_STATES = [
    State.DRAFT,
    State.RAS_CHECK,
    State.QUERIED,
    State.DEPARTMENT_REVIEW,
    State.PANEL_REVIEW,
    State.DELEGATED_REVIEW,
]
FINAL_STATES = [State.CLOSED, State.REJECTED, State.WITHDRAWN]
# Every state but draft: the states staff see applications in (a draft is its team's alone).
SUBMITTED_STATES = [state for state in State if state != State.DRAFT]

# Accredited projects, live or closed: those the registers list (the public one and the staff one). Drafts,
# applications under review, rejected and withdrawn ones are never on them.
REGISTER_STATES = [State.ACCREDITED, State.ACCESS_GRANTED, State.CLOSED]

EXPLANATIONS = {
    State.DRAFT: "You are writing this application. Nobody else can see it until you submit it.",
    State.RAS_CHECK: "The accreditation service is checking that the application is eligible and complete.",
    State.QUERIED: "Reviewers have sent questions back. Answer them and resubmit to continue.",
    State.DEPARTMENT_REVIEW: "DfE, HMRC and DWP are each reviewing the application. All three must approve.",
    State.PANEL_REVIEW: "The Research Accreditation Panel is considering the project.",
    State.DELEGATED_REVIEW: "An official with delegated authority is considering the project, which meets the "
    "criteria for accreditation without the panel. They may accredit it or refer it to the panel.",
    State.ACCREDITED: "The project is accredited. Every researcher on the team must now sign their Individual "
    "Declaration before access is granted.",
    State.ACCESS_GRANTED: "Access to LEO in the Secure Research Service has been granted.",
    State.CLOSED: "The project has ended.",
    State.REJECTED: "The application was refused.",
    State.WITHDRAWN: "The application was withdrawn by its co-ordinator.",
}

TAG_COLOURS = {
    State.DRAFT: "grey",
    State.RAS_CHECK: "blue",
    State.QUERIED: "orange",
    State.DEPARTMENT_REVIEW: "blue",
    State.PANEL_REVIEW: "purple",
    State.DELEGATED_REVIEW: "purple",
    State.ACCREDITED: "turquoise",
    State.ACCESS_GRANTED: "green",
    State.CLOSED: "grey",
    State.REJECTED: "red",
    State.WITHDRAWN: "grey",
}
