"""Demo data for changes to a live project: on the live demo project, an amendment of each kind in progress - a
hand-over of the co-ordinator role still in draft, an added HMRC table with HMRC, a change of title and outputs
plan with the RAS for triage, and an extension of the end date with the panel (or the RAS, when the team's
accreditation does not reach a longer one). Added once."""

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.amendments.routing import add_months
from applications.amendments.services import (
    request_amendment,
    submit_amendment,
    update_amendment,
    upload_amendment_form,
)
from applications.models import Application
from applications.states import State
from applications.validation import validate_form
from leo_access.models import ResearcherProfile, User
from leo_access.roles import Role

from .forms import DEMO_REQUEST, filled_form

# The demo project's request with one more HMRC table, which HMRC alone reviews.
WITH_CJRS = {**DEMO_REQUEST, "CJRS": ("Yes", [])}


def ensure_demo_amendments(by_role: dict[Role, list[User]]) -> bool:
    researcher, second = by_role[Role.RESEARCHER][:2]
    project = Application.objects.filter(state=State.ACCESS_GRANTED, created_by=researcher).first()
    if project is None or project.amendments.exists():
        return False

    def draft(summary, **changes):
        amendment = request_amendment(application_id=project.pk, by=researcher, summary=summary)
        if changes:
            update_amendment(amendment_id=amendment.pk, by=researcher, summary=summary, **changes)
        return amendment

    member = project.current_members().filter(user=second).first()
    if member is not None:
        draft("Ben will lead the project while Ada is on leave.", new_coordinator_id=member.pk)

    data = draft("The furlough scheme's records answer our new question on the pandemic.")
    form = upload_amendment_form(
        amendment_id=data.pk,
        by=researcher,
        uploaded=SimpleUploadedFile("variable-request-form-with-cjrs.xlsx", filled_form(project.reference, WITH_CJRS)),
    )
    validate_form(form.pk)
    submit_amendment(amendment_id=data.pk, by=researcher)

    purpose = draft(
        "The title should name the qualifications we study, and we will add a dashboard to our outputs.",
        proposed={
            "title": f"{project.title}: A levels, T levels and apprenticeships",
            "dissemination_plan": project.dissemination_plan + " An interactive dashboard of the published tables.",
        },
    )
    submit_amendment(amendment_id=purpose.pk, by=researcher)

    covered = min(
        ResearcherProfile.objects.filter(user__in=[m.user for m in project.current_members()]).values_list(
            "accreditation_valid_until", flat=True
        )
    )
    longer = add_months(project.end_date, 13)
    extension = draft(
        "Linking the 2021 earnings took longer than planned.",
        new_end_date=longer if longer <= covered else add_months(project.end_date, 6),
    )
    submit_amendment(amendment_id=extension.pk, by=researcher)
    return True
