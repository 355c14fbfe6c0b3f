"""The public agreement PDFs served as static files are: before sessions, CSRF, the user,
messages and the Content Security Policy, which a stored PDF for anyone needs none of.

A GET or HEAD of ``/<language>/agreement/<pk>/agreement.pdf`` with an issued edition gets
the file straight from the storage, found in one query. Anything else (no edition yet, a
draft, another URL) goes on to the view (compact.documents.views.agreement_pdf), which
answers the same URL the same way, and with the page that says the PDF is being prepared.
Placed right after whitenoise's middleware: a download costs about what a static file of
its size does (bench/pdf.py)."""

import re

from django.conf import settings
from django.utils import translation


class AgreementPdfMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        self.pattern = re.compile(rf"^/({languages})/agreement/([0-9]{{1,18}})/agreement\.pdf$")

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and (match := self.pattern.match(request.path_info)):
            from compact.documents.views import latest_agreement_edition, serve_agreement

            language, agreement_pk = match[1], int(match[2])
            document = latest_agreement_edition(agreement_pk, language)
            if document is not None:
                with translation.override(language):
                    return serve_agreement(document, language)
        return self.get_response(request)
