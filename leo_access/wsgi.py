import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leo_access.settings.production")

application = get_wsgi_application()

# Pay for URL modules, templates and the like now rather than in the first person's request.
from leo_access.warmup import WEB, warm  # noqa: E402

warm(WEB)
