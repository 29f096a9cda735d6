"""Reads of the public register: which projects are on it, and what is published of each, as plain rows.

Only projects in `REGISTER_STATES` that have been accredited appear. A row holds published facts alone: never
e-mail addresses, staff notes, panel conditions or anything of an application before accreditation; researchers'
names only where the co-ordinator agreed (`Application.register_names_consent`). Every function here takes a
fixed number of queries however many applications there are: one for the page of applications, one for their
teams, one for their Variable Request Forms and, when any is closed, one for their outputs. A closed project's
outputs are published once its co-ordinator has sent the closure return.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from leo_access.models import ResearcherProfile

from ..models import (
    Application,
    CatalogueDataset,
    ProjectOutput,
    TeamMember,
    VariableRequestForm,
    joined,
    split,
)
from ..section_forms import PUBLIC_BENEFIT_CATEGORIES
from ..selectors import current_of
from ..states import REGISTER_STATES, State
from ..validation import tables_requested

# How each state is described to the public.
STATUS_LABELS = {
    State.ACCREDITED: "Accredited, awaiting declarations",
    State.ACCESS_GRANTED: "Live: access granted",
    State.CLOSED: "Closed",
}
PURPOSE_LABELS = dict(PUBLIC_BENEFIT_CATEGORIES)
CHUNK = 500


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    dataset: str = ""
    organisation: str = ""
    year: int | None = None
    status: str = ""

    def query(self) -> dict[str, str]:
        """The filters set, as query-string values."""
        values = {"q": self.q, "dataset": self.dataset, "organisation": self.organisation, "year": self.year or ""}
        return {name: str(value) for name, value in {**values, "status": self.status}.items() if value}

    def as_key(self) -> str:
        """The filters in a fixed order, for a cache key."""
        return "\x1f".join([self.q, self.dataset, self.organisation, str(self.year or ""), self.status])


def _members_at(organisation_q: Q):
    return TeamMember.objects.filter(
        organisation_q, application=OuterRef("pk"), status=TeamMember.Status.ACCEPTED
    ).values("pk")


def register_queryset(filters: RegisterFilters = RegisterFilters()) -> QuerySet[Application]:
    """The applications on the register that match the filters, most recently accredited first."""
    queryset = Application.objects.filter(state__in=REGISTER_STATES, accredited_at__isnull=False)
    if filters.status:
        queryset = queryset.filter(state=filters.status)
    if filters.dataset:
        queryset = queryset.filter(requested_datasets__contains=joined([filters.dataset]))
    if filters.year:
        start = timezone.make_aware(datetime(filters.year, 1, 1))
        queryset = queryset.filter(
            accredited_at__gte=start, accredited_at__lt=timezone.make_aware(datetime(filters.year + 1, 1, 1))
        )
    if filters.organisation:
        queryset = queryset.filter(Exists(_members_at(Q(user__researcher_profile__organisation=filters.organisation))))
    if filters.q:
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(lay_summary__icontains=filters.q)
            | Exists(_members_at(Q(user__researcher_profile__organisation__icontains=filters.q)))
        )
    return queryset.order_by("-accredited_at", "reference")


FIELDS = (
    "pk",
    "reference",
    "title",
    "lay_summary",
    "public_benefit_categories",
    "requested_datasets",
    "accredited_at",
    "end_date",
    "state",
    "register_names_consent",
)


def _teams(ids) -> dict:
    """Each application's accepted members (co-ordinator first), as (name, organisation)."""
    teams: dict = {pk: [] for pk in ids}
    members = (
        TeamMember.objects.filter(application_id__in=ids, status=TeamMember.Status.ACCEPTED)
        .order_by("application_id", "invited_at", "pk")
        .values_list("application_id", "role", "user__full_name", "user__researcher_profile__organisation")
    )
    for application_id, role, name, organisation in members:
        teams[application_id].append((role != TeamMember.Role.COORDINATOR, name or "", organisation or ""))
    return {pk: [(name, organisation) for _, name, organisation in sorted(people)] for pk, people in teams.items()}


def _tables(ids) -> dict:
    """The tables each application's current form (`selectors.current_of`) asks for."""
    forms: dict = {pk: [] for pk in ids}
    rows = (
        VariableRequestForm.objects.filter(application_id__in=ids)
        .order_by("application_id", "-version")
        .only("pk", "application_id", "version", "validation_status", "proposed")
        .annotate(tables=KeyTransform("tables", "result"))
    )
    for form in rows:
        forms[form.application_id].append(form)
    tables = {}
    for pk, uploads in forms.items():
        form = current_of(uploads)
        chosen = tables_requested(form.tables if form else [])
        tables[pk] = [{"dataset": t.get("dataset", ""), "table": t.get("table", "")} for t in chosen]
    return tables


