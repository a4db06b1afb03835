"""Courses réelles (tests/course.py) sur le même créneau, le même bureau, les mêmes postes,
les mêmes vélos : sur PostgreSQL la contrainte d'exclusion départage, sur SQLite la
transaction BEGIN IMMEDIATE. Et les bornes qu'on vérifie puis consomme (demandes
publiques, forfait d'heures) : sur PostgreSQL un verrou consultatif les sérialise."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from espaces import services
from espaces.models import Convention, ForfaitSalles, Reservation
from habitants.models import Structure
from phares.lib.acteur import ANONYME, Acteur
from tests.conftest import acteur
from tests.course import FILS, exiger_postgres
from tests.espaces.conftest import JOUR, NOW, creneau, paris

pytestmark = pytest.mark.django_db(transaction=True)


def trier(resultats, attendu, refus=services.ConflitError):
    gagnants = [r for r in resultats if isinstance(r, attendu)]
    perdants = [r for r in resultats if not isinstance(r, attendu)]
    # Anything else than a readable refusal (OperationalError, IntegrityError…) fails here.
    assert all(isinstance(p, refus) for p in perdants), perdants
    return gagnants, [str(p) for p in perdants]


def test_une_seule_reservation_gagne_le_creneau(course, salle, structure_a, membre_a):
    debut, fin = creneau(9, 0, 10, 0)

    def reserver(i):
        return services.reserver(
            ressource=salle,
            debut=debut,
            fin=fin,
            titre=f"Réunion {i}",
            par=acteur(membre_a),
            structure=structure_a,
            now=NOW,
        )

    gagnants, messages = trier(course.lancer(reserver), Reservation)

    assert len(gagnants) == 1
    assert len(messages) == FILS - 1
    for m in messages:
        assert m.startswith("Salle Phare ")
        assert "déjà réservée" in m or "vient d'être réservée" in m
    bloquantes = course.lire(
        lambda: list(
            Reservation.objects.confirmees()
            .filter(ressource=salle)
            .chevauchant(debut, fin)
            .values_list("pk", "titre")
        )
    )
    assert bloquantes == [(gagnants[0].pk, gagnants[0].titre)]


def test_course_avec_battement_un_seul_gagnant(
    course, salle_formation, structure_a, structure_b, membre_a, habitant_b
):
    """9 h–10 h bloque jusqu'à 10 h 15 : il croise 10 h 10–11 h, quel que soit le premier."""
    creneaux = [creneau(9, 0, 10, 0), creneau(10, 10, 11, 0)]

    def reserver(i):
        debut, fin = creneaux[i % 2]
        return services.reserver(
            ressource=salle_formation,
            debut=debut,
            fin=fin,
            titre=f"Formation {i}",
            par=acteur((membre_a, habitant_b)[i % 2]),
            structure=(structure_a, structure_b)[i % 2],
            now=NOW,
        )

    gagnants, messages = trier(course.lancer(reserver), Reservation)

    assert len(gagnants) == 1
    assert len(messages) == FILS - 1
    assert course.lire(lambda: Reservation.objects.filter(ressource=salle_formation).count()) == 1


def test_un_seul_occupant_pour_un_bureau(course, bureau, tarifs, domaine, gestion):
    structures = [
        Structure.objects.create(
            nom=f"Structure {i}",
            slug=f"structure-{i}",
            domaine=domaine,
            arrivee=datetime.date(2010, 1, 1),
        )
        for i in range(FILS)
    ]

    def attribuer(i):
        return services.creer_convention(
            structure=structures[i],
            espace=bureau,
            debut=datetime.date(2015, 9, 1),
            par=acteur(gestion),
        )

    gagnants, messages = trier(course.lancer(attribuer), Convention)

    assert len(gagnants) == 1
    gagnant = gagnants[0]
    for m in messages:
        assert (
            m.startswith(f"Ce bureau est déjà occupé par {gagnant.structure}")
            or m == "Cet espace vient d'être attribué à une autre structure."
        )
    occupants = course.lire(
        lambda: list(Convention.objects.filter(espace=bureau).values_list("structure", "poste"))
    )
    assert occupants == [(gagnant.structure.pk, 0)]
    assert gagnant.montant_mensuel_ht == Decimal("200.00")


