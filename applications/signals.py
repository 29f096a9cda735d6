from allauth.account.signals import email_confirmed, user_signed_up
from django.db.models.signals import post_save
from django.dispatch import receiver

from leo_access.models import ResearcherProfile

from .lifecycle import event_committed
from .register import cache as register_cache
from .services import link_invitations

# The public register's cached pages are kept until an application on it, or a researcher's profile, changes.
event_committed.connect(register_cache.on_event_committed, dispatch_uid="applications.register.on_event")
post_save.connect(register_cache.on_profile_saved, sender=ResearcherProfile, dispatch_uid="applications.register")


# Only a confirmed address proves the invitation is theirs.
@receiver(email_confirmed)
def _link_on_confirmation(sender, request, email_address, **kwargs):
    link_invitations(email_address.user)


@receiver(user_signed_up)
def _new_accounts_are_researchers(sender, request, user, **kwargs):
    """Anyone may sign up as a researcher; staff roles are given by admins."""
    from django.contrib.auth.models import Group

    from leo_access.roles import Role

    user.groups.add(Group.objects.get_or_create(name=Role.RESEARCHER.value)[0])
