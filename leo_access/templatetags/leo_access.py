from django import template

from leo_access.confirmation import banner_parts as split_banner
from leo_access.permissions import has_permission

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """`{% can "application.submit" application as allowed %}`: the one permission check, in templates."""
    return has_permission(context["request"].user, action, obj)


@register.filter
def banner_parts(message):
    """A confirmation's heading and its "what happens next" (`leo_access.confirmation`)."""
    return split_banner(message)


@register.filter
def group_messages(messages) -> dict:
    """A page's messages as one error summary and one notification banner (templates/includes/messages.html)."""
    errors, notices = [], []
    for message in messages:
        (errors if message.level_tag == "error" else notices).append(message)
    return {
        "errors": errors,
        "notices": notices,
        "success": bool(notices) and all(m.level_tag == "success" for m in notices),
    }


@register.filter
def second_factor_types(user) -> set[str]:
    """The kinds of second factor a person has ("totp", "webauthn", "recovery_codes"): the sign-in code page
    offers a passkey only to someone who has one, the account page recovery codes only once there are some."""
    from allauth.mfa.models import Authenticator

    if not user or not user.pk:
        return set()
    return set(Authenticator.objects.filter(user=user).values_list("type", flat=True))


# allauth's labels, as the rest of the service words its own: sentence case, with a hint where one helps.
ACCOUNT_LABELS = {
    "Email": ("Email address", ""),
    "E-mail": ("Email address", ""),
    "Password (again)": ("Confirm your password", "Type the same password again."),
    "New Password (again)": ("Confirm your new password", "Type the same password again."),
    "Remember Me": ("Remember me on this device", ""),
}


@register.filter
def govuk_field(field):
    """An allauth form field as a GOV.UK one: its label in sentence case, a hint where useful, and no
    placeholder (GOV.UK forms do not use them: they vanish as you type and repeat the label)."""
    field.field.widget.attrs.pop("placeholder", None)
    label, hint = ACCOUNT_LABELS.get(str(field.label), (sentence_case(str(field.label)), ""))
    field.label = label
    if hint and not field.help_text:
        field.help_text = hint
    return field


def sentence_case(label: str) -> str:
    """ "Current Password" -> "Current password"; words in capitals (such as TOTP) are kept."""
    first, *rest = label.split(" ") or [""]
    return " ".join([first, *(word if word.isupper() else word.lower() for word in rest)])
