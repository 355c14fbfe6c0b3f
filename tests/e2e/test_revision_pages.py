"""Revising the compact in a real Chromium, in Swedish and English: officials draft version 2
from version 1, change a commitment, see the difference word by word, and adopt it; the
version-1 signatories are e-mailed (the real sending, to the test outbox) a link to sign
version 2 and one to the differences; one re-signs from the link; the public pages show
each version with its own signatories. Every page: WCAG 2.1 AA by axe, one h1, the page's
language on <html>."""

import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from django.utils import translation

from compact.models import Agreement, ResigningInvitation, Signature
from principles.models import Commitment
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    build_compact,
)

pytestmark = pytest.mark.e2e

SECRET = "JBSWY3DPEHPK3PXP"


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def audit(page, language):
    assert page.locator("html").get_attribute("lang") == language, page.url
    assert page.locator("h1").count() == 1, page.url
    assert_no_axe_violations(page)


def sign_in(page, language, email, *, second_factor=False):
    page.goto(url(language, "account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pw")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if second_factor:
        code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
        page.fill("input[name=code]", code)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, page.url


def outside_the_event_loop(function):
    """Run ``function`` in a thread of its own: saving a version or a signature issues its
    sealed PDFs at once (Celery eager), and the sealing (pyHanko) runs an event loop, which
    it cannot inside Playwright's."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    assert result, "the data could not be made (see the thread's traceback above)"
    return result[0]


def make_version1():
    version1 = build_compact(version_label="1")
    resigner = RepresentativeFactory(may_sign=True, organisation=OrganisationFactory())
    SignatureFactory(agreement=version1, organisation=resigner.organisation)
    official = OfficialFactory()
    TOTP.activate(official, SECRET)
    return version1, resigner, official


def submit(page, form):
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_draft_change_adopt_resign_and_the_public_history(page, transactional_db, language):
    version1, resigner, official = outside_the_event_loop(make_version1)
    signatories_of_1 = list(
        Signature.objects.effective()
        .filter(agreement=version1)
        .values_list("organisation__name", flat=True)
    )
    sign_in(page, language, official.email, second_factor=True)

    # Draft version 2 from version 1.
    page.goto(url(language, "backoffice:versions"))
    audit(page, language)
    submit(page, page.locator(f"form[action='{url(language, 'backoffice:draft_create')}']"))
    draft = Agreement.objects.drafts().get()
    assert urlsplit(page.url).path == url(language, "backoffice:draft", draft.pk)
    audit(page, language)

    # Change the first commitment of the first principle.
    principle = draft.principles.order_by("position").first()
    commitment = principle.commitments.order_by("position").first()
    page.goto(url(language, "backoffice:commitment_edit", draft.pk, principle.pk, commitment.pk))
    audit(page, language)
    page.fill("textarea[name=text_sv]", "Kommunen bjuder in till dialogforum två gånger om året.")
    page.fill("textarea[name=text_en]", "The municipality holds a dialogue forum twice a year.")
    submit(page, page.locator("main form"))
    assert urlsplit(page.url).path == url(language, "backoffice:draft", draft.pk)

    # The difference, word by word.
    page.goto(url(language, "backoffice:draft_differences", draft.pk))
    inserted = " ".join(page.locator("main ins").all_inner_texts())
    assert ("två gånger om året" if language == "sv" else "twice a year") in inserted
    assert page.locator("main del").count() >= 1
    audit(page, language)

    # Adopt it: a missing confirmation is refused, then adopted.
    page.goto(url(language, "backoffice:draft", draft.pk))
    adopt = page.locator(f"form[action='{url(language, 'backoffice:draft_adopt', draft.pk)}']")
    adopt.locator("input[name=adopted_on]").fill("2026-05-01")
    adopt.locator("select[name=language]").select_option(language)
    adopt.locator("input[name=confirm]").check()
    submit(page, adopt)
    assert urlsplit(page.url).path == url(language, "backoffice:versions")
    audit(page, language)
    assert Agreement.objects.current() == draft
    # Every version-1 signatory invited once, through the real sending, in the language.
    assert set(
        ResigningInvitation.objects.filter(agreement=draft).values_list("status", flat=True)
    ) == {"sent"}
    assert len(mail.outbox) == len(signatories_of_1)
    message = next(m for m in mail.outbox if resigner.user.email in m.to)
    assert "2" in message.subject
    sign_link = re.search(r"https?://\S+/sign/", message.body).group(0)
    differences_link = re.search(r"https?://\S+/changes/", message.body).group(0)

    # The representative follows the links: the differences, then signs version 2.
    page.context.clear_cookies()
    page.goto(urlsplit(differences_link).path)
    assert page.locator("main ins").count() >= 1
    audit(page, language)
    sign_in(page, language, resigner.user.email)
    page.goto(url(language, "organisations:dashboard", resigner.organisation.pk))
    # Its page says version 2 is not signed yet, with the link to what changed.
    differences = url(language, "principles:differences", draft.pk)
    assert page.locator(f"main a[href='{differences}']").count() == 1
    audit(page, language)
    page.goto(urlsplit(sign_link).path)
    audit(page, language)
    page.fill("input[name=signer_name]", "Eva Exempel")
    page.fill("input[name=signer_role]", "Ordförande")
    page.locator("input[name=authority]").first.check()
    page.locator("input[name=confirm]").check()
    submit(page, page.locator("main form"))
    assert (
        Signature.objects.effective()
        .filter(agreement=draft, organisation=resigner.organisation)
        .exists()
    )

    # The public pages: each version with its own signatories.
    page.context.clear_cookies()
    page.goto(url(language, "principles:history"))
    audit(page, language)
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert "1" in rows.nth(0).inner_text()  # version 2: one signatory so far
    page.goto(url(language, "compact:signatories"))
    audit(page, language)
    listed = page.locator("main table tbody").inner_text()
    assert resigner.organisation.name in listed
    assert all(
        name not in listed for name in signatories_of_1 if name != resigner.organisation.name
    )
    page.locator("select[name=version]").select_option(str(version1.pk))
    submit(page, page.locator("form:has(select[name=version])"))
    audit(page, language)
    listed = page.locator("main table tbody").inner_text()
    assert all(name in listed for name in signatories_of_1)
    page.goto(url(language, "principles:version", version1.pk))
    audit(page, language)
    with translation.override(language):  # version 1's wording, unchanged, in its language
        original = Commitment.objects.get(pk=commitment.copied_from_id).text
    assert original in page.locator("main").inner_text()
