"""Séries de réservations : occurrences à heure murale constante (changements d'heure),
mois courts, bornes ; planification, réservation partielle, annulation."""

import datetime
from decimal import Decimal

import pytest

from espaces import services
from espaces.models import ForfaitSalles, Reservation, SerieReservations
from phares.lib import temps
from phares.lib.acteur import ANONYME, Acteur
from tests.conftest import acteur
from tests.espaces.conftest import NOW, creneau, paris

Statut = Reservation.Statut
F = SerieReservations.Frequence
UTC = datetime.UTC


def dates_de(creneaux):
    return [temps_paris.date() for temps_paris in (c.debut for c in creneaux)]


def hebdo(debut, fin, **kwargs):
    return services.occurrences(debut, fin, frequence=F.HEBDOMADAIRE, **kwargs)


# --- occurrences (pur calcul) ---------------------------------------------------


def test_hebdomadaire_garde_9_h_au_passage_a_l_heure_d_ete():
    """Du lundi 2 mars 2026, 10 fois : l'heure d'été arrive le dimanche 29 mars."""
    creneaux = hebdo(paris(2026, 3, 2, 9), paris(2026, 3, 2, 10), nombre=10)

    assert len(creneaux) == 10
    assert dates_de(creneaux) == [
        datetime.date(2026, 3, 2) + datetime.timedelta(weeks=k) for k in range(10)
    ]
    for c in creneaux:
        assert c.debut == paris(c.debut.year, c.debut.month, c.debut.day, 9)
        assert c.fin.astimezone(UTC) - c.debut.astimezone(UTC) == datetime.timedelta(hours=1)
    heures_utc = [c.debut.astimezone(UTC).hour for c in creneaux]
    assert heures_utc == [8, 8, 8, 8, 7, 7, 7, 7, 7, 7]
    assert creneaux[3].debut.astimezone(UTC) == datetime.datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert creneaux[4].debut.astimezone(UTC) == datetime.datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_hebdomadaire_garde_9_h_au_retour_a_l_heure_d_hiver():
    """L'heure d'hiver revient le dimanche 25 octobre 2026."""
    creneaux = hebdo(paris(2026, 10, 12, 9), paris(2026, 10, 12, 10), nombre=4)

    assert [(c.debut.astimezone(UTC).day, c.debut.astimezone(UTC).hour) for c in creneaux] == [
        (12, 7),
        (19, 7),
        (26, 8),
        (2, 8),
    ]
    assert {c.fin.astimezone(UTC) - c.debut.astimezone(UTC) for c in creneaux} == {
        datetime.timedelta(hours=1)
    }


def test_quotidienne_a_travers_la_nuit_du_changement_d_heure():
    creneaux = services.occurrences(
        paris(2026, 3, 27, 9), paris(2026, 3, 27, 10), frequence=F.QUOTIDIENNE, nombre=4
    )

    assert [temps.paris(c.debut).hour for c in creneaux] == [9, 9, 9, 9]
    # Same-tzinfo subtraction is wall-clock arithmetic in Python: compare in UTC.
    ecart = creneaux[2].debut.astimezone(UTC) - creneaux[1].debut.astimezone(UTC)
    assert ecart == datetime.timedelta(hours=23)


def test_mensuelle_le_31_saute_les_mois_courts():
    creneaux = services.occurrences(
        paris(2026, 1, 31, 14), paris(2026, 1, 31, 16), frequence=F.MENSUELLE, nombre=4
    )

    assert dates_de(creneaux) == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 5, 31),
        datetime.date(2026, 7, 31),
    ]
    # 31 March is after the spring change: still 14 h in Paris.
    assert temps.paris(creneaux[1].debut).hour == 14


