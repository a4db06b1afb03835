"""L'adresse IP d'un visiteur, et ce qu'on en garde : une empreinte, jamais l'adresse.

Un formulaire anonyme (demande publique de salle) se borne par adresse IP. L'adresse est
celle de la connexion (REMOTE_ADDR), sauf derrière nos proxys (réglage TRUSTED_PROXY_COUNT,
1 avec BEHIND_TLS_PROXY ; le même que pour les limites de connexion d'allauth) : la connexion
vient alors du proxy, et l'adresse du visiteur est le maillon de X-Forwarded-For que notre
premier proxy a ajouté (le N-ième en partant de la fin). Les maillons précédents viennent du
visiteur lui-même : il peut y écrire n'importe quoi, on ne les lit pas.

On ne stocke que l'empreinte HMAC (clé : SECRET_KEY) : elle suffit à compter les demandes
d'une même adresse, et ne redonne pas l'adresse à qui lit la base.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings

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
    """L'adresse IP du visiteur (texte normalisé), ou "" si elle est illisible."""
    distante = _valide(request.META.get("REMOTE_ADDR", "")) or ""
    proxys = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if proxys > 0:
        maillons = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(maillons) >= proxys:
            return _valide(maillons[-proxys]) or distante
    return distante


def empreinte(adresse: str) -> str:
    """Empreinte HMAC-SHA256 de l'adresse (de son /64 pour IPv6) : 64 caractères hexadécimaux.
    Une adresse illisible a sa propre empreinte : ces visiteurs-là partagent une borne."""
    cle = _valide(adresse) or ""
    if ":" in cle:
        cle = str(ipaddress.ip_network(f"{cle}/{PREFIXE_IPV6}", strict=False))
    return hmac.new(settings.SECRET_KEY.encode(), cle.encode(), hashlib.sha256).hexdigest()
