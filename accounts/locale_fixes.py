"""Third-party messages whose Swedish translation we correct, or supply, in locale/sv.

makemessages keeps only msgids it finds in our own code, so they are named here.
allauth's Swedish catalogue turns the sign-up hint on the login page into its opposite
("Already have an account? Then log in"), with a link that goes to sign-up. Django 6.1's
label of a select's empty choice (django.db.models.fields.BLANK_CHOICE_LABEL) is missing
from Django's Swedish catalogue, so Swedish pages showed it in English.
"""

from django.utils.translation import gettext_noop

CORRECTED = [
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("- Select an option -"),
]
