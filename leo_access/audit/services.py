"""Recording audit events. Each is written in the caller's transaction when there is one."""

from django.utils import timezone

from .models import AuditEvent, AuditKind


def client_ip(request) -> str | None:
    """The client's address, as allauth's rate limits see it.

    Behind a proxy (TRUSTED_PROXY_COUNT) it is read from X-Forwarded-For, counting the trusted proxies from
    the right, so a client cannot choose it; without one it is REMOTE_ADDR.
    """
    if request is None:
        return None
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


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


def record_application_opened(*, request, application, page: str, outside_stage: bool = False) -> AuditEvent:
    """Staff opened an application; `outside_stage` when it was not at a stage their role holds."""
    return record(
        kind=AuditKind.APPLICATION_OPENED,
        by=request.user,
        request=request,
        application=application,
        summary=f"Opened {application.reference or 'a draft application'} ({page})"
        + (" outside their stage" if outside_stage else ""),
        data={"path": request.path, "outside_stage": outside_stage},
    )
