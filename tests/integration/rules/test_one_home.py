"""Rules with one home: every page, task and export that applies them agrees, at the boundary too."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from applications.models import Application
from applications.rules import Section
from applications.section_forms import CommitteeForm, EthicsRouteForm, ProjectForm, PublicBenefitForm, SafeguardsForm
from applications.sections import ETHICS_COMMITTEE_FIELDS, ETHICS_ROUTE_FIELDS, SECTION_FIELDS
from applications.states import State
from leo_access.permissions import holds_current_stage
from leo_access.roles import Role
from leo_access.teams import STAGE_TEAMS, TEAM_ROLES, TEAM_STAGES, Team, holds_stage, in_team
from notifications import reminders
from notifications.models import Message
from reviews import selectors as queues
from reviews.tracking import exports
from reviews.tracking import selectors as tracking
from tests.lifecycle import People, advance, application_with_member

pytestmark = pytest.mark.django_db


def at_department_review_for(people, elapsed: timedelta, now):
    application, _ = application_with_member()
    advance(application, State.DEPARTMENT_REVIEW, people)
    Application.objects.filter(pk=application.pk).update(stage_entered_at=now - elapsed)
    return Application.objects.get(pk=application.pk)


def overdue_everywhere(application, people, now) -> dict[str, bool]:
    """What each consumer of the service levels says about this one application."""
    queue = queues.queue(Team.DFE, people.dfe, queues.QueueFilters(overdue=True))
    rows = queues.queue_page(Team.DFE, people.dfe, queues.QueueFilters(), now=now).rows
    (row,) = [row for row in rows if row.pk == application.pk]
    states = {count.state: count for count in tracking.state_counts(now)}
    total, late_rows = tracking.overdue(now=now)
    table = exports.application_table(tracking.ApplicationFilters())
    (exported,) = [values for values in table.rows() if values[0] == application.reference]
    before = Message.objects.filter(template="overdue").count()
    reminders.overdue(now)
    return {
        "queue filter": queue.filter(pk=application.pk).exists(),
        "queue row": row.is_overdue,
        "reminder": Message.objects.filter(template="overdue").count() > before,
        "dashboard count": states[State.DEPARTMENT_REVIEW].overdue == 1,
        "dashboard list": total == 1 and [r.application.pk for r in late_rows] == [application.pk],
        "export": exported[-1] is True,
    }


@pytest.mark.parametrize(
    ("elapsed", "overdue"),
    [
        (timedelta(days=20, hours=12), True),
        (timedelta(days=20, seconds=1), True),
        (timedelta(days=19, hours=23), False),
    ],
)
def test_queues_reminders_dashboard_and_exports_agree_on_overdue(elapsed, overdue):
    assert settings.STAGE_SLA_DAYS["department_review"] == 20
    people = People.create()
    now = timezone.now()
    application = at_department_review_for(people, elapsed, now)
    answers = overdue_everywhere(application, people, now)
    assert answers == dict.fromkeys(answers, overdue)


def test_every_team_works_at_a_stage_of_the_lifecycle_with_its_own_roles():
    assert set(TEAM_STAGES) == set(Team) == set(TEAM_ROLES)
    assert set(TEAM_STAGES.values()) <= set(State.values)
    assert {team for teams in STAGE_TEAMS.values() for team in teams} == set(Team)
    assert STAGE_TEAMS[State.DEPARTMENT_REVIEW] == [Team.DFE, Team.HMRC, Team.DWP]


def test_who_holds_a_stage_is_read_from_the_team_map():
    people = People.create()
    for state in (State.RAS_CHECK, State.DEPARTMENT_REVIEW, State.PANEL_REVIEW, State.QUERIED, State.DRAFT):
        application = SimpleNamespace(state=state)
        for person in (people.ras, people.dfe, people.hmrc, people.dwp, people.panel, people.admin, people.outsider):
            expected = any(in_team(person, team) for team in STAGE_TEAMS.get(state, ()))
            assert holds_current_stage(person, application) is expected is holds_stage(person, state)
    assert holds_stage(people.ras, State.RAS_CHECK)
    assert not holds_stage(people.admin, State.RAS_CHECK)
    assert TEAM_ROLES[Team.PANEL] == (Role.PANEL_MEMBER,)


def test_each_section_form_saves_exactly_the_fields_of_its_section():
    assert ProjectForm.fields_saved == SECTION_FIELDS[Section.PROJECT]
    assert PublicBenefitForm.fields_saved == SECTION_FIELDS[Section.PUBLIC_BENEFIT]
    assert SafeguardsForm.fields_saved == SECTION_FIELDS[Section.SAFEGUARDS]
    assert EthicsRouteForm.fields_saved == ETHICS_ROUTE_FIELDS
    assert CommitteeForm.fields_saved == ETHICS_COMMITTEE_FIELDS
    assert set(ETHICS_ROUTE_FIELDS + ETHICS_COMMITTEE_FIELDS) < set(SECTION_FIELDS[Section.ETHICS])
    for fields in SECTION_FIELDS.values():
        for name in fields:
            Application._meta.get_field(name)
