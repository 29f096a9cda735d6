"""Demo data for closure: the closed demo project's closure return, sent with two outputs. Added once."""

from datetime import timedelta

from django.utils import timezone

from applications.closure.services import add_output, submit_closure_return
from applications.models import Application, ClosureReturn
from applications.states import State
from leo_access.models import User
from leo_access.roles import Role

OUTPUTS = [
    {
        "title": "Does the school you attended shape graduate earnings?",
        "kind": "journal_article",
        "link": "10.5555/leo-demo.2026.014",
        "output_checked": True,
        "days_ago": 40,
    },
    {
        "title": "Graduate earnings by type of school: technical report",
        "kind": "report",
        "link": "https://example.org/research/graduate-earnings-school-type",
        "output_checked": True,
        "days_ago": 20,
    },
]
FINAL_REPORT = (
    "The project linked school records to graduate earnings for the 2010 to 2014 cohorts. Graduates from "
    "independent schools earned more five years on, about half of the gap being explained by subject and "
    "university attended. Both outputs were checked by the Secure Research Service before release."
)


def ensure_closed_project_outputs(by_role: dict[Role, list[User]]) -> bool:
    """The closed demo project's return: two outputs, the final report, the destruction confirmed."""
    coordinator = by_role[Role.RESEARCHER][0]
    pending = ClosureReturn.objects.filter(
        application__in=Application.objects.filter(state=State.CLOSED, created_by=coordinator),
        submitted_at__isnull=True,
    ).first()
    if pending is None:
        return False
    today = timezone.localdate()
    for output in OUTPUTS:
        fields = {name: value for name, value in output.items() if name != "days_ago"}
        add_output(
            application_id=pending.application_id,
            by=coordinator,
            output={**fields, "published_on": today - timedelta(days=output["days_ago"])},
        )
    submit_closure_return(
        application_id=pending.application_id, by=coordinator, final_report=FINAL_REPORT, materials_destroyed=True
    )
    return True
