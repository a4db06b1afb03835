"""« Annuler » après avoir annulé une réservation : le message de confirmation porte un
bouton qui la rétablit pendant 10 minutes, si son créneau est encore libre. Chaque test passe
par les pages, puis relit la base et le journal."""

import datetime
import re

import pytest
from django.core import signing
from django.urls import reverse

from espaces import services
from espaces.models import Reservation
from phares.lib import annulables
from phares.models import EntreeJournal, OperationAnnulable
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, contient, paris

pytestmark = pytest.mark.django_db

DEBUT, FIN = paris(2026, 3, 10, 9), paris(2026, 3, 10, 10)


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


@pytest.fixture
def reunion(lieu, structure_a, referent_a):
    return services.reserver(
        ressource=lieu.salle_a,
        debut=DEBUT,
        fin=FIN,
        titre="Comité de pilotage",
        par=acteur(referent_a),
        structure=structure_a,
    )


def annuler(client, r):
    """Annule `r` par sa page ; rend la page où l'on arrive et l'adresse de son bouton."""
    response = client.post(reverse("espaces:reservation-annuler", args=[r.pk]))
    page = client.get(response.url)
    m = re.search(r'<form method="post" action="(/operations/[^"]+/annuler/)"', page.text)
    return page, m.group(1) if m else None


def journal_de(r) -> list[str]:
    return list(
        EntreeJournal.objects.filter(objet_type="espaces.reservation", objet_id=str(r.pk))
        .order_by("pk")
        .values_list("operation", flat=True)
    )


def test_annuler_puis_revenir_en_arriere(reunion, referent_a, mailoutbox):
    client = client_as(referent_a)
    page, bouton = annuler(client, reunion)

    # The message says until when, and its button sits inside the alert (keyboard, readers).
    assert contient(
        page, "Réservation annulée. Vous pouvez revenir en arrière jusqu'à 08:10 (10 minutes)."
    )
    alerte = re.search(r'<div class="alert alert-success[^"]*">(.*?)</div>', page.text, re.S)
    assert 'type="submit"' in alerte.group(1) and ">Annuler</button>" in alerte.group(1)
    assert 'aria-describedby="message-1"' in alerte.group(1)
    assert Reservation.objects.get(pk=reunion.pk).statut == Reservation.Statut.ANNULEE
    mailoutbox.clear()

    response = client.post(bouton, {"suivant": reverse("espaces:reservation-liste")})

    assert response.url == reverse("espaces:reservation-detail", args=[reunion.pk])
    r = Reservation.objects.get(pk=reunion.pk)
    assert (r.statut, r.annulee_le, r.annulee_par) == (Reservation.Statut.CONFIRMEE, None, None)
    assert r.sequence == reunion.sequence + 2  # cancelled, then back: calendars follow
    assert contient(
        client.get(response.url), "Réservation rétablie : Salle A, mar. 10 mars 2026 de 09:00"
    )
    # Both the cancellation and its undoing are in the journal, by the same person.
    assert journal_de(r) == ["reservation.creer", "reservation.annuler", "reservation.retablir"]
    retour = EntreeJournal.objects.get(operation="reservation.retablir")
    assert retour.par == referent_a
    assert retour.changements == {"statut": ["Annulée", "Confirmée"]}
    assert retour.libelle.startswith("Annulation défaite, réservation rétablie : Salle A")
    (mail,) = mailoutbox
    assert mail.subject.startswith("[PHARES] Réservation confirmée")
    assert OperationAnnulable.objects.get().defaite_par == referent_a


def test_un_second_clic_dit_que_c_est_deja_fait(reunion, referent_a):
    client = client_as(referent_a)
    _, bouton = annuler(client, reunion)
    client.post(bouton)

    response = client.post(bouton, {"suivant": "/reservations/"})

    assert response.url == "/reservations/"
    assert contient(client.get(response.url), "C'est déjà annulé (le 02/03/2026 à 08:00)")
    assert journal_de(reunion).count("reservation.retablir") == 1


def test_apres_dix_minutes_rien_ne_change(reunion, referent_a, time_machine):
    client = client_as(referent_a)
    _, bouton = annuler(client, reunion)
    time_machine.move_to(NOW + annulables.DELAI + datetime.timedelta(seconds=1), tick=False)

    response = client.post(bouton, {"suivant": "/reservations/"})

    assert contient(
        client.get(response.url),
        "Le délai pour annuler est passé (10 minutes, jusqu'à 08:10) : rien n'a changé.",
    )
    assert Reservation.objects.get(pk=reunion.pk).statut == Reservation.Statut.ANNULEE
    assert "reservation.retablir" not in journal_de(reunion)
    assert OperationAnnulable.objects.get().defaite_le is None


