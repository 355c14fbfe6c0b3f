"""Rules for signing the compact, on top of organisations/rules.py."""

import rules

from accounts.rules import is_official
from organisations.rules import is_representative, is_signer


@rules.predicate
def signs_for_signatory(user, signature) -> bool:
    return signature is not None and is_signer(user, signature.organisation)


# Any representative may upload the organisation's signed written application.
rules.add_perm("compact.submit_application", is_representative)
# A signature is withdrawn by someone who may sign for the organisation, or by an official.
rules.add_perm("compact.withdraw_signature", signs_for_signatory | is_official)
