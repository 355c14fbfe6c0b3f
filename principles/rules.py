"""Who may do what in a follow-up, on top of organisations/rules.py."""

import rules

from accounts.rules import is_official
from organisations.rules import is_representative

# Officials record a follow-up, decide on organisations' accounts, publish and correct.
rules.add_perm("principles.record_follow_up", is_official)
# A representative submits the organisation's own account (the service checks that the
# organisation is a signatory of the follow-up's version).
rules.add_perm("principles.submit_account", is_representative)
