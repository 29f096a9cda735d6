"""Signing the Individual Declaration applies the accreditation rules of submission: the signer's accreditation
covers the project to its end, and a provisional signer's supervisor is fully accredited, valid as long, and at
the same organisation."""

from datetime import date, timedelta

import pytest

from applications.errors import GuardFailed
from applications.states import State
from declarations.models import Declaration
from leo_access.models import ResearcherProfile
from tests.factories import coordinator_of
from tests.integration.declarations.conftest import sign_fully
from tests.lifecycle import People, advance, application_with_member, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def supervised(people):
    """An accredited application whose member has become provisional, supervised by the co-ordinator."""
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    coordinator = coordinator_of(application)
    ResearcherProfile.objects.filter(user=member).update(accreditation_type="provisional", supervisor=coordinator)
    return application, coordinator, member


def declaration_of(application, user) -> Declaration:
    return Declaration.objects.get(application=application, member=user, withdrawn_at__isnull=True)


def refused_codes(application, member) -> list[str]:
    with pytest.raises(GuardFailed) as refused:
        sign_fully(declaration_of(application, member))
    assert declaration_of(application, member).signed_at is None
    return [problem.code for problem in refused.value.problems]


def test_a_provisional_member_with_a_valid_supervisor_at_the_same_organisation_signs(supervised):
    application, _, member = supervised
    sign_fully(declaration_of(application, member))
    assert declaration_of(application, member).signed_at is not None


def test_a_provisional_member_whose_supervisor_s_accreditation_expired_cannot_sign(supervised):
    application, coordinator, member = supervised
    ResearcherProfile.objects.filter(user=coordinator).update(
        accreditation_valid_until=date.today() - timedelta(days=1)
    )
    assert refused_codes(application, member) == ["supervisor_not_accredited"]


def test_a_provisional_member_whose_supervisor_is_at_another_organisation_cannot_sign(supervised):
    application, coordinator, member = supervised
    ResearcherProfile.objects.filter(user=coordinator).update(organisation="Another University")
    assert refused_codes(application, member) == ["supervisor_other_organisation"]


def test_a_member_whose_accreditation_ends_before_the_project_cannot_sign(people):
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    ResearcherProfile.objects.filter(user=member).update(
        accreditation_valid_until=application.end_date - timedelta(days=1)
    )
    assert refused_codes(application, member) == ["accreditation"]
    assert reload(application).state == State.ACCREDITED
