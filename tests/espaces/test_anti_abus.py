"""Le formulaire public de demande de salle contre les envois en masse : une preuve de
travail (défi signé, résolu par static/js/defi.js), des limites par connexion et par adresse
e-mail comptées dans le cache partagé, des envois sans JavaScript acceptés mais bornés plus
court. Chaque refus se dit en français dans le formulaire, rien n'est écrit, jamais de 500."""

import datetime
import re
import time

import pytest
from django.core import signing
from django.urls import reverse

from espaces.models import ClientExterne, Reservation
from espaces.views import demandes as vues
from phares.lib import defis
from tests.conftest import preuve_de_travail
from tests.espaces.views_fixtures import NOW, construire_lieu, contient, creneau_data

pytestmark = pytest.mark.django_db

PAGE = reverse("espaces:demande-publique")
ENVOYEE = "Demande envoyée"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def donnees(lieu, jour=10, **extra) -> dict:
    data = creneau_data(datetime.date(2026, 3, jour), "09:00", "12:00", salle=lieu.salle_a.pk)
    data.update(
        titre="Assemblée générale",
        nb_personnes="8",
        organisation="Fédération des centres sociaux",
        contact="Jeanne Martin",
        email="contact@federation.test",
        adresse_facturation="1 place du Marché, 33000 Bordeaux",
    )
    data.update(extra)
    return data


def rien_d_ecrit(mailoutbox) -> bool:
    return (
        not Reservation.objects.exists() and not ClientExterne.objects.exists() and not mailoutbox
    )


def defi_de_la_page(response) -> str:
    return re.search(r'name="defi" value="([^"]+)"', response.text).group(1)


def test_la_page_porte_un_defi_neuf_et_le_script(lieu, client):
    premiere, seconde = client.get(PAGE), client.get(PAGE)

    assert defi_de_la_page(premiere) != defi_de_la_page(seconde)
    assert 'data-bits="4"' in premiere.text  # tests/conftest.py: 4 bits
    assert 'name="preuve" value=""' in premiere.text
    assert re.search(r'<script src="/static/js/defi\.js" defer></script>', premiere.text)
    assert "Sans JavaScript" in premiere.text  # <noscript>


def test_une_preuve_valide_est_acceptee(lieu, client, mailoutbox):
    response = client.post(PAGE, donnees(lieu, **preuve_de_travail()))

    assert response.status_code == 200
    assert ENVOYEE in response.text
    assert Reservation.objects.filter(statut=Reservation.Statut.EN_ATTENTE).count() == 1


def _forge(**contenu) -> str:
    return signing.dumps(contenu, salt=defis.SEL_SIGNATURE)


def _resolu(jeton: str, bits: int = 4) -> dict:
    return {"defi": jeton, "preuve": defis.resoudre(jeton, bits)}


def _preuve_fausse() -> dict:
    preuve = preuve_de_travail()
    # A proof that does not reach 4 zero bits (there are many: 15 in 16 numbers).
    n = next(
        n for n in range(100) if defis.zeros_en_tete(defis._empreinte(preuve["defi"], str(n))) < 4
    )
    return {**preuve, "preuve": str(n)}


def _signature_changee() -> dict:
    preuve = preuve_de_travail()
    jeton = preuve["defi"]
    fin = "A" if jeton[-1] != "A" else "B"
    return {**preuve, "defi": jeton[:-1] + fin}


def _autre_cle(settings) -> dict:
    jeton = signing.dumps(
        {"s": "00", "t": int(time.time()) - 60, "d": 4},
        key="pas-notre-cle",
        salt=defis.SEL_SIGNATURE,
    )
    return _resolu(jeton)


REFUS = [
    pytest.param(lambda s: {}, defis.ILLISIBLE, id="sans-defi"),
    pytest.param(
        lambda s: {"defi": "n'importe quoi", "preuve": "1"}, defis.ILLISIBLE, id="illisible"
    ),
    pytest.param(lambda s: _signature_changee(), defis.ILLISIBLE, id="signature-changee"),
    pytest.param(_autre_cle, defis.ILLISIBLE, id="signe-ailleurs"),
    pytest.param(lambda s: _preuve_fausse(), defis.PREUVE_FAUSSE, id="preuve-fausse"),
    pytest.param(
        lambda s: {**preuve_de_travail(), "preuve": "１２"},
        defis.PREUVE_FAUSSE,
        id="chiffres-unicode",
    ),
    pytest.param(
        lambda s: {**preuve_de_travail(), "preuve": "9" * 40}, defis.PREUVE_FAUSSE, id="trop-long"
    ),
    pytest.param(
        lambda s: _resolu(_forge(s="01", t=int(time.time()) - 2 * 3600 - 1, d=4)),
        defis.TROP_VIEUX,
        id="expire",
    ),
    pytest.param(
        lambda s: _resolu(_forge(s="02", t=int(time.time()) - 60, d=3), bits=3),
        defis.TROP_VIEUX,
        id="difficulte-depassee",
    ),
    pytest.param(
        lambda s: _resolu(_forge(s="03", t=int(time.time()), d=4)),
        defis.TROP_RAPIDE,
        id="trop-vite",
    ),
    pytest.param(
        lambda s: _resolu(_forge(s="04", t="hier", d=4)), defis.ILLISIBLE, id="heure-illisible"
    ),
]


@pytest.mark.parametrize(("preuve", "message"), REFUS)
def test_un_defi_absent_forge_ou_expire_est_refuse(
    lieu, client, mailoutbox, settings, preuve, message
):
    response = client.post(PAGE, donnees(lieu, **preuve(settings)))

    assert response.status_code == 400
    assert contient(response, message)
    assert rien_d_ecrit(mailoutbox)
    # What was typed comes back, with a fresh challenge to send it again.
    assert 'value="Fédération des centres sociaux"' in response.text
    assert defi_de_la_page(response)


