from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to everyone: organisations register themselves."""

    def is_open_for_signup(self, request):
        return True
