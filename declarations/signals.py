"""Declarations follow the application: accrediting it opens one for each member, and a member who leaves the
team before access is granted no longer has one to sign.

`applications` and `reviews` may not import `declarations`, so their changes reach us as signals, inside the
transaction that made them.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from applications.models import ApplicationEvent, TeamMember

from .models import Declaration


@receiver(post_save, sender=TeamMember)
def _withdraw_when_membership_ends(sender, instance, created, **kwargs):
    if created or instance.status == TeamMember.Status.ACCEPTED or not instance.user_id:
        return
    pending = Declaration.objects.filter(
        application_id=instance.application_id,
        member_id=instance.user_id,
        withdrawn_at__isnull=True,
        signed_at__isnull=True,
    )
    if pending.exists():
        from .services import withdraw_pending_declarations

        withdraw_pending_declarations(application_id=instance.application_id, user_id=instance.user_id)


@receiver(post_save, sender=ApplicationEvent)
def _open_when_accredited(sender, instance, created, **kwargs):
    if created and instance.kind == "accredited":
        from .services import open_declarations

        open_declarations(instance.application)


@receiver(post_save, sender=ApplicationEvent)
def _grant_when_conditions_settled(sender, instance, created, **kwargs):
    if created and instance.kind in ("condition_met", "condition_waived"):
        from .services import grant_when_ready

        grant_when_ready(instance.application)


@receiver(post_save, sender=ApplicationEvent)
def _open_for_members_added_by_amendment(sender, instance, created, **kwargs):
    """A member an approved amendment adds to a live project signs the current declaration before their access
    starts (`sign_declaration` opens it)."""
    if created and instance.kind == "amendment_approved" and instance.data.get("members_added"):
        from .services import open_declarations

        open_declarations(instance.application, user_ids=instance.data["members_added"])
