from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

# allauth's e-mail fields accept 320 characters, its column (and ours) holds 254:
# PostgreSQL would refuse the row with an error instead of a form message.
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    """Pas d'inscription libre : les comptes naissent d'une invitation."""

    def is_open_for_signup(self, request):
        return False

    def clean_email(self, email):
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                f"Une adresse e-mail compte {EMAIL_MAX_LENGTH} caractères au plus."
            )
        return super().clean_email(email)
