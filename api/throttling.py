"""One request budget per personal token (or per signed-in person, or per address), kept in the shared cache."""

from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        token_id = getattr(request.auth, "pk", None)
        if token_id is not None:
            ident = f"token:{token_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
