from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import link_invitations


# Only a confirmed address proves the invitation is theirs.
@receiver(email_confirmed)
def _link_on_confirmation(sender, request, email_address, **kwargs):
    link_invitations(email_address.user)
