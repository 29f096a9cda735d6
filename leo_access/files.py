"""Stored files leave the service only through views that have checked permission first.

Files are kept through Django's storage API: on local disk under MEDIA_ROOT, or in an S3-compatible bucket when
AWS_STORAGE_BUCKET_NAME is set (README.md, "Object storage"). How the bytes then leave depends on the file:

- a file whose SHA-256 was recorded when it was stored (Variable Request Forms, signed declarations) is read
  whole and checked against it, then sent from memory: a changed file is never handed out as if it were the
  one that was signed or uploaded;
- any other file (exports, ethics letters) is sent by a web server in front of the service when
  PROTECTED_MEDIA_ACCEL_PREFIX names its internal location for MEDIA_ROOT (X-Accel-Redirect), or by a redirect to
  a pre-signed URL that lasts AWS_QUERYSTRING_EXPIRE seconds when the files are in a bucket and
  FILE_DOWNLOADS is "redirect", or else streamed by the view.

A missing or changed file gives the person a page that says so, and records an audit event for the team that
looks after the service; never a server error. MEDIA_ROOT and the bucket are never published under a public URL.
"""

import hashlib
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import content_disposition_header

from .audit.models import AuditKind
from .audit.services import record

# What reading a stored object can raise: a local file gone, or the object store answering with an error.
STORAGE_ERRORS = (OSError, ClientError, BotoCoreError)
CHUNK = 1024 * 1024


class StoredFileProblem(Exception):
    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name, self.problem = name, problem


def sha256_of(handle, *, keep: list | None = None) -> str:
    """The SHA-256 of an open file (or an upload) read in chunks from its start; each chunk is appended to `keep`
    when given. The one place files are fingerprinted, whether they are being stored, moved or read back."""
    digest = hashlib.sha256()
    if hasattr(handle, "seek"):
        handle.seek(0)
    chunks = handle.chunks(CHUNK) if hasattr(handle, "chunks") else iter(lambda: handle.read(CHUNK), b"")
    for chunk in chunks:
        digest.update(chunk)
        if keep is not None:
            keep.append(chunk)
    return digest.hexdigest()


def stored_sha256(name: str, storage=None) -> str:
    """The SHA-256 of the stored file `name` (in `storage`, by default the service's own)."""
    with (storage or default_storage).open(name, "rb") as handle:
        return sha256_of(handle)


def read_verified(name: str, sha256: str) -> bytes:
    """The stored file's bytes, once checked against the SHA-256 recorded when it was stored."""
    parts = []
    try:
        with default_storage.open(name, "rb") as handle:
            digest = sha256_of(handle, keep=parts)
    except STORAGE_ERRORS as error:
        raise StoredFileProblem(name, "missing") from error
    if digest != sha256:
        raise StoredFileProblem(name, "changed")
    return b"".join(parts)


def protected_file_response(
    request, stored_file, *, filename: str, content_type: str, sha256: str = "", application=None
):
    """A stored FileField's file, for someone whose permission the view has checked."""
    return protected_media_response(
        request, stored_file.name, filename=filename, content_type=content_type, sha256=sha256, application=application
    )


def protected_media_response(
    request, name: str, *, filename: str, content_type: str, sha256: str = "", application=None
):
    """The stored file `name`, checked against `sha256` when one was recorded."""
    try:
        response = _response(name, filename=filename, content_type=content_type, sha256=sha256)
    except StoredFileProblem as problem:
        return problem_page(request, problem, filename=filename, application=application)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _response(name: str, *, filename: str, content_type: str, sha256: str) -> HttpResponse:
    if sha256:
        return HttpResponse(read_verified(name, sha256), content_type=content_type)
    if settings.PROTECTED_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
        return response
    try:
        if settings.FILE_DOWNLOADS == "redirect" and settings.AWS_STORAGE_BUCKET_NAME:
            if not default_storage.exists(name):
                raise StoredFileProblem(name, "missing")
            parameters = {
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            }
            return HttpResponseRedirect(default_storage.url(name, parameters=parameters))
        return FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    except STORAGE_ERRORS as error:
        raise StoredFileProblem(name, "missing") from error


def problem_page(request, problem: StoredFileProblem, *, filename: str, application=None):
    """The page for a stored file that could not be sent, with an audit event for the team that runs the service."""
    changed = problem.problem == "changed"
    record(
        kind=AuditKind.FILE_UNAVAILABLE,
        by=request.user,
        request=request,
        application=application,
        summary=f"{'Changed' if changed else 'Missing'} stored file: {filename}",
        data={"path": request.path, "filename": filename, "stored_as": problem.name, "problem": problem.problem},
    )
    if changed:
        heading = "This file has changed since it was stored"
        explanation = (
            f"{filename} no longer matches the fingerprint recorded when it was stored, so it has not been sent. "
            "The team that runs the service has been told; tell them too if you need the file urgently."
        )
    else:
        heading = "This file cannot be found"
        explanation = (
            f"{filename} is recorded but its stored copy could not be read. "
            "The team that runs the service has been told; try again later."
        )
    context = {"heading": heading, "explanation": explanation, "status": 409 if changed else 404}
    return render(request, "error.html", context, status=context["status"])
