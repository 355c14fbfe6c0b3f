from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, costing the same whether or not the address has an account."""

    def try_save(self, request):
        if self.account_already_exists:
            # A new account's password is hashed (the slow part of signing up); hash this
            # one too, so the time taken does not tell that the address is registered.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
