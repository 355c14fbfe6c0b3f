from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from core.security import security_event
from core.validators import plain_email_address


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, costing the same whether or not the address has an account, for a
    plain address (no quoted local part, no control characters)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(plain_email_address)

    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed (the slow part of signing up); hash this
            # one too, so the time taken does not tell that the address is registered.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class AddEmailForm(AllauthAddEmailForm):
    """allauth's form adding an address to an account (ACCOUNT_FORMS["add_email"]), for a
    plain address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(plain_email_address)


class LogsRateLimitedCode:
    """allauth refuses a second-factor code over its limit of failed attempts with a form
    error (a 200 page, not a 429): logged here as a security event, with the account whose
    code was being guessed."""

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                security_event("mfa_rate_limited", context.request, account=self.user.pk)
            raise


class MFAAuthenticateForm(LogsRateLimitedCode, AuthenticateForm):
    """The second factor at sign-in (MFA_FORMS["authenticate"])."""


class MFAReauthenticateForm(LogsRateLimitedCode, ReauthenticateForm):
    """The second factor again, for the officials' area after 12 hours
    (MFA_FORMS["reauthenticate"])."""
