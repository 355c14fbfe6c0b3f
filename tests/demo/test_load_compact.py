"""`manage.py load_compact <file>`: one compact version's text from YAML, loaded again
with the same result, and a clear error for a file it cannot use. The demo's own files
(demo/data/compact-*.yaml) are the examples of the format."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from compact.models import Agreement, PublicParty
from principles.models import Commitment, DevelopmentArea, PlanItem, Principle

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
COMPACT_2019 = DATA / "compact-2019.yaml"
COMPACT_2024 = DATA / "compact-2024.yaml"

pytestmark = pytest.mark.django_db


def load_compact(path, *args):
    out, err = StringIO(), StringIO()
    call_command("load_compact", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agreement, PublicParty, Principle, Commitment, DevelopmentArea, PlanItem)
    }


def write(tmp_path, data, name="compact.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def small_compact(**changes):
    data = {
        "version": "2030",
        "public_parties": [{"name": "Provkommunen"}],
        "title": {"sv": "Överenskommelsen", "en": "The compact"},
        "principles": [
            {
                "title": {"sv": "Dialog", "en": "Dialogue"},
                "commitments": [
                    {"party": "municipality", "sv": "Bjuda in.", "en": "To invite."},
                    {"party": "sector", "sv": "Delta.", "en": "To take part."},
                ],
            }
        ],
    }
    return data | changes


def test_load_compact_loads_a_file_into_a_fresh_database():
    output, warnings = load_compact(COMPACT_2024)

    agreement = Agreement.objects.get()
    assert agreement.version_label == "2024"
    assert agreement.status == Agreement.Status.DRAFT
    assert str(agreement.adopted_on) == "2024-06-10"
    assert agreement.previous is None
    assert [party.name for party in agreement.public_parties.all()] == ["Exempelstads kommun"]
    assert agreement.principles.count() == 7
    assert Commitment.objects.filter(principle__agreement=agreement).count() == 35
    assert agreement.development_areas.count() == 4
    assert PlanItem.objects.filter(area__agreement=agreement).count() == 22
    first = agreement.principles.get(position=1)
    assert (first.title_sv, first.title_en) == ("Långsiktighet", "Long-term perspective")
    assert first.commitments.get(position=1).party == "municipality"
    assert "\n\n" in agreement.preamble_sv  # paragraphs kept
    assert "7 principles, 35 commitments, 4 development areas, 22 plan items" in output
    assert "previous version '2019' is not in the database" in warnings


def test_load_compact_twice_creates_nothing_new():
    load_compact(COMPACT_2019)
    load_compact(COMPACT_2024)
    first = counts()

    output, warnings = load_compact(COMPACT_2024)

    assert counts() == first
    assert "0 rows created, 0 updated" in output
    assert warnings == ""
    assert Agreement.objects.get(version_label="2024").previous.version_label == "2019"


def test_load_compact_brings_the_text_to_the_file(tmp_path):
    load_compact(write(tmp_path, small_compact()))
    changed = small_compact()
    changed["principles"][0]["commitments"][1]["en"] = "To take part, often."

    output, _ = load_compact(write(tmp_path, changed))

    assert "0 rows created, 1 updated" in output
    assert Commitment.objects.get(position=2).text_en == "To take part, often."
    assert Commitment.objects.get(position=2).text_sv == "Delta."


def test_load_compact_as_adopted_supersedes_the_version_in_force():
    load_compact(COMPACT_2019, "--status", "adopted")
    load_compact(COMPACT_2024, "--status", "adopted")

    assert Agreement.objects.current().version_label == "2024"
    assert Agreement.objects.get(version_label="2019").status == Agreement.Status.SUPERSEDED


def test_load_compact_keeps_the_status_of_an_existing_version():
    load_compact(COMPACT_2019, "--status", "superseded")

    _, warnings = load_compact(COMPACT_2019, "--status", "adopted")

    assert Agreement.objects.get().status == Agreement.Status.SUPERSEDED
    assert "change its status in the admin" in warnings


def test_load_compact_adopted_needs_a_date(tmp_path):
    with pytest.raises(CommandError, match="adopted_on: a version loaded as adopted needs"):
        load_compact(write(tmp_path, small_compact()), "--status", "adopted")
    assert Agreement.objects.count() == 0


def test_load_compact_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        load_compact(tmp_path / "nowhere.yaml")


def test_load_compact_malformed_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text('version: "2030"\nprinciples: [\n  - title: {sv: Dialog\n', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        load_compact(path)
    assert counts() == dict.fromkeys(counts(), 0)


def test_load_compact_not_a_compact(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- one\n- two\n", encoding="utf-8")
    with pytest.raises(CommandError, match="the file: expected a mapping"):
        load_compact(path)


def test_load_compact_unknown_party(tmp_path):
    data = small_compact()
    data["principles"][0]["commitments"][1]["party"] = "city"
    with pytest.raises(
        CommandError,
        match=r"principles\[1\]\.commitments\[2\]\.party: unknown party 'city' "
        r"\(expected one of municipality, sector, both\)",
    ):
        load_compact(write(tmp_path, data))
    assert counts() == dict.fromkeys(counts(), 0)


def test_load_compact_text_missing_a_language(tmp_path):
    data = small_compact(title={"sv": "Överenskommelsen"})
    with pytest.raises(CommandError, match="title: missing en"):
        load_compact(write(tmp_path, data))


def test_load_compact_misspelt_key(tmp_path):
    data = small_compact()
    data["principles"][0]["descripton"] = {"sv": "x", "en": "x"}
    with pytest.raises(CommandError, match=r"principles\[1\]: unknown key descripton"):
        load_compact(write(tmp_path, data))
