"""Settings for the load test's gunicorn and Celery worker: the production settings, with two differences.

- `ROOT_URLCONF` adds the bare page the main pages are compared with (`bench.load.urls`).
- The simulated users all connect from 127.0.0.1 through an emulated TLS-terminating proxy, which names
  each of them in `X-Forwarded-For` (as the proxy the production set-up expects would), so allauth's
  per-address sign-in rate limits apply to each simulated person rather than to the whole run at once.

Everything else, including HTTPS-only cookies, HSTS, the HTTPS redirect for requests that did not come
through the proxy, password hashing and rate limits, is exactly what production runs.
"""

from leo_access.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
ALLAUTH_TRUSTED_PROXY_COUNT = 1
