import pytest
from django.core.cache import cache

from applications.register.cache import forget_local


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()
