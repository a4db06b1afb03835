from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Pas d'inscription libre : les comptes naissent d'une invitation."""

    def is_open_for_signup(self, request):
        return False
