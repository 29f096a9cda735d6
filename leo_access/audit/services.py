"""Recording audit events. Each is written in the caller's transaction when there is one."""

from django.utils import timezone

from .models import AuditEvent, AuditKind


def client_ip(request) -> str | None:
    """The address the request came from.

    The proxy in front of production appends the client's address to X-Forwarded-For, so the last entry is
    the one it saw; without a proxy Django's REMOTE_ADDR is the client.
    """
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[-1].strip() if forwarded else "") or request.META.get("REMOTE_ADDR") or None


def record(
    *,
    kind: AuditKind,
    by,
    summary: str,
    request=None,
    application=None,
    data: dict | None = None,
) -> AuditEvent:
    """Append an audit event. `by` is the person acting (None when nobody is signed in)."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        actor=actor,
        actor_email=getattr(actor, "email", "") or (data or {}).get("attempted_email", ""),
        application_id=getattr(application, "pk", None),
        application_reference=getattr(application, "reference", "") or "",
        summary=summary[:500],
        ip_address=client_ip(request),
        data=data or {},
    )


def record_download(*, request, what: str, application=None, filename: str = "") -> AuditEvent:
    return record(
        kind=AuditKind.FILE_DOWNLOADED,
        by=request.user,
        request=request,
        application=application,
        summary=f"Downloaded {what}" + (f" ({filename})" if filename else ""),
        data={"path": request.path, "filename": filename},
    )


def record_application_opened(*, request, application, page: str) -> AuditEvent:
    return record(
        kind=AuditKind.APPLICATION_OPENED,
        by=request.user,
        request=request,
        application=application,
        summary=f"Opened {application.reference or 'a draft application'} ({page})",
        data={"path": request.path},
    )
