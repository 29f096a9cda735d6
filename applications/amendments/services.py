"""The co-ordinator's side of an amendment: draft it, upload its form, submit, answer questions, withdraw.

Every write locks the application's row, then the amendment's, checks the permission table and appends an event
to the application's timeline (which tells people once it commits).
"""

import hashlib
from datetime import date

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max

from .. import clock, lifecycle
from ..errors import GuardFailed, InvalidInput
from ..models import Amendment, Application, TeamMember, VariableRequestForm
from ..rereview import departments_with_more_data
from ..rules import Problem, member_problems
from ..selectors import current_form, member_facts
from ..states import State
from ..vrf import diff_results
from . import transitions
from .versions import PURPOSE_FIELDS, current_version_number, end_removed_access, today


def request_amendment(*, application_id, by, summary: str = "") -> Amendment:
    """A new draft amendment to a live project."""
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "amendment.request", application)
        lifecycle.ensure_state(application, None, State.ACCESS_GRANTED)
        number = (application.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
        amendment = Amendment.objects.create(
            application=application, number=number, created_by=by, created_at=clock.now(), summary=summary.strip()
        )
        transitions.record(application, amendment, kind="amendment_started", by=by)
    return amendment


def update_amendment(
    *,
    amendment_id,
    by,
    summary: str = "",
    add_email: str = "",
    remove_member_id=None,
    new_coordinator_id=None,
    proposed: dict | None = None,
    new_end_date: date | None = None,
    expected_state: str | None = None,
) -> Amendment:
    """Save what the draft asks for. `proposed` holds the purpose fields' new texts; a text left as it is
    approved is no change."""
    from leo_access.models import User

    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.request", application)
        transitions.ensure_amendment_state(amendment, expected_state, Amendment.State.DRAFT)
        members = application.team_members.filter(status=TeamMember.Status.ACCEPTED)
        if remove_member_id and not members.filter(pk=remove_member_id).exclude(role="coordinator").exists():
            raise InvalidInput("Choose a member of the team other than the co-ordinator to remove.")
        if new_coordinator_id and not members.filter(pk=new_coordinator_id).exclude(role="coordinator").exists():
            raise InvalidInput("Choose a member of the team to become the co-ordinator.")
        if new_coordinator_id and new_coordinator_id == remove_member_id:
            raise InvalidInput("The new co-ordinator cannot also leave the team.")
        add_email = User.objects.normalize_email(add_email.strip()).lower() if add_email.strip() else ""
        if add_email and members.filter(email__iexact=add_email).exists():
            raise InvalidInput(f"{add_email} is already on the team.")
        changed = {}
        for name, value in (proposed or {}).items():
            if name not in PURPOSE_FIELDS:
                raise ValueError(f"{name} cannot be amended")
            value = (value or "").strip()
            if name == "title" and not value:
                raise InvalidInput("Enter the project title.")
            if value != getattr(application, name):
                changed[name] = {"from": getattr(application, name), "to": value}
        if new_end_date and application.end_date and new_end_date <= application.end_date:
            raise InvalidInput(f"The new end date must be after {application.end_date:%-d %B %Y}.")
        amendment.summary = summary.strip()
        amendment.add_email = add_email
        amendment.add_user = User.objects.filter(email__iexact=add_email).first() if add_email else None
        amendment.remove_member_id = remove_member_id or None
        amendment.new_coordinator_id = new_coordinator_id or None
        amendment.proposed = changed
        amendment.new_end_date = new_end_date
        amendment.save()
    return amendment


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def upload_amendment_form(*, amendment_id, by, uploaded) -> VariableRequestForm:
    """The new Variable Request Form the amendment proposes: stored as the application's next form version but
    marked proposed, so the project keeps its approved form until the amendment is approved."""
    if uploaded.size == 0:
        raise InvalidInput("The selected file is empty. Choose the completed Variable Request Form.")
    if uploaded.size > settings.VRF_MAX_BYTES:
        raise InvalidInput(f"The selected file must be smaller than {settings.VRF_MAX_BYTES // (1024 * 1024)} MB.")
    sha256 = _sha256(uploaded)
    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.request", application)
        transitions.ensure_amendment_state(amendment, None, Amendment.State.DRAFT)
        version = (application.variable_request_forms.aggregate(last=Max("version"))["last"] or 0) + 1
        form = VariableRequestForm(
            application=application,
            version=version,
            original_name=uploaded.name[-255:],
            size=uploaded.size,
            sha256=sha256,
            uploaded_by=by,
            amendment=amendment,
            proposed=True,
        )
        form.file.save(f"{application.pk}/v{version}-{sha256[:12]}.xlsx", File(uploaded), save=False)
        form.save()
        transitions.record(application, amendment, kind="amendment_form_uploaded", by=by, data={"version": version})
        transaction.on_commit(lambda: _queue_validation(form.pk))
    return form


def _queue_validation(form_id: int):
    from ..tasks import queue_validation

    queue_validation(form_id)


def proposed_form(amendment: Amendment) -> VariableRequestForm | None:
    return amendment.forms.order_by("-version").first()


def _team_problems(application: Application, amendment: Amendment) -> list[Problem]:
    """The rules of submission for the team the amendment leaves: every member's accreditation must cover the
    project to its (new) end, a new member's as at submission, and a provisional member keeps their supervisor."""
    end = amendment.new_end_date or application.end_date
    members = application.current_members().select_related("user__researcher_profile__supervisor")
    if amendment.remove_member_id:
        members = members.exclude(pk=amendment.remove_member_id)
    team = [member_facts(member) for member in members]
    if amendment.add_email:
        if amendment.add_user is None:
            return [Problem("no_account", f"{amendment.add_email} has no account yet. Ask them to sign up first.")]
        team.append(member_facts(TeamMember(email=amendment.add_email, user=amendment.add_user, status="accepted")))
    # An extension must be covered by everyone's accreditation; otherwise only the new member is judged (a removal
    # ends access at once, whoever else's accreditation has lapsed).
    judged = team if amendment.new_end_date else team[-1:] if amendment.add_email else []
    return [problem for facts in judged for problem in member_problems(facts, team, end, today())]


def _data_changes(application: Application, amendment: Amendment) -> list[Problem]:
    form = proposed_form(amendment)
    if form is None:
        return []
    if form.validation_status != VariableRequestForm.Validation.PASSED:
        message = (
            "The new Variable Request Form has errors. Correct them and upload it again."
            if form.validation_status == VariableRequestForm.Validation.FAILED
            else "Wait until the new Variable Request Form has been checked."
        )
        return [Problem("variable_request_form", message)]
    approved = current_form(application)
    if approved is not None and approved.sha256 == form.sha256:
        return [Problem("variable_request_form", "The new Variable Request Form is the one already approved.")]
    changes = departments_with_more_data(approved, form)
    amendment.data_changes = {str(department): lines for department, lines in changes.items()}
    amendment.data_diff = diff_results(approved.result, form.result) if approved and approved.result else {}
    amendment.base_form_sha256 = approved.sha256 if approved else ""
    return []


def submit_amendment(*, amendment_id, by, expected_state: str | None = Amendment.State.DRAFT) -> Amendment:
    """Check the amendment, end a removed member's access at once, and send the rest to whoever must review it
    (`routing`); an amendment nobody needs to review is approved at once."""
    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.request", application)
        lifecycle.ensure_state(application, None, State.ACCESS_GRANTED)
        transitions.ensure_amendment_state(amendment, expected_state, Amendment.State.DRAFT)
        if not amendment.kinds:
            raise InvalidInput("Say what the amendment changes before you submit it.")
        problems = _team_problems(application, amendment) + _data_changes(application, amendment)
        if problems:
            raise GuardFailed("This amendment cannot be submitted yet.", problems=problems)
        for name, change in amendment.proposed.items():
            change["from"] = getattr(application, name)
        amendment.base_end_date = application.end_date
        transitions.run(amendment, "submit", by=by, base_version=current_version_number(application))
        transitions.record(application, amendment, kind="amendment_submitted", by=by, comment=amendment.summary)
        if amendment.remove_member_id:
            end_removed_access(application, amendment, by=by)
        transitions.send_on(application, amendment, by=by)
    return amendment


def answer_amendment_query(*, amendment_id, by, answers: str, expected_state=Amendment.State.QUERIED) -> Amendment:
    answers = answers.strip()
    if not answers:
        raise InvalidInput("Answer the questions before you send the amendment back.")
    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.request", application)
        transitions.ensure_amendment_state(amendment, expected_state, Amendment.State.QUERIED)
        transitions.run(amendment, "answer", by=by, answers=answers)
        transitions.record(application, amendment, kind="amendment_answered", by=by, comment=answers)
    return amendment


def withdraw_amendment(*, amendment_id, by, expected_state: str | None = None) -> Amendment:
    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.request", application)
        transitions.ensure_amendment_state(amendment, expected_state, *Amendment.OPEN_STATES)
        transitions.run(amendment, "withdraw", by=by)
        transitions.record(application, amendment, kind="amendment_withdrawn", by=by)
    return amendment