def test_mensuelle_jusqu_au_et_intervalle():
    creneaux = services.occurrences(
        paris(2026, 1, 31, 14),
        paris(2026, 1, 31, 16),
        frequence=F.MENSUELLE,
        jusqu_au=datetime.date(2026, 12, 31),
        intervalle=2,
    )

    # Jan, Mar, May, Jul, Sep (30 days: skipped), Nov (30 days: skipped).
    assert dates_de(creneaux) == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 5, 31),
        datetime.date(2026, 7, 31),
    ]


@pytest.mark.parametrize(
    ("jusqu_au", "nombre"),
    [
        (datetime.date(2026, 3, 30), 5),
        (datetime.date(2026, 3, 29), 4),
        (datetime.date(2026, 3, 2), 1),
    ],
)
def test_jusqu_au_inclus(jusqu_au, nombre):
    creneaux = hebdo(paris(2026, 3, 2, 9), paris(2026, 3, 2, 10), jusqu_au=jusqu_au)

    assert len(creneaux) == nombre
    assert dates_de(creneaux)[-1] <= jusqu_au


def test_toutes_les_deux_semaines():
    creneaux = hebdo(paris(2026, 3, 2, 9), paris(2026, 3, 2, 10), nombre=3, intervalle=2)

    assert dates_de(creneaux) == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 30),
    ]


def test_deux_cents_au_plus():
    debut, fin = paris(2026, 3, 2, 9), paris(2026, 3, 2, 10)
    quotidienne = {"frequence": F.QUOTIDIENNE}

    assert len(services.occurrences(debut, fin, nombre=200, **quotidienne)) == 200
    jour_200 = datetime.date(2026, 3, 2) + datetime.timedelta(days=199)
    assert len(services.occurrences(debut, fin, jusqu_au=jour_200, **quotidienne)) == 200
    with pytest.raises(services.EspacesError, match="200 réservations au plus"):
        services.occurrences(
            debut, fin, jusqu_au=jour_200 + datetime.timedelta(days=1), **quotidienne
        )
    with pytest.raises(services.EspacesError, match="200 réservations au plus"):
        hebdo(debut, fin, jusqu_au=datetime.date(2040, 1, 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Indiquez une date de fin de série ou un nombre de fois, pas les deux."),
        (
            {"jusqu_au": datetime.date(2026, 4, 1), "nombre": 3},
            "Indiquez une date de fin de série ou un nombre de fois, pas les deux.",
        ),
        ({"nombre": 201}, "Une série compte de 1 à 200 réservations."),
        ({"nombre": 0}, "Une série compte de 1 à 200 réservations."),
        ({"nombre": 3, "intervalle": 0}, "L'intervalle est d'au moins 1."),
        ({"jusqu_au": datetime.date(2026, 3, 1)}, "La fin de la série précède sa première date."),
        ({"nombre": 3, "frequence": "annuelle"}, "Fréquence inconnue."),
    ],
)
def test_series_invalides(kwargs, message):
    kwargs.setdefault("frequence", F.HEBDOMADAIRE)

    with pytest.raises(services.EspacesError) as exc:
        services.occurrences(paris(2026, 3, 2, 9), paris(2026, 3, 2, 10), **kwargs)

    assert str(exc.value) == message


# --- Planifier, réserver, annuler (base) ----------------------------------------


def lundis(n=10):
    return hebdo(paris(2026, 3, 2, 9), paris(2026, 3, 2, 10), nombre=n)


def reserver_serie(salle, creneaux, structure, par, nombre=None, now=NOW):
    return services.reserver_serie(
        ressource=salle,
        creneaux=creneaux,
        frequence=F.HEBDOMADAIRE,
        intervalle=1,
        jusqu_au=None,
        nombre=nombre or len(creneaux),
        titre="Comité de pilotage",
        par=acteur(par),
        structure=structure,
        now=now,
    )


@pytest.fixture
def deja_pris(salle, structure_b, habitant_b):
    """Le lundi 16 mars, 9 h 30–10 h 30, est déjà pris par une autre structure."""
    return services.reserver(
        ressource=salle,
        debut=paris(2026, 3, 16, 9, 30),
        fin=paris(2026, 3, 16, 10, 30),
        titre="Autre réunion",
        structure=structure_b,
        par=acteur(habitant_b),
        now=NOW,
    )


