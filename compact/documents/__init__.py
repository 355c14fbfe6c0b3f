"""The documents the portal issues as sealed PDFs: the agreement (each adopted or superseded
version, in each language), a certificate of signing per signature, and the application
form of the written route (blank, or prefilled for an organisation).

``rendering`` turns a template of ``templates/pdf/`` into a PDF (WeasyPrint, PDF/UA);
``issuing`` renders, seals (core/sealing.py), stores and records an edition
(``IssuedDocument``) when what the document shows has changed, and checks an uploaded PDF
against the seal and the record. Celery tasks (compact/tasks.py) call ``issuing``; a request
never renders a PDF, it serves the stored edition.
"""
