"""The demo's follow-ups (demo/data/follow-ups.yaml), recorded through the officials' and
the representatives' services. Called by ``load_demo``; idempotent: a year that has a
follow-up is left as it is."""

from django.core.management.base import CommandError
from django.utils import timezone

from principles.followups import (
    EntryChange,
    FollowUpError,
    account_decide,
    account_submit,
    correction_add,
    entries_record,
    follow_up_create,
    follow_up_publish,
)
from principles.models import CommitmentEntry, FollowUp


def load_follow_ups(data, agreements, organisations, users) -> int:
    """Each follow-up of data["follow_ups"] whose year has none; returns how many were made."""
    agreement = agreements[data["version"]]
    official = users[data["recorded_by"]]
    this_year = timezone.localdate().year
    created = 0
    for row in data["follow_ups"]:
        year = this_year - row["years_ago"]
        if FollowUp.objects.filter(year=year).exists():
            continue
        try:
            _load(row, year, agreement, official, organisations, users)
        except FollowUpError as error:
            raise CommandError(f"follow-ups.yaml, {year}: {error}") from error
        created += 1
    return created


def _entry_of(follow_up, row) -> CommitmentEntry:
    principle = follow_up.agreement.principles.order_by("position", "pk")[row["principle"] - 1]
    commitment = principle.commitments.order_by("position", "pk")[row["commitment"] - 1]
    return follow_up.commitment_entries.get(commitment=commitment)


def _load(row, year, agreement, official, organisations, users):
    follow_up = follow_up_create(actor=official, year=year, agreement=agreement)
    given = {(a["principle"], a["commitment"]): a for a in row["accounts"]}
    entries = (
        CommitmentEntry.objects.filter(follow_up=follow_up)
        .select_related("commitment__principle")
        .order_by("commitment__principle__position", "commitment__position", "commitment__pk")
    )
    positions = {}
    changes = []
    for index, entry in enumerate(
        entries[: row.get("recorded")] if row.get("recorded") else entries
    ):
        principle = entry.commitment.principle
        number = positions[principle.pk] = positions.get(principle.pk, 0) + 1
        status = row["statuses"][index % len(row["statuses"])]
        account = given.get((principle.position, number))
        changes.append(
            EntryChange(
                entry,
                status,
                account=account["text"] if account else row["status_accounts"][status],
                links="\n".join(account.get("links", [])) if account else "",
            )
        )
    entries_record(actor=official, follow_up=follow_up, changes=changes)
    if row["plan_statuses"]:
        plan_entries = follow_up.plan_item_entries.order_by(
            "plan_item__area__position", "plan_item__position", "plan_item__pk"
        )
        entries_record(
            actor=official,
            follow_up=follow_up,
            plan=True,
            changes=[
                EntryChange(
                    entry,
                    status := row["plan_statuses"][index % len(row["plan_statuses"])],
                    account=row["status_accounts"][status],
                )
                for index, entry in enumerate(plan_entries)
            ],
        )
    for account_row in row["organisation_accounts"]:
        account = account_submit(
            actor=users[account_row["user"]],
            organisation=organisations[account_row["organisation"]],
            entry=_entry_of(follow_up, account_row),
            text=account_row["text"],
        )
        if "include" in account_row:
            account_decide(actor=official, account=account, include=account_row["include"])
    if row["publish"]:
        follow_up_publish(actor=official, follow_up=follow_up)
        for note in row["corrections"]:
            correction_add(actor=official, follow_up=follow_up, text=note["text"])
