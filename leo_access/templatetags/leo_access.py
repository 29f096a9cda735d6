from django import template

from leo_access.permissions import has_permission

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """`{% can "application.submit" application as allowed %}`: the one permission check, in templates."""
    return has_permission(context["request"].user, action, obj)
