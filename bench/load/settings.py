"""Settings for the load test's gunicorn and Celery worker: the production settings, with three differences.

- `ROOT_URLCONF` adds the bare page the main pages are compared with (`bench.load.urls`).
- The simulated users all connect from 127.0.0.1 through an emulated TLS-terminating proxy, which names
  each of them in `X-Forwarded-For` (as the proxy the production set-up expects would), so allauth's
  per-address sign-in rate limits apply to each simulated person rather than to the whole run at once.
- `MFA_TOTP_TOLERANCE` accepts the authenticator codes of the 30-second periods either side of the current one.

Everything else, including HTTPS-only cookies, HSTS, the HTTPS redirect for requests that did not come
through the proxy, password hashing and rate limits, is exactly what production runs.
"""

from leo_access.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
ALLAUTH_TRUSTED_PROXY_COUNT = 1
# Production keeps allauth's default of 0: a code is good only in its own 30 seconds. The simulated people work
# out the code just before they send it, but when many sign in at once on a small, shared machine the code POST
# waits behind the other sign-ins' password hashing for a free gunicorn worker (about 19 s in one two-process
# run), and a code sent late in its period lapsed in the queue: 4 of 5 staff were refused, and the run measured
# the sign-in burst instead of the work after it. With a tolerance of one period (allauth counts it both ways) a
# code is good for 30 to 60 seconds after it is shown, so such a queue no longer refuses it; the wait itself is
# still measured ("sign-in code POST" in the figures).
MFA_TOTP_TOLERANCE = 1
