"""core.staticfiles: the manifest storage's answers, each asked of the manifest once."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from core.staticfiles import MemoisedManifestStaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "paths": {"css/portal.css": "css/portal.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return MemoisedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_the_hashed_url_once(storage, monkeypatch):
    asked = []
    real = CompressedManifestStaticFilesStorage.url

    def counted(self, name, force=False):
        asked.append(name)
        return real(self, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counted)
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    assert asked == ["css/portal.css"]


def test_a_file_missing_from_the_manifest_still_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_under_debug_the_plain_name(storage, settings):
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    settings.DEBUG = True
    assert storage.url("css/portal.css") == "/static/css/portal.css"


def test_production_uses_it():
    from pathlib import Path

    production = Path(__file__).resolve().parents[2] / "config" / "settings" / "production.py"
    assert "core.staticfiles.MemoisedManifestStaticFilesStorage" in production.read_text()
