from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from core.security import security_event


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to everyone: organisations register themselves."""

    def is_open_for_signup(self, request):
        return True

    def pre_authenticate(self, request, **credentials):
        """allauth refuses a sign-in over its limit of failed attempts with a form error (a
        200 page, not a 429): logged here as a security event."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                login = credentials.get("email") or credentials.get("username")
                security_event("login_rate_limited", request, login=login)
            raise