@pytest.fixture
def salle_60_jours(salle):
    """Réservable 60 jours à l'avance : jusqu'au vendredi 1er mai 2026, 8 h."""
    salle.delai_max_jours = 60
    salle.save()
    return salle


def test_planifier_liste_les_conflits_et_leur_raison(salle_60_jours, deja_pris):
    plan = services.planifier_serie(
        salle_60_jours, lundis(), nb_personnes=4, externe=False, now=NOW
    )

    assert len(plan.libres) == 8
    assert [(c.debut.date(), raison) for c, raison in plan.conflits] == [
        (
            datetime.date(2026, 3, 16),
            "Salle Phare est déjà réservée de 09:30 à 10:30 le lun. 16 mars 2026 : "
            "choisissez un autre créneau.",
        ),
        (datetime.date(2026, 5, 4), "On ne peut réserver Salle Phare que 60 jours à l'avance."),
    ]
    assert Reservation.objects.count() == 1  # planning writes nothing


def test_planifier_refuse_les_externes_sur_une_salle_d_habitants(salle):
    plan = services.planifier_serie(salle, lundis(2), nb_personnes=4, externe=True, now=NOW)

    assert plan.libres == []
    assert {raison for _, raison in plan.conflits} == {
        "Salle Phare n'est pas proposée aux organisations extérieures."
    }


def test_reserver_serie_reserve_les_libres_et_rend_les_autres(
    salle_60_jours, deja_pris, structure_a, membre_a
):
    serie, faites, ratees = reserver_serie(salle_60_jours, lundis(), structure_a, membre_a)

    assert [c.debut.date() for c, _ in ratees] == [
        datetime.date(2026, 3, 16),
        datetime.date(2026, 5, 4),
    ]
    assert "déjà réservée de 09:30 à 10:30" in ratees[0][1]
    assert "60 jours à l'avance" in ratees[1][1]
    serie.refresh_from_db()
    assert (serie.frequence, serie.intervalle, serie.occurrences, serie.cree_par) == (
        F.HEBDOMADAIRE,
        1,
        10,
        membre_a,
    )
    en_base = Reservation.objects.filter(serie=serie).order_by("debut")
    assert [r.pk for r in en_base] == [r.pk for r in faites]
    assert len(faites) == 8
    assert {(r.statut, r.structure_id, r.titre) for r in en_base} == {
        (Statut.CONFIRMEE, structure_a.pk, "Comité de pilotage")
    }


def test_reserver_serie_creneau_pris_entre_temps(
    salle, structure_a, structure_b, membre_a, habitant_b
):
    creneaux = lundis(3)
    plan = services.planifier_serie(salle, creneaux, nb_personnes=1, externe=False, now=NOW)
    assert len(plan.libres) == 3
    # Someone books the second Monday between the preview and the confirmation.
    services.reserver(
        ressource=salle,
        debut=creneaux[1].debut,
        fin=creneaux[1].fin,
        titre="Plus rapide",
        structure=structure_b,
        par=acteur(habitant_b),
        now=NOW,
    )

    _, faites, ratees = reserver_serie(salle, plan.libres, structure_a, membre_a)

    assert [r.debut for r in faites] == [creneaux[0].debut, creneaux[2].debut]
    assert [c.debut for c, _ in ratees] == [creneaux[1].debut]


def test_serie_sans_aucun_creneau_libre_n_ecrit_rien(
    salle, structure_a, structure_b, membre_a, habitant_b
):
    creneaux = lundis(2)
    for c in creneaux:
        services.reserver(
            ressource=salle,
            debut=c.debut,
            fin=c.fin,
            titre="Occupé",
            structure=structure_b,
            par=acteur(habitant_b),
            now=NOW,
        )

    with pytest.raises(services.ConflitError, match="Aucun créneau de la série n'est libre"):
        reserver_serie(salle, creneaux, structure_a, membre_a)

    assert not SerieReservations.objects.exists()
    assert Reservation.objects.filter(structure=structure_a).count() == 0


