import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import client_as, code_totp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/phares/user/",
        "/admin/habitants/structure/",
        "/admin/espaces/reservation/",
        "/admin/gouvernance/associe/",
        "/admin/gouvernance/mandat/",
        "/admin/gouvernance/mouvementcapital/",
    ],
)
def test_un_superutilisateur_ouvre_l_administration(url, structure_a):
    root = get_user_model().objects.create_superuser("root@phares.test", "un-mot-de-passe-long")
    assert client_as(root).get(url).status_code == 200


def test_l_equipe_passe_par_l_application_pas_par_l_administration(gestion, referent_a):
    for user in (gestion, referent_a, None):
        response = client_as(user).get("/admin/habitants/structure/")
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


# --- the admin signs in through allauth: TOTP step and rate limits included -------------------

ADMIN_PASSWORD = "un-mot-de-passe-long"
TROP_DE_TENTATIVES = "Trop de tentatives de connexion échouées"


@pytest.fixture
def root(db):
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_superuser("root@phares.test", ADMIN_PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def root_totp(root):
    secret = generate_totp_secret()
    TOTP.activate(root, secret)
    return secret


def _code(secret: str) -> str:
    return code_totp(secret)


def test_la_connexion_de_l_administration_est_celle_du_site(db):
    response = Client().get("/admin/login/?next=/admin/phares/user/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fphares%2Fuser%2F"

    # From any admin page too, through the admin's own redirect to its login page.
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=%2Fadmin%2F"
    assert "<h1>Connexion</h1>" in response.text


def test_le_formulaire_de_l_administration_n_authentifie_plus(root):
    client = Client()
    response = client.post(
        "/admin/login/", {"username": root.email, "password": ADMIN_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.get("/admin/").status_code == 302


def test_superutilisateur_avec_totp_passe_par_le_code(root, root_totp):
    client = Client()
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": root.email, "password": ADMIN_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # The password alone opens nothing: the admin still sends to the sign-in.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/").url.startswith(reverse("account_login"))

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": _code(root_totp)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_un_superutilisateur_sans_totp_entre_avec_son_mot_de_passe(root):
    client = Client()
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": root.email, "password": ADMIN_PASSWORD},
    )
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_les_mots_de_passe_faux_sont_limites_aussi_pour_l_administration(root):
    client = Client()
    url = client.get("/admin/login/?next=/admin/").url  # the admin's way in
    refus = []
    for _ in range(25):
        response = client.post(url, {"login": root.email, "password": "pas-le-bon"})
        assert response.status_code == 200
        refus.append(TROP_DE_TENTATIVES in response.text)
    # ACCOUNT_RATE_LIMITS: 5 failures per account in 5 minutes, then refused.
    assert refus == [False] * 5 + [True] * 20

    # Even the right password is refused while the limit holds, in French.
    response = client.post(url, {"login": root.email, "password": ADMIN_PASSWORD})
    assert TROP_DE_TENTATIVES in response.text
    assert client.get("/admin/").status_code == 302


def test_les_codes_totp_faux_sont_limites(root, root_totp):
    client = Client()
    client.post(reverse("account_login"), {"login": root.email, "password": ADMIN_PASSWORD})
    messages = [client.post(reverse("mfa_authenticate"), {"code": "000000"}).text for _ in range(6)]
    assert TROP_DE_TENTATIVES not in messages[0]
    assert TROP_DE_TENTATIVES in messages[-1]
    response = client.post(reverse("mfa_authenticate"), {"code": _code(root_totp)})
    assert response.status_code == 200  # refused, even with the right code
    assert client.get("/admin/").status_code == 302


def test_non_superutilisateur_connecte_refuse_par_l_administration(gestion):
    response = client_as(gestion).get("/admin/login/")
    assert response.status_code == 403