def test_huit_structures_pour_cinq_postes(course, cotravail, tarifs, domaine, gestion):
    structures = [
        Structure.objects.create(
            nom=f"Structure {i}",
            slug=f"structure-{i}",
            domaine=domaine,
            arrivee=datetime.date(2010, 1, 1),
        )
        for i in range(8)
    ]

    def attribuer(i):
        return services.creer_convention(
            structure=structures[i],
            espace=cotravail,
            debut=datetime.date(2015, 9, 1),
            fin=datetime.date(2016, 8, 31),
            par=acteur(gestion),
        )

    gagnants, messages = trier(course.lancer(attribuer, n=8), Convention)

    assert sorted(c.poste for c in gagnants) == [1, 2, 3, 4, 5]
    assert messages == ["Les 5 postes du co-travail sont tous occupés sur cette période."] * 3
    postes = course.lire(
        lambda: sorted(Convention.objects.filter(espace=cotravail).values_list("poste", flat=True))
    )
    assert postes == [1, 2, 3, 4, 5]


def test_dix_demandes_pour_trois_velos(course, velos, structure_a, membre_a):
    debut, fin = creneau(14, 0, 16, 0)

    def emprunter(i):
        return services.reserver_velo(
            debut=debut,
            fin=fin,
            titre=f"Tournée {i}",
            structure=structure_a,
            par=acteur(membre_a),
            now=NOW,
        )

    gagnants, messages = trier(course.lancer(emprunter, n=10), Reservation)

    assert sorted(r.ressource.nom for r in gagnants) == ["Vélo 1", "Vélo 2", "Vélo 3"]
    assert messages == ["Aucun vélo n'est libre sur ce créneau."] * 7
    par_velo = course.lire(
        lambda: sorted(
            Reservation.objects.confirmees()
            .chevauchant(debut, fin)
            .values_list("ressource__nom", flat=True)
        )
    )
    assert par_velo == ["Vélo 1", "Vélo 2", "Vélo 3"]


# --- Demandes publiques : les bornes se vérifient et se consomment sous un verrou ---------

VISITEUR = Acteur(user=None, origine=ANONYME)
# Ten weekdays of March 2026 after "now" (Monday 2 March).
JOURS_OUVRES = [datetime.date(2026, 3, j) for j in (10, 11, 12, 13, 16, 17, 18, 19, 20, 23)]


def demande(salle, i, *, email, ip, jour=JOUR):
    return services.demander_salle(
        ressource=salle,
        debut=paris(jour.year, jour.month, jour.day, 9),
        fin=paris(jour.year, jour.month, jour.day, 12),
        titre=f"Assemblée générale {i}",
        nb_personnes=10,
        organisation=services.Organisation(
            nom=f"Association {i}", email=email, adresse_facturation="Bordeaux"
        ),
        ip=ip,
        par=VISITEUR,
        now=NOW,
    )


def en_attente():
    return Reservation.objects.filter(statut=Reservation.Statut.EN_ATTENTE).count()


def test_trente_demandes_d_une_meme_adresse(course, salle_formation):
    resultats = course.lancer(
        lambda i: demande(salle_formation, i, email="spam@jetable.test", ip=f"192.0.2.{i + 1}"),
        n=30,
    )

    gagnants, messages = trier(resultats, Reservation, services.EspacesError)
    assert len(gagnants) == 3
    assert set(messages) == {
        "Vous avez déjà 3 demandes en attente : l'équipe vous répond avant d'en enregistrer "
        "d'autres."
    }
    assert course.lire(en_attente) == 3


def test_quarante_demandes_sur_la_meme_salle_le_meme_jour(course, salle_formation):
    resultats = course.lancer(
        lambda i: demande(salle_formation, i, email=f"a{i}@asso.test", ip=f"10.0.{i}.1"),
        n=40,
    )

    gagnants, messages = trier(resultats, Reservation, services.EspacesError)
    assert len(gagnants) == 5
    assert len(messages) == 35
    assert all(
        m.startswith("Salle Estuaire a déjà 5 demandes en attente le mar. 10 mars 2026")
        for m in messages
    )
    assert course.lire(en_attente) == 5


def test_vingt_demandes_d_une_meme_connexion(course, salle_formation):
    resultats = course.lancer(
        lambda i: demande(
            salle_formation,
            i,
            email=f"a{i}@asso.test",
            ip="198.51.100.7",
            jour=JOURS_OUVRES[i % len(JOURS_OUVRES)],
        ),
    )

    gagnants, messages = trier(resultats, Reservation, services.EspacesError)
    assert len(gagnants) == 5
    assert all("sont déjà parties de cette connexion en 24 heures" in m for m in messages)
    assert len(messages) == FILS - 5
    assert course.lire(en_attente) == 5


