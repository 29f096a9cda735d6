"""Every message the service sends: its subject and when it is sent.

The bodies are templates in templates/notifications/email/<name>.txt and .html; admins read
them all on one page (notifications:templates).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    subject: str
    when: str
    # Arrivals may wait for the recipient's daily digest; everything else goes at once.
    arrival: bool = False
    # Sent to every accepted member of the applicant team when the application event of the same name happens.
    to_team: bool = False


KINDS: dict[str, Kind] = {
    "submitted": Kind("Your application has been submitted", "The co-ordinator submits the application.", to_team=True),
    "queried": Kind(
        "Questions about your application", "A reviewer sends questions to the applicant team.", to_team=True
    ),
    "resubmitted": Kind("Your application has been resubmitted", "The co-ordinator answers a query.", to_team=True),
    "rejected": Kind("Your application was refused", "The RAS, a department or the panel refuses it.", to_team=True),
    "accredited": Kind(
        "Your project is accredited", "The panel, or a delegated official, accredits the project.", to_team=True
    ),
    "declaration_due": Kind(
        "Sign your Individual Declaration", "The project is accredited: to each team member, to sign."
    ),
    "declaration_signed": Kind(
        "Your signed Individual Declaration is ready", "A member's signed declaration PDF is stored: to them."
    ),
    "declaration_signed_ras": Kind(
        "A signed Individual Declaration is ready", "A member's signed declaration PDF is stored: to the RAS."
    ),
    "access_granted": Kind("Access to LEO has been granted", "The last declaration is signed.", to_team=True),
    "withdrawn": Kind("Your application was withdrawn", "The co-ordinator or the service withdraws it.", to_team=True),
    "closed": Kind(
        "Your project has been closed",
        "The project is closed: on its end date, early by the co-ordinator, or by an admin.",
        to_team=True,
    ),
    "condition_set": Kind(
        "A condition has been set on your project",
        "A department, the panel or an admin attaches a condition.",
        to_team=True,
    ),
    "condition_due": Kind(
        "A condition on your project is due",
        "Seven days before a condition's due date and on the day, while it is not met or waived: to its owner.",
    ),
    "member_access_suspended": Kind(
        "A member's access to LEO has been suspended",
        "Staff or the service suspend a member's access: to the co-ordinator and that member.",
    ),
    "member_access_warning": Kind(
        "A member's access to LEO will be suspended",
        "The nightly check does not find a member on the register of accredited researchers, or finds their "
        "accreditation expired there (REGISTER_WARNING_DAYS before suspension): to the co-ordinator and that member.",
    ),
    "member_access_reinstated": Kind(
        "A member's access to LEO has been reinstated",
        "Staff reinstate a member's suspended access: to the co-ordinator and that member.",
    ),
    "member_access_ended": Kind(
        "A member's access to LEO has ended",
        "Staff end a member's access as they leave the team: to the co-ordinator and that member.",
    ),
    "amendment_queried": Kind(
        "Questions about a change to your project",
        "The RAS, the panel or a delegated official asks about an amendment: to the team.",
        to_team=True,
    ),
    "amendment_approved": Kind(
        "A change to your project has been approved",
        "An amendment is approved, making a new version of the project: to the team.",
        to_team=True,
    ),
    "amendment_rejected": Kind(
        "A change to your project was refused", "A department, the RAS or the panel refuses an amendment.", to_team=True
    ),
    "amendment_arrival": Kind(
        "A change to a live project has arrived in your queue",
        "An amendment reaches a team's queue (a department's only when its own data grows).",
    ),
    "invitation": Kind("You have been invited to join a LEO application", "The co-ordinator invites someone."),
    "arrival": Kind("An application has arrived in your queue", "Work reaches a team's queue.", arrival=True),
    "digest": Kind("Applications that arrived in your queue", "Daily, for people who chose a digest."),
    "overdue": Kind(
        "An application in your queue is overdue",
        "An item passes its stage's SLA, then weekly while it stays overdue; to the team and its lead.",
    ),
    "query_unanswered": Kind(
        "Questions about your application are waiting for an answer", "A query is unanswered for 14 days."
    ),
    "withdrawal_warning": Kind(
        "Your application will be withdrawn if the questions are not answered",
        "Seven days before an unanswered query's limit (NOTIFICATION_QUERY_WITHDRAW_DAYS).",
    ),
    "accreditation_expiring": Kind(
        "Your researcher accreditation is about to expire", "90 and 30 days before a researcher's accreditation ends."
    ),
    "project_ending": Kind(
        "A project is due to end",
        "60 and 14 days before a project's end date (PROJECT_END_WARNING_DAYS), to the co-ordinator and the RAS.",
    ),
    "closure_return_overdue": Kind(
        "A closure return is overdue",
        "A closed project's return is not sent CLOSURE_RETURN_DAYS after closing, then weekly: to the co-ordinator "
        "and the RAS.",
    ),
    "project_ended": Kind("A project's end date has passed", "The day after a project's end date, to admins."),
}

# Events about one member's access: the co-ordinator and that member are told, by the template of the same name.
MEMBER_ACCESS_EVENTS = frozenset(
    {"member_access_suspended", "member_access_warning", "member_access_reinstated", "member_access_ended"}
)

# The application events the applicant team is told about, by the template of the same name.
TEAM_EVENTS = frozenset(name for name, kind in KINDS.items() if kind.to_team)
