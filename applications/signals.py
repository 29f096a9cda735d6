from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from .services import link_invitations


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
