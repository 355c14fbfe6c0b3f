"""Fixtures shared by the whole suite. Factories and the compact builder live in
tests/factories.py; import them there."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from core.sealing import create_test_certificate
from tests.factories import build_compact


@pytest.fixture(scope="session", autouse=True)
def seal_certificate(tmp_path_factory):
    """A throwaway certificate and key that seal the PDFs issued in this session. The
    settings point at them, and so does the environment, which a Celery worker started by
    tests/worker.py inherits. Yields the certificate's path."""
    directory = tmp_path_factory.mktemp("seal")
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    create_test_certificate(certificate, key, name="Test suite seal")
    os.environ["PDF_SEAL_CERTIFICATE"] = settings.PDF_SEAL_CERTIFICATE = str(certificate)
    os.environ["PDF_SEAL_KEY"] = settings.PDF_SEAL_KEY = str(key)
    return certificate


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