def test_cinq_demandes_acceptees_en_meme_temps_sur_le_meme_creneau(
    course, salle_formation, gestion
):
    """Elles ne retiennent rien en attente ; accepter les confirme : une seule gagne, les
    autres disent qui tient le créneau et restent en attente."""
    demandes = [
        demande(salle_formation, i, email=f"a{i}@asso.test", ip=f"10.1.{i}.1") for i in range(5)
    ]

    resultats = course.lancer(
        lambda i: services.decider_demande(
            reservation=demandes[i], accepter=True, par=acteur(gestion), now=NOW
        ),
        n=5,
    )

    gagnants, messages = trier(resultats, Reservation)
    (gagnant,) = gagnants
    assert len(messages) == 4
    assert all(
        m.startswith(
            f"Salle Estuaire a été réservée entre-temps par Association {gagnant.titre[-1]} "
            "(extérieur), de 09:00 à 12:15 le mar. 10 mars 2026 (battement compris) : la "
            "demande reste en attente."
        )
        for m in messages
    ), messages
    statuts = course.lire(lambda: sorted(Reservation.objects.values_list("statut", flat=True)))
    assert statuts == ["confirmee"] + ["en_attente"] * 4


# --- Forfait d'heures de salle : lu puis consommé sous le verrou du mois --------------------


def test_huit_reservations_paralleles_et_le_forfait(course, salle, tarifs, structure_a, membre_a):
    """10 h incluses, huit réunions de 3 h en même temps : trois gratuites, une avec 2 h
    facturées, quatre avec 3 h (sans verrou, quatre passaient gratuites)."""
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=datetime.date(2015, 1, 1)
    )

    def reserver(i):
        jour = JOURS_OUVRES[i]
        return services.reserver(
            ressource=salle,
            debut=paris(jour.year, jour.month, jour.day, 9),
            fin=paris(jour.year, jour.month, jour.day, 12),
            titre=f"Formation {i}",
            par=acteur(membre_a),
            structure=structure_a,
            now=NOW,
        )

    gagnants, messages = trier(course.lancer(reserver, n=8), Reservation)

    assert (len(gagnants), messages) == (8, [])
    facturees = course.lire(
        lambda: sorted(
            Reservation.objects.filter(structure=structure_a).values_list(
                "minutes_facturables", "montant_ht"
            )
        )
    )
    assert (
        facturees
        == [(0, Decimal("0.00"))] * 3 + [(120, Decimal("20.00"))] + [(180, Decimal("30.00"))] * 4
    )
    assert sum(m for m, _ in facturees) == 840


def test_cinq_reservations_allongees_en_meme_temps_et_le_forfait(
    course, salle, tarifs, structure_a, membre_a
):
    """10 h incluses, cinq réunions d'1 h (5 h utilisées), chacune allongée à 3 h en même
    temps « gratuitement » (montant accepté 0) : deux passent (9 h), les trois autres
    dépasseraient le forfait et sont refusées sans rien changer. Sans le verrou du mois, chaque
    modification lisait les 5 h d'avant et toutes passaient gratuites."""
    ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=10, debut=datetime.date(2015, 1, 1)
    )
    reunions = [
        services.reserver(
            ressource=salle,
            debut=paris(j.year, j.month, j.day, 9),
            fin=paris(j.year, j.month, j.day, 10),
            titre=f"Réunion {i}",
            par=acteur(membre_a),
            structure=structure_a,
            now=NOW,
        )
        for i, j in enumerate(JOURS_OUVRES[:5])
    ]

    def allonger(i):
        r = reunions[i]
        return services.modifier_reservation(
            reservation=r,
            debut=r.debut,
            fin=r.debut + datetime.timedelta(hours=3),
            titre=r.titre,
            nb_personnes=1,
            par=acteur(membre_a),
            prix_accepte=Decimal(0),
            now=NOW,
        )

    gagnants, messages = trier(course.lancer(allonger, n=5), Reservation, services.PrixError)

    assert (len(gagnants), len(messages)) == (2, 3)
    durees = course.lire(
        lambda: sorted(
            (r.duree_minutes, r.montant_ht)
            for r in Reservation.objects.filter(structure=structure_a)
        )
    )
    assert durees == [(60, Decimal("0.00"))] * 3 + [(180, Decimal("0.00"))] * 2


