"""Third-party messages whose Swedish translation we correct in locale/sv.

makemessages keeps only msgids it finds in our own code, so they are named here.
allauth's Swedish catalogue turns the sign-up hint on the login page into its opposite
("Already have an account? Then log in"), with a link that goes to sign-up.
"""

from django.utils.translation import gettext_noop

CORRECTED = [
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
]