def test_forfait_consomme_au_fil_de_la_serie(salle, tarifs, structure_a, membre_a):
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2015, 1, 1)
    )

    _, faites, _ = reserver_serie(salle, lundis(6), structure_a, membre_a)

    # March: 2, 9, 16, 23, 30 (2 h included, then 1 h charged each); April: 6 is free.
    assert [(r.debut.date().day, r.montant_ht) for r in faites] == [
        (2, Decimal("0.00")),
        (9, Decimal("0.00")),
        (16, Decimal("10.00")),
        (23, Decimal("10.00")),
        (30, Decimal("10.00")),
        (6, Decimal("0.00")),
    ]


@pytest.fixture
def serie_4(salle, structure_a, membre_a):
    """Lundis 9, 16, 23 et 30 mars 2026, 9 h–10 h."""
    creneaux = hebdo(paris(2026, 3, 9, 9), paris(2026, 3, 9, 10), nombre=4)
    _, faites, ratees = reserver_serie(salle, creneaux, structure_a, membre_a)
    assert ratees == []
    return faites


def statuts(reservations):
    return [Reservation.objects.get(pk=r.pk).statut for r in reservations]


def test_annuler_cette_occurrence_et_les_suivantes(serie_4, membre_a):
    n = len(
        services.annuler_serie(
            reservation=serie_4[2], a_partir=True, par=acteur(membre_a), now=NOW
        ).annulees
    )

    assert n == 2
    assert statuts(serie_4) == [Statut.CONFIRMEE, Statut.CONFIRMEE, Statut.ANNULEE, Statut.ANNULEE]


def test_annuler_toute_la_serie(serie_4, membre_a):
    n = len(
        services.annuler_serie(
            reservation=serie_4[2], a_partir=False, par=acteur(membre_a), now=NOW
        ).annulees
    )

    assert n == 4
    assert statuts(serie_4) == [Statut.ANNULEE] * 4
    assert {r.annulee_par for r in Reservation.objects.all()} == {membre_a}


