"""Fixtures shared by the whole suite. Factories and the compact builder live in
tests/factories.py; import them there."""

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import build_compact


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no rate-limit counts (allauth's, in the default cache): one
    test's sign-ins from 127.0.0.1 do not use up the next one's."""
    cache.clear()
    yield


@pytest.fixture
def compact(db):
    """The agreement in force: 7 principles, each with commitments for every party,
    4 development areas with plan items, 3 signatures."""
    return build_compact()


@pytest.fixture
def big_compact(db):
    """The same compact five times over (for query-count bounds at a second data size)."""
    return build_compact(scale=5)


@pytest.fixture
def english():
    """URLs reversed in English (/en/…), so messages can be read in English. Modules that
    want it use ``pytestmark = pytest.mark.usefixtures("english")``."""
    with translation.override("en"):
        yield
