from django import template

from leo_access.permissions import has_permission

from ..selectors import team_declarations

register = template.Library()


@register.inclusion_tag("declarations/includes/status.html", takes_context=True)
def declaration_status(context, application):
    """Who on the team has signed the Individual Declaration and who has not, on the application's pages.

    Each person reaches their own signed PDF; staff who may download every declaration reach each one, and
    staff are pointed to the page that checks a PDF someone sends them.
    """
    user = context["request"].user
    if not application.accredited_at:
        # Declarations are opened when the panel accredits: before that there is nothing to read.
        return {"rows": []}
    rows = [
        {
            "declaration": declaration,
            "own": declaration.member_id == user.pk,
            "may_download": bool(getattr(declaration, "document", None))
            and (
                has_permission(user, "declaration.download_own", declaration)
                or has_permission(user, "declaration.download", declaration)
            ),
        }
        for declaration in team_declarations(application)
    ]
    own = next((row["declaration"] for row in rows if row["own"]), None)
    return {
        "application": application,
        "rows": rows,
        "own": own,
        "may_sign": own is not None and not own.signed_at and has_permission(user, "declaration.sign", application),
        "may_verify": has_permission(user, "declaration.verify"),
    }
