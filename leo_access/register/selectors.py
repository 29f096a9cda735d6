"""Reading the newest register: one researcher's check, or many at once."""

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
