"""What waits for each member of staff."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from applications.models import Application, DepartmentReview
from applications.states import State
from leo_access.roles import Role, department_of, roles_of


@dataclass(frozen=True)
class QueueRow:
    application: Application
    days_in_stage: int
    overdue: bool


def waiting_for(user) -> QuerySet[Application]:
    held = roles_of(user)
    if Role.ADMIN in held:
        return Application.objects.exclude(state=State.DRAFT)
    states = []
    if Role.RAS_OFFICER in held:
        states += [State.RAS_CHECK, State.ACCREDITED]
    if Role.PANEL_MEMBER in held:
        states.append(State.PANEL_REVIEW)
    queryset = Application.objects.filter(state__in=states)
    department = department_of(user)
    if department:
        pending = DepartmentReview.objects.filter(
            application=OuterRef("pk"),
            department=department,
            superseded_at__isnull=True,
            decision=DepartmentReview.Decision.PENDING,
        )
        queryset = queryset | Application.objects.filter(state=State.DEPARTMENT_REVIEW).filter(Exists(pending))
    return queryset


def work_for(user) -> list[QueueRow]:
    now = timezone.now()
    rows = []
    for application in waiting_for(user).order_by("stage_entered_at")[:500]:
        days = (now - application.stage_entered_at).days if application.stage_entered_at else 0
        limit = settings.STAGE_SLA_DAYS.get(application.state)
        rows.append(QueueRow(application, days, bool(limit) and days > limit))
    return rows
