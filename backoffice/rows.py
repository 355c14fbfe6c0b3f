"""The rows of the officials' lists, built once per request with core/rows.py: the same
markup as the row templates they replace (templates/backoffice/*.html hold the tables)."""

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compact.models import Agreement, Signature
from core.actions import action_label
from core.models import record_summary
from core.rows import (
    blocktranslated,
    date_formatter,
    escaped_once,
    html,
    join,
    labels,
    url_for_each,
)
from organisations.models import Organisation

# What signature_rows() reads of each signature: Signature.objects.values(*…, **…).
SIGNATURE_COLUMNS = (
    (
        "pk",
        "organisation_id",
        "signed_at",
        "signer_name",
        "channel",
        "approved_by",
        "withdrawn_at",
        "withdrawal_reason",
    ),
    {
        "organisation_name": F("organisation__name"),
        "version_label": F("agreement__version_label"),
        "agreement_status": F("agreement__status"),
        "approved_by_email": F("approved_by__email"),
    },
)

_SIGNATURE_ROW = """
    <tr>
      <td><a href="{}">{}</a></td>
      <td>{}</td>
      <td>{}, {}</td>
      <td>{}{}</td>
      <td>{}</td>
      <td>{}</td>
    </tr>
  """


def signature_rows(signatures):
    """The signature list's <tbody>, of signatures as dicts of SIGNATURE_COLUMNS."""
    organisation_url = url_for_each("backoffice:organisation")
    withdraw_url = url_for_each("backoffice:withdraw")
    short_date = date_formatter("SHORT_DATE_FORMAT")
    channels = labels(Signature.Channel.choices)
    approved_by, withdrawn = escaped_once(_("approved by")), escaped_once(_("Withdrawn"))
    history, effective = (
        escaped_once(_("History: an earlier version")),
        escaped_once(_("Effective")),
    )
    withdraw = escaped_once(_("Withdraw"))

    def row(signature):
        status = signature["agreement_status"]
        if signature["withdrawn_at"]:
            state = html(
                "{} {}: {}",
                withdrawn,
                short_date(signature["withdrawn_at"]),
                signature["withdrawal_reason"],
            )
        else:
            state = history if status == Agreement.Status.SUPERSEDED else effective
        return html(
            _SIGNATURE_ROW,
            organisation_url(signature["organisation_id"]),
            signature["organisation_name"],
            signature["version_label"],
            short_date(signature["signed_at"]),
            signature["signer_name"],
            channels.get(signature["channel"], signature["channel"]),
            html(" ({} {})", approved_by, signature["approved_by_email"])
            if signature["approved_by"] is not None
            else "",
            state,
            html('<a href="{}">{}</a>', withdraw_url(signature["pk"]), withdraw)
            if Signature.may_be_withdrawn(signature["withdrawn_at"], status)
            else "",
        )

    return join(map(row, signatures))


# What organisation_rows() reads of each organisation, besides its effective_signature (an id).
ORGANISATION_COLUMNS = ("pk", "name", "organisation_number", "kind", "verification")


def organisation_rows(organisations):
    """The organisation list's <tbody>, of organisations as dicts of ORGANISATION_COLUMNS and
    effective_signature (the id of one, or None)."""
    organisation_url = url_for_each("backoffice:organisation")
    kinds = labels(Organisation.Kind.choices)
    verifications = labels(Organisation.Verification.choices)
    yes, no = escaped_once(_("Yes")), escaped_once(_("No"))
    return join(
        html(
            '\n    <tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td></tr>\n  ",
            organisation_url(organisation["pk"]),
            organisation["name"],
            organisation["organisation_number"] or "–",
            kinds.get(organisation["kind"], organisation["kind"]),
            verifications.get(organisation["verification"], organisation["verification"]),
            yes if organisation["effective_signature"] is not None else no,
        )
        for organisation in organisations
    )


# What action_record_rows() reads of each record: ActionRecord.objects.values(*…, **…).
ACTION_RECORD_COLUMNS = (
    ("at", "action_type", "content_type_id", "object_id", "data"),
    {"actor_email": F("actor__email")},
)


def action_record_rows(records, subjects):
    """The action log's <tbody>, of records as dicts of ACTION_RECORD_COLUMNS (their
    subjects by content type id and object id: each shown as its model's str(), one that is
    gone as "–")."""
    short_datetime = date_formatter("SHORT_DATETIME_FORMAT")
    return join(
        html(
            "\n    <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n  ",
            short_datetime(record["at"]),
            record["actor_email"] or "–",
            action_label(record["action_type"]),
            subjects.get((record["content_type_id"], record["object_id"])) or "–",
            record_summary(record["content_type_id"], record["data"]),
        )
        for record in records
    )


def organisations_to_verify(organisations):
    """The dashboard's list items of organisations awaiting verification."""
    organisation_url = url_for_each("backoffice:organisation")
    long_date = date_formatter("DATE_FORMAT")
    return join(
        html(
            '<li><a href="{}">{}</a> ({})</li>',
            organisation_url(organisation.pk),
            organisation.name,
            blocktranslated(
                gettext_noop("%(number)s, registered %(date)s"),
                number=organisation.organisation_number or "–",
                date=long_date(organisation.created_at),
            ),
        )
        for organisation in organisations
    )


def applications_to_review(applications):
    """The dashboard's list items of written applications awaiting review."""
    application_url = url_for_each("backoffice:application")
    long_date = date_formatter("DATE_FORMAT")
    return join(
        html(
            '<li><a href="{}">{}</a> ({})</li>',
            application_url(application.pk),
            application.organisation.name,
            long_date(application.submitted_at),
        )
        for application in applications
    )


_FOLLOW_UP_ROW = """
    <tr>
      <td><a href="{}">{}</a></td>
      <td>{}</td>
      <td>{}</td>
      <td>{} / {}</td>
    </tr>
  """


def follow_up_rows(follow_ups):
    """The follow-up list's <tbody> (follow-ups annotated with their version_label and their
    counts of entries: unrecorded, commitments)."""
    follow_up_url = url_for_each("backoffice:follow_up")
    long_date = date_formatter("DATE_FORMAT")
    draft = _("Draft")
    return join(
        html(
            _FOLLOW_UP_ROW,
            follow_up_url(follow_up.pk),
            follow_up.year,
            follow_up.version_label,
            blocktranslated(
                gettext_noop("Published %(date)s"), date=long_date(follow_up.published_at)
            )
            if follow_up.is_published
            else draft,
            follow_up.unrecorded,
            follow_up.commitments,
        )
        for follow_up in follow_ups
    )
