"""Le prix avant de réserver : l'estimation (forfait du mois, heures utilisées et restantes,
minutes facturées, montant) suit la même règle que le prix figé à la réservation, n'écrit
rien, et le service refuse un prix plus haut que celui que la personne a accepté."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from espaces import selectors, services
from espaces.models import ForfaitSalles, Reservation, SerieReservations
from phares.models import EntreeJournal
from tests.conftest import acteur
from tests.espaces.conftest import NOW, creneau, paris

pytestmark = pytest.mark.django_db

F = SerieReservations.Frequence


@pytest.fixture
def forfait_10h(structure_a):
    return ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=datetime.date(2015, 1, 1)
    )


def reserver(salle, structure, par, debut, fin, **kw):
    return services.reserver(
        ressource=salle,
        debut=debut,
        fin=fin,
        titre="Comité",
        structure=structure,
        par=acteur(par),
        now=NOW,
        **kw,
    )


def test_l_estimation_dit_le_forfait_et_le_prix_sans_rien_ecrire(
    salle, tarifs, forfait_10h, structure_a, membre_a
):
    """6 h utilisées sur 10 : une réunion de 5 h en dépasse 1, au tarif habitant (10 € HT)."""
    reserver(salle, structure_a, membre_a, *creneau(8, 0, 14, 0))

    estimation = selectors.estimer_reservation(salle, *creneau(14, 0, 19, 0), structure=structure_a)

    (forfait,) = estimation.forfaits
    assert (forfait.mois, forfait.heures_incluses) == (datetime.date(2026, 3, 1), 10)
    assert (forfait.minutes_utilisees, forfait.minutes_restantes) == (360, 240)
    assert (estimation.minutes, estimation.minutes_facturables) == (300, 60)
    assert (estimation.total_ht, estimation.total_ttc) == (Decimal("10.00"), Decimal("12.00"))
    assert not estimation.est_gratuit
    assert Reservation.objects.count() == 1


def test_l_estimation_est_le_prix_que_fige_la_reservation(
    salle, tarifs, forfait_10h, structure_a, membre_a
):
    reserver(salle, structure_a, membre_a, *creneau(8, 0, 17, 0))
    estimation = selectors.estimer_reservation(
        salle, *creneau(17, 0, 19, 30), structure=structure_a
    )

    r = reserver(salle, structure_a, membre_a, *creneau(17, 0, 19, 30))

    assert r.minutes_facturables == estimation.minutes_facturables == 90
    assert r.montant.ttc == estimation.total_ttc == Decimal("18.00")


@pytest.mark.parametrize("heures", [None, 0])
def test_sans_forfait_ou_illimite_l_estimation_est_gratuite(salle, structure_a, heures):
    if heures is not None:
        ForfaitSalles.objects.create(
            structure=structure_a, heures_par_mois=heures, debut=datetime.date(2015, 1, 1)
        )

    estimation = selectors.estimer_reservation(salle, *creneau(9, 0, 19, 0), structure=structure_a)

    assert estimation.est_gratuit
    assert estimation.forfaits[0].illimite
    assert estimation.forfaits[0].minutes_restantes is None


def test_une_serie_s_estime_occurrence_apres_occurrence(salle, tarifs, structure_a, membre_a):
    """Forfait de 2 h : quatre lundis d'1 h, deux en mars, deux en avril. Les premières
    occurrences d'un mois entament son forfait avant les suivantes, comme à l'enregistrement."""
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2015, 1, 1)
    )
    reserver(salle, structure_a, membre_a, *creneau(8, 0, 9, 0, jour=datetime.date(2026, 3, 9)))
    creneaux = services.occurrences(
        paris(2026, 3, 23, 9), paris(2026, 3, 23, 10), frequence=F.HEBDOMADAIRE, nombre=4
    )

    estimation = selectors.estimer(
        salle, [(c.debut, c.fin) for c in creneaux], structure=structure_a
    )

    # March: 1 h already used, 23rd free, 30th billed; April: 6th and 13th free.
    assert [ligne.prix.minutes_facturables for ligne in estimation.lignes] == [0, 60, 0, 0]
    assert [(f.nom_du_mois, f.minutes_utilisees) for f in estimation.forfaits] == [
        ("mars 2026", 60),
        ("avril 2026", 0),
    ]
    _, faites, _ = services.reserver_serie(
        ressource=salle,
        creneaux=creneaux,
        frequence=F.HEBDOMADAIRE,
        intervalle=1,
        jusqu_au=None,
        nombre=4,
        titre="Permanence",
        par=acteur(membre_a),
        structure=structure_a,
        now=NOW,
    )
    assert sum(r.montant.ttc for r in faites) == estimation.total_ttc == Decimal("12.00")


def test_une_organisation_exterieure_s_estime_sans_forfait(salle_formation, tarifs):
    estimation = selectors.estimer_reservation(salle_formation, *creneau(9, 0, 13, 0), externe=True)

    assert estimation.forfaits == ()
    assert estimation.total_ht == Decimal("80.00")  # the half-day, cheaper than 4 hours


# --- Le montant accepté -----------------------------------------------------------------


def test_reserver_refuse_un_prix_au_dela_du_montant_accepte(
    salle, tarifs, forfait_10h, structure_a, membre_a, referent_a
):
    """La page a annoncé une réservation gratuite ; entre-temps un collègue a pris le forfait
    du mois : rien n'est réservé, ni journalisé, ni envoyé, et le message dit le prix."""
    reserver(salle, structure_a, referent_a, *creneau(8, 0, 18, 0))
    mail.outbox.clear()
    entrees = EntreeJournal.objects.count()

    with pytest.raises(services.PrixError) as exc:
        reserver(salle, structure_a, membre_a, *creneau(18, 0, 19, 0), prix_accepte=Decimal(0))

    assert str(exc.value) == (
        "Rien n'est réservé : le prix est maintenant de 12,00\u00a0€ TTC, plus que le montant "
        "accepté (0,00\u00a0€ TTC). Le forfait du mois a pu être entamé entre-temps : "
        "vérifiez le prix puis confirmez."
    )
    assert Reservation.objects.count() == 1
    assert EntreeJournal.objects.count() == entrees
    assert mail.outbox == []

    r = reserver(
        salle, structure_a, membre_a, *creneau(18, 0, 19, 0), prix_accepte=Decimal("12.00")
    )
    assert r.montant.ttc == Decimal("12.00")


