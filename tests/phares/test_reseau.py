"""Adresse IP d'un visiteur (derrière notre proxy ou non) et son empreinte."""

import pytest
from django.test import RequestFactory

from phares.lib import reseau


def requete(remote="203.0.113.7", xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("remote", "xff", "attendu"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Without our proxy, X-Forwarded-For is the visitor's own words: ignored.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("2001:DB8::1", None, "2001:db8::1"),
        ("::ffff:203.0.113.7", None, "203.0.113.7"),
        ("pas-une-adresse", None, ""),
        ("", None, ""),
    ],
)
def test_sans_proxy_l_adresse_de_la_connexion(settings, remote, xff, attendu):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    assert reseau.adresse_client(requete(remote, xff)) == attendu


@pytest.mark.parametrize(
    ("xff", "attendu"),
    [
        ("198.51.100.1", "198.51.100.1"),
        # The visitor wrote the first hops; our proxy appended the last one.
        ("10.0.0.1, 192.0.2.99, 198.51.100.1", "198.51.100.1"),
        ("1.2.3.4,198.51.100.1", "198.51.100.1"),
        (" 2001:db8::5 ", "2001:db8::5"),
        # Nothing usable from the proxy: the connection's address.
        ("", "127.0.0.1"),
        ("198.51.100.1, garbage", "127.0.0.1"),
        (None, "127.0.0.1"),
    ],
)
def test_derriere_notre_proxy_le_dernier_maillon(settings, xff, attendu):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # BEHIND_TLS_PROXY=true

    assert reseau.adresse_client(requete("127.0.0.1", xff)) == attendu


def test_derriere_deux_proxys_le_maillon_du_premier(settings):
    """TRUSTED_PROXY_COUNT=2 (un répartiteur devant nginx) : le client est l'avant-dernier."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    xff = "6.6.6.6, 198.51.100.1, 10.0.0.2"
    assert reseau.adresse_client(requete("127.0.0.1", xff)) == "198.51.100.1"
    # Fewer hops than trusted proxies: nothing to trust but the connection.
    assert reseau.adresse_client(requete("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


def test_l_en_tete_de_confiance_d_allauth_vaut_aussi_ici(settings):
    """Une règle pour les limites de connexion et les demandes : derrière un proxy qui pose
    l'adresse du visiteur dans un en-tête (TRUSTED_CLIENT_IP_HEADER d'allauth), c'est elle."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    requete_proxy = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.4"
    )

    assert reseau.adresse_client(requete_proxy) == "198.51.100.4"
    # The header missing or unreadable: the connection's address.
    assert reseau.adresse_client(requete("127.0.0.1")) == "127.0.0.1"


def test_l_empreinte_ne_contient_pas_l_adresse_et_depend_de_la_cle(settings):
    settings.SECRET_KEY = "cle-un-" + "x" * 50
    une = reseau.empreinte("203.0.113.7")

    assert len(une) == 64 and "203" not in une
    assert reseau.empreinte("203.0.113.7") == une
    assert reseau.empreinte("203.0.113.8") != une
    settings.SECRET_KEY = "cle-deux-" + "x" * 50
    assert reseau.empreinte("203.0.113.7") != une


def test_une_meme_empreinte_pour_tout_un_reseau_ipv6():
    assert reseau.empreinte("2001:db8:1:2::1") == reseau.empreinte("2001:db8:1:2:ffff::9")
    assert reseau.empreinte("2001:db8:1:2::1") != reseau.empreinte("2001:db8:1:3::1")
    assert reseau.empreinte("::ffff:203.0.113.7") == reseau.empreinte("203.0.113.7")


def test_adresse_illisible_une_seule_empreinte():
    assert reseau.empreinte("") == reseau.empreinte("n'importe quoi")
    assert reseau.empreinte("") != reseau.empreinte("203.0.113.7")
