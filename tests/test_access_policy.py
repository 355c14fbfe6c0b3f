"""Every URL pattern has an access policy, and the policy holds for every kind of visitor.

Our own views declare their policy with a decorator from core.access or
organisations.access; third-party views (allauth, the Django admin) are listed in
THIRD_PARTY with the policy they enforce themselves. A view that declares nothing
fails this test.
"""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from compact.models import Agreement
from core.access import ADMINISTRATOR, OFFICIAL, PUBLIC, REPRESENTATIVE, SIGNED_IN
from organisations.models import RepresentativeInvitation
from principles.revision import agreement_draft_revision
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    PrincipleFactory,
    RepresentativeFactory,
    SignatureFactory,
    UserFactory,
    WrittenApplicationFactory,
    build_compact,
    build_follow_up,
)
from tests.signin import sign_in_with_second_factor

# Views we do not write: the policy their own code enforces.
THIRD_PARTY = {
    "admin": ADMINISTRATOR,  # the Django admin: staff only, its own login
    "allauth": "allauth",  # sign-up, login, reset: public; account and MFA pages: signed-in
}


# Views that only take a POST (a decision, a removal): walked with a POST.
POST_ONLY = {
    "organisations:remove_representative",
    "organisations:revoke_invitation",
    "backoffice:organisation_verify",
    "backoffice:organisation_reject",
    "backoffice:organisation_release_number",
    "backoffice:application_approve",
    "backoffice:application_reject",
    "backoffice:meeting_publish",
    "backoffice:meeting_invitations_resend",
    "backoffice:meeting_attendance",
    "backoffice:follow_up_publish",
    "backoffice:follow_up_correct",
    "backoffice:draft_create",
    "backoffice:draft_adopt",
    "backoffice:draft_item_change",
}


def walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            yield from walk(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern):
            yield prefix, pattern


def policy_of(prefix, pattern):
    callback = pattern.callback
    declared = getattr(callback, "access_policy", None)
    if declared:
        return declared
    module = getattr(callback, "__module__", "") or ""
    if prefix.startswith("admin:") or module.startswith("django.contrib.admin"):
        return THIRD_PARTY["admin"]
    if module.startswith("allauth."):
        return THIRD_PARTY["allauth"]
    return None


def test_every_url_pattern_has_an_access_policy():
    missing = [
        f"{prefix}{pattern.name or pattern.pattern}"
        for prefix, pattern in walk()
        if policy_of(prefix, pattern) is None
    ]
    assert missing == []


@pytest.fixture(autouse=True)
def swedish():
    """URLs reversed in one language, whatever an earlier test's request left active."""
    with translation.override("sv"):
        yield


@pytest.fixture
def world(db):
    agreement = build_compact(scale=1)
    # The version in force revised an earlier one (its differences are public), and is
    # being revised itself (a draft, for the officials' pages).
    agreement.previous = AgreementFactory(
        status=Agreement.Status.SUPERSEDED, adopted_on=datetime.date(2020, 1, 1)
    )
    agreement.save()
    rep_a = RepresentativeFactory(user=UserFactory(email="a@example.org"))
    rep_b = RepresentativeFactory(user=UserFactory(email="b@example.org"))
    org_a, org_b = rep_a.organisation, rep_b.organisation
    official = OfficialFactory(totp=True)
    follow_up = build_follow_up(agreement, 2025, official=official, publish=False)
    draft = agreement_draft_revision(agreement=agreement, actor=official)
    return {
        "follow_up": follow_up,
        "draft": draft,
        "draft_principle": draft.principles.order_by("position").first(),
        "agreement": agreement,
        "principle": PrincipleFactory(agreement=agreement),
        "org_a": org_a,
        "org_b": org_b,
        "rep_a": rep_a.user,
        "official": official,
        "signature_b": SignatureFactory(organisation=org_b, agreement=agreement),
        "application_b": WrittenApplicationFactory(organisation=org_b, agreement=agreement),
        "unverified": OrganisationFactory(verification="unverified"),
        "meeting": MeetingFactory(),
        "invitation_b": RepresentativeInvitation.objects.create(
            organisation=org_b, email="colleague@example.org", invited_by=rep_b.user
        ),
    }


