"""Every URL of the service, requested by every role, answers as the access table says.

Roles: anonymous, the application's co-ordinator (a researcher who is a member), a researcher who is not a
member, each department's reviewer, a RAS officer, a panel member, a delegated official and an admin. Expected
answers come from `leo_access.access.URL_ACCESS` and the permission table: people the action allows get through
(a page, a redirect onwards, or a "wrong stage" 409), anonymous people are sent to sign in, and everyone else is
refused with 403 - or 404 where the object is someone else's, so that its existence is not revealed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from api.models import ApiToken
from api.tokens import issue_token
from applications.amendments.services import request_amendment, submit_amendment, update_amendment
from applications.conditions import set_condition, submit_evidence
from applications.models import MemberAccess, TeamMember
from applications.states import State
from declarations.models import Declaration
from declarations.services import store_signed_document
from demo.forms import ensure_demo_catalogue
from leo_access.access import APPLICATION, URL_ACCESS, access_for
from leo_access.actors import SYSTEM
from leo_access.permissions import has_permission, holds_current_stage
from leo_access.roles import Department, Role, department_of, roles_of
from notifications.models import Message
from reviews.services import add_to_agenda, close_meeting, create_meeting, record_agenda_decision
from reviews.tracking.models import Export
from tests.conftest import Client as StaffAwareClient
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance

from .test_access_table import url_names

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "outsider", "ras", "dfe", "hmrc", "dwp", "panel", "delegated", "admin"]
POST_ONLY = {
    "applications:submit",
    "applications:copy",
    "applications:team_remove",
    "applications:team_hand_over",
    "applications:invitation_respond",
    "reviews:assign",
    "reviews:note",
    "declarations:grant_access",
    "reviews:meeting_close",
    "tracking:export",
    "notifications:read_all",
    "api_tokens:revoke",
    "sign_out_everywhere",
}
POST_DATA = {"tracking:export": {"format": "csv"}}
# API operations that change something, with their method (they are sent an empty JSON object).
API_WRITES = {
    "api:section": "put",
    "api:submit": "post",
    "api:resubmit": "post",
    "api:intake": "post",
    "api:department": "post",
    "api:panel_decision": "post",
}
# Which application each address is tried on: one at the stage where the action makes sense.
APPLICATION_AT = {
    "applications:resubmit": "queried",
    "applications:withdraw": "intake",
    "applications:submitted": "intake",
    "applications:ethics_letter": "draft",
    "reviews:review": "intake",
    "reviews:note": "intake",
    "reviews:intake": "intake",
    "reviews:assign": "departments",
    "reviews:department": "departments",
    "reviews:panel": "panel",
    "reviews:delegated": "delegated",
    "declarations:grant_access": "accredited",
    "reviews:close": "granted",
    "applications:close_early": "granted",
    "applications:closure_return": "granted",
    "declarations:sign": "accredited",
    "declarations:archive": "granted",
    "api:resubmit": "queried",
    "api:review": "intake",
    "api:intake": "intake",
    "api:department": "departments",
    "applications:amendments": "granted",
    "applications:amendment": "granted",
    "reviews:amendment": "granted",
    "applications:conditions": "accredited",
    "applications:condition_evidence": "accredited",
    "applications:condition_decide": "accredited",
    "applications:condition_evidence_file": "accredited",
}


@dataclass
class World:
    people: People
    member: object
    apps: dict
    meeting: object
    closed_meeting: object
    item: object
    declaration: Declaration
    invitation: TeamMember
    export: Export
    notification: Message
    token: ApiToken

    @property
    def access(self) -> MemberAccess:
        return MemberAccess.objects.filter(application=self.apps["granted"]).order_by("pk").first()

    def user(self, role):
        return {"member": self.member, "outsider": self.people.outsider}.get(role) or getattr(self.people, role)


@pytest.fixture
def world():
    people = People.create()
    ensure_demo_catalogue()  # for the Variable Request Form template
    draft = ApplicationFactory(
        ethics_route="committee",
        ethics_committee_name="University Research Ethics Committee",
        ethics_committee_reference="UREC-1",
        ethics_approval_date=date.today() - timedelta(days=30),
    )
    draft.ethics_approval_letter.save("letter.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)
    member = coordinator_of(draft)

    def owned(state):
        return advance(ApplicationFactory(created_by=member), state, people)

    apps = {
        "draft": draft,
        "queried": owned(State.QUERIED),
        "intake": owned(State.RAS_CHECK),
        "departments": owned(State.DEPARTMENT_REVIEW),
        "panel": owned(State.PANEL_REVIEW),
        "delegated": owned(State.DELEGATED_REVIEW),
        "accredited": owned(State.ACCREDITED),
        "granted": owned(State.ACCESS_GRANTED),
    }
    meeting = create_meeting(by=people.panel, date=date.today(), members_present="A\nB\nC", independent_members="C")
    item = add_to_agenda(meeting_id=meeting.pk, application_id=apps["panel"].pk, by=people.panel)
    closed_meeting = create_meeting(
        by=people.panel, date=date.today() - timedelta(days=7), members_present="A\nB\nC", independent_members="C"
    )
    other = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
    closed_item = add_to_agenda(meeting_id=closed_meeting.pk, application_id=other.pk, by=people.panel)
    record_agenda_decision(item_id=closed_item.pk, by=people.panel, decision="reject", text="Not now.")
    close_meeting(meeting_id=closed_meeting.pk, by=people.panel)
    condition = set_condition(
        application_id=apps["accredited"].pk,
        by=people.panel,
        text="Send the output-checking plan.",
        timing="before_access",
    )
    submit_evidence(
        condition_id=condition.pk,
        by=coordinator_of(apps["accredited"]),
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n% the output-checking plan\n"),
    )
    declaration = Declaration.objects.get(application=apps["granted"], member=member)
    store_signed_document(declaration_id=declaration.pk, by=SYSTEM)
    invitation = TeamMember.objects.create(application=draft, email=people.outsider.email, user=people.outsider)
    export = Export.objects.create(kind="applications", format="csv", requested_by=people.admin)
    notification = Message.objects.create(
        key="matrix", recipient=member.email, user=member, template="submitted", subject="Submitted", context={}
    )
    token, _ = issue_token(user=member, by=SYSTEM, name="matrix", scope="read")
    # An amendment with the RAS, on the live project.
    amendment = request_amendment(application_id=apps["granted"].pk, by=member)
    update_amendment(amendment_id=amendment.pk, by=member, summary="Clearer.", proposed={"title": "A clearer title"})
    submit_amendment(amendment_id=amendment.pk, by=member)
    return World(
        people, member, apps, meeting, closed_meeting, item, declaration, invitation, export, notification, token
    )


def target(name, world):
    """The address to request for `name`, and the object it is about."""
    access = URL_ACCESS[name]
    if access.about == APPLICATION:
        application = world.apps[APPLICATION_AT.get(name, "draft")]
        args = [application.pk]
        if name in ("applications:section", "api:section"):
            args.append("project")
        if name == "applications:form_download":
            args.append(1)
        if name in (
            "applications:condition_evidence",
            "applications:condition_decide",
            "applications:condition_evidence_file",
        ):
            args.append(application.conditions.get().pk)
        if name in ("applications:amendment", "reviews:amendment"):
            args.append(application.amendments.get().number)
        return reverse(name, args=args), application
    objects = {
        "reviews:team_queue": (["dfe"], None),
        "api:queue": (["dfe"], None),
        "reviews:meeting": ([world.meeting.pk], world.meeting),
        "api:meeting": ([world.meeting.pk], world.meeting),
        "api:panel_decision": ([world.meeting.pk, world.item.pk], world.meeting),
        "reviews:agenda_item": ([world.meeting.pk, world.item.pk], world.meeting),
        "reviews:meeting_close": ([world.meeting.pk], world.meeting),
        "reviews:meeting_pdf": ([world.closed_meeting.pk], world.closed_meeting),
        "tracking:export": (["applications"], None),
        "tracking:export_detail": ([world.export.pk], world.export),
        "tracking:export_status": ([world.export.pk], world.export),
        "tracking:export_download": ([world.export.pk], world.export),
        "declarations:document": ([world.declaration.pk], world.declaration),
        "applications:invitation_respond": ([world.invitation.pk], world.invitation),
        "notifications:open": ([world.notification.pk], world.notification),
        "api_tokens:revoke": ([world.token.pk], world.token),
        "reviews:member_access": ([world.access.pk], world.access),
        "people:personal_data": ([world.member.pk], None),
    }
    args, about = objects.get(name, ([], None))
    return reverse(name, args=args), about


def may(user, name, obj) -> bool:
    """What the access table and the permission table allow this person."""
    access = URL_ACCESS[name]
    if name == "applications:invitation_respond":
        return user.email == obj.email
    if name in ("notifications:open", "api_tokens:revoke"):
        return obj.user_id == user.pk
    if access.about == "export":
        return has_permission(user, access.action) and obj.requested_by_id == user.pk
    if name == "reviews:assign":  # within one's own team, while the application is at that team's stage
        return has_permission(user, access.action) and holds_current_stage(user, obj)
    if name in (
        "reviews:team_queue",
        "api:queue",
    ):  # tried as the DfE queue: DfE reviewers', and admins see every queue
        return department_of(user) == Department.DFE or Role.ADMIN in roles_of(user)
    actions = (access.action, *access.also)
    return any(has_permission(user, action, obj if access.about else None) for action in actions)


def refusal(user, name, obj) -> int:
    access = URL_ACCESS[name]
    if access.refused == 404:
        return 404
    if access.about == APPLICATION and not has_permission(user, "application.view", obj):
        return 404
    if access.about == "export" and has_permission(user, access.action):
        return 404  # another person's export
    return 403


def signed_in_as(role, world):
    client = StaffAwareClient()
    if role != "anonymous":
        client.force_login(world.user(role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_access_table_says(world, role):
    client = signed_in_as(role, world)
    user = None if role == "anonymous" else world.user(role)
    wrong = []
    for name in sorted(URL_ACCESS):
        access = URL_ACCESS[name]
        url, obj = target(name, world)
        if name in API_WRITES:
            response = client.generic(API_WRITES[name].upper(), url, "{}", content_type="application/json")
        elif name in POST_ONLY:
            response = client.post(url, POST_DATA.get(name, {}))
        else:
            response = client.get(url)
        status = response.status_code
        to_sign_in = status == 302 and response["Location"].startswith(reverse("account_login"))
        if name.startswith("api:"):
            # The API asks a program to authenticate (401) rather than sending it to the sign-in page.
            to_sign_in = status == 401
        if name == "healthz":
            ok = status in (200, 503)  # 503 names the failing check: no worker runs in this test
        elif name == "metrics":
            ok = status == 404  # without METRICS_TOKEN (its tokens: tests/integration/test_metrics.py)
        elif access.public:
            ok = status < 400
        elif user is None:
            ok = to_sign_in
        elif may(user, name, obj):
            # Through to the operation: done, or its form or state refused the empty request.
            allowed = (200, 201, 400, 409) if name.startswith("api:") else (200, 302, 409, 410)
            ok = status in allowed and not to_sign_in
        else:
            ok = status == refusal(user, name, obj)
        if not ok:
            wrong.append(f"{name} {url}: {status}")
        if role == "anonymous" or status >= 500 or name == "sign_out_everywhere":
            # A refused or failed request must not leave the client changed; signing out everywhere signs it out.
            client = signed_in_as(role, world)
    assert wrong == [], f"{role}: unexpected answers:\n" + "\n".join(wrong)


ADMIN_URLS = ["admin:index", "admin:leo_access_user_changelist", "admin:auth_group_changelist"]


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_answers_only_admins(world, role):
    client = signed_in_as(role, world)
    for name in ADMIN_URLS:
        url = reverse(name)
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, name
        elif role == "anonymous":
            final = client.get(url, follow=True)
            assert final.redirect_chain[-1][0].startswith(reverse("account_login")), name
        else:
            assert response.status_code == 302, name
            assert client.get(response["Location"]).status_code == 403, name


def test_every_named_url_without_arguments_is_in_the_matrix():
    """The matrix above requests every entry of URL_ACCESS; the metatest checks URL_ACCESS covers every URL."""
    ours = {name for name in url_names() if not name.startswith(("admin:", "account_", "mfa_"))}
    assert ours == set(URL_ACCESS)
    assert all(access_for(name) for name in url_names())
