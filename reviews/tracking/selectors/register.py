"""The register of accredited projects for staff: datasets, outputs, flags for projects ending or past their end
date (the project end date, `applications.service_levels`), filters."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, Replace, Substr
from django.utils import timezone

from applications import service_levels
from applications.models import Application, ProjectOutput, joined
from applications.selectors import submitted_applications
from applications.states import REGISTER_STATES, State
from leo_access.models import ResearcherProfile

from .lists import with_people
from .periods import Period

ENDING_SOON_DAYS = 90


def _datasets_text():
    """The datasets of the application's current form (`Application.requested_datasets`, `|LEO|NPD|`) as
    `LEO; NPD`."""
    column = "requested_datasets"
    return Case(
        When(**{column: ""}, then=Value("")),
        default=Replace(Substr(column, 2, Length(column) - 2), Value("|"), Value("; ")),
        output_field=CharField(),
    )


def _outputs_count():
    """How many outputs the project's closure return lists (a subquery: no join to multiply the rows)."""
    counted = (
        ProjectOutput.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    dataset: str = ""
    organisation: str = ""
    state: str = ""
    flag: str = ""
    accredited_from: date | None = None
    accredited_to: date | None = None
    ends_from: date | None = None
    ends_to: date | None = None


def register(filters: RegisterFilters, today: date | None = None) -> QuerySet[Application]:
    """Every accredited project, with its datasets and flags for accreditation ending or ended."""
    today = today or timezone.localdate()
    queryset = with_people(submitted_applications().filter(state__in=REGISTER_STATES, accredited_at__isnull=False))
    queryset = queryset.annotate(
        datasets=_datasets_text(),
        outputs_count=_outputs_count(),
        flag=Case(
            When(~Q(state=State.CLOSED) & service_levels.past_end_q(today), then=Value("past_end")),
            When(
                ~Q(state=State.CLOSED) & service_levels.ending_within_q(today, ENDING_SOON_DAYS),
                then=Value("ending_soon"),
            ),
            default=Value(""),
            output_field=CharField(),
        ),
    )
    if filters.dataset:
        queryset = queryset.filter(requested_datasets__contains=joined([filters.dataset]))
    if filters.organisation:
        queryset = queryset.filter(organisation=filters.organisation)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.flag:
        queryset = queryset.filter(flag=filters.flag)
    if filters.accredited_from:
        queryset = queryset.filter(accredited_at__gte=Period(filters.accredited_from, filters.accredited_from).since)
    if filters.accredited_to:
        queryset = queryset.filter(accredited_at__lt=Period(filters.accredited_to, filters.accredited_to).until)
    if filters.ends_from:
        queryset = queryset.filter(end_date__gte=filters.ends_from)
    if filters.ends_to:
        queryset = queryset.filter(end_date__lte=filters.ends_to)
    if filters.q:
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(coordinator_name__icontains=filters.q)
            | Q(organisation__icontains=filters.q)
        )
    return queryset.order_by("-accredited_at", "reference")


def register_flag_counts(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    open_projects = submitted_applications().filter(state__in=[State.ACCREDITED, State.ACCESS_GRANTED])
    return open_projects.aggregate(
        ending_soon=Count("pk", filter=service_levels.ending_within_q(today, ENDING_SOON_DAYS)),
        past_end=Count("pk", filter=service_levels.past_end_q(today)),
    )


def organisations() -> list[str]:
    return list(
        ResearcherProfile.objects.exclude(organisation="")
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )


def dataset_names() -> list[str]:
    from applications.models import CatalogueDataset

    return list(CatalogueDataset.objects.order_by("name").values_list("name", flat=True).distinct())