def test_deplacer_cinq_reservations_sur_le_meme_creneau_un_seul_gagnant(
    course, salle, structure_a, membre_a
):
    reunions = [
        services.reserver(
            ressource=salle,
            debut=paris(j.year, j.month, j.day, 9),
            fin=paris(j.year, j.month, j.day, 10),
            titre=f"Réunion {i}",
            par=acteur(membre_a),
            structure=structure_a,
            now=NOW,
        )
        for i, j in enumerate(JOURS_OUVRES[1:6])
    ]
    debut, fin = creneau(14, 0, 15, 0)

    def deplacer(i):
        r = reunions[i]
        return services.modifier_reservation(
            reservation=r,
            debut=debut,
            fin=fin,
            titre=r.titre,
            nb_personnes=1,
            par=acteur(membre_a),
            now=NOW,
        )

    gagnants, messages = trier(course.lancer(deplacer, n=5), Reservation)

    assert (len(gagnants), len(messages)) == (1, 4)
    assert (
        course.lire(lambda: Reservation.objects.confirmees().chevauchant(debut, fin).count()) == 1
    )


# --- La base elle-même refuse (PostgreSQL) ---------------------------------------


def inserer(salle, structure, debut, fin, statut=Reservation.Statut.CONFIRMEE, battement=0):
    """Insertion brute, sans passer par le service."""
    return Reservation.objects.create(
        ressource=salle,
        debut=debut,
        fin=fin,
        fin_bloquee=fin + datetime.timedelta(minutes=battement),
        statut=statut,
        structure=structure,
        titre="Insertion directe",
    )


@pytest.mark.postgres
def test_la_base_refuse_un_chevauchement(salle, structure_a, structure_b):
    exiger_postgres()
    inserer(salle, structure_a, *creneau(9, 0, 10, 0))

    with (
        pytest.raises(IntegrityError, match="reservation_sans_chevauchement"),
        transaction.atomic(),
    ):
        inserer(salle, structure_b, *creneau(9, 30, 10, 30))
    # A pending request holds nothing (migration 0004)… until it is confirmed.
    demande = inserer(
        salle, structure_b, *creneau(8, 0, 11, 0), statut=Reservation.Statut.EN_ATTENTE
    )
    demande.statut = Reservation.Statut.CONFIRMEE
    with pytest.raises(IntegrityError), transaction.atomic():
        demande.save(update_fields=["statut"])

    # [) ranges: back to back fits; a cancelled row blocks nothing.
    inserer(salle, structure_b, *creneau(10, 0, 11, 0))
    inserer(salle, structure_b, *creneau(9, 0, 10, 0), statut=Reservation.Statut.ANNULEE)
    assert Reservation.objects.filter(ressource=salle).confirmees().count() == 2


@pytest.mark.postgres
def test_la_base_compte_le_battement(salle_formation, structure_a, structure_b):
    exiger_postgres()
    inserer(salle_formation, structure_a, *creneau(9, 0, 10, 0), battement=15)

    with pytest.raises(IntegrityError), transaction.atomic():
        inserer(salle_formation, structure_b, *creneau(10, 10, 11, 0), battement=15)
    inserer(salle_formation, structure_b, *creneau(10, 15, 11, 0), battement=15)


@pytest.mark.postgres
def test_la_base_refuse_deux_occupants(bureau, cotravail, structure_a, structure_b):
    exiger_postgres()

    def convention(structure, espace, debut, fin=None, poste=0):
        return Convention.objects.create(
            structure=structure,
            espace=espace,
            poste=poste,
            debut=debut,
            fin=fin,
            montant_mensuel_ht=Decimal("200.00"),
        )

    convention(structure_a, bureau, datetime.date(2015, 1, 1), datetime.date(2015, 8, 31))
    # Dates are inclusive: the last day of one agreement is not the first of the next.
    with (
        pytest.raises(IntegrityError, match="convention_un_occupant_par_poste"),
        transaction.atomic(),
    ):
        convention(structure_b, bureau, datetime.date(2015, 8, 31))
    convention(structure_b, bureau, datetime.date(2015, 9, 1))

    convention(structure_a, cotravail, datetime.date(2015, 1, 1), poste=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        convention(structure_b, cotravail, datetime.date(2016, 1, 1), poste=1)
    convention(structure_b, cotravail, datetime.date(2016, 1, 1), poste=2)


def test_deux_clics_sur_creer_mes_liens_laissent_un_seul_lien_actif(course, membre_a):
    """« Créer mes liens » cliqué dix fois à la fois : pas d'erreur, un seul jeton actif."""
    from espaces.models import JetonCalendrier

    resultats = course.lancer(lambda i: services.nouveau_jeton(par=acteur(membre_a)), n=10)

    assert all(isinstance(r, str) for r in resultats), resultats
    actifs = course.lire(
        lambda: JetonCalendrier.objects.filter(user=membre_a, revoque_le__isnull=True).count()
    )
    assert actifs == 1
