import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.diagram import transitions
from applications.models import (
    Amendment,
    Application,
    ApplicationEvent,
    ApprovalCondition,
    Catalogue,
    MemberAccess,
    VariableRequestForm,
    joined,
)
from applications.states import State
from applications.validation import datasets_requested
from demo.applications import DEMO_APPLICATIONS
from leo_access.accredited_researchers.models import RegisterImport
from leo_access.accredited_researchers.selectors import check_profile
from leo_access.models import ResearcherProfile

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_applications_once_each_at_its_stage():
    call_command("seed_demo")
    call_command("seed_demo")

    states = dict(Application.objects.values_list("title", "state"))
    assert states == dict(DEMO_APPLICATIONS)
    assert Catalogue.objects.count() == 1
    assert Catalogue.objects.get().is_demo
    (suspended,) = MemberAccess.objects.filter(status=MemberAccess.Status.SUSPENDED)
    assert suspended.application.state == State.ACCESS_GRANTED
    assert suspended.application.events.filter(kind="member_access_suspended").count() == 1
    assert RegisterImport.objects.count() == 1
    (condition,) = ApprovalCondition.objects.all()
    assert (condition.state, condition.application.state) == ("open", State.ACCREDITED)
    checks = {profile.user.email: check_profile(profile).result for profile in ResearcherProfile.objects.all()}
    assert sorted(checks.values()) == ["mismatch", "verified"]
    (closed,) = Application.objects.filter(state=State.CLOSED)
    assert closed.closure_return.submitted_at is not None
    assert closed.closure_return.materials_destroyed
    assert closed.outputs.count() == 2
    assert closed.events.filter(kind="closure_return_sent").count() == 1
    for application in Application.objects.exclude(state=State.DRAFT):
        assert application.events.filter(kind="submitted").exists()
        approved = application.variable_request_forms.get(proposed=False)
        assert approved.validation_status == VariableRequestForm.Validation.PASSED


def test_seed_demo_leaves_an_amendment_of_each_kind_in_progress_once():
    call_command("seed_demo")
    call_command("seed_demo")

    live = Application.objects.get(state=State.ACCESS_GRANTED)
    amendments = {tuple(amendment.kinds): amendment for amendment in live.amendments.all()}
    assert set(amendments) == {("team",), ("data",), ("purpose",), ("extension",)}
    assert amendments[("team",)].state == Amendment.State.DRAFT
    data = amendments[("data",)]
    assert (data.state, data.stage) == (Amendment.State.UNDER_REVIEW, Amendment.Stage.DEPARTMENTS)
    assert list(data.reviews.values_list("department", flat=True)) == ["hmrc"]
    assert amendments[("purpose",)].stage == Amendment.Stage.RAS
    assert amendments[("extension",)].state == Amendment.State.UNDER_REVIEW
    assert not live.versions.exists()


def test_generated_applications_have_histories_in_the_past(capsys):
    call_command("seed_demo", applications=60)

    generated = Application.objects.filter(title__startswith="Generated study")
    assert generated.count() == 60
    assert "Generated applications: 60" in capsys.readouterr().out
    now = timezone.now()
    allowed = {(source, target) for source, target, *_ in transitions()}
    for application in generated:
        events = list(application.events.order_by("at", "id"))
        assert all(e.at <= now for e in events)
        # The events chain from draft to the application's state through transitions the lifecycle allows.
        state = State.DRAFT
        for event in events:
            assert event.from_state == state, (application.reference, event.kind)
            if event.to_state != event.from_state:
                assert (event.from_state, event.to_state) in allowed, (event.from_state, event.to_state)
            state = event.to_state
        assert state == application.state
        assert application.stage_entered_at == max(
            e.at for e in events if e.from_state != e.to_state or e.kind == "created"
        )
        if application.state != State.DRAFT:
            form = application.variable_request_forms.get()
            assert form.validation_status == "passed"
            # The queues' columns, as the services keep them.
            assert application.requested_dataset_names == datasets_requested(form.result)
        pending = application.department_reviews.filter(superseded_at__isnull=True, decision="pending")
        assert application.awaiting_departments == joined(pending.values_list("department", flat=True))
        if application.state in (State.ACCESS_GRANTED, State.CLOSED):
            assert not application.declarations.filter(signed_at__isnull=True).exists()
        if application.state in (State.PANEL_REVIEW, State.ACCREDITED, State.ACCESS_GRANTED):
            assert set(application.department_reviews.values_list("decision", flat=True)) == {"approved"}
    assert not ApplicationEvent.objects.filter(at__gt=now).exists()


def test_importing_the_official_form_replaces_the_demo_catalogue():
    from applications.vrf import write_template
    from applications.vrf_catalogue import catalogue_for_version, import_catalogue
    from demo.forms import ensure_demo_catalogue

    ensure_demo_catalogue()
    official = write_template(catalogue_for_version("2.3"), reference="OFFICIAL")

    outcome = import_catalogue(data=official, source_name="official.xlsx")

    assert outcome.created
    assert Catalogue.objects.get().source_name == "official.xlsx"
    assert not Catalogue.objects.get().is_demo
    again = import_catalogue(data=official, source_name="official-again.xlsx")
    assert not again.created
    assert Catalogue.objects.get().source_name == "official.xlsx"
