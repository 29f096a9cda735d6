"""The account page's API tokens: make one (its secret shown once), see when each was last used, revoke one."""

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.errors import InvalidInput, NotPermitted
from leo_access.forms import GovukForm
from leo_access.permissions import has_permission
from leo_access.second_factor import used_second_factor

from . import tokens
from .models import ApiToken


class TokenForm(GovukForm):
    submit_label = "Create token"
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you can tell your tokens apart. For example, ‘Nightly access check’.",
        error_messages={"required": "Enter a name for the token"},
    )
    scope = forms.ChoiceField(
        label="What may the token do?",
        choices=[
            (ApiToken.Scope.READ, "Read only"),
            (ApiToken.Scope.WRITE, "Read and write: everything you may do on the pages"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the token may do"},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=tokens.MAX_DAYS,
        initial=tokens.DEFAULT_DAYS,
        error_messages={
            "required": "Enter how many days the token lasts",
            "invalid": "Enter the number of days as a whole number, like 90",
            "min_value": f"The token must expire in between 1 and {tokens.MAX_DAYS} days",
            "max_value": f"The token must expire in between 1 and {tokens.MAX_DAYS} days",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("name"), Field.radios("scope", legend_size=Size.SMALL), Field.text("days", field_width=4)
        )


def _own_account(request):
    if not has_permission(request.user, "account.manage"):
        raise PermissionDenied


@login_required
def token_list(request):
    _own_account(request)
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = tokens.issue_token(
                user=request.user,
                by=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                second_factor=used_second_factor(request),
                request=request,
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        else:
            form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": tokens.tokens_of(request.user),
        "now": timezone.now(),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_id):
    _own_account(request)
    try:
        token = tokens.revoke_token(token_id=token_id, by=request.user, request=request)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None
    messages.success(request, f"The token “{token.name}” has been revoked. Programs using it can no longer sign in.")
    return redirect("api_tokens:list")
