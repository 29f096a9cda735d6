"""What each role may do: one table, and one check used everywhere.

Every action names the roles that may perform it. Actions on an object add a
rule about that object (for example, "a member of this application's team").
Views, services and templates all ask `has_permission(user, action, obj)`.
State rules (an application can only be submitted from draft) are not
permissions: the state machine enforces them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from .actors import SYSTEM
from .roles import REVIEWER_ROLES, STAFF_ROLES, Role, roles_of
from .teams import holds_stage

ObjectRule = Callable[[object, object], bool]


def is_member(user, application) -> bool:
    return application.is_member(user)


def is_coordinator(user, application) -> bool:
    return application.is_coordinator(user)


def holds_current_stage(user, application) -> bool:
    """Whoever holds the application's current stage may query it."""
    return holds_stage(user, application.state)


def is_declarant(user, declaration) -> bool:
    return declaration.member_id == user.pk


def was_submitted(application) -> bool:
    """Submitted at least once. A draft that never was (even one withdrawn since) is its team's alone."""
    return application.submitted_at is not None and application.state != "draft"


def submitted_q(prefix: str = "") -> Q:
    """`was_submitted` as a filter, for every list, count and export staff read (`prefix` reaches the application
    from a related row, as in "application__")."""
    return Q(**{f"{prefix}submitted_at__isnull": False}) & ~Q(**{f"{prefix}state": "draft"})


def member_or_staff(user, application) -> bool:
    """The application's team always; staff only once it has been submitted."""
    if roles_of(user) & STAFF_ROLES and was_submitted(application):
        return True
    return application.is_member(user)


# Internal notes written by a department's reviewers are that department's; RAS officers and admins also read
# them. Notes written in any other role are read by every member of staff who may see the application.
# Applicants never read internal notes.
READ_EVERY_NOTE = frozenset({Role.RAS_OFFICER, Role.ADMIN})
DEPARTMENT_NOTE_ROLES = frozenset(role.value for role in REVIEWER_ROLES)


def hidden_note_roles(user) -> frozenset[str] | None:
    """The author roles whose internal notes this person may not read; None when they may read none at all."""
    held = roles_of(user)
    if not held & STAFF_ROLES:
        return None
    if held & READ_EVERY_NOTE:
        return frozenset()
    return DEPARTMENT_NOTE_ROLES - {role.value for role in held & REVIEWER_ROLES}


def may_read_note(user, note) -> bool:
    """May this person read this internal note? `reviews.selectors.notes_for` applies the same rule in SQL."""
    hidden = hidden_note_roles(user)
    if hidden is None or note.author_role in hidden:
        return False
    return has_permission(user, "application.view", note.application)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    on_object: ObjectRule | None = None
    description: str = ""
    # The service itself may do this without a person (for example when the last declaration is signed).
    automatic: bool = False


def _rule(roles, on_object=None, description="", automatic=False):
    return Rule(frozenset(roles), on_object, description, automatic)


ANY_ROLE = frozenset(Role)
RESEARCHER = {Role.RESEARCHER}

