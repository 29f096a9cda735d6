import pytest

from applications.vrf import extract_catalogue
from tests.unit.vrf.helpers import REAL_FORM
from tests.vrf_factory import VrfBuilder


@pytest.fixture
def builder() -> VrfBuilder:
    return VrfBuilder()


@pytest.fixture(scope="session")
def catalogue():
    """The catalogue of the generated form, standing in for an imported official one."""
    return extract_catalogue(VrfBuilder().build())


@pytest.fixture(scope="session")
def real_form() -> bytes:
    if not REAL_FORM.exists():
        pytest.skip(f"the real example form is not available at {REAL_FORM}")
    return REAL_FORM.read_bytes()
