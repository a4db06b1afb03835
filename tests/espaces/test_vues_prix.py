"""Le prix dit avant de confirmer, par les pages : le fragment htmx du formulaire, la page
sans JavaScript (la première validation montre le prix et « Confirmer (X € TTC) »), la
série, le refus quand le forfait a été pris entre-temps, et les heures du mois dans « Mon
espace » et sur la fiche de la structure."""

import datetime

import pytest
from django.urls import reverse

from espaces.models import ForfaitSalles, Reservation, SerieReservations
from tests.conftest import client_as
from tests.espaces.views_fixtures import (
    NOW,
    champs_caches,
    construire_lieu,
    contient,
    creneau_data,
    inserer,
    paris,
)

pytestmark = pytest.mark.django_db

RESERVER_A = reverse("espaces:reserver", args=["salle-a"])
ESTIMATION_A = reverse("espaces:reserver-estimation", args=["salle-a"])
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    """Halage : 10 h de salle incluses par mois, 6 h déjà prises en mars (le 5)."""
    lieu = construire_lieu(structure_a)
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=datetime.date(2026, 1, 1)
    )
    inserer(lieu.salle_a, paris(2026, 3, 5, 9), paris(2026, 3, 5, 15), structure=structure_a)
    return lieu


def data(structure, **extra) -> dict:
    return creneau_data(titre="Comité", nb_personnes="4", structure=structure.pk, **extra)


def test_le_formulaire_demande_le_prix_a_chaque_changement(lieu, membre_a):
    page = client_as(membre_a).get(RESERVER_A)

    assert f'hx-get="{ESTIMATION_A}"' in page.text
    assert 'hx-trigger="change"' in page.text
    assert 'hx-target="#estimation"' in page.text
    # Nothing to price yet: the hint, not a price.
    assert "le prix s'affiche ici avant de confirmer" in page.text


