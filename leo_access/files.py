"""Stored files leave the service only through views that have checked permission first.

In production a web server in front of gunicorn can send the bytes itself: set PROTECTED_MEDIA_ACCEL_PREFIX to
the path of an `internal` location that maps to MEDIA_ROOT (README.md, "Security", shows it for nginx), and the
view answers with an `X-Accel-Redirect` header instead of streaming the file through Python. MEDIA_ROOT is never
published under a public URL.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def protected_file_response(stored_file, *, filename: str, content_type: str) -> HttpResponse:
    """A stored FileField's file, for someone whose permission the view has checked."""
    return protected_media_response(stored_file.name, filename=filename, content_type=content_type)


def protected_media_response(name: str, *, filename: str, content_type: str) -> HttpResponse:
    """The file at `name` under MEDIA_ROOT, for someone whose permission the view has checked."""
    prefix = settings.PROTECTED_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
