"""Reading the newest register: one researcher's check, or many at once."""

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Replace, Upper

from .matching import Check, Listed, Result, Stated, compare
from .models import RegisterEntry, RegisterImport
from .reading import normalise_number


def latest_import() -> RegisterImport | None:
    return RegisterImport.objects.order_by("-version").first()


def _stated(profile) -> Stated:
    return Stated(
        name=profile.user.full_name,
        accreditation_type=profile.accreditation_type,
        expiry=profile.accreditation_valid_until,
    )


def check_profiles(profiles) -> dict[int, Check]:
    """Each researcher profile's check against the newest register, by user id, in two queries."""
    profiles = [profile for profile in profiles if profile is not None]
    version = latest_import()
    if version is None:
        return {profile.user_id: Check(Result.NO_REGISTER) for profile in profiles}
    numbers = {normalise_number(profile.accreditation_reference) for profile in profiles}
    entries = {
        entry.accreditation_number: Listed(entry.name, entry.accreditation_type, entry.expiry_date)
        for entry in RegisterEntry.objects.filter(register_import=version, accreditation_number__in=numbers - {""})
    }
    return {
        profile.user_id: compare(_stated(profile), entries.get(normalise_number(profile.accreditation_reference)))
        for profile in profiles
    }


def check_profile(profile) -> Check:
    return check_profiles([profile])[profile.user_id]


def check_members(members) -> dict[int, Check]:
    """Checks for an application's team members (with `user__researcher_profile` selected), by user id."""
    return check_profiles(getattr(member.user, "researcher_profile", None) for member in members if member.user_id)


def with_register(members):
    """Team members (a TeamMember queryset) with what the newest register lists under each one's accreditation
    number, read in the same query, for pages that must not spend a query on it."""
    latest = RegisterImport.objects.order_by("-version").values("pk")[:1]
    entry = RegisterEntry.objects.filter(
        register_import=Subquery(latest), accreditation_number=OuterRef("register_number")
    )
    return members.annotate(
        register_number=Upper(Replace(F("user__researcher_profile__accreditation_reference"), Value(" "), Value(""))),
        register_version=Subquery(latest),
        register_name=Subquery(entry.values("name")[:1]),
        register_type=Subquery(entry.values("accreditation_type")[:1]),
        register_expiry=Subquery(entry.values("expiry_date")[:1]),
    )


def annotated_check(member) -> Check | None:
    """The check of one member read by `with_register`; None when they have no accreditation number to check."""
    profile = getattr(member.user, "researcher_profile", None) if member.user_id else None
    if profile is None or not profile.accreditation_reference.strip():
        return None
    if member.register_version is None:
        return Check(Result.NO_REGISTER)
    listed = None
    if member.register_name is not None:
        listed = Listed(member.register_name, member.register_type, member.register_expiry)
    return compare(_stated(profile), listed)
