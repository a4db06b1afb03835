"""L'adresse IP d'un visiteur, et ce qu'on en garde : une empreinte, jamais l'adresse.

Un formulaire anonyme (demande publique de salle) se borne par adresse IP. L'adresse est
celle que lisent les limites de connexion d'allauth (une règle pour les deux, par ses
réglages ALLAUTH_TRUSTED_PROXY_COUNT — TRUSTED_PROXY_COUNT, 1 avec BEHIND_TLS_PROXY — et
ALLAUTH_TRUSTED_CLIENT_IP_HEADER) : celle de la connexion (REMOTE_ADDR), sauf derrière nos
proxys, où c'est le maillon de X-Forwarded-For que notre premier proxy a ajouté (le N-ième
en partant de la fin) ; les maillons précédents viennent du visiteur lui-même, on ne les lit
pas.

On ne stocke que l'empreinte HMAC (clé : SECRET_KEY) : elle suffit à compter les demandes
d'une même adresse, et ne redonne pas l'adresse à qui lit la base.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

# An IPv6 subscriber gets at least a /64: counting single addresses would let one home
# send 2**64 × the limit.
PREFIXE_IPV6 = 64


def _valide(texte: str) -> str | None:
    try:
        adresse = ipaddress.ip_address(texte.strip())
    except ValueError:
        return None
    if isinstance(adresse, ipaddress.IPv6Address) and adresse.ipv4_mapped:
        adresse = adresse.ipv4_mapped  # "::ffff:192.0.2.1" is 192.0.2.1
    return str(adresse)


def adresse_client(request) -> str:
    """L'adresse IP du visiteur (texte normalisé), ou "" si elle est illisible. Quand
    allauth n'en trouve pas (X-Forwarded-For plus court que nos proxys, maillon illisible),
    celle de la connexion."""
    try:
        adresse = get_adapter().get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        adresse = request.META.get("REMOTE_ADDR", "")
    return _valide(adresse) or ""


def empreinte(adresse: str) -> str:
    """Empreinte HMAC-SHA256 de l'adresse (de son /64 pour IPv6) : 64 caractères hexadécimaux.
    Une adresse illisible a sa propre empreinte : ces visiteurs-là partagent une borne."""
    cle = _valide(adresse) or ""
    if ":" in cle:
        cle = str(ipaddress.ip_network(f"{cle}/{PREFIXE_IPV6}", strict=False))
    return hmac.new(settings.SECRET_KEY.encode(), cle.encode(), hashlib.sha256).hexdigest()
