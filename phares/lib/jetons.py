"""Jetons secrets (invitations, flux iCalendar) : seule leur empreinte est stockée."""

import hashlib


def hash_token(token: str) -> str:
    """Empreinte SHA-256 d'un jeton : une base qui fuit ne donne pas les liens."""
    return hashlib.sha256(token.encode()).hexdigest()
