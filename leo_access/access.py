"""Who may reach each address and call each service: one table, checked by tests.

`URL_ACCESS` names every URL of the service with the permission (from `permissions.PERMISSIONS`) that its
view checks, and the object it is about. `SERVICE_ACCESS` does the same for every service function that
acts for a person. A metatest fails when a URL or a service exists without an entry here, and the access
matrix test (tests/integration/security/test_access_matrix.py) requests every URL as every role and checks
the answer against this table: the action's roles get through, anonymous people are sent to sign in, and
everyone else is refused - with 404 where the object belongs to someone they may not see, so that its
existence is not revealed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    # The permission the view checks; None for public pages and one's own account pages.
    action: str | None
    # What the address is about: its owner's object is "not found" (404) for people who may not see it.
    about: str | None = None
    public: bool = False
    # Refused people get this status: 403, or 404 where even a refusal would reveal the object exists.
    refused: int = 403
    note: str = ""
    # Further permissions that also let someone through (for example, the declarant's own download).
    also: tuple[str, ...] = ()


PUBLIC = Access(None, public=True)
OWN_ACCOUNT = Access("account.manage", note="Every signed-in person, for their own account")
# allauth's sign-in, sign-up, password and second-factor pages: public, or for one's own account only.
ACCOUNT_PAGES = Access(None, public=True, note="allauth account pages")
APPLICATION = "application"

URL_ACCESS: dict[str, Access] = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "livez": PUBLIC,
    "metrics": Access(None, public=True, note="A scraper with the METRICS_TOKEN bearer token; 404 without the setting"),
    "accessibility": PUBLIC,
    "privacy": PUBLIC,
    "accredited_register": Access("register.import", note="The register's versions; admins upload a new one"),
    "profile": Access("application.list_own", note="A researcher's profile and accreditation"),
    # Applications, the researcher's side (staff may read every application once submitted; drafts are the team's)
    "applications:list": Access("application.list_own"),
    "applications:create": Access("application.create"),
    "applications:detail": Access("application.view", APPLICATION, refused=404),
    "applications:submit": Access("application.submit", APPLICATION),
    "applications:resubmit": Access("application.resubmit", APPLICATION),
    "applications:withdraw": Access("application.withdraw", APPLICATION),
    "applications:section": Access("application.edit", APPLICATION),
    "applications:team": Access("application.edit", APPLICATION),
    "applications:team_remove": Access("application.edit", APPLICATION),
    "applications:team_hand_over": Access("application.edit", APPLICATION),
    "applications:invitation_respond": Access(None, "invitation", refused=404, note="Only the person invited"),
    "applications:check": Access("application.edit", APPLICATION),
    "applications:submitted": Access("application.view", APPLICATION, refused=404),
    "applications:copy": Access("application.copy", APPLICATION),
    "applications:data": Access("application.view", APPLICATION, refused=404),
    "applications:data_status": Access("application.view", APPLICATION, refused=404),
    "applications:form_template": Access("application.view", APPLICATION, refused=404),
    "applications:form_download": Access("application.view", APPLICATION, refused=404),
    "applications:amendments": Access(
        "application.view", APPLICATION, refused=404, note="A project's amendments; POST starts one: amendment.request"
    ),
    "applications:amendment": Access(
        "application.view", APPLICATION, refused=404, note="One amendment; POST changes it: amendment.request"
    ),
    "applications:ethics_letter": Access("application.view", APPLICATION, refused=404),
    "applications:conditions": Access("condition.set", APPLICATION, note="Conditions; the approving team adds them"),
    "applications:condition_evidence": Access("condition.evidence", APPLICATION),
    "applications:condition_evidence_file": Access(
        "application.view", APPLICATION, refused=404, note="The document sent as evidence for a condition"
    ),
    "applications:condition_decide": Access("condition.decide", APPLICATION, note="Only the team that set it"),
    "applications:close_early": Access("application.close_early", APPLICATION, note="Only the co-ordinator"),
    "applications:closure_return": Access("closure.return", APPLICATION, note="Only the co-ordinator, once closed"),
    # The public register of accredited projects, for everyone
    "register:index": PUBLIC,
    "register:csv": PUBLIC,
    "register:json": PUBLIC,
    "register:feed": PUBLIC,
    # Staff work
    "reviews:queue": Access("reviews.view_queue"),
    "reviews:team_queue": Access("reviews.view_queue", note="Each team's own queue; admins see all"),
    "reviews:my_work": Access("reviews.view_queue"),
    "reviews:review": Access("reviews.view_queue", APPLICATION),
    "reviews:assign": Access("reviews.assign", APPLICATION, note="Only while the application is at one's own stage"),
    "reviews:note": Access("reviews.note", APPLICATION),
    "reviews:intake": Access("application.pass_intake", APPLICATION),
    "reviews:department": Access("application.decide_department", APPLICATION),
    "reviews:panel": Access("application.accredit", APPLICATION),
    "reviews:delegated": Access(
        "application.accredit_delegated",
        APPLICATION,
        note="A delegated official accredits an application that meets the criteria, or refers it to the panel",
    ),
    "declarations:grant_access": Access("application.grant_access", APPLICATION),
    "reviews:close": Access("application.close", APPLICATION),
    "reviews:amendments": Access("amendment.decide", note="The amendments one's team holds"),
    "reviews:amendment": Access(
        "amendment.decide", APPLICATION, note="Deciding needs one's team to hold it (amendment.approve to approve)"
    ),
    "reviews:access_list": Access("access.view", note="Who has access to which project's data, until when"),
    "reviews:closure_returns": Access("closure.view_returns", note="Closure returns awaited and overdue"),
    "reviews:access_export": Access("access.view"),
    "reviews:member_access": Access(
        "access.view", "member_access", note="One member's access; suspending, reinstating or ending it"
    ),
    "reviews:meetings": Access("reviews.view_meetings"),
    "reviews:meeting": Access("reviews.view_meetings", "meeting"),
    "reviews:agenda_item": Access("reviews.manage_meetings", "meeting"),
    "reviews:meeting_close": Access("reviews.manage_meetings", "meeting"),
    "reviews:meeting_pdf": Access("reviews.view_meetings", "meeting"),
    # Tracking
    "tracking:dashboard": Access("tracking.view"),
    "tracking:chart_funnel": Access("tracking.view"),
    "tracking:chart_throughput": Access("tracking.view"),
    "tracking:chart_stage_days": Access("tracking.view"),
    "tracking:applications": Access("tracking.view"),
    "tracking:register": Access("tracking.view"),
    "tracking:export": Access("tracking.export"),
    "tracking:export_detail": Access("tracking.export", "export", note="Only the person who asked for it"),
    "tracking:export_status": Access("tracking.export", "export"),
    "tracking:export_download": Access("tracking.export", "export"),
    # Declarations
    "declarations:sign": Access("declaration.sign", APPLICATION, refused=404),
    "declarations:archive": Access("declaration.download_all", APPLICATION, refused=404),
    "declarations:document": Access(
        "declaration.download", "declaration", refused=404, also=("declaration.download_own",)
    ),
    "declarations:verify": Access("declaration.verify"),
    # Notifications and the audit log
    "notifications:list": OWN_ACCOUNT,
    "notifications:open": Access("account.manage", "notification", refused=404, note="One's own messages only"),
    "notifications:read_all": OWN_ACCOUNT,
    "notifications:preferences": OWN_ACCOUNT,
    "notifications:templates": Access("notifications.view_templates"),
    "audit:log": Access("audit.view"),
    "audit:export": Access("audit.view"),
    "people:personal_data": Access("person.export", note="A subject access request: GET shows it, POST downloads"),
    # The REST API (api/): its description is public; every operation checks the same permissions as its page.
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:register": PUBLIC,
    "api:me": OWN_ACCOUNT,
    "api:applications": Access("application.list_own", note="POST starts one: application.create"),
    "api:application": Access("application.view", APPLICATION, refused=404),
    "api:section": Access("application.edit", APPLICATION),
    "api:forms": Access("application.view", APPLICATION, refused=404, note="POST uploads one: application.edit"),
    "api:submit": Access("application.submit", APPLICATION),
    "api:resubmit": Access("application.resubmit", APPLICATION),
    "api:intake": Access("application.pass_intake", APPLICATION),
    "api:department": Access("application.decide_department", APPLICATION),
    "api:queue": Access("reviews.view_queue", note="Each team's own queue; admins see all"),
    "api:review": Access("reviews.view_queue", APPLICATION),
    "api:meetings": Access("reviews.view_meetings"),
    "api:meeting": Access("reviews.view_meetings", "meeting"),
    "api:panel_decision": Access("reviews.manage_meetings", "meeting"),
    "api:access_list": Access("access.view", note="For the Secure Research Service"),
    "sign_out_everywhere": Access("account.manage", note="POST only; ends one's own sessions"),
    "api_tokens:list": Access("account.manage", note="One's own tokens; staff create them with a second factor only"),
    "api_tokens:revoke": Access("account.manage", "api_token", refused=404, note="One's own tokens only"),
}

# Namespaces and name prefixes whose every URL shares one rule.
URL_PREFIX_ACCESS: dict[str, Access] = {
    "admin:": Access("admin_site.use", note="The Django admin site; admins with a second factor only"),
    "account_": ACCOUNT_PAGES,
    "mfa_": ACCOUNT_PAGES,
}


def access_for(url_name: str) -> Access | None:
    if url_name in URL_ACCESS:
        return URL_ACCESS[url_name]
    for prefix, access in URL_PREFIX_ACCESS.items():
        if url_name.startswith(prefix):
            return access
    return None


# Every service that acts for a person, with the permission it checks ("self" = acts on one's own account or
# invitation only; "system" = run by the service itself).
SERVICE_ACCESS: dict[str, str] = {
    "applications.services.create_application": "application.create",
    "applications.services.save_section": "application.edit",
    "applications.services.submit_application": "application.submit",
    "applications.services.resubmit_application": "application.resubmit",
    "applications.services.withdraw_application": "application.withdraw",
    "applications.services.upload_variable_request_form": "application.edit",
    "applications.services.invite_member": "application.edit",
    "applications.services.respond_to_invitation": "self",
    "applications.services.remove_member": "application.edit",
    "applications.services.hand_over_coordination": "application.edit",
    "applications.services.copy_application": "application.copy",
    "applications.member_access.services.open_member_access": "application.grant_access",
    "applications.member_access.services.end_project_access": "application.close",
    "applications.member_access.services.suspend_member_access": "access.suspend",
    "applications.member_access.services.reinstate_member_access": "access.reinstate",
    "applications.member_access.services.warn_member_access": "access.suspend",
    "applications.member_access.services.end_member_access": "access.end",
    "applications.closure.services.close_early": "application.close_early",
    "applications.closure.services.close": "application.close",
    "applications.closure.services.add_output": "closure.return",
    "applications.closure.services.remove_output": "closure.return",
    "applications.closure.services.submit_closure_return": "closure.return",
    "applications.amendments.services.request_amendment": "amendment.request",
    "applications.amendments.services.update_amendment": "amendment.request",
    "applications.amendments.services.upload_amendment_form": "amendment.request",
    "applications.amendments.services.submit_amendment": "amendment.request",
    "applications.amendments.services.answer_amendment_query": "amendment.request",
    "applications.amendments.services.withdraw_amendment": "amendment.request",
    "applications.amendments.decisions.decide_amendment": "amendment.decide",
    "applications.amendments.decisions.record_amendment_department_decision": "amendment.decide",
    "applications.conditions.set_condition": "condition.set",
    "applications.conditions.submit_evidence": "condition.evidence",
    "applications.conditions.decide_condition": "condition.decide",
    "reviews.services.query_application": "application.query",
    "reviews.services.pass_intake": "application.pass_intake",
    "reviews.services.reject_application": "application.reject",
    "reviews.services.record_department_decision": "application.decide_department",
    "reviews.services.accredit_application": "application.accredit",
    "reviews.services.close_project": "application.close",
    "reviews.services.assign": "reviews.assign",
    "reviews.services.tick_intake_items": "application.pass_intake",
    "reviews.services.add_internal_note": "reviews.note",
    "reviews.services.create_meeting": "reviews.manage_meetings",
    "reviews.services.add_to_agenda": "reviews.manage_meetings",
    "reviews.services.record_agenda_decision": "reviews.manage_meetings",
    "reviews.services.close_meeting": "reviews.manage_meetings",
    "reviews.delegation.route_after_departments": "application.decide_department",
    "reviews.delegation.accredit_delegated": "application.accredit_delegated",
    "reviews.delegation.refer_to_panel": "application.accredit_delegated",
    "reviews.tracking.services.request_export": "tracking.export",
    "declarations.services.create_text_draft": "declaration_text.manage",
    "declarations.services.update_text_draft": "declaration_text.manage",
    "declarations.services.publish_text": "declaration_text.manage",
    "declarations.services.grant_access": "application.grant_access",
    "declarations.services.sign_declaration": "declaration.sign",
    "declarations.services.withdraw_pending_declarations": "system",
    "declarations.services.store_signed_document": "system",
    "notifications.services.mark_read": "self",
    "notifications.services.mark_all_read": "self",
    "notifications.services.set_preference": "self",
    "leo_access.profile.update_profile": "self",
    "leo_access.sessions.end_every_session": "self",
    "api.tokens.issue_token": "self",
    "api.tokens.revoke_token": "self",
    "leo_access.accredited_researchers.services.import_register": "register.import",
    "operations.personal_data.export_personal_data": "person.export",
}
SERVICE_MODULES = [
    "applications.services",
    "applications.member_access.services",
    "applications.closure.services",
    "applications.conditions",
    "applications.amendments.services",
    "applications.amendments.decisions",
    "reviews.services",
    "reviews.delegation",
    "reviews.tracking.services",
    "declarations.services",
    "notifications.services",
    "leo_access.profile",
    "leo_access.sessions",
    "api.tokens",
    "leo_access.accredited_researchers.services",
    "operations.personal_data",
]

# Each transition of an amendment, and the permission its django-fsm `permission=` names.
AMENDMENT_TRANSITION_ACCESS: dict[str, str] = {
    "submit": "amendment.request",
    "route": "amendment.request",
    "move_on": "amendment.decide",
    "query": "amendment.decide",
    "answer": "amendment.request",
    "approve": "amendment.approve",
    "reject": "amendment.decide",
    "withdraw": "amendment.request",
}

# Each transition of an application, and the permission its django-fsm `permission=` names.
# A transition any of several permissions allows names them all, in a tuple.
TRANSITION_ACCESS: dict[str, str | tuple[str, ...]] = {
    "submit": "application.submit",
    "query": "application.query",
    "resubmit": "application.resubmit",
    "resubmit_for_department_review": "application.resubmit",
    "pass_intake": "application.pass_intake",
    "complete_department_review": "application.decide_department",
    "route_to_delegated_review": "application.decide_department",
    "refer_to_panel": "application.accredit_delegated",
    "accredit_delegated": "application.accredit_delegated",
    "refuse_at_department_review": "application.decide_department",
    "reject": "application.reject",
    "accredit": "application.accredit",
    "grant_access": "application.grant_access",
    "withdraw": "application.withdraw",
    "close": ("application.close", "application.close_early"),
}
