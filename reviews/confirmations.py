"""What each staff decision's confirmation says: what was recorded, and what happens next."""

from applications.models import DepartmentReview
from applications.selectors import current_department_reviews
from applications.states import State
from leo_access.roles import Department

QUERY_NEXT = (
    "The co-ordinator has been sent your questions. The application waits with them until they answer and "
    "resubmit; it then comes back to this stage."
)
REJECT_NEXT = "The co-ordinator has been told and given your reasons. Nothing more is needed."


def intake(decision: str, application) -> tuple[str, str]:
    reference = application.reference
    if decision == "pass":
        return (
            f"{reference} has passed intake",
            "DfE, HMRC and DWP now each review it. It goes to the Research Accreditation Panel once all three approve.",
        )
    return _query_or_reject(decision, application)


def department(decision: str, application, department: Department | None) -> tuple[str, str]:
    reference = application.reference
    if decision == DepartmentReview.Decision.APPROVED:
        if application.state == State.PANEL_REVIEW:
            return (
                f"{department.label} has approved {reference}",
                "All three departments have approved: the application goes to the Research Accreditation Panel.",
            )
        if application.state == State.DELEGATED_REVIEW:
            return (
                f"{department.label} has approved {reference}",
                "All three departments have approved, and the application meets the criteria for delegated "
                "accreditation: an official with delegated authority now decides it, or refers it to the panel.",
            )
        waiting = [
            review.get_department_display()
            for review in current_department_reviews(application)
            if review.decision == DepartmentReview.Decision.PENDING
        ]
        return (
            f"{department.label} has approved {reference}",
            f"It goes to the Research Accreditation Panel once {_and(waiting)} "
            f"{'has' if len(waiting) == 1 else 'have'} approved too.",
        )
    if decision == DepartmentReview.Decision.REJECTED:
        return f"{department.label} has rejected {reference}", REJECT_NEXT
    return _query_or_reject(decision, application)


def panel(decision: str, application) -> tuple[str, str]:
    if decision == "accredit":
        return (
            f"{application.reference} is accredited",
            "Each researcher on the team now signs their Individual Declaration; the accreditation service grants "
            "access once all have signed.",
        )
    return _query_or_reject(decision, application)


def delegated(decision: str, application) -> tuple[str, str]:
    if decision == "accredit":
        return panel(decision, application)
    return (
        f"{application.reference} has been referred to the panel",
        "It is now in the Research Accreditation Panel's queue, with your reason on its timeline.",
    )


def close(application) -> tuple[str, str]:
    return (
        f"{application.reference} is closed",
        "The team has been told. Its record and signed declarations are kept.",
    )


def _query_or_reject(decision: str, application) -> tuple[str, str]:
    if decision == "query":
        return f"Your questions on {application.reference} have been sent", QUERY_NEXT
    return f"{application.reference} has been rejected", REJECT_NEXT


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
