"""Load one version of the compact's text from plain data (a parsed YAML file).

``manage.py load_compact <file.yaml>`` calls this, and so does the demo. The format, with
every text given in each of the portal's languages (``settings.LANGUAGES``)::

    version: "2024"                   # the version's label: how it is found again
    adopted_on: 2024-06-10            # optional; needed to load it as adopted
    previous: "2019"                  # optional: the label of the version it replaces
    public_parties:                   # found by name; kind and website are optional
      - name: Exempelstads kommun
        kind: municipality            # municipality | region | other public body
        website: https://example.org/
    title: {sv: …, en: …}
    preamble: {sv: …, en: …}          # optional
    principles:                       # in order
      - title: {sv: …, en: …}
        description: {sv: …, en: …}   # optional
        commitments:                  # in order
          - party: municipality       # municipality | sector | both
            sv: …
            en: …
    development_areas:                # optional, in order
      - title: {sv: …, en: …}
        aim: {sv: …, en: …}
        plan_items:                   # in order
          - sv: …
            en: …
            owner: both               # optional: municipality | sector | both (the default)
            status: ongoing           # optional, on creation: planned | ongoing | completed | cancelled
            starts_on: 2024-09-01     # optional dates, YYYY-MM-DD
            ends_on: 2026-06-30

Loading is idempotent. Every row is found by its natural key (the version's label; a
principle's or development area's position in its version; a commitment's position in
its principle; a plan item's in its area), created when missing and brought to the
file's wording when it differs. The version's status and adoption date are decisions,
not text: they are set when the version is created and changed afterwards in the admin.
Rows the file no longer has are not deleted; they are reported in ``warnings``.
The whole file is checked before anything is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction

from compact.models import Agreement, PublicParty
from principles.models import (
    Commitment,
    DevelopmentArea,
    Party,
    PlanItem,
    PlanItemStatus,
    Principle,
)


class CompactDataError(ValueError):
    """The data is not a compact version in the format above; the message says where."""


@dataclass
class CompactLoad:
    """What loading did: the version, and how many rows were created or changed."""

    agreement: Agreement
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)


def read_compact_file(path: str | Path) -> Any:
    """The parsed YAML of ``path``, or CompactDataError saying why it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CompactDataError(f"{path}: no such file.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CompactDataError(f"{path}: cannot be read ({error}).") from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CompactDataError(f"{path}: not valid YAML: {error}") from error


def load_compact(data: Any, *, status: str | None = None) -> CompactLoad:
    """Create or update the compact version ``data`` describes (see the module's
    docstring). ``status`` (an ``Agreement.Status``, draft when not given) applies when
    the version is created; a version created as adopted supersedes the one in force."""
    text = _parse_version(data)
    status = status or Agreement.Status.DRAFT
    if status not in Agreement.Status.values:
        raise CompactDataError(
            f"Unknown status {status!r}; expected one of {', '.join(Agreement.Status.values)}."
        )
    with transaction.atomic():
        return _write_version(text, status)


# -- checking the data ---------------------------------------------------------------------


@dataclass
class _Version:
    label: str
    adopted_on: datetime.date | None
    previous: str | None
    public_parties: list[dict[str, str]]
    content: dict[str, str]
    principles: list[dict[str, Any]]
    areas: list[dict[str, Any]]


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _mapping(value: Any, where: str, *, required: set[str], optional: set[str] = frozenset()):
    if not isinstance(value, Mapping):
        raise CompactDataError(f"{where}: expected a mapping (key: value), found {_kind(value)}.")
    missing = sorted(required - value.keys())
    if missing:
        raise CompactDataError(f"{where}: missing {', '.join(missing)}.")
    unknown = sorted(str(key) for key in value.keys() - required - optional)
    if unknown:
        raise CompactDataError(
            f"{where}: unknown key {', '.join(unknown)} "
            f"(expected {', '.join(sorted(required | optional))})."
        )
    return value


def _list(value: Any, where: str, *, empty_ok: bool = False) -> list:
    if not isinstance(value, list):
        raise CompactDataError(
            f"{where}: expected a list (lines starting with -), found {_kind(value)}."
        )
    if not value and not empty_ok:
        raise CompactDataError(f"{where}: the list is empty.")
    return value


def _text(value: Any, where: str, *, max_length: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CompactDataError(f"{where}: expected text, found {_kind(value)}.")
    if max_length is not None and len(value) > max_length:
        raise CompactDataError(f"{where}: at most {max_length} characters, found {len(value)}.")
    return value


def _label(value: Any, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return _text(value, where, max_length=Agreement._meta.get_field("version_label").max_length)


def _translated(value: Any, where: str, name: str, model: type[models.Model]) -> dict[str, str]:
    """``{sv: …, en: …}`` as model field values: ``{f"{name}_sv": …, f"{name}_en": …}``."""
    languages = _languages()
    value = _mapping(value, where, required=set(languages))
    max_length = model._meta.get_field(name).max_length
    return {
        f"{name}_{code}": _text(value[code], f"{where}.{code}", max_length=max_length)
        for code in languages
    }


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _parse_version(data: Any) -> _Version:
    data = _mapping(
        data,
        "the file",
        required={"version", "public_parties", "title", "principles"},
        optional={"adopted_on", "previous", "preamble", "development_areas"},
    )
    label = _label(data["version"], "version")
    adopted_on = data.get("adopted_on")
    if isinstance(adopted_on, str):
        try:
            adopted_on = datetime.date.fromisoformat(adopted_on)
        except ValueError:
            raise CompactDataError(
                f"adopted_on: expected a date as YYYY-MM-DD, found {data['adopted_on']!r}."
            ) from None
    if adopted_on is not None and (
        not isinstance(adopted_on, datetime.date) or isinstance(adopted_on, datetime.datetime)
    ):
        raise CompactDataError(
            f"adopted_on: expected a date as YYYY-MM-DD, found {_kind(adopted_on)}."
        )
    previous = data.get("previous")
    if previous is not None:
        previous = _label(previous, "previous")
        if previous == label:
            raise CompactDataError(f"previous: a version cannot replace itself ({label!r}).")

    content = _translated(data["title"], "title", "title", Agreement)
    if data.get("preamble") is not None:
        content |= _translated(data["preamble"], "preamble", "preamble", Agreement)

    return _Version(
        label=label,
        adopted_on=adopted_on,
        previous=previous,
        public_parties=[
            _parse_public_party(party, f"public_parties[{index}]")
            for index, party in enumerate(_list(data["public_parties"], "public_parties"), 1)
        ],
        content=content,
        principles=[
            _parse_principle(principle, f"principles[{index}]")
            for index, principle in enumerate(_list(data["principles"], "principles"), 1)
        ],
        areas=[
            _parse_area(area, f"development_areas[{index}]")
            for index, area in enumerate(
                _list(data.get("development_areas") or [], "development_areas", empty_ok=True), 1
            )
        ],
    )


def _parse_public_party(data: Any, where: str) -> dict[str, str]:
    data = _mapping(data, where, required={"name"}, optional={"kind", "website"})
    party = {"name": _text(data["name"], f"{where}.name", max_length=200)}
    if "kind" in data:
        if data["kind"] not in PublicParty.Kind.values:
            raise CompactDataError(
                f"{where}.kind: unknown kind {data['kind']!r} "
                f"(expected one of {', '.join(PublicParty.Kind.values)})."
            )
        party["kind"] = data["kind"]
    if "website" in data:
        party["website"] = (
            "" if data["website"] is None else _text(data["website"], f"{where}.website")
        )
    return party


def _parse_principle(data: Any, where: str) -> dict[str, Any]:
    data = _mapping(data, where, required={"title", "commitments"}, optional={"description"})
    fields = _translated(data["title"], f"{where}.title", "title", Principle)
    if data.get("description") is not None:
        fields |= _translated(data["description"], f"{where}.description", "description", Principle)
    commitments = []
    for index, commitment in enumerate(_list(data["commitments"], f"{where}.commitments"), 1):
        at = f"{where}.commitments[{index}]"
        commitment = _mapping(commitment, at, required={"party", *_languages()})
        if commitment["party"] not in Party.values:
            raise CompactDataError(
                f"{at}.party: unknown party {commitment['party']!r} "
                f"(expected one of {', '.join(Party.values)})."
            )
        commitments.append(
            {
                "party": commitment["party"],
                **_translated(
                    {code: commitment[code] for code in _languages()}, at, "text", Commitment
                ),
            }
        )
    return {"fields": fields, "commitments": commitments}


def _parse_area(data: Any, where: str) -> dict[str, Any]:
    data = _mapping(data, where, required={"title", "aim", "plan_items"})
    fields = _translated(data["title"], f"{where}.title", "title", DevelopmentArea)
    fields |= _translated(data["aim"], f"{where}.aim", "aim", DevelopmentArea)
    items = [
        _parse_plan_item(item, f"{where}.plan_items[{index}]")
        for index, item in enumerate(_list(data["plan_items"], f"{where}.plan_items"), 1)
    ]
    return {"fields": fields, "items": items}


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    raise CompactDataError(f"{where}: expected a date as YYYY-MM-DD, found {_kind(value)}.")


def _parse_plan_item(data: Any, where: str) -> dict[str, Any]:
    """A plan item's text, and optionally its owner (a party), status and dates. The status
    is a decision: set when the item is created, then changed in the admin."""
    data = _mapping(
        data,
        where,
        required=set(_languages()),
        optional={"owner", "status", "starts_on", "ends_on"},
    )
    values = _translated({code: data[code] for code in _languages()}, where, "text", PlanItem)
    if "owner" in data:
        if data["owner"] not in Party.values:
            raise CompactDataError(
                f"{where}.owner: unknown party {data['owner']!r} "
                f"(expected one of {', '.join(Party.values)})."
            )
        values["owner"] = data["owner"]
    if "starts_on" in data:
        values["starts_on"] = _date(data["starts_on"], f"{where}.starts_on")
    if "ends_on" in data:
        values["ends_on"] = _date(data["ends_on"], f"{where}.ends_on")
    if (
        values.get("starts_on")
        and values.get("ends_on")
        and values["ends_on"] < values["starts_on"]
    ):
        raise CompactDataError(f"{where}: ends_on is before starts_on.")
    created = {}
    if "status" in data:
        if data["status"] not in PlanItemStatus.values:
            raise CompactDataError(
                f"{where}.status: unknown status {data['status']!r} "
                f"(expected one of {', '.join(PlanItemStatus.values)})."
            )
        created["status"] = data["status"]
    return {"values": values, "created": created}


# -- writing it ----------------------------------------------------------------------------


def _write_version(text: _Version, status: str) -> CompactLoad:
    agreement = Agreement.objects.filter(version_label=text.label).order_by("pk").first()
    result = CompactLoad(agreement=agreement)
    previous = None
    if text.previous is not None:
        previous = Agreement.objects.filter(version_label=text.previous).order_by("pk").first()
        if previous is None:
            result.warnings.append(
                f"The previous version {text.previous!r} is not in the database: load it, "
                "then this file again, to link the two."
            )
    if agreement is None:
        if status == Agreement.Status.ADOPTED:
            if text.adopted_on is None:
                raise CompactDataError(
                    "adopted_on: a version loaded as adopted needs its adoption date."
                )
            # Only one version can be in force: whatever was, is now superseded.
            Agreement.objects.in_force().update(status=Agreement.Status.SUPERSEDED)
        result.agreement = agreement = Agreement.objects.create(
            version_label=text.label,
            status=status,
            adopted_on=text.adopted_on,
            previous=previous,
            **text.content,
        )
        result.created += 1
    else:
        changed = _differing(agreement, text.content)
        if agreement.previous_id is None and previous is not None:
            agreement.previous = previous
            changed.append("previous")
        if changed:
            agreement.save(update_fields=changed)
            result.updated += 1

    for data in text.public_parties:
        name, values = data["name"], {k: v for k, v in data.items() if k != "name"}
        party = _upsert(result, PublicParty, {"name": name}, values)
        agreement.public_parties.add(party)

    for position, data in enumerate(text.principles, 1):
        principle = _upsert(
            result, Principle, {"agreement": agreement, "position": position}, data["fields"]
        )
        for index, values in enumerate(data["commitments"], 1):
            _upsert(result, Commitment, {"principle": principle, "position": index}, values)
        _report_left_over(
            result,
            principle.commitments.all(),
            len(data["commitments"]),
            f"{principle}: commitment",
        )
    _report_left_over(result, agreement.principles.all(), len(text.principles), "principle")

    for position, data in enumerate(text.areas, 1):
        area = _upsert(
            result, DevelopmentArea, {"agreement": agreement, "position": position}, data["fields"]
        )
        for index, item in enumerate(data["items"], 1):
            _upsert(
                result,
                PlanItem,
                {"area": area, "position": index},
                item["values"],
                created=item["created"],
            )
        _report_left_over(result, area.plan_items.all(), len(data["items"]), f"{area}: plan item")
    _report_left_over(
        result, agreement.development_areas.all(), len(text.areas), "development area"
    )
    return result


def _differing(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on ``instance``; return their field names."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _upsert(
    result: CompactLoad,
    model,
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    created: dict[str, Any] | None = None,
):
    """Find the row by ``lookup``; bring it to ``values``, or create it with them (and with
    ``created``, values given only to a new row)."""
    instance = model.objects.filter(**lookup).order_by("pk").first()
    if instance is None:
        result.created += 1
        return model.objects.create(**lookup, **values, **(created or {}))
    changed = _differing(instance, values)
    if changed:
        instance.save(update_fields=changed)
        result.updated += 1
    return instance


def _report_left_over(result: CompactLoad, queryset, count: int, what: str) -> None:
    for instance in queryset.filter(position__gt=count).order_by("position", "pk"):
        result.warnings.append(
            f"Not in the file, left as it is: {what} {instance.position} ({instance})."
        )