def test_le_creneau_repris_entre_temps_reste_a_l_autre(
    reunion, lieu, referent_a, habitant_b, structure_b
):
    client = client_as(referent_a)
    _, bouton = annuler(client, reunion)
    autre = services.reserver(
        ressource=lieu.salle_a,
        debut=DEBUT,
        fin=FIN,
        titre="Atelier couture",
        par=acteur(habitant_b),
        structure=structure_b,
    )

    response = client.post(bouton, {"suivant": "/reservations/"})

    assert contient(
        client.get(response.url),
        "La réservation reste annulée : Salle A a été réservée de 09:00 à 10:00 le "
        "mar. 10 mars 2026 entre-temps.",
    )
    assert Reservation.objects.get(pk=reunion.pk).statut == Reservation.Statut.ANNULEE
    assert Reservation.objects.get(pk=autre.pk).statut == Reservation.Statut.CONFIRMEE
    # Not used up: had the other booking been cancelled within the 10 minutes, it would work.
    assert OperationAnnulable.objects.get().defaite_le is None


def test_qui_peut_revenir_en_arriere(reunion, referent_a, membre_a, habitant_b, comptable, gestion):
    _, bouton = annuler(client_as(referent_a), reunion)

    # Someone else, even of the same structure: the button does not exist for them.
    for autre in (membre_a, habitant_b, comptable):
        assert client_as(autre).post(bouton).status_code == 404
    assert Reservation.objects.get(pk=reunion.pk).statut == Reservation.Statut.ANNULEE
    anonyme = client_as(None).post(bouton)
    assert anonyme.status_code == 302 and anonyme.url.startswith("/comptes/login/")
    assert client_as(referent_a).get(bouton).status_code == 405

    # Gestion may undo anyone's.
    assert client_as(gestion).post(bouton).status_code == 302
    assert Reservation.objects.get(pk=reunion.pk).statut == Reservation.Statut.CONFIRMEE
    assert EntreeJournal.objects.get(operation="reservation.retablir").par == gestion


def test_une_cle_inventee_ou_retouchee_n_atteint_rien(reunion, referent_a):
    client = client_as(referent_a)
    _, bouton = annuler(client, reunion)
    jeton = bouton.split("/")[2]
    op = OperationAnnulable.objects.get()

    for faux in (
        jeton[:-2] + ("AA" if not jeton.endswith("AA") else "BB"),
        signing.dumps(op.pk, salt="autre-chose"),
        signing.dumps("1; DROP TABLE", salt="phares.annulables"),
        "x" * 500,
    ):
        assert client.post(f"/operations/{faux}/annuler/").status_code == 404
    assert Reservation.objects.get(pk=reunion.pk).statut == Reservation.Statut.ANNULEE


def test_une_serie_annulee_n_offre_pas_de_retour(lieu, structure_a, referent_a):
    """Une série revient en la réservant de nouveau : pas de bouton pour elle."""
    creneaux = [
        services.Creneau(DEBUT + datetime.timedelta(weeks=n), FIN + datetime.timedelta(weeks=n))
        for n in range(3)
    ]
    _, faites, _ = services.reserver_serie(
        ressource=lieu.salle_a,
        creneaux=creneaux,
        frequence="hebdomadaire",
        intervalle=1,
        jusqu_au=None,
        nombre=3,
        titre="Permanence",
        par=acteur(referent_a),
        structure=structure_a,
    )
    client = client_as(referent_a)
    response = client.post(
        reverse("espaces:reservation-annuler", args=[faites[0].pk]), {"portee": "serie"}
    )
    page = client.get(response.url)
    assert contient(page, f"{len(faites)} réservations annulées.")
    assert "/operations/" not in page.text


@pytest.mark.django_db(transaction=True)
def test_dix_onglets_retablissent_une_fois(course, lieu, structure_a, referent_a):
    """Dix clics simultanés sur le même bouton : un seul rétablit, les autres lisent « déjà
    annulé » (la ligne de l'offre est verrouillée, puis relue)."""
    r = services.reserver(
        ressource=lieu.salle_a,
        debut=DEBUT,
        fin=FIN,
        titre="Comité",
        par=acteur(referent_a),
        structure=structure_a,
    )
    services.annuler(reservation=r, par=acteur(referent_a))
    offre = services.proposer_retablissement(reservation=r, par=acteur(referent_a))
    op = annulables.lire(offre.jeton, referent_a)

    def retablir(_):
        return services.retablir(operation=op, par=acteur(referent_a))

    resultats = course.lancer(retablir, n=10)

    gagnants = [x for x in resultats if isinstance(x, Reservation)]
    refus = [x for x in resultats if not isinstance(x, Reservation)]
    assert len(gagnants) == 1
    assert all(isinstance(x, annulables.AnnulationImpossible) for x in refus), refus
    assert all(str(x).startswith("C'est déjà annulé") for x in refus)
    assert (
        course.lire(lambda: EntreeJournal.objects.filter(operation="reservation.retablir").count())
        == 1
    )
