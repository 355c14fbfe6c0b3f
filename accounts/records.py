from accounts.models import ActionRecord


def record_action(*, actor, action: str, subject, detail: str = "") -> ActionRecord:
    """Record who did what, and when. Records are only ever added."""
    return ActionRecord.objects.create(
        actor=actor, action=action, subject=str(subject)[:300], detail=detail
    )