def test_une_serie_refuse_un_total_au_dela_du_montant_accepte(salle, tarifs, structure_a, membre_a):
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=1, debut=datetime.date(2015, 1, 1)
    )
    creneaux = services.occurrences(
        paris(2026, 3, 10, 9), paris(2026, 3, 10, 10), frequence=F.HEBDOMADAIRE, nombre=3
    )

    def serie(prix_accepte):
        return services.reserver_serie(
            ressource=salle,
            creneaux=creneaux,
            frequence=F.HEBDOMADAIRE,
            intervalle=1,
            jusqu_au=None,
            nombre=3,
            titre="Permanence",
            par=acteur(membre_a),
            structure=structure_a,
            prix_accepte=prix_accepte,
            now=NOW,
        )

    with pytest.raises(services.PrixError, match="24,00"):
        serie(Decimal("12.00"))  # two hours beyond the allowance: 24 € TTC
    assert not Reservation.objects.exists()
    assert not SerieReservations.objects.exists()

    _, faites, _ = serie(Decimal("24.00"))
    assert len(faites) == 3


# --- Le forfait du mois -------------------------------------------------------------------


def test_le_forfait_du_mois_compte_les_seules_salles_confirmees(
    salle, velos, forfait_10h, structure_a, structure_b, membre_a
):
    reserver(salle, structure_a, membre_a, *creneau(9, 0, 11, 30))
    annulee = reserver(salle, structure_a, membre_a, *creneau(14, 0, 15, 0))
    services.annuler(reservation=annulee, par=acteur(membre_a), now=NOW)
    debut, fin = creneau(9, 0, 12, 0)
    # Bikes do not count: they have a tariff of their own.
    services.reserver_velo(
        debut=debut,
        fin=fin,
        titre="Livraison",
        structure=structure_a,
        par=acteur(membre_a),
        now=NOW,
    )

    forfait = selectors.forfait_du_mois(structure_a, datetime.date(2026, 3, 2))

    assert (forfait.heures_incluses, forfait.minutes_utilisees) == (10, 150)
    assert forfait.minutes_restantes == 450
    assert selectors.forfait_du_mois(structure_b, datetime.date(2026, 3, 2)).illimite
