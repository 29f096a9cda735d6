"""The one vocabulary of roles. Each role is stored as a Django group of the same name."""

from django.db import models


class Role(models.TextChoices):
    RESEARCHER = "researcher", "Researcher"
    RAS_OFFICER = "ras_officer", "RAS officer"
    DFE_REVIEWER = "dfe_reviewer", "DfE reviewer"
    HMRC_REVIEWER = "hmrc_reviewer", "HMRC reviewer"
    DWP_REVIEWER = "dwp_reviewer", "DWP reviewer"
    PANEL_MEMBER = "panel_member", "Panel member"
    DELEGATED_OFFICIAL = "delegated_official", "Delegated official"
    ADMIN = "admin", "Admin"


class Department(models.TextChoices):
    DFE = "dfe", "DfE"
    HMRC = "hmrc", "HMRC"
    DWP = "dwp", "DWP"


DEPARTMENT_REVIEWER_ROLE = {
    Department.DFE: Role.DFE_REVIEWER,
    Department.HMRC: Role.HMRC_REVIEWER,
    Department.DWP: Role.DWP_REVIEWER,
}
REVIEWER_ROLES = frozenset(DEPARTMENT_REVIEWER_ROLE.values())
STAFF_ROLES = frozenset({Role.RAS_OFFICER, Role.PANEL_MEMBER, Role.DELEGATED_OFFICIAL, Role.ADMIN, *REVIEWER_ROLES})


class _JoinedNames(models.Aggregate):
    """The group names of a user as one comma-separated text (no role's name holds a comma)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def with_role_names(users: models.QuerySet) -> models.QuerySet:
    """Users with the names of their roles read in the same query, so that `roles_of` asks nothing more: every
    signed-in request loads its user this way (`leo_access.backends`), saving a query on every page."""
    from django.contrib.auth.models import Group

    names = (
        Group.objects.filter(user=models.OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(joined=_JoinedNames("name"))
        .values("joined")
    )
    return users.annotate(role_names=models.Subquery(names, output_field=models.TextField()))


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_leo_roles", None)
    if cached is None:
        if hasattr(user, "role_names"):  # read with the user (`with_role_names`)
            names = set((user.role_names or "").split(","))
        else:
            names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._leo_roles = cached
    return cached


def department_of(user) -> Department | None:
    """The department a reviewer reviews for, if any."""
    held = roles_of(user)
    for department, role in DEPARTMENT_REVIEWER_ROLE.items():
        if role in held:
            return department
    return None


def is_staff_member(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)
