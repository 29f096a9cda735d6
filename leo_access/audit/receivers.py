"""Sign-ins, password and second-factor changes, permission changes and admin-site changes, as audit events."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from ..models import User
from .context import acting_user, current_request
from .models import AuditKind
from .services import record

ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(auth_signals.user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record(kind=AuditKind.SIGN_IN, by=user, request=request, summary=f"{user.email} signed in")


@receiver(auth_signals.user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(kind=AuditKind.SIGN_OUT, by=user, request=request, summary=f"{user.email} signed out")


@receiver(auth_signals.user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The attempted address is kept (it may not be an account); the password never is.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    record(
        kind=AuditKind.SIGN_IN_FAILED,
        by=None,
        request=request,
        summary=f"Failed sign-in for {attempted or 'an unnamed account'}",
        data={"attempted_email": attempted},
    )


@receiver(account_signals.password_changed)
def _password_changed(sender, request, user, **kwargs):
    record(kind=AuditKind.PASSWORD_CHANGED, by=user, request=request, summary=f"{user.email} changed their password")


@receiver(account_signals.password_reset)
def _password_reset(sender, request, user, **kwargs):
    record(kind=AuditKind.PASSWORD_RESET, by=user, request=request, summary=f"{user.email} reset their password")


@receiver(mfa_signals.authenticator_added)
def _second_factor_added(sender, request, user, authenticator, **kwargs):
    record(
        kind=AuditKind.SECOND_FACTOR_ADDED,
        by=user,
        request=request,
        summary=f"{user.email} added a second factor ({authenticator.type})",
    )


@receiver(mfa_signals.authenticator_removed)
def _second_factor_removed(sender, request, user, authenticator, **kwargs):
    record(
        kind=AuditKind.SECOND_FACTOR_REMOVED,
        by=user,
        request=request,
        summary=f"{user.email} removed a second factor ({authenticator.type})",
    )


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    verb = {"post_add": "given", "post_remove": "removed from", "post_clear": "removed from every"}[action]
    record(
        kind=AuditKind.PERMISSION_CHANGED,
        by=acting_user(),
        request=current_request.get(),
        summary=f"{instance.email} {verb} role(s) {', '.join(names)}".rstrip(),
        data={"user_id": instance.pk, "action": action.removeprefix("post_"), "roles": names},
    )


@receiver(pre_save, sender=User)
def _remember_access_flags(sender, instance, update_fields=None, **kwargs):
    instance._leo_access_flags = None
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(ACCESS_FLAGS)):
        return
    instance._leo_access_flags = User.objects.filter(pk=instance.pk).values(*ACCESS_FLAGS).first()


@receiver(post_save, sender=User)
def _access_flags_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_leo_access_flags", None)
    if created or not before:
        return
    changed = {flag: getattr(instance, flag) for flag in ACCESS_FLAGS if before[flag] != getattr(instance, flag)}
    if changed:
        record(
            kind=AuditKind.PERMISSION_CHANGED,
            by=acting_user(),
            request=current_request.get(),
            summary=f"{instance.email}: " + ", ".join(f"{flag} set to {value}" for flag, value in changed.items()),
            data={"user_id": instance.pk, "changed": changed},
        )


ADMIN_VERBS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry)
def _admin_change(sender, instance, created, **kwargs):
    if not created:
        return
    what = instance.content_type.name if instance.content_type_id else "object"
    record(
        kind=AuditKind.ADMIN_CHANGE,
        by=instance.user,
        request=current_request.get(),
        summary=f"Admin site: {ADMIN_VERBS.get(instance.action_flag, 'changed')} {what} “{instance.object_repr}”",
        data={
            "content_type": what,
            "object_id": str(instance.object_id),
            "action": ADMIN_VERBS.get(instance.action_flag, "changed"),
            "change_message": instance.get_change_message(),
        },
    )
