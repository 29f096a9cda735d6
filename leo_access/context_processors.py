from django.conf import settings
from django.utils import timezone

from .navigation import navigation_for
from .profile import accreditation_warning
from .roles import Role, roles_of


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "accreditation_service_name": settings.ACCREDITATION_SERVICE_NAME,
        "accreditation_service_short_name": settings.ACCREDITATION_SERVICE_SHORT_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "navigation": navigation_for(request),
        "accreditation_warning": _warning(request),
    }


def _warning(request):
    user = getattr(request, "user", None)
    if user is None or Role.RESEARCHER not in roles_of(user):
        return None
    # The warning sends people to their profile; on the profile page it would only point at the form below it.
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "profile":
        return None
    return accreditation_warning(user, timezone.localdate())
