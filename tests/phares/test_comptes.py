"""Comptes (django-allauth) : connexion par e-mail, déconnexion, mot de passe oublié,
changement d'e-mail, pas d'inscription libre, double authentification TOTP."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_totp

pytestmark = pytest.mark.django_db
User = get_user_model()


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_connexion_par_e_mail_sans_tenir_compte_de_la_casse(gestion):
    client = Client()
    response = login(client, "GESTION@phares.test")
    assert response.status_code == 302
    assert client.get("/").context["user"] == gestion


def test_mauvais_mot_de_passe_message_en_francais(gestion):
    response = login(Client(), gestion.email, "pas-le-bon")
    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text


def test_deconnexion(gestion):
    client = Client()
    client.force_login(gestion)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_mot_de_passe_oublie_de_bout_en_bout(membre_a, mailoutbox):
    client = Client()
    client.post(reverse("account_reset_password"), {"email": membre_a.email})
    (mail,) = mailoutbox
    assert mail.to == [membre_a.email]
    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+/)", mail.body).group(1)

    form_url = client.get(link).url  # allauth redirects to the key-less URL
    nouveau = "un-tout-nouveau-mot-de-passe-2026"
    response = client.post(form_url, {"password1": nouveau, "password2": nouveau})
    assert response.status_code == 302

    membre_a.refresh_from_db()
    assert membre_a.check_password(nouveau)
    assert login(Client(), membre_a.email, nouveau).status_code == 302


def test_mot_de_passe_oublie_pour_une_adresse_inconnue_ne_revele_rien(db, mailoutbox):
    response = Client().post(
        reverse("account_reset_password"), {"email": "inconnu@nulle-part.test"}
    )
    assert response.status_code == 302  # same answer as for a known address
    assert all("password/reset/key" not in m.body for m in mailoutbox)


def test_changement_d_e_mail_demande_une_verification(membre_a, mailoutbox):
    client = Client()
    client.force_login(membre_a)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "nouvelle@halage.test"}
    )
    assert response.status_code == 302
    assert any(m.to == ["nouvelle@halage.test"] for m in mailoutbox)
    membre_a.refresh_from_db()
    # The login address only changes once the new one is confirmed.
    assert membre_a.email == "membre@halage.test"


def test_pas_d_inscription_libre(db):
    client = Client()
    page = client.get(reverse("account_signup"))
    assert "Inscriptions fermées" in page.text or "fermées" in page.text
    client.post(
        reverse("account_signup"),
        {
            "email": "intrus@exemple.test",
            "password1": "Xy7-long-enough",
            "password2": "Xy7-long-enough",
        },
    )
    assert not User.objects.filter(email="intrus@exemple.test").exists()


def _code(secret: str) -> str:
    return code_totp(secret)


def test_l_equipe_active_la_double_authentification(gestion):
    client = Client()
    assert login(client, gestion.email).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    # A security change asks for the password again first.
    assert "reauthenticate" in page.url
    client.post(page.url, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200  # wrong code: form error, nothing activated
    assert not Authenticator.objects.filter(user=gestion).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=gestion, type=Authenticator.Type.TOTP).exists()

    # From now on, the password alone is not enough: a second step asks for the code.
    second = Client()
    response = login(second, gestion.email)
    assert response.status_code == 302
    assert "2fa" in response.url or "authenticate" in response.url
    assert not second.get("/").context["user"].is_authenticated
    second.post(response.url, {"code": _code(secret)})
    assert second.get("/").context["user"] == gestion