def _outputs(ids) -> dict:
    """The outputs of each project whose closure return has been sent, oldest first."""
    outputs: dict = {pk: [] for pk in ids}
    if not ids:
        return outputs
    rows = ProjectOutput.objects.filter(
        application_id__in=ids, application__closure_return__submitted_at__isnull=False
    ).order_by("application_id", "published_on", "pk")
    for output in rows:
        outputs[output.application_id].append(
            {
                "title": output.title,
                "type": output.get_kind_display(),
                "date": output.published_on,
                "doi_or_url": output.link,
                "url": output.url,
                "output_checked": output.output_checked,
            }
        )
    return outputs


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def entries_for(rows: list[dict]) -> list[dict]:
    """Published rows for applications read with `FIELDS`, in the same order: three queries in all."""
    ids = [row["pk"] for row in rows]
    # Only closed projects have outputs: a page without one asks nothing more.
    closed = [row["pk"] for row in rows if row["state"] == State.CLOSED]
    teams, tables, outputs = _teams(ids), _tables(ids), _outputs(closed)
    entries = []
    for row in rows:
        team = teams[row["pk"]]
        organisations = list(dict.fromkeys(organisation for _, organisation in team if organisation))
        named = row["register_names_consent"]
        entries.append(
            {
                "reference": row["reference"],
                "title": row["title"],
                "lay_summary": row["lay_summary"],
                "organisations": organisations,
                "public_benefit_purposes": [
                    PURPOSE_LABELS.get(code, code) for code in row["public_benefit_categories"] or []
                ],
                "datasets": split(row["requested_datasets"]),
                "tables": tables[row["pk"]],
                "accredited_on": _local_date(row["accredited_at"]),
                # The project's end date (`service_levels.project_ends_on`): it closes the day after.
                "ends_on": row["end_date"],
                "status": row["state"],
                "status_label": STATUS_LABELS[row["state"]],
                # None: the co-ordinator did not agree to publish names (as against a team with no names).
                "researchers": [name for name, _ in team if name] if named else None,
                "outputs": outputs.get(row["pk"], []),
            }
        )
    return entries


def register_entries(filters: RegisterFilters = RegisterFilters(), *, start: int = 0, stop: int | None = None):
    """The register's rows matching the filters, from `start` to `stop` (most recently accredited first)."""
    queryset = register_queryset(filters).values(*FIELDS)
    return entries_for(list(queryset[start:stop]))


def iter_register_entries(filters: RegisterFilters = RegisterFilters(), chunk: int = CHUNK) -> Iterator[dict]:
    """Every row matching the filters, read a chunk at a time (for downloads): memory stays flat.

    Chunks follow the order by keyset, not by offset, so each is as cheap as the first.
    """
    queryset = register_queryset(filters).values(*FIELDS)
    last = None
    while True:
        page = queryset
        if last is not None:
            moment, reference = last
            page = page.filter(Q(accredited_at__lt=moment) | Q(accredited_at=moment, reference__gt=reference))
        rows = list(page[:chunk])
        if not rows:
            return
        yield from entries_for(rows)
        if len(rows) < chunk:
            return
        last = (rows[-1]["accredited_at"], rows[-1]["reference"])


def count(filters: RegisterFilters = RegisterFilters()) -> int:
    return register_queryset(filters).count()


def filter_options() -> dict:
    """The choices the register's filters offer: the catalogue's datasets, the organisations of projects on the
    register, the years in which projects were accredited, and the statuses."""
    on_register = Application.objects.filter(state__in=REGISTER_STATES, accredited_at__isnull=False)
    span = on_register.aggregate(first=Min("accredited_at"), last=Max("accredited_at"))
    years = []
    if span["first"]:
        years = list(range(timezone.localdate(span["last"]).year, timezone.localdate(span["first"]).year - 1, -1))
    organisations = (
        ResearcherProfile.objects.filter(
            Exists(
                TeamMember.objects.filter(
                    user=OuterRef("user"),
                    status=TeamMember.Status.ACCEPTED,
                    application__in=on_register,
                )
            )
        )
        .exclude(organisation="")
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )
    return {
        "datasets": list(CatalogueDataset.objects.order_by("name").values_list("name", flat=True).distinct()),
        "organisations": list(organisations),
        "years": years,
        "statuses": [(state.value, STATUS_LABELS[state]) for state in REGISTER_STATES],
    }