PERMISSIONS: dict[str, Rule] = {
    # Accounts and site
    "account.manage": _rule(ANY_ROLE, description="Manage one's own account"),
    "admin_site.use": _rule({Role.ADMIN}, description="Use the Django admin site"),
    "audit.view": _rule({Role.ADMIN}, description="Search and export the security audit log"),
    "person.export": _rule(
        {Role.ADMIN}, description="Export a person's personal data as a zip (a subject access request)"
    ),
    "register.import": _rule(
        {Role.ADMIN},
        description="Import the register of accredited researchers (the command line runs as the service)",
        automatic=True,
    ),
    # Applications, researcher side
    "application.list_own": _rule(RESEARCHER, description="List the applications one is a member of"),
    "application.create": _rule(RESEARCHER, description="Start a new application"),
    "application.view": _rule(ANY_ROLE, member_or_staff, "View an application and its timeline"),
    "application.edit": _rule(RESEARCHER, is_coordinator, "Edit a draft or queried application"),
    "application.submit": _rule(RESEARCHER, is_coordinator, "Submit a draft application"),
    "application.copy": _rule(RESEARCHER, is_coordinator, "Start a new draft from an application one co-ordinates"),
    "application.resubmit": _rule(RESEARCHER, is_coordinator, "Answer a query and resubmit"),
    "application.withdraw": _rule(
        RESEARCHER,
        is_coordinator,
        "Withdraw an open application (automatically when a query goes unanswered too long)",
        automatic=True,
    ),
    # Staff decisions
    "application.query": _rule(STAFF_ROLES, holds_current_stage, "Send questions to the applicant"),
    "application.pass_intake": _rule({Role.RAS_OFFICER}, description="Pass intake to department review"),
    "application.reject": _rule(STAFF_ROLES, holds_current_stage, "Reject at the stage one holds"),
    "application.decide_department": _rule(REVIEWER_ROLES, description="Record one's own department's decision"),
    "application.accredit": _rule({Role.PANEL_MEMBER}, description="Accredit at panel"),
    "application.accredit_delegated": _rule(
        {Role.DELEGATED_OFFICIAL},
        description="Accredit a project that meets the delegation criteria, or refer it to the panel",
    ),
    "application.grant_access": _rule(
        {Role.RAS_OFFICER}, description="Grant access once declarations are signed", automatic=True
    ),
    "application.close": _rule(
        {Role.ADMIN}, description="Close a project (automatically once its end date has passed)", automatic=True
    ),
    "application.close_early": _rule(RESEARCHER, is_coordinator, "Close one's own project before its end date"),
    "closure.return": _rule(
        RESEARCHER, is_coordinator, "Write and send a closed project's closure return: outputs and final report"
    ),
    "closure.view_returns": _rule(
        {Role.RAS_OFFICER, Role.ADMIN}, description="See closure returns awaited and overdue, and chase them"
    ),
    "access.view": _rule({Role.ADMIN, Role.RAS_OFFICER}, description="See and export who has access to which project"),
    "access.suspend": _rule(
        {Role.ADMIN, Role.RAS_OFFICER},
        description="Suspend a member's access (automatically when their accreditation lapses)",
        automatic=True,
    ),
    "access.reinstate": _rule({Role.ADMIN, Role.RAS_OFFICER}, description="Reinstate a member's suspended access"),
    "access.end": _rule({Role.ADMIN, Role.RAS_OFFICER}, description="End a member's access as they leave the team"),
    "amendment.request": _rule(
        RESEARCHER, is_coordinator, "Request a change to a live project, answer questions on it, or withdraw it"
    ),
    "amendment.decide": _rule(
        REVIEWER_ROLES | {Role.RAS_OFFICER, Role.PANEL_MEMBER, Role.DELEGATED_OFFICIAL},
        description="Query, triage or refuse an amendment held by one's own team",
    ),
    "amendment.approve": _rule(
        REVIEWER_ROLES | {Role.RAS_OFFICER, Role.PANEL_MEMBER, Role.DELEGATED_OFFICIAL},
        description="Approve an amendment held by one's own team (automatically when nothing in it needs review)",
        automatic=True,
    ),
    "condition.set": _rule(
        REVIEWER_ROLES | {Role.PANEL_MEMBER, Role.DELEGATED_OFFICIAL, Role.ADMIN},
        description="Attach a condition to a project one approves (departments, the panel, a delegated official) "
        "or, for admins, any",
    ),
    "condition.evidence": _rule(RESEARCHER, is_member, "Submit evidence that a condition is met"),
    "condition.decide": _rule(
        REVIEWER_ROLES | {Role.PANEL_MEMBER, Role.DELEGATED_OFFICIAL, Role.ADMIN},
        description="Sign off or waive a condition one's own team set",
    ),
    "reviews.view_queue": _rule(STAFF_ROLES, description="See the applications waiting at one's stage"),
    "tracking.view": _rule({Role.ADMIN, Role.RAS_OFFICER}, description="See the dashboard, lists and register"),
    "tracking.export": _rule({Role.ADMIN, Role.RAS_OFFICER}, description="Export lists and the register"),
    "reviews.assign": _rule(STAFF_ROLES - {Role.ADMIN}, description="Assign work within one's own team"),
    "reviews.note": _rule(STAFF_ROLES, description="Write internal notes between staff"),
    "reviews.manage_meetings": _rule({Role.PANEL_MEMBER}, description="Create panel meetings and their agendas"),
    "reviews.view_meetings": _rule({Role.PANEL_MEMBER, Role.ADMIN, Role.RAS_OFFICER}, description="See meetings"),
    "declaration.sign": _rule(RESEARCHER, is_member, "Sign one's own Individual Declaration"),
    "declaration.download_own": _rule(RESEARCHER, is_declarant, "Download one's own signed declaration"),
    "declaration.download": _rule(
        {Role.RAS_OFFICER, Role.ADMIN}, description="Download any signed Individual Declaration"
    ),
    "declaration.download_all": _rule({Role.ADMIN}, description="Download an application's declarations as a zip"),
    "declaration.verify": _rule(STAFF_ROLES, description="Check an uploaded declaration PDF's signature"),
    "notifications.view_templates": _rule({Role.ADMIN}, description="Read every message template"),
    "declaration_text.manage": _rule({Role.ADMIN}, description="Draft and publish versions of the declaration text"),
}


def has_permission(user, action: str, obj=None) -> bool:
    """May `user` perform `action` (on `obj`)? Unknown actions are refused loudly."""
    try:
        rule = PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"No permission rule for action {action!r}; add it to PERMISSIONS.") from None
    if user is SYSTEM:
        return rule.automatic
    if not (roles_of(user) & rule.roles):
        return False
    if obj is not None and rule.on_object is not None:
        return rule.on_object(user, obj)
    return True
