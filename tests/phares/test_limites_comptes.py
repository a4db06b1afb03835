"""Connexion et mot de passe oublié, bornés par adresse IP et par compte (ACCOUNT_RATE_LIMITS,
compteurs dans le cache : partagés entre workers avec CACHE_BACKEND=database, voir
test_cache_partage.py). Au-delà, la page 429 du site, en français."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TROP = "Trop de tentatives"


@pytest.fixture(autouse=True)
def fige(time_machine):
    # allauth's windows slide with time.time(): frozen, the counts cannot drift away.
    time_machine.move_to(datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC), tick=False)


def test_trois_liens_de_mot_de_passe_par_heure_et_par_compte(membre_a, mailoutbox):
    """Quatre connexions différentes ne font pas plus de trois e-mails à la même personne."""
    for i in range(3):
        response = Client(REMOTE_ADDR=f"192.0.2.{i}").post(
            reverse("account_reset_password"), {"email": membre_a.email.upper()}
        )
        assert response.status_code == 302

    response = Client(REMOTE_ADDR="192.0.2.99").post(
        reverse("account_reset_password"), {"email": membre_a.email}
    )

    assert response.status_code == 429
    assert "<h1>Trop de tentatives</h1>" in response.text
    assert "une heure pour un nouveau lien de mot de passe" in response.text
    assert len(mailoutbox) == 3
    # Another account is not concerned.
    autre = Client(REMOTE_ADDR="192.0.2.99").post(
        reverse("account_reset_password"), {"email": "inconnu@nulle-part.test"}
    )
    assert autre.status_code == 302


def test_trente_connexions_par_minute_depuis_une_adresse(membre_a):
    client = Client(REMOTE_ADDR="198.51.100.4")
    for i in range(30):
        response = client.post(
            reverse("account_login"), {"login": f"x{i}@nulle-part.test", "password": "faux"}
        )
        assert response.status_code == 200

    response = client.post(reverse("account_login"), {"login": membre_a.email, "password": "faux"})

    assert response.status_code == 429
    assert TROP in response.text and "Too Many Requests" not in response.text
    # Another address signs in.
    ailleurs = Client(REMOTE_ADDR="198.51.100.5")
    assert (
        ailleurs.post(
            reverse("account_login"),
            {"login": membre_a.email, "password": "mot-de-passe-de-test-42"},
        ).status_code
        == 302
    )
