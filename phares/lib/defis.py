"""Preuve de travail pour un formulaire public, sans service tiers.

Le serveur émet un défi signé (HMAC de SECRET_KEY, par django.core.signing) : un sel au
hasard, l'heure d'émission et la difficulté D. Rien n'est gardé à l'émission : le défi se
suffit à lui-même. Le navigateur (static/js/defi.js) cherche un nombre `preuve` tel que
SHA-256(defi + preuve) commence par D bits à zéro (2**D essais en moyenne) et le met dans le
champ caché avant l'envoi. Le serveur vérifie la signature, l'âge (plus de AGE_MIN, moins de
AGE_MAX), la difficulté et que le défi n'a pas déjà servi : les défis reçus sont retenus dans
le cache partagé (CACHE_BACKEND=database) jusqu'à leur expiration, pour tous les processus.

Sans JavaScript, le défi revient sans preuve : `verifier` le consomme aussi et répond
False ; c'est à la vue de borner plus court ces envois-là (docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from itertools import count

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SEL_SIGNATURE = "phares.lib.defis"
AGE_MIN = 2  # seconds: a person does not fill a form faster; a script does
AGE_MAX = 2 * 3600  # seconds: a form left open longer gets a fresh challenge
PREUVE_MAX = 12  # digits: 10**12 tries is far beyond any difficulty we set

ILLISIBLE = (
    "Le formulaire n'a pas pu être vérifié : rechargez la page, puis renvoyez votre demande."
)
TROP_VIEUX = (
    "Le formulaire est resté ouvert plus de 2 heures : vérifiez vos informations, puis "
    "renvoyez la demande."
)
TROP_RAPIDE = (
    "Le formulaire a été envoyé trop vite pour une personne : vérifiez vos informations, puis "
    "renvoyez la demande."
)
DEJA_SERVI = (
    "Ce formulaire a déjà été envoyé une fois. Si vous n'avez pas vu « Demande envoyée », "
    "renvoyez-le ; sinon votre demande est partie et l'accusé de réception arrive par e-mail."
)
PREUVE_FAUSSE = (
    "La vérification anti-robot de votre navigateur a échoué : rechargez la page, puis "
    "renvoyez votre demande."
)


class DefiRefuse(Exception):
    """Le défi ou sa preuve sont refusés ; le message se montre tel quel dans le formulaire."""


@dataclass(frozen=True)
class Defi:
    jeton: str
    bits: int


def difficulte() -> int:
    return settings.PHARES_DEFI_BITS


def emettre(*, bits: int | None = None, now: float | None = None) -> Defi:
    """Un défi neuf, signé ; `now` (secondes depuis l'époque) sert aux tests."""
    bits = difficulte() if bits is None else bits
    emis = int(time.time() if now is None else now)
    jeton = signing.dumps(
        {"s": secrets.token_hex(8), "t": emis, "d": bits}, salt=SEL_SIGNATURE, compress=False
    )
    return Defi(jeton=jeton, bits=bits)


def zeros_en_tete(empreinte: bytes) -> int:
    """Nombre de bits à zéro au début de `empreinte`."""
    valeur = int.from_bytes(empreinte, "big")
    return len(empreinte) * 8 - valeur.bit_length()


def _empreinte(jeton: str, preuve: str) -> bytes:
    return hashlib.sha256(f"{jeton}{preuve}".encode()).digest()


def resoudre(jeton: str, bits: int) -> str:
    """La plus petite preuve du défi, comme la cherche static/js/defi.js (tests, scripts)."""
    for n in count():
        if zeros_en_tete(_empreinte(jeton, str(n))) >= bits:
            return str(n)
    raise AssertionError("unreachable")  # pragma: no cover


def verifier(jeton: str | None, preuve: str | None, *, now: float | None = None) -> bool:
    """True si la preuve est bonne, False si le défi revient sans preuve (pas de
    JavaScript) ; DefiRefuse sinon. Un défi accepté (avec ou sans preuve) ne resservira
    plus, dans aucun processus."""
    now = time.time() if now is None else now
    try:
        contenu = signing.loads(jeton or "", salt=SEL_SIGNATURE)
        sel, emis, bits = str(contenu["s"]), int(contenu["t"]), int(contenu["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise DefiRefuse(ILLISIBLE) from exc
    age = now - emis
    # A challenge issued before the difficulty was raised is refused like an old one.
    if age > AGE_MAX or bits < difficulte():
        raise DefiRefuse(TROP_VIEUX)
    if age < AGE_MIN:
        raise DefiRefuse(TROP_RAPIDE)
    preuve = (preuve or "").strip()
    if preuve and not (preuve.isascii() and preuve.isdigit() and len(preuve) <= PREUVE_MAX):
        raise DefiRefuse(PREUVE_FAUSSE)
    if preuve and zeros_en_tete(_empreinte(jeton, preuve)) < bits:
        raise DefiRefuse(PREUVE_FAUSSE)
    # Atomic in every backend (the database cache's primary key decides between processes);
    # an expired entry is replaced, which is fine: so is the challenge.
    if not cache.add(f"defi:{sel}", emis, timeout=max(1, int(emis + AGE_MAX - now) + 60)):
        raise DefiRefuse(DEJA_SERVI)
    return bool(preuve)
