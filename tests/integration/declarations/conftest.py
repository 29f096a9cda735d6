import pytest

from applications.states import State
from declarations.models import Declaration
from declarations.services import current_text
from tests.factories import PASSWORD, coordinator_of
from tests.lifecycle import People, advance, application_with_member


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def accredited(people):
    """An accredited application with a co-ordinator and one other member, each with a declaration to sign."""
    application, member = application_with_member()
    application = advance(application, State.ACCREDITED, people)
    return application, coordinator_of(application), member


def sign_fully(declaration: Declaration, **extra):
    """Sign as the signing page does: every clause, the typed name, and the text hash shown."""
    from declarations.services import sign_declaration

    text = declaration.text or current_text()
    return sign_declaration(
        declaration_id=declaration.pk,
        by=declaration.member,
        typed_name=extra.pop("typed_name", declaration.member.full_name),
        confirmed_clauses=extra.pop("confirmed_clauses", range(1, len(text.clauses) + 1)),
        text_sha256=extra.pop("text_sha256", text.sha256),
        confirmed_with=extra.pop("confirmed_with", Declaration.ConfirmedWith.PASSWORD),
        ip_address=extra.pop("ip_address", "203.0.113.7"),
        user_agent=extra.pop("user_agent", "Test browser/1.0"),
        **extra,
    )


__all__ = ["PASSWORD", "sign_fully"]
