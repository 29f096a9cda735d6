from django import template

from leo_access.roles import Department, Role

from ..states import TAG_COLOURS, State

register = template.Library()

EVENT_LABELS = {
    "created": "Application started",
    "form_uploaded": "Variable Request Form uploaded",
    "member_invited": "Team member invited",
    "invitation_accepted": "Invitation accepted",
    "invitation_declined": "Invitation declined",
    "member_removed": "Team member removed",
    "coordinator_changed": "Co-ordinator role handed over",
    "copied": "Copied from another application",
    "submitted": "Submitted",
    "queried": "Sent back with questions",
    "resubmitted": "Answers sent and resubmitted",
    "intake_passed": "Passed the intake check",
    "department_approved": "Department approved",
    "department_rejected": "Department rejected",
    "department_review_completed": "All departments approved",
    "accreditation_routed": "Route to accreditation decided",
    "referred_to_panel": "Referred to the panel by a delegated official",
    "department_reviews_reopened": "Departments asked to review again",
    "rejected": "Rejected",
    "accredited": "Accredited by the panel",
    "declaration_signed": "Individual Declaration signed",
    "access_granted": "Access granted",
    "withdrawn": "Withdrawn",
    "closed": "Project closed",
    "output_added": "Output added to the closure return",
    "output_removed": "Output removed from the closure return",
    "closure_return_sent": "Closure return sent",
    "condition_set": "Condition set",
    "condition_evidence_submitted": "Evidence submitted for a condition",
    "condition_met": "Condition signed off as met",
    "condition_waived": "Condition waived",
    "member_access_suspended": "A member's access suspended",
    "member_access_warning": "A member warned of suspension",
    "member_access_reinstated": "A member's access reinstated",
    "member_access_ended": "A member's access ended",
    "amendment_started": "Amendment started",
    "amendment_form_uploaded": "Variable Request Form uploaded for an amendment",
    "amendment_submitted": "Amendment submitted",
    "amendment_arrived": "Amendment sent for review",
    "amendment_department_decided": "Department decided on an amendment",
    "amendment_queried": "Questions about an amendment",
    "amendment_answered": "Questions about an amendment answered",
    "amendment_approved": "Amendment approved",
    "amendment_rejected": "Amendment refused",
    "amendment_withdrawn": "Amendment withdrawn",
}
ROLE_LABELS = {role.value: role.label for role in Role} | {"coordinator": "Project co-ordinator", "system": "Automatic"}


@register.filter
def event_label(event) -> str:
    label = EVENT_LABELS.get(event.kind, event.kind.replace("_", " ").capitalize())
    number = (event.data or {}).get("amendment_number")
    if number and event.kind.startswith("amendment_"):
        label = f"{label} ({number})"
    if event.kind == "accredited" and (event.data or {}).get("route") == "delegated":
        label = "Accredited by a delegated official"
    department = (event.data or {}).get("department")
    if department and event.kind.startswith("department_"):
        label = f"{label}: {Department(department).label}"
    return label


@register.filter
def role_label(value: str) -> str:
    return ROLE_LABELS.get(value, value)


@register.inclusion_tag("applications/includes/state_tag.html")
def state_tag(state: str):
    return {"label": State(state).label, "colour": TAG_COLOURS[State(state)]}


@register.filter
def department_label(code: str) -> str:
    """dfe -> DfE; the holders of LEO's tables, UCAS being held by ONS."""
    return {"dfe": "DfE", "hmrc": "HMRC", "dwp": "DWP", "ons": "ONS"}.get(code, code)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def purpose_label(name: str) -> str:
    """The project field a purpose or outputs amendment changes, as the pages name it."""
    from ..amendments.versions import PURPOSE_FIELDS

    return PURPOSE_FIELDS.get(name, name)
