import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _cache_vide():
    """allauth counts attempts in the cache (per address, per user id): ids come back from
    one test to the next, so counters must not outlive a test."""
    cache.clear()
    yield
    cache.clear()
