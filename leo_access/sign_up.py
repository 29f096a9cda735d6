"""Signing up takes the same work whether or not the address already has an account.

With ACCOUNT_PREVENT_ENUMERATION the page says the same in both cases, but allauth does much less for an address
that has an account (it only sends "you already have an account"), so the answer came back ten or more times
sooner than for a new address, whose password is hashed - and the time told what the words did not.
"""

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password


class EvenSignupForm(SignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed to be stored: this one is hashed as well, with the same hasher,
            # and thrown away.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
