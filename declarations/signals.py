"""A member who leaves the team before access is granted no longer has a declaration to sign.

`applications` may not import `declarations`, so the team's changes reach us as a signal.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from applications.models import TeamMember

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
