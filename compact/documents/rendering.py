"""HTML from ``templates/pdf/`` to PDF bytes (WeasyPrint), tagged for accessibility."""

import logging

from django.conf import settings

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str, *, forms: bool = False) -> bytes:
    """The PDF of ``html`` (a whole document with its own print stylesheet): PDF/UA-1
    (tagged, with its title, language and author from the HTML's <title>, lang and <meta
    name=author>). ``forms``: the document's <input>s become fillable PDF form fields."""
    from weasyprint import HTML

    # WeasyPrint logs each step of the rendering at INFO.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant=PDF_VARIANT, pdf_forms=forms, uncompressed_pdf=False
    )
