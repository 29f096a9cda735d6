import pytest
from django.core.exceptions import ImproperlyConfigured

from declarations.models import text_digest
from declarations.services import clean_clauses, normalise_name
from declarations.signing_keys import configured_paths, ensure_signing_pair


def test_the_text_hash_depends_on_every_word_and_the_order_of_clauses():
    base = text_digest(version=1, title="Individual Declaration", clauses=["One.", "Two."])
    assert base == text_digest(version=1, title="Individual Declaration", clauses=["One.", "Two."])
    assert base != text_digest(version=1, title="Individual Declaration", clauses=["Two.", "One."])
    assert base != text_digest(version=2, title="Individual Declaration", clauses=["One.", "Two."])
    assert base != text_digest(version=1, title="Individual Declaration", clauses=["One.", "Two!"])


def test_names_compare_without_spacing_but_with_case_and_clauses_are_tidied():
    # The name as written in the profile, capitals included (issue 23); only spacing is forgiven.
    assert normalise_name("  Ada   Lovelace ") == normalise_name("Ada Lovelace")
    assert normalise_name("ada LOVELACE") != normalise_name("Ada Lovelace")
    assert normalise_name("Ada Lovelace") != normalise_name("Ada Byron")
    assert clean_clauses(["  One\n clause. ", "", "   ", "Two."]) == ["One clause.", "Two."]


def test_a_missing_pair_is_generated_only_when_allowed(settings, tmp_path):
    settings.DECLARATION_SIGNING_KEY = str(tmp_path / "key.pem")
    settings.DECLARATION_SIGNING_CERTIFICATE = str(tmp_path / "cert.pem")
    settings.DECLARATION_SIGNING_DEVELOPMENT_PAIR = False
    with pytest.raises(ImproperlyConfigured, match="DECLARATION_SIGNING_KEY"):
        ensure_signing_pair()

    settings.DECLARATION_SIGNING_DEVELOPMENT_PAIR = True
    paths, created = ensure_signing_pair()
    assert created
    assert paths == configured_paths()
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0
    certificate = (tmp_path / "cert.pem").read_bytes()
    assert ensure_signing_pair() == (paths, False)
    assert (tmp_path / "cert.pem").read_bytes() == certificate