def test_annuler_une_serie_ne_relit_pas_chaque_occurrence(salle, structure_a, membre_a):
    """Cancelling 2 or 8 occurrences: the same queries (e-mail and its .ics included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def compter(lundi, nombre):
        creneaux = hebdo(paris(2026, 3, lundi, 14), paris(2026, 3, lundi, 15), nombre=nombre)
        _, faites, _ = reserver_serie(salle, creneaux, structure_a, membre_a)
        with CaptureQueriesContext(connection) as requetes:
            services.annuler_serie(
                reservation=faites[0], a_partir=False, par=acteur(membre_a), now=NOW
            )
        assert statuts(faites) == [Statut.ANNULEE] * nombre
        assert all(
            r.sequence == 1 for r in Reservation.objects.filter(pk__in=[f.pk for f in faites])
        )
        return len(requetes)

    assert compter(9, 2) == compter(10, 8)


def test_annuler_la_serie_laisse_le_passe(serie_4, gestion):
    mardi_17 = paris(2026, 3, 17, 12)
    n = len(
        services.annuler_serie(
            reservation=serie_4[0], a_partir=False, par=acteur(gestion), now=mardi_17
        ).annulees
    )

    assert n == 2
    assert statuts(serie_4) == [Statut.CONFIRMEE, Statut.CONFIRMEE, Statut.ANNULEE, Statut.ANNULEE]


def test_annuler_serie_ignore_les_occurrences_deja_annulees(serie_4, membre_a):
    services.annuler(reservation=serie_4[3], par=acteur(membre_a), now=NOW)

    n = len(
        services.annuler_serie(
            reservation=serie_4[1], a_partir=True, par=acteur(membre_a), now=NOW
        ).annulees
    )

    assert n == 2
    assert statuts(serie_4) == [Statut.CONFIRMEE, Statut.ANNULEE, Statut.ANNULEE, Statut.ANNULEE]


def test_annuler_serie_d_une_reservation_isolee(salle, structure_a, membre_a):
    seule = services.reserver(
        ressource=salle,
        debut=creneau(9, 0, 10, 0)[0],
        fin=creneau(9, 0, 10, 0)[1],
        titre="Seule",
        structure=structure_a,
        par=acteur(membre_a),
        now=NOW,
    )

    with pytest.raises(services.EspacesError, match="ne fait pas partie d'une série"):
        services.annuler_serie(reservation=seule, a_partir=False, par=acteur(membre_a), now=NOW)
    seule.refresh_from_db()
    assert seule.statut == Statut.CONFIRMEE


def test_une_demande_en_attente_ne_bloque_ni_le_plan_ni_la_serie(
    salle_formation, structure_a, membre_a
):
    """Une demande extérieure ne retient pas le créneau : la série passe par-dessus, et la
    demande reste en attente (l'équipe la refusera ou proposera un autre créneau)."""
    creneaux = hebdo(paris(2026, 3, 9, 9), paris(2026, 3, 9, 10), nombre=3)
    demande = services.demander_salle(
        ressource=salle_formation,
        debut=creneaux[1].debut,
        fin=creneaux[1].fin,
        titre="Assemblée générale",
        nb_personnes=20,
        organisation=services.Organisation(
            nom="Fédération", email="f@federation.test", adresse_facturation="Bordeaux"
        ),
        ip="203.0.113.7",
        par=Acteur(user=None, origine=ANONYME),
        now=NOW,
    )

    plan = services.planifier_serie(
        salle_formation, creneaux, nb_personnes=1, externe=False, now=NOW
    )
    assert (len(plan.libres), plan.conflits) == (3, [])

    _, faites, ratees = reserver_serie(salle_formation, plan.libres, structure_a, membre_a)
    assert (len(faites), ratees) == (3, [])
    demande.refresh_from_db()
    assert demande.statut == Statut.EN_ATTENTE


def test_annuler_la_serie_dans_le_preavis_annule_le_reste(serie_4, membre_a, gestion):
    """La prochaine occurrence est à moins de 24 h : un habitant annule les autres, celle-là
    reste confirmée et lui est signalée ; l'équipe de gestion annule tout."""
    veille = paris(2026, 3, 8, 12)

    result = services.annuler_serie(
        reservation=serie_4[0], a_partir=False, par=acteur(membre_a), now=veille
    )
    assert [r.pk for r in result.bloquees] == [serie_4[0].pk]
    assert len(result.annulees) == 3
    assert statuts(serie_4) == [Statut.CONFIRMEE] + [Statut.ANNULEE] * 3

    result = services.annuler_serie(
        reservation=serie_4[0], a_partir=False, par=acteur(gestion), now=veille
    )
    assert (len(result.annulees), result.bloquees) == (1, [])
    assert statuts(serie_4) == [Statut.ANNULEE] * 4


def test_annuler_la_serie_refuse_si_tout_est_dans_le_preavis(serie_4, membre_a):
    """Rien d'annulable : erreur qui nomme l'occurrence, rien n'est touché."""
    for r in serie_4[1:]:
        services.annuler(reservation=r, par=acteur(membre_a), now=NOW)
    veille = paris(2026, 3, 8, 12)
    with pytest.raises(
        services.EspacesError, match=r"Rien n'est annulé : l'occurrence du lun\. 9 mars 2026"
    ):
        services.annuler_serie(
            reservation=serie_4[0], a_partir=False, par=acteur(membre_a), now=veille
        )
    assert statuts(serie_4)[0] == Statut.CONFIRMEE
