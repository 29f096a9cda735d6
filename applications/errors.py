"""Domain errors. Pages show them in a GOV.UK error summary, never as a server error."""


class LifecycleError(Exception):
    """Something the person can understand and act on."""

    def __init__(self, message: str, *, problems=None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])


class NotPermitted(LifecycleError):
    """The person may not do this to this application."""


class StaleState(LifecycleError):
    """The application is not in the state the person saw: someone else got there first."""

    def __init__(self, message: str, *, current_state: str):
        super().__init__(message)
        self.current_state = current_state


class GuardFailed(LifecycleError):
    """The transition is allowed but its conditions are not met; `problems` says which."""


class InvalidInput(LifecycleError):
    """A required answer (reasons, questions) is missing."""


def page_errors(error: LifecycleError) -> list[dict]:
    """The error summary entries for a domain error: its message, then each problem."""
    entries = [{"text": error.message, "href": ""}]
    for problem in error.problems:
        section = getattr(problem, "section", None)
        entries.append({"text": problem.message, "href": f"#section-{section}" if section else ""})
    return entries
