"""Who is calling: the site's own session (with its second factor, for staff), or a personal API token."""

from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from leo_access.second_factor import needs_second_factor

SECOND_FACTOR_NEEDED = (
    "Sign in again with the code from your authenticator app: staff use the API from a session with a second "
    "factor, or with a personal API token."
)


class SecondFactorSessionAuthentication(SessionAuthentication):
    """The session the pages use; a member of staff's must have proved its second factor, as the pages require."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and needs_second_factor(request._request):
            raise exceptions.AuthenticationFailed(SECOND_FACTOR_NEEDED)
        return result

    def authenticate_header(self, request):
        return 'Session realm="api"'
