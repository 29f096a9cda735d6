"""Who is calling: the site's own session (with its second factor), or a personal API token."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header

from leo_access.second_factor import needs_second_factor

from . import tokens

SECOND_FACTOR_NEEDED = (
    "Sign in again with your authenticator app or passkey: the API takes a session with a second factor, "
    "or a personal API token."
)

BAD_TOKEN = "The API token is not valid: it may be mistyped, expired or revoked. Create a new one on your account page."


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer leo_…`, a personal token made on the account page or with `create_api_token`."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD_TOKEN) from None
        token = tokens.token_for(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        tokens.record_use(token, request._request)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class SecondFactorSessionAuthentication(SessionAuthentication):
    """The session the pages use; it must have proved its second factor, as the pages require."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and needs_second_factor(request._request):
            raise exceptions.AuthenticationFailed(SECOND_FACTOR_NEEDED)
        return result
