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