def kwargs_for(name, world):
    """URL arguments that point at organisation B's things (A's representative must not reach them)."""
    org_b, signature_b = world["org_b"], world["signature_b"]
    # A published meeting: its public pages, and the officials' pages about it.
    meeting_pk = world["meeting"].pk
    by_argument = {
        "organisation_pk": org_b.pk,
        "pk": {
            "principles:detail": world["principle"].pk,
            "organisations:profile": org_b.pk,
            "organisations:logo": org_b.pk,
            "backoffice:organisation": world["unverified"].pk,
            "backoffice:organisation_verify": world["unverified"].pk,
            "backoffice:organisation_reject": world["unverified"].pk,
            "backoffice:organisation_release_number": world["unverified"].pk,
            "backoffice:application": world["application_b"].pk,
            "backoffice:application_approve": world["application_b"].pk,
            "backoffice:application_reject": world["application_b"].pk,
            "backoffice:withdraw": signature_b.pk,
            **dict.fromkeys(
                [
                    "backoffice:follow_up",
                    "backoffice:follow_up_record",
                    "backoffice:follow_up_plan",
                    "backoffice:follow_up_accounts",
                    "backoffice:follow_up_publish",
                    "backoffice:follow_up_correct",
                ],
                world["follow_up"].pk,
            ),
            "principles:follow_up_attachment": world["follow_up"].commitment_entries.first().pk,
            "principles:follow_up_plan_attachment": world["follow_up"].plan_item_entries.first().pk,
            "principles:version": world["agreement"].pk,
            "principles:differences": world["agreement"].pk,
        }.get(
            name,
            world["draft"].pk
            if name.startswith(
                ("backoffice:draft", "backoffice:principle", "backoffice:commitment")
            )
            else meeting_pk
            if name.startswith("dialogues:") or ":meeting" in name
            else None,
        ),
        "principle_pk": world["draft_principle"].pk,
        "commitment_pk": world["draft_principle"].commitments.first().pk,
        "kind": "principle",
        "item_pk": world["draft_principle"].pk,
        "action": "down",
        "signature_pk": signature_b.pk,
        "year": world["follow_up"].year,
        "principle": world["follow_up"].agreement.principles.first().pk,
        "agreement_pk": world["agreement"].pk,
        "application_pk": world["application_b"].pk,
        "representative_pk": org_b.representatives.first().pk,
        "invitation_pk": world["invitation_b"].pk,
        "party": "municipality",
        "token": "not-a-token",
    }
    return by_argument


def our_views():
    for prefix, pattern in walk():
        policy = getattr(pattern.callback, "access_policy", None)
        if policy:
            yield f"{prefix}{pattern.name}", pattern, policy


def url_of(name, pattern, world):
    arguments = kwargs_for(name, world)
    needed = pattern.pattern.regex.groupindex
    return reverse(name, kwargs={key: arguments[key] for key in needed})


@pytest.mark.django_db
def test_policies_hold_for_every_kind_of_visitor(world):
    """Anonymous, A's representative (on B's URLs) and an official: each gets what the policy says."""
    failures = []
    login = reverse("account_login")
    anonymous = Client()
    rep_a = Client()
    rep_a.force_login(world["rep_a"])
    password_only = Client()  # an official whose session did not use the second factor
    password_only.force_login(world["official"])
    official = sign_in_with_second_factor(Client(), world["official"])
    for name, pattern, policy in our_views():
        url = url_of(name, pattern, world)
        method = "post" if name in POST_ONLY else "get"

        response = getattr(anonymous, method)(url)
        to_login = response.status_code == 302 and response["Location"].startswith(login)
        if policy == PUBLIC and (to_login or response.status_code >= 500):
            failures.append(f"{name}: public, but anonymous got {response.status_code}")
        if policy != PUBLIC and not to_login:
            failures.append(f"{name}: {policy}, but anonymous got {response.status_code}")

        response = getattr(rep_a, method)(url)
        if policy in (REPRESENTATIVE, OFFICIAL) and response.status_code not in (403, 404):
            failures.append(
                f"{name}: {policy}, but A's representative got {response.status_code} on B"
            )
        if policy in (PUBLIC, SIGNED_IN) and response.status_code >= 500:
            failures.append(f"{name}: {response.status_code} for a signed-in user")

        if policy in (REPRESENTATIVE, OFFICIAL):
            response = getattr(password_only, method)(url)
            if response.status_code not in (302, 403, 404) or (
                response.status_code == 302
                and not response["Location"].startswith(reverse("mfa_reauthenticate"))
            ):
                failures.append(f"{name}: an official without the second factor got in")

        response = getattr(official, method)(url)
        expected = (302, 400) if name in POST_ONLY else (200,)
        if policy == OFFICIAL and response.status_code not in expected:
            failures.append(f"{name}: official got {response.status_code}")
    assert failures == []


def test_the_policy_table_covers_each_kind():
    policies = {policy for _name, _pattern, policy in our_views()}
    assert {PUBLIC, SIGNED_IN, REPRESENTATIVE, OFFICIAL} <= policies
