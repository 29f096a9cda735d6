from django.conf import settings

from .navigation import navigation_for


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "accreditation_service_name": settings.ACCREDITATION_SERVICE_NAME,
        "accreditation_service_short_name": settings.ACCREDITATION_SERVICE_SHORT_NAME,
        "navigation": navigation_for(request),
    }
