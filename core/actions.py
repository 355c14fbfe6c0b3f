"""The action log's vocabulary: each app registers the dotted action types it records,
with the label people read (pretix: ``order.log_action("pretix.event.order.approved")``).

    # organisations/actions.py
    register_actions({"organisations.organisation.verified": _("Verified the organisation")})

Recording an action whose type no app registered is a programming error, so a typo never
reaches the log unlabelled.
"""

from django.utils.functional import Promise

_LABELS: dict[str, Promise | str] = {}


def register_actions(labels: dict[str, Promise | str]) -> None:
    for action_type, label in labels.items():
        if action_type.count(".") < 2:
            raise ValueError(f"An action type is app.subject.verb: {action_type!r}")
        _LABELS[action_type] = label


def action_label(action_type: str) -> str:
    return str(_LABELS.get(action_type, action_type))


def is_registered(action_type: str) -> bool:
    return action_type in _LABELS


def registered_actions() -> dict[str, Promise | str]:
    return dict(_LABELS)