def test_un_defi_ne_sert_qu_une_fois(lieu, client, mailoutbox):
    preuve = preuve_de_travail()
    assert ENVOYEE in client.post(PAGE, donnees(lieu, **preuve)).text

    # The same form again (back button, double click, a script replaying it).
    response = client.post(PAGE, donnees(lieu, jour=11, **preuve))

    assert response.status_code == 400
    assert contient(response, defis.DEJA_SERVI)
    assert Reservation.objects.count() == 1
    assert len(mailoutbox) == 2  # the first request's receipt and the team's alert
    nouveau = defi_de_la_page(response)
    assert nouveau != preuve["defi"]
    # The fresh challenge of the page works.
    assert defis.verifier(nouveau, defis.resoudre(nouveau, 4), now=time.time() + 60)


def test_une_saisie_refusee_consomme_le_defi_et_en_donne_un_autre(lieu, client):
    preuve = preuve_de_travail()
    response = client.post(PAGE, donnees(lieu, nb_personnes="", **preuve))
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.text
    assert defi_de_la_page(response) != preuve["defi"]

    again = client.post(PAGE, donnees(lieu, **preuve))

    assert contient(again, defis.DEJA_SERVI)


def test_sans_javascript_la_demande_part_mais_bornee_par_connexion(lieu, client, mailoutbox):
    """Le défi revient sans preuve (JavaScript coupé) : accepté, 3 fois par jour et par
    connexion ; au-delà un 429 qui dit quoi faire."""
    sans_js = {"defi": preuve_de_travail()["defi"], "preuve": ""}
    response = client.post(PAGE, donnees(lieu, **sans_js))
    assert ENVOYEE in response.text
    for jour in (11, 12):
        sans_js = {"defi": preuve_de_travail()["defi"], "preuve": ""}
        r = client.post(PAGE, donnees(lieu, jour=jour, email=f"{jour}@a.test", **sans_js))
        assert ENVOYEE in r.text
    assert Reservation.objects.count() == 3

    sans_js = {"defi": preuve_de_travail()["defi"], "preuve": ""}
    response = client.post(PAGE, donnees(lieu, jour=13, email="x@a.test", **sans_js))

    assert response.status_code == 429
    assert contient(response, "Votre navigateur n'a pas fait la vérification anti-robot")
    assert Reservation.objects.count() == 3
    # With the proof, the same connection may go on.
    ok = client.post(PAGE, donnees(lieu, jour=13, email="x@a.test", **preuve_de_travail()))
    assert ENVOYEE in ok.text


def test_sans_javascript_une_borne_pour_tous(lieu, client, monkeypatch):
    """Des robots sans JavaScript venus de mille adresses se partagent une seule borne."""
    monkeypatch.setattr(vues, "SANS_PREUVE_EN_TOUT", 2)
    for i in range(2):
        sans_js = {"defi": preuve_de_travail()["defi"], "preuve": ""}
        r = client.post(
            PAGE,
            donnees(lieu, jour=10 + i, email=f"{i}@a.test", **sans_js),
            REMOTE_ADDR=f"198.51.100.{i}",
        )
        assert ENVOYEE in r.text

    sans_js = {"defi": preuve_de_travail()["defi"], "preuve": ""}
    response = client.post(
        PAGE, donnees(lieu, jour=12, email="z@a.test", **sans_js), REMOTE_ADDR="198.51.100.9"
    )

    assert response.status_code == 429
    assert Reservation.objects.count() == 2


def test_trop_d_envois_depuis_une_connexion(lieu, client, mailoutbox):
    """Chaque envoi compte, même refusé (ici : le pot de miel) ; au-delà, 429 avant toute
    vérification."""
    for _ in range(vues.ENVOIS_PAR_IP):
        r = client.post(PAGE, donnees(lieu, site_web="spam", **preuve_de_travail()))
        assert r.status_code == 200 and "Demande refusée." in r.text

    response = client.post(PAGE, donnees(lieu, **preuve_de_travail()))

    assert response.status_code == 429
    assert contient(response, "Trop d'envois depuis cette connexion en une heure")
    assert rien_d_ecrit(mailoutbox)
    # Another connection is not concerned.
    ok = client.post(PAGE, donnees(lieu, **preuve_de_travail()), REMOTE_ADDR="203.0.113.5")
    assert ENVOYEE in ok.text


def test_trop_de_demandes_pour_une_adresse_e_mail(lieu, client):
    """Une même adresse, de connexions différentes : 10 formulaires valides par jour (ici
    3 enregistrés, puis refusés par la borne des demandes en attente), puis 429."""
    for i in range(vues.DEMANDES_PAR_EMAIL):
        client.post(
            PAGE,
            donnees(lieu, jour=3 + i, email="Cible@Exemple.test", **preuve_de_travail()),
            REMOTE_ADDR=f"198.51.100.{i}",
        )
    assert Reservation.objects.count() == 3

    response = client.post(
        PAGE,
        donnees(lieu, jour=20, email="cible@exemple.test", **preuve_de_travail()),
        REMOTE_ADDR="198.51.100.200",
    )

    assert response.status_code == 429
    assert contient(response, "Trop de demandes pour cette adresse e-mail aujourd'hui")
    assert Reservation.objects.count() == 3


def test_voir_les_disponibilites_ne_demande_pas_de_preuve(lieu, client):
    response = client.post(PAGE, {**donnees(lieu), "voir": "1"})

    assert response.status_code == 200
    assert not Reservation.objects.exists()
