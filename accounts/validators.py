from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class StaffPasswordLengthValidator:
    """Officials, staff and administrators hold more than their own data: a longer password."""

    def __init__(self, min_length: int = 14):
        self.min_length = min_length

    def validate(self, password, user=None):
        if user is None or len(password) >= self.min_length:
            return
        if user.is_staff or user.is_superuser or (user.pk and user.has_perm("accounts.official")):
            raise ValidationError(
                ngettext(
                    "An official's password must have at least %(min_length)d character.",
                    "An official's password must have at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short_for_staff",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return _("Officials need a password of at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }
