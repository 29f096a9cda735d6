"""Every application, filtered, with its co-ordinator and organisation: the tracking list and its export."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from applications import service_levels
from applications.models import Application, DepartmentReview, TeamMember
from applications.selectors import submitted_applications

from .periods import Period


def _coordinators():
    return TeamMember.objects.filter(
        application=OuterRef("pk"), role=TeamMember.Role.COORDINATOR, status=TeamMember.Status.ACCEPTED
    ).order_by("pk")


def with_people(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate the co-ordinator's name and organisation."""
    coordinators = _coordinators()
    return queryset.annotate(
        coordinator_name=Subquery(
            coordinators.annotate(
                name=Coalesce(NullIf(F("user__full_name"), Value("")), F("email"), output_field=CharField())
            ).values("name")[:1]
        ),
        organisation=Subquery(coordinators.values("user__researcher_profile__organisation")[:1]),
    )


@dataclass(frozen=True)
class ApplicationFilters:
    q: str = ""
    state: str = ""
    department: str = ""
    decision: str = ""
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None


def applications(filters: ApplicationFilters, now: datetime | None = None) -> QuerySet[Application]:
    """Every submitted application matching the filters, oldest at its stage first, with co-ordinator and
    organisation."""
    queryset = submitted_applications()
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.department:
        reviews = DepartmentReview.objects.filter(
            application=OuterRef("pk"), department=filters.department, superseded_at__isnull=True
        )
        if filters.decision:
            reviews = reviews.filter(decision=filters.decision)
        queryset = queryset.filter(Exists(reviews))
    if filters.overdue:
        queryset = queryset.filter(service_levels.overdue_q(now))
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__gte=Period(filters.submitted_from, filters.submitted_from).since)
    if filters.submitted_to:
        queryset = queryset.filter(submitted_at__lt=Period(filters.submitted_to, filters.submitted_to).until)
    queryset = with_people(queryset)
    if filters.q:
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(coordinator_name__icontains=filters.q)
            | Q(organisation__icontains=filters.q)
        )
    return queryset.order_by(F("stage_entered_at").asc(nulls_last=True), "reference")