def test_le_fragment_dit_le_forfait_et_le_prix(lieu, structure_a, membre_a):
    response = client_as(membre_a).get(
        ESTIMATION_A, data(structure_a, de="09:00", a="14:00"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment, not a page
    assert contient(response, "Ce mois-ci : 6 h utilisées sur 10 h incluses (reste 4 h).")
    assert contient(
        response,
        f"Cette réservation : 5 h, dont 1 h facturée 12,00{NBSP}€ HT (14,40{NBSP}€ TTC).",
    )
    assert not Reservation.objects.filter(titre="Comité").exists()


def test_le_fragment_d_une_reservation_dans_le_forfait(lieu, structure_a, membre_a):
    response = client_as(membre_a).get(ESTIMATION_A, data(structure_a))

    assert contient(response, "Cette réservation : 1 h, incluse dans le forfait.")


def test_le_fragment_d_un_autre_mois(lieu, structure_a, membre_a):
    response = client_as(membre_a).get(
        ESTIMATION_A, data(structure_a, jour=datetime.date(2026, 4, 7))
    )

    assert contient(
        response, "En avril 2026 : aucune heure utilisée sur 10 h incluses (reste 10 h)."
    )


def test_le_fragment_d_une_serie(lieu, structure_a, membre_a):
    """Chaque mardi de 9 h à 12 h, trois fois : 9 h, dont 5 h au-delà des 4 h qui restent."""
    response = client_as(membre_a).get(
        ESTIMATION_A, data(structure_a, a="12:00", frequence="hebdomadaire", nombre="3")
    )

    assert contient(
        response,
        f"Cette série : 3 réservations, 9 h, dont 5 h facturées 60,00{NBSP}€ HT "
        f"(72,00{NBSP}€ TTC).",
    )


@pytest.mark.parametrize("frequence", [{}, {"frequence": "hebdomadaire", "nombre": "3"}])
def test_le_fragment_tient_compte_du_nombre_de_personnes(lieu, structure_a, membre_a, frequence):
    """12 personnes dans une salle de 10 : la validation refuserait ; le prix ne se dit pas
    gratuit, le fragment dit pourquoi."""
    response = client_as(membre_a).get(
        ESTIMATION_A, data(structure_a, **frequence) | {"nb_personnes": "12"}
    )

    assert contient(response, "Salle A accueille 10 personnes au plus.")
    assert "incluse" not in response.text and "Cette" not in response.text


def test_le_fragment_ne_dit_rien_du_forfait_d_une_autre_structure(
    lieu, structure_a, structure_b, habitant_b
):
    response = client_as(habitant_b).get(ESTIMATION_A, data(structure_a))

    assert response.status_code == 404
    assert "10 h incluses" not in response.text


def test_sans_javascript_le_lien_du_planning_montre_le_prix(lieu, membre_a):
    response = client_as(membre_a).get(
        RESERVER_A + "?date=2026-03-10&heure_debut=09:00&heure_fin=14:00"
    )

    assert contient(response, "Ce mois-ci : 6 h utilisées sur 10 h incluses (reste 4 h).")
    assert "dont 1 h facturée" in response.text


def test_une_reservation_payante_se_confirme_en_deux_temps(lieu, structure_a, membre_a, mailoutbox):
    client = client_as(membre_a)

    apercu = client.post(RESERVER_A, data(structure_a, de="09:00", a="14:00"))

    assert apercu.status_code == 200
    assert not Reservation.objects.filter(titre="Comité").exists()
    assert mailoutbox == []
    assert contient(apercu, "dont 1 h facturée 12,00\u00a0€ HT (14,40\u00a0€ TTC)")
    assert (
        f'<button type="submit" name="prix_accepte" value="14.40" class="btn btn-primary">'
        f"Confirmer (14,40{NBSP}€ TTC)</button>"
    ) in apercu.text

    response = client.post(
        RESERVER_A, data(structure_a, de="09:00", a="14:00", prix_accepte="14.40")
    )

    r = Reservation.objects.get(titre="Comité")
    assert response.url == reverse("espaces:reservation-detail", args=[r.pk])
    assert (r.minutes_facturables, str(r.montant.ttc)) == (60, "14.40")
    detail = client.get(response.url)
    assert f"12,00{NBSP}€ HT (14,40{NBSP}€ TTC), temps facturé : 1 h" in detail.text


def test_une_reservation_gratuite_se_confirme_d_un_coup(lieu, structure_a, membre_a):
    response = client_as(membre_a).post(RESERVER_A, data(structure_a))

    assert response.status_code == 302
    assert Reservation.objects.get(titre="Comité").montant.est_nul


def test_le_forfait_pris_entre_temps_rien_n_est_reserve(lieu, structure_a, membre_a):
    """La page a montré 1 h facturée (14,40 €) ; un collègue prend les 4 h qui restaient :
    la confirmation est refusée, le nouveau prix est montré avec son bouton."""
    client = client_as(membre_a)
    inserer(lieu.salle_a, paris(2026, 3, 6, 9), paris(2026, 3, 6, 13), structure=structure_a)

    response = client.post(
        RESERVER_A, data(structure_a, de="09:00", a="14:00", prix_accepte="14.40")
    )

    assert response.status_code == 200
    assert not Reservation.objects.filter(titre="Comité").exists()
    assert contient(
        response,
        f"Rien n'est réservé : le prix est maintenant de 72,00{NBSP}€ TTC, plus que le montant "
        f"accepté (14,40{NBSP}€ TTC).",
    )
    assert f"Confirmer (72,00{NBSP}€ TTC)" in response.text


def test_une_reservation_annoncee_gratuite_devenue_payante(lieu, structure_a, membre_a):
    """Sans montant accepté, la page confirme d'un coup ce qui est gratuit : si le forfait est
    pris juste avant, elle montre le prix au lieu de réserver."""
    inserer(lieu.salle_a, paris(2026, 3, 6, 9), paris(2026, 3, 6, 13), structure=structure_a)

    response = client_as(membre_a).post(RESERVER_A, data(structure_a))

    assert response.status_code == 200
    assert not Reservation.objects.filter(titre="Comité").exists()
    assert f"Confirmer (14,40{NBSP}€ TTC)" in response.text


def test_une_serie_payante_montre_son_total_avant_de_confirmer(lieu, structure_a, membre_a):
    client = client_as(membre_a)
    serie = data(structure_a, a="12:00", frequence="hebdomadaire", nombre="3")

    apercu = client.post(RESERVER_A, serie)

    assert apercu.status_code == 200
    assert "Vérifiez le prix de la série" in apercu.text
    assert not SerieReservations.objects.exists()
    assert f"Confirmer (72,00{NBSP}€ TTC)" in apercu.text
    renvoi = {**champs_caches(apercu.text), "prix_accepte": "72.00"}
    assert renvoi["confirmer"] == "1"
    response = client.post(RESERVER_A, renvoi)

    assert response.status_code == 302
    faites = Reservation.objects.filter(titre="Comité").order_by("debut")
    # 4 h left: the first Tuesday is free, the second 2 h beyond, the third 3 h beyond.
    assert [str(r.montant.ttc) for r in faites] == ["0.00", "28.80", "43.20"]


def test_une_serie_dont_le_prix_a_monte_est_redemandee(lieu, structure_a, membre_a):
    client = client_as(membre_a)
    serie = data(structure_a, a="12:00", frequence="hebdomadaire", nombre="3")
    apercu = client.post(RESERVER_A, serie)
    inserer(lieu.salle_a, paris(2026, 3, 6, 9), paris(2026, 3, 6, 13), structure=structure_a)

    response = client.post(RESERVER_A, {**champs_caches(apercu.text), "prix_accepte": "72.00"})

    assert response.status_code == 200
    assert not SerieReservations.objects.exists()
    assert contient(response, "Rien n'est réservé")
    assert f"Confirmer (129,60{NBSP}€ TTC)" in response.text


# --- Les heures du mois dans « Mon espace » et sur la fiche de la structure ------------------


def test_mon_espace_montre_les_heures_du_mois(lieu, structure_a, membre_a):
    page = client_as(membre_a).get(reverse("habitants:mon-espace", args=[structure_a.slug]))

    assert contient(page, "Salles en mars 2026 : 6 h utilisées sur 10 h incluses, reste 4 h.")


def test_la_fiche_de_la_structure_montre_les_heures_du_mois(lieu, structure_a, gestion):
    inserer(lieu.salle_a, paris(2026, 3, 6, 8), paris(2026, 3, 6, 12), structure=structure_a)

    page = client_as(gestion).get(reverse("habitants:structure-detail", args=[structure_a.slug]))

    assert contient(
        page,
        "Salles en mars 2026 : 10 h utilisées sur 10 h incluses, forfait épuisé : "
        "les prochaines réservations du mois sont facturées.",
    )


def test_sans_forfait_mon_espace_le_dit(structure_b, habitant_b):
    construire_lieu()

    page = client_as(habitant_b).get(reverse("habitants:mon-espace", args=[structure_b.slug]))

    assert "Salles en mars 2026 : aucune heure réservée, sans limite d'heures." in page.text


def test_une_serie_confirmee_gratuite_devenue_payante_est_redemandee(lieu, structure_a, membre_a):
    """La page de conflits annonçait des créneaux dans le forfait ; le forfait est pris avant
    la confirmation : la page montre le prix au lieu de réserver."""
    inserer(lieu.salle_a, paris(2026, 3, 17, 9), paris(2026, 3, 17, 10), structure=structure_a)
    client = client_as(membre_a)
    apercu = client.post(
        RESERVER_A, data(structure_a, frequence="hebdomadaire", nombre="2")
    )  # the 17th is taken: a conflict page, the 10th free (within the allowance)
    assert "Réserver le créneau libre" in apercu.text
    inserer(lieu.salle_a, paris(2026, 3, 6, 8), paris(2026, 3, 6, 11), structure=structure_a)

    response = client.post(RESERVER_A, champs_caches(apercu.text))

    assert response.status_code == 200
    assert contient(response, "Rien n'est réservé : le forfait du mois a été entamé entre-temps")
    assert f"Confirmer (14,40{NBSP}€ TTC)" in response.text
    assert not SerieReservations.objects.exists()
