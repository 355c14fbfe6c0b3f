"""The rows of the representative's dashboard (the organisation's signatures and written
applications), built once per request with core/rows.py: the markup of the template rows
they replace (templates/organisations/dashboard.html holds the table)."""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.rows import blocktranslated, date_formatter, html, join, labels, url_for_each

_SIGNATURE_ROW = """
        <tr{}>
          <td><strong>{}</strong></td>
          <td data-label="{}">{} – {}, {}</td>
          <td data-label="{}">{}</td>
          <td data-label="{}">
            {}
            {}
          </td>
          <td>{}</td>
        </tr>
      """


def signature_rows(organisation, signatures, *, may_sign: bool):
    """The signatures table's rows (signatures with their agreement fetched)."""
    if not signatures:
        return join([])
    certificate_url = url_for_each("compact:certificate_pdf", organisation.pk)
    withdraw_url = url_for_each("compact:withdraw", organisation.pk)
    long_date = date_formatter("DATE_FORMAT")
    channels = labels(type(signatures[0])._meta.get_field("channel").choices)
    signed, channel, state = _("Signed"), _("Channel"), _("State")
    history_class = mark_safe(' class="history"')
    history = _("History: an earlier version, no longer in force")
    if organisation.is_verified:
        effective = _("Effective and public")
    else:
        effective = _("Recorded; public once the organisation is verified")

    def row(signature):
        version = signature.agreement.version_label
        status = signature.agreement.status
        if signature.withdrawn_at:
            state_text = blocktranslated(
                gettext_noop("Withdrawn %(date)s"), date=long_date(signature.withdrawn_at)
            )
        else:
            state_text = history if status == "superseded" else effective
        return html(
            _SIGNATURE_ROW,
            history_class if signature.withdrawn_at or status == "superseded" else "",
            blocktranslated(gettext_noop("Version %(version)s"), version=version),
            signed,
            long_date(signature.signed_at),
            signature.signer_name,
            signature.role_label,
            channel,
            channels.get(signature.channel, signature.channel),
            state,
            state_text,
            html(
                '<br><a href="{}">{}</a>',
                certificate_url(signature.pk),
                blocktranslated(
                    gettext_noop("Certificate of signing, version %(version)s (PDF)"),
                    version=version,
                ),
            )
            if organisation.is_verified
            else "",
            html(
                '<a href="{}">{}</a>',
                withdraw_url(signature.pk),
                blocktranslated(
                    gettext_noop("Withdraw the signature on version %(version)s"), version=version
                ),
            )
            if not signature.withdrawn_at and status == "adopted" and may_sign
            else "",
        )

    return join(map(row, signatures))


def application_items(organisation, applications):
    """The written applications' list items."""
    if not applications:
        return join([])
    document_url = url_for_each("compact:application_document", organisation.pk)
    long_date = date_formatter("DATE_FORMAT")
    statuses = labels(type(applications[0])._meta.get_field("status").choices)
    download = _("Download the application (PDF)")
    return join(
        html(
            '\n      <li>{}: {}{}\n        – <a href="{}">{}</a></li>\n    ',
            long_date(application.submitted_at),
            statuses.get(application.status, application.status),
            html(" – {}", application.rejection_reason) if application.rejection_reason else "",
            document_url(application.pk),
            download,
        )
        for application in applications
    )
