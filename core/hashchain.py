"""The action log's hash chain: each record carries the hash of the one before it, and its
own hash covers that link and everything the record says. Changing, removing or inserting
a record afterwards breaks the chain at that record (`manage.py verify_log` finds it).

The hash is SHA-256 over JSON with sorted keys and no spaces of::

    {"previous_hash", "actor_id", "action_type", "content_type" ("app_label.model" or null),
     "object_id", "data", "at" (ISO 8601 in UTC with microseconds)}

Pure functions of plain values, so that the model, the migration that links the records
written before the chain existed, and verify_log all hash alike.
"""

import datetime
import hashlib
import json

GENESIS_HASH = "0" * 64  # the previous_hash of the first record


def _canonical_data(value):
    """The data as it reads back from the database: through JSON, with whole floats as
    integers (PostgreSQL's jsonb writes 1e20 back as 100000000000000000000)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _canonical_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_data(item) for item in value]
    return value


def record_hash(
    *,
    previous_hash: str,
    actor_id: int | None,
    action_type: str,
    content_type: str | None,
    object_id: int | None,
    data,
    at: datetime.datetime,
) -> str:
    payload = {
        "previous_hash": previous_hash,
        "actor_id": actor_id,
        "action_type": action_type,
        "content_type": content_type,
        "object_id": object_id,
        "data": _canonical_data(json.loads(json.dumps(data))),
        "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
