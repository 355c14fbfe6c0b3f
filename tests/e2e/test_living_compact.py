"""Issue 11's whole cycle in a real Chromium, in Swedish and English: officials record and
publish a year's follow-up (its sealed PDF issued on publishing), draft version 2 from
version 1 with a changed commitment, see the difference, adopt it; the version-1
signatories are invited (the real sending, to the test outbox), one re-signs from the
link; the public pages and the sealed PDFs (their text read with pypdf) show each version
with its own signatories, and the year's follow-up of version 1. Every page axe-clean."""

import io
import re
from urllib.parse import urlsplit

import pypdf
import pytest
from django.core import mail

from compact.models import Agreement, ResigningInvitation, Signature
from tests.e2e.test_revision_pages import (
    audit,
    make_version1,
    outside_the_event_loop,
    sign_in,
    submit,
    url,
)
from tests.factories import build_follow_up

pytestmark = pytest.mark.e2e

ACCOUNT = {"sv": "Två dialogforum hölls under året.", "en": "Two dialogue forums were held."}


def pdf_text(page, path) -> str:
    response = page.request.get(path)
    assert response.ok and response.headers["content-type"] == "application/pdf", path
    reader = pypdf.PdfReader(io.BytesIO(response.body()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_follow_up_then_revision_then_resigning_with_each_versions_pages_and_pdfs(
    page, transactional_db, settings, language
):
    def setup():
        version1, resigner, official = make_version1()
        follow_up = build_follow_up(version1, 2025, official=official, publish=False)
        return version1, resigner, official, follow_up

    version1, resigner, official, follow_up = outside_the_event_loop(setup)
    # From here on the sealed PDFs are issued when what they show changes (on commit, by
    # the eager Celery tasks, in the server's thread).
    settings.PDF_ISSUE_ON_CHANGE = True
    signatories_of_1 = sorted(
        Signature.objects.effective()
        .filter(agreement=version1)
        .values_list("organisation__name", flat=True)
    )
    sign_in(page, language, official.email, second_factor=True)

    # -- the year's follow-up: one commitment recorded, then published ---------------------
    principle = version1.principles.order_by("position").first()
    entry = follow_up.commitment_entries.filter(commitment__principle=principle).first()
    page.goto(url(language, "backoffice:follow_up_record", follow_up.pk, principle.pk))
    audit(page, language)
    page.locator(f"#id_entry-{entry.pk}-status").select_option("done")
    page.locator(f"#id_entry-{entry.pk}-account").fill(ACCOUNT[language])
    submit(page, page.locator("main form").first)
    entry.refresh_from_db()
    assert (entry.status, entry.account) == ("done", ACCOUNT[language])
    page.goto(url(language, "backoffice:follow_up", follow_up.pk))
    audit(page, language)
    submit(
        page,
        page.locator(
            f"form[action='{url(language, 'backoffice:follow_up_publish', follow_up.pk)}']"
        ),
    )
    follow_up.refresh_from_db()
    assert follow_up.is_published

    # The public year page offers the sealed PDF it was issued on publishing.
    page.goto(url(language, "principles:follow_up", 2025))
    audit(page, language)
    pdf_path = url(language, "principles:follow_up_pdf", 2025)
    assert page.locator(f"main a[href='{pdf_path}']").count() == 1
    text = pdf_text(page, pdf_path)
    done = {"sv": "Genomfört", "en": "Done"}[language]
    assert "2025" in text and f"{done}: {ACCOUNT[language]}" in text

    # -- version 2 drafted from version 1, a commitment changed, the difference ------------
    page.goto(url(language, "backoffice:versions"))
    audit(page, language)
    submit(page, page.locator(f"form[action='{url(language, 'backoffice:draft_create')}']"))
    draft = Agreement.objects.drafts().get()
    principle2 = draft.principles.order_by("position").first()
    commitment = principle2.commitments.order_by("position").first()
    page.goto(url(language, "backoffice:commitment_edit", draft.pk, principle2.pk, commitment.pk))
    audit(page, language)
    page.fill("textarea[name=text_sv]", "Kommunen bjuder in till dialogforum två gånger om året.")
    page.fill("textarea[name=text_en]", "The municipality holds a dialogue forum twice a year.")
    submit(page, page.locator("main form"))
    page.goto(url(language, "backoffice:draft_differences", draft.pk))
    inserted = " ".join(page.locator("main ins").all_inner_texts())
    assert ("två gånger om året" if language == "sv" else "twice a year") in inserted
    audit(page, language)

    # -- adopted: the version-1 signatories invited --------------------------------------
    page.goto(url(language, "backoffice:draft", draft.pk))
    adopt = page.locator(f"form[action='{url(language, 'backoffice:draft_adopt', draft.pk)}']")
    adopt.locator("input[name=adopted_on]").fill("2026-05-01")
    adopt.locator("select[name=language]").select_option(language)
    adopt.locator("input[name=confirm]").check()
    submit(page, adopt)
    assert Agreement.objects.current() == draft
    invited = ResigningInvitation.objects.filter(agreement=draft)
    assert set(invited.values_list("status", flat=True)) == {"sent"}
    assert sorted(invited.values_list("organisation__name", flat=True)) == signatories_of_1
    message = next(m for m in mail.outbox if resigner.user.email in m.to)
    sign_link = re.search(r"https?://\S+/sign/", message.body).group(0)

    # -- one re-signs ---------------------------------------------------------------------
    page.context.clear_cookies()
    sign_in(page, language, resigner.user.email)
    page.goto(urlsplit(sign_link).path)
    audit(page, language)
    page.fill("input[name=signer_name]", "Eva Exempel")
    page.fill("input[name=signer_role]", "Ordförande")
    page.locator("input[name=authority]").first.check()
    page.locator("input[name=confirm]").check()
    submit(page, page.locator("main form"))
    assert Signature.objects.effective().filter(agreement=draft).count() == 1

    # -- the public pages and PDFs: each version with its own signatories ------------------
    page.context.clear_cookies()
    others = [name for name in signatories_of_1 if name != resigner.organisation.name]
    assert len(others) == len(signatories_of_1) - 1 >= 2
    page.goto(url(language, "principles:history"))
    audit(page, language)
    assert page.locator("main table tbody tr").count() == 2
    page.goto(url(language, "compact:signatories"))
    audit(page, language)
    listed = page.locator("main table tbody").inner_text()
    assert resigner.organisation.name in listed and not any(n in listed for n in others)

    text2 = pdf_text(page, url(language, "compact:agreement_pdf", draft.pk))
    assert resigner.organisation.name in text2 and not any(n in text2 for n in others)
    assert ("två gånger om året" if language == "sv" else "twice a year") in text2
    text1 = pdf_text(page, url(language, "compact:agreement_pdf", version1.pk))
    assert all(name in text1 for name in signatories_of_1)
    assert ("två gånger om året" if language == "sv" else "twice a year") not in text1
    # The year's follow-up stays version 1's.
    page.goto(url(language, "principles:follow_up", 2025))
    audit(page, language)
    assert f"{done}: {ACCOUNT[language]}" in pdf_text(page, pdf_path)
