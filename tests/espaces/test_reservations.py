"""Réservations de salles et de vélos : règles, chevauchements, battement, prix figés,
annulation, qui réserve pour qui. Au niveau des services ; chaque test relit la base.
Les demandes extérieures : test_demandes.py."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from espaces import selectors, services
from espaces.models import ForfaitSalles, Reservation, Ressource, Tarif
from tests.conftest import acteur
from tests.espaces.conftest import JOUR, NOW, creneau, paris

pytestmark = pytest.mark.django_db

Statut = Reservation.Statut


def reserver(ressource, debut, fin, *, structure=None, externe=None, par=None, **kwargs):
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("titre", "Réunion d'équipe")
    return services.reserver(
        ressource=ressource,
        debut=debut,
        fin=fin,
        structure=structure,
        externe=externe,
        par=acteur(par),
        **kwargs,
    )


def inserer(ressource, structure, debut, fin, statut):
    """Une ligne déjà en base, sans passer par le service."""
    return Reservation.objects.create(
        ressource=ressource,
        debut=debut,
        fin=fin,
        fin_bloquee=fin,
        statut=statut,
        structure=structure,
        titre="Déjà là",
    )


# --- Règles ---------------------------------------------------------------------

SAMEDI = datetime.date(2026, 3, 14)
REGLES = [
    pytest.param(creneau(10, 0, 9, 0), {}, "La fin doit suivre le début.", id="fin-avant-debut"),
    pytest.param(creneau(9, 0, 9, 0), {}, "La fin doit suivre le début.", id="duree-nulle"),
    pytest.param(
        creneau(9, 0, 10, 0, jour=datetime.date(2026, 2, 27)),
        {},
        "Ce créneau est dans le passé.",
        id="passe",
    ),
    pytest.param(
        (paris(2026, 3, 2, 7, 59), paris(2026, 3, 2, 9)),
        {},
        "Ce créneau est dans le passé.",
        id="commence-une-minute-avant-maintenant",
    ),
    pytest.param(
        creneau(7, 30, 9, 0), {}, "Salle Phare est ouverte de 08:00 à 20:00.", id="avant-ouverture"
    ),
    pytest.param(
        creneau(19, 0, 20, 30),
        {},
        "Salle Phare est ouverte de 08:00 à 20:00.",
        id="apres-fermeture",
    ),
    pytest.param(
        creneau(9, 0, 10, 0, jour=SAMEDI),
        {},
        "Salle Phare n'est pas ouverte ce jour-là.",
        id="jour-ferme",
    ),
    pytest.param(
        (paris(2026, 3, 10, 19), paris(2026, 3, 11, 9)),
        {},
        "Une réservation commence et finit le même jour.",
        id="sur-deux-jours",
    ),
    pytest.param(creneau(9, 0, 9, 29), {}, "Durée minimale : 30 min.", id="trop-courte"),
    pytest.param(creneau(8, 0, 18, 1), {}, "Durée maximale : 10 h.", id="trop-longue"),
    pytest.param(
        creneau(9, 0, 10, 0, jour=datetime.date(2026, 9, 1)),
        {},
        "On ne peut réserver Salle Phare que 180 jours à l'avance.",
        id="au-dela-du-delai",
    ),
    pytest.param(
        creneau(9, 0, 10, 0),
        {"nb_personnes": 11},
        "Salle Phare accueille 10 personnes au plus.",
        id="trop-de-monde",
    ),
    pytest.param(
        creneau(9, 0, 10, 0), {"nb_personnes": 0}, "Indiquez au moins une personne.", id="personne"
    ),
    pytest.param(
        creneau(9, 0, 10, 0),
        {"titre": "   "},
        "Donnez un objet à la réservation.",
        id="sans-objet",
    ),
    pytest.param(
        (datetime.datetime(2026, 3, 10, 9), datetime.datetime(2026, 3, 10, 10)),
        {},
        "Heure sans fuseau : précisez la date et l'heure.",
        id="heure-naive",
    ),
]


@pytest.mark.parametrize(("slot", "extra", "message"), REGLES)
def test_regles_refusees_sans_rien_ecrire(salle, structure_a, membre_a, slot, extra, message):
    with pytest.raises(services.EspacesError) as exc:
        reserver(salle, *slot, structure=structure_a, par=membre_a, **extra)

    assert str(exc.value) == message
    assert not isinstance(exc.value, services.ConflitError)
    assert not Reservation.objects.exists()


def test_limites_acceptees(salle, structure_a, membre_a):
    """Bornes incluses : 8 h–18 h (10 h pile), 10 personnes, 30 min, dernier jour du délai."""
    reserver(salle, *creneau(8, 0, 18, 0), structure=structure_a, par=membre_a, nb_personnes=10)
    reserver(salle, *creneau(19, 30, 20, 0), structure=structure_a, par=membre_a)
    dernier_jour = datetime.date(2026, 8, 28)  # NOW + 180 days = Saturday 29 August, 8 h
    reserver(salle, *creneau(9, 0, 10, 0, jour=dernier_jour), structure=structure_a, par=membre_a)

    assert Reservation.objects.filter(ressource=salle, statut=Statut.CONFIRMEE).count() == 3


def test_salle_inactive(salle, structure_a, membre_a):
    Ressource.objects.filter(pk=salle.pk).update(active=False)
    salle.refresh_from_db()

    with pytest.raises(services.EspacesError, match=r"^Salle Phare n'est pas réservable en ce"):
        reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    assert not Reservation.objects.exists()


def test_externe_sur_une_salle_reservee_aux_habitants(salle, client_externe, gestion):
    with pytest.raises(services.EspacesError) as exc:
        reserver(salle, *creneau(9, 0, 10, 0), externe=client_externe, par=gestion)

    assert str(exc.value) == "Salle Phare n'est pas proposée aux organisations extérieures."
    assert not Reservation.objects.exists()


@pytest.mark.parametrize("pour", ["personne", "les-deux"])
def test_une_structure_ou_un_externe(salle_formation, structure_a, client_externe, gestion, pour):
    beneficiaires = {"structure": structure_a, "externe": client_externe}
    if pour == "personne":
        beneficiaires = {}

    with pytest.raises(services.EspacesError, match="pour une structure ou pour un client"):
        reserver(salle_formation, *creneau(9, 0, 10, 0), par=gestion, **beneficiaires)
    assert not Reservation.objects.exists()


def test_structure_archivee(salle, structure_a, membre_a):
    structure_a.archivee = True
    structure_a.save()

    with pytest.raises(services.EspacesError, match=r"^Cette structure est archivée\.$"):
        reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    assert not Reservation.objects.exists()


def test_horaires_a_l_heure_de_paris_en_ete(salle, structure_a, membre_a):
    """En juillet, 8 h à Paris est 6 h UTC : l'ouverture se lit à l'heure murale."""
    juillet = datetime.date(2026, 7, 7)
    r = reserver(salle, *creneau(8, 0, 9, 0, jour=juillet), structure=structure_a, par=membre_a)

    r.refresh_from_db()
    assert r.debut == datetime.datetime(2026, 7, 7, 6, 0, tzinfo=datetime.UTC)
    with pytest.raises(services.EspacesError, match="ouverte de 08:00 à 20:00"):
        reserver(salle, *creneau(19, 30, 20, 30, jour=juillet), structure=structure_a, par=membre_a)


def test_maintenant_par_defaut_est_l_heure_du_serveur(time_machine, salle, structure_a, membre_a):
    time_machine.move_to(paris(2026, 3, 10, 9, 30), tick=False)

    with pytest.raises(services.EspacesError, match="dans le passé"):
        services.reserver(
            ressource=salle,
            debut=paris(2026, 3, 10, 9),
            fin=paris(2026, 3, 10, 10),
            titre="En retard",
            structure=structure_a,
            par=acteur(membre_a),
        )
    r = services.reserver(
        ressource=salle,
        debut=paris(2026, 3, 10, 10),
        fin=paris(2026, 3, 10, 11),
        titre="À l'heure",
        structure=structure_a,
        par=acteur(membre_a),
    )
    assert Reservation.objects.get().cree_le == paris(2026, 3, 10, 9, 30)
    assert r.titre == "À l'heure"


# --- Chevauchements -------------------------------------------------------------


def test_meme_creneau_refuse(salle, structure_a, structure_b, membre_a, habitant_b):
    premiere = reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)

    with pytest.raises(services.ConflitError) as exc:
        reserver(salle, *creneau(9, 0, 10, 0), structure=structure_b, par=habitant_b)

    assert str(exc.value) == (
        "Salle Phare est déjà réservée de 09:00 à 10:00 le mar. 10 mars 2026 : "
        "choisissez un autre créneau."
    )
    assert list(Reservation.objects.values_list("pk", "structure")) == [
        (premiere.pk, structure_a.pk)
    ]


@pytest.mark.parametrize(
    ("h1", "m1", "h2", "m2"),
    [(9, 30, 10, 30), (8, 30, 9, 30), (8, 0, 11, 0), (9, 15, 9, 45), (9, 59, 10, 30)],
)
def test_chevauchements_refuses(
    salle, structure_a, structure_b, membre_a, habitant_b, h1, m1, h2, m2
):
    reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)

    with pytest.raises(services.ConflitError, match="déjà réservée de 09:00 à 10:00"):
        reserver(salle, *creneau(h1, m1, h2, m2), structure=structure_b, par=habitant_b)
    assert Reservation.objects.count() == 1


def test_bout_a_bout_accepte(salle, structure_a, structure_b, membre_a, habitant_b):
    reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    reserver(salle, *creneau(10, 0, 11, 0), structure=structure_b, par=habitant_b)
    reserver(salle, *creneau(8, 0, 9, 0), structure=structure_b, par=habitant_b)

    assert Reservation.objects.confirmees().filter(ressource=salle).count() == 3


def test_autre_salle_autre_jour_libres(salle, salle_formation, structure_a, membre_a):
    reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    reserver(salle_formation, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    lendemain = JOUR + datetime.timedelta(days=1)
    reserver(salle, *creneau(9, 0, 10, 0, jour=lendemain), structure=structure_a, par=membre_a)

    assert Reservation.objects.count() == 3


def test_battement_apres_une_reservation(
    salle_formation, structure_a, structure_b, membre_a, habitant_b
):
    premiere = reserver(salle_formation, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    assert premiere.fin_bloquee == paris(2026, 3, 10, 10, 15)

    with pytest.raises(services.ConflitError) as exc:
        reserver(salle_formation, *creneau(10, 10, 11, 0), structure=structure_b, par=habitant_b)
    assert str(exc.value) == (
        "Salle Estuaire est déjà réservée de 09:00 à 10:15 le mar. 10 mars 2026 "
        "(battement compris) : choisissez un autre créneau."
    )
    assert Reservation.objects.count() == 1

    reserver(salle_formation, *creneau(10, 15, 11, 0), structure=structure_b, par=habitant_b)
    assert Reservation.objects.filter(ressource=salle_formation).count() == 2


def test_battement_avant_une_reservation(
    salle_formation, structure_a, structure_b, membre_a, habitant_b
):
    """Le battement de la nouvelle réservation ne doit pas mordre sur la suivante."""
    reserver(salle_formation, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)

    with pytest.raises(services.ConflitError):
        reserver(salle_formation, *creneau(8, 0, 8, 50), structure=structure_b, par=habitant_b)
    reserver(salle_formation, *creneau(8, 0, 8, 45), structure=structure_b, par=habitant_b)

    assert Reservation.objects.count() == 2


@pytest.mark.parametrize("statut", [Statut.ANNULEE, Statut.REFUSEE, Statut.EXPIREE])
def test_statuts_qui_ne_bloquent_pas(salle, structure_a, structure_b, membre_a, statut):
    ancienne = inserer(salle, structure_b, *creneau(9, 0, 10, 0), statut)

    nouvelle = reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)

    assert nouvelle.statut == Statut.CONFIRMEE
    ancienne.refresh_from_db()
    assert ancienne.statut == statut
    assert list(Reservation.objects.confirmees().values_list("pk", flat=True)) == [nouvelle.pk]


# --- Vélos ----------------------------------------------------------------------


def emprunter(structure, par, h1=14, h2=16):
    debut, fin = creneau(h1, 0, h2, 0)
    return services.reserver_velo(
        debut=debut, fin=fin, titre="Livraison", structure=structure, par=acteur(par), now=NOW
    )


def test_velos_attribues_un_par_demande(velos, structure_a, structure_b, membre_a, habitant_b):
    r1 = emprunter(structure_a, membre_a)
    r2 = emprunter(structure_b, habitant_b, 15, 17)
    r3 = emprunter(structure_a, membre_a, 13, 16)

    with pytest.raises(services.ConflitError) as exc:
        emprunter(structure_b, habitant_b, 15, 16)
    assert str(exc.value) == "Aucun vélo n'est libre sur ce créneau."

    assert {r1.ressource_id, r2.ressource_id, r3.ressource_id} == {v.pk for v in velos}
    assert Reservation.objects.count() == 3
    # The morning is free again: the first bike (by name) is lent.
    matin = emprunter(structure_b, habitant_b, 9, 11)
    assert matin.ressource.nom == "Vélo 1"


def test_velo_rendu_libre_par_une_annulation(velos, structure_a, membre_a):
    prises = [emprunter(structure_a, membre_a) for _ in velos]
    services.annuler(reservation=prises[1], par=acteur(membre_a), now=NOW)

    nouvelle = emprunter(structure_a, membre_a)

    assert nouvelle.ressource == velos[1]


def test_velo_inactif_jamais_prete(velos, structure_a, membre_a):
    Ressource.objects.filter(pk=velos[0].pk).update(active=False)

    prises = [emprunter(structure_a, membre_a) for _ in range(2)]

    assert sorted(r.ressource.nom for r in prises) == ["Vélo 2", "Vélo 3"]
    with pytest.raises(services.ConflitError, match="Aucun vélo n'est libre"):
        emprunter(structure_a, membre_a)
    Ressource.objects.filter(categorie=Ressource.Categorie.VELO).update(active=False)
    with pytest.raises(services.EspacesError, match="Aucun vélo n'est proposé"):
        emprunter(structure_a, membre_a, 8, 9)


def test_velo_payant(velos, structure_a, membre_a):
    Tarif.objects.create(
        code=Tarif.Code.VELO_HEURE, montant_ht=Decimal("1.50"), debut=datetime.date(2026, 1, 1)
    )

    r = emprunter(structure_a, membre_a, 14, 16)

    r.refresh_from_db()
    assert (r.minutes_facturables, r.montant_ht, r.taux_tva) == (120, Decimal("3.00"), 20)


def test_un_velo_payant_refuse_un_prix_au_dela_du_montant_accepte(velos, structure_a, membre_a):
    """2 € HT de l'heure, 3 h : 7,20 € TTC. Annoncé gratuit (0), rien n'est réservé ni
    envoyé ; au montant montré, le vélo est réservé."""
    Tarif.objects.create(
        code=Tarif.Code.VELO_HEURE, montant_ht=Decimal("2.00"), debut=datetime.date(2026, 1, 1)
    )
    debut, fin = creneau(9, 0, 12, 0)

    def emprunter_a(prix_accepte):
        return services.reserver_velo(
            debut=debut,
            fin=fin,
            titre="Livraison",
            structure=structure_a,
            par=acteur(membre_a),
            prix_accepte=prix_accepte,
            now=NOW,
        )

    with pytest.raises(services.PrixError) as exc:
        emprunter_a(Decimal(0))
    assert str(exc.value).startswith(
        "Rien n'est réservé : le prix est maintenant de 7,20\u00a0€ TTC, plus que le montant "
        "accepté (0,00\u00a0€ TTC). Le tarif des vélos a pu changer entre-temps"
    )
    assert not Reservation.objects.exists()
    assert mail.outbox == []

    r = emprunter_a(Decimal("7.20"))
    assert (r.minutes_facturables, r.montant.ttc) == (180, Decimal("7.20"))


# --- Prix figés -----------------------------------------------------------------


def prix(r: Reservation):
    r.refresh_from_db()
    return r.minutes_facturables, r.montant_ht


@pytest.fixture
def forfait_2h(structure_a):
    return ForfaitSalles.objects.create(
        structure=structure_a, heures_par_mois=2, debut=datetime.date(2015, 1, 1)
    )


def test_habitant_dans_puis_au_dela_du_forfait(salle, tarifs, forfait_2h, structure_a, membre_a):
    dans = reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)
    assert prix(dans) == (0, Decimal("0.00"))
    assert dans.tarif is None

    # 1 h already used out of 2: 1 h 45 leaves 45 minutes beyond the allowance.
    au_dela = reserver(salle, *creneau(14, 0, 15, 45), structure=structure_a, par=membre_a)

    assert prix(au_dela) == (45, Decimal("7.50"))
    assert au_dela.tarif == tarifs[Tarif.Code.SALLE_HABITANT_HEURE]
    assert au_dela.taux_tva == Decimal("20.00")

    entierement = reserver(salle, *creneau(16, 0, 17, 0), structure=structure_a, par=membre_a)
    assert prix(entierement) == (60, Decimal("10.00"))


def test_arrondi_au_centime_superieur(salle, tarifs, forfait_2h, structure_a, membre_a):
    """30 min à 10,33 €/h = 5,165 € : 5,17 € (demi supérieur), pas 5,16 € (demi pair)."""
    Tarif.objects.create(
        code=Tarif.Code.SALLE_HABITANT_HEURE,
        ressource=salle,
        montant_ht=Decimal("10.33"),
        debut=datetime.date(2026, 1, 1),
    )

    r = reserver(salle, *creneau(9, 0, 11, 30), structure=structure_a, par=membre_a)

    assert prix(r) == (30, Decimal("5.17"))


def test_forfait_par_mois_et_par_structure(
    salle, tarifs, forfait_2h, structure_a, structure_b, membre_a, habitant_b
):
    ForfaitSalles.objects.create(
        structure=structure_b, heures_par_mois=1, debut=datetime.date(2015, 1, 1)
    )
    reserver(salle, *creneau(8, 0, 10, 0), structure=structure_a, par=membre_a)
    annulee = reserver(salle, *creneau(10, 0, 11, 0), structure=structure_a, par=membre_a)
    services.annuler(reservation=annulee, par=acteur(membre_a), now=NOW)

    # Structure B has its own allowance; a cancelled booking uses none; April starts afresh.
    autre = reserver(salle, *creneau(11, 0, 12, 0), structure=structure_b, par=habitant_b)
    avril = datetime.date(2026, 4, 7)
    avril_r = reserver(
        salle, *creneau(9, 0, 11, 0, jour=avril), structure=structure_a, par=membre_a
    )
    mars = reserver(salle, *creneau(14, 0, 14, 30), structure=structure_a, par=membre_a)

    assert prix(autre) == (0, Decimal("0.00"))
    assert prix(avril_r) == (0, Decimal("0.00"))
    assert prix(mars) == (30, Decimal("5.00"))


@pytest.mark.parametrize("heures", [None, 0])
def test_sans_forfait_ou_illimite_gratuit(salle, tarifs, structure_a, membre_a, heures):
    if heures is not None:
        ForfaitSalles.objects.create(
            structure=structure_a, heures_par_mois=heures, debut=datetime.date(2015, 1, 1)
        )

    r = reserver(salle, *creneau(8, 0, 18, 0), structure=structure_a, par=membre_a)

    assert prix(r) == (0, Decimal("0.00"))
    assert r.tarif is None


def test_forfait_termine_ne_compte_plus(salle, tarifs, structure_a, membre_a):
    ForfaitSalles.objects.create(
        structure=structure_a,
        heures_par_mois=1,
        debut=datetime.date(2015, 1, 1),
        fin=datetime.date(2026, 3, 31),
    )
    mars = reserver(salle, *creneau(9, 0, 11, 0), structure=structure_a, par=membre_a)
    avril = reserver(
        salle,
        *creneau(9, 0, 11, 0, jour=datetime.date(2026, 4, 7)),
        structure=structure_a,
        par=membre_a,
    )

    assert prix(mars) == (60, Decimal("10.00"))
    assert prix(avril) == (0, Decimal("0.00"))


@pytest.mark.parametrize(
    ("h1", "h2", "code", "montant"),
    [
        (9, 12, Tarif.Code.SALLE_HEURE, "75.00"),  # 3 × 25 < 80
        (9, 13, Tarif.Code.SALLE_DEMI_JOURNEE, "80.00"),  # 80 < 100
        (9, 14, Tarif.Code.SALLE_HEURE, "125.00"),  # 5 h: 2 half-days (160), 1 day (140)
        (9, 16, Tarif.Code.SALLE_JOURNEE, "140.00"),  # 7 h: 175, 2 half-days 160, 1 day 140
        (8, 17, Tarif.Code.SALLE_HEURE, "225.00"),  # 9 h: 3 half-days 240, 2 days 280
    ],
)
def test_externe_paie_le_moins_cher(
    salle_formation, tarifs, client_externe, gestion, h1, h2, code, montant
):
    r = reserver(salle_formation, *creneau(h1, 0, h2, 0), externe=client_externe, par=gestion)

    assert prix(r) == ((h2 - h1) * 60, Decimal(montant))
    assert r.tarif == tarifs[code]
    assert r.taux_tva == Decimal("20.00")


def test_externe_heure_entamee_au_prorata(salle_formation, tarifs, client_externe, gestion):
    r = reserver(salle_formation, *creneau(9, 0, 10, 30), externe=client_externe, par=gestion)

    assert prix(r) == (90, Decimal("37.50"))


def test_externe_sans_tarif(salle_formation, client_externe, gestion):
    r = reserver(salle_formation, *creneau(9, 0, 10, 0), externe=client_externe, par=gestion)

    assert prix(r) == (60, Decimal("0.00"))
    assert r.tarif is None


def test_tarifs_dates_et_propres_a_la_salle(salle_formation, tarifs, client_externe, gestion):
    Tarif.objects.filter(pk=tarifs[Tarif.Code.SALLE_HEURE].pk).update(
        fin=datetime.date(2026, 3, 31)
    )
    avril_general = Tarif.objects.create(
        code=Tarif.Code.SALLE_HEURE, montant_ht=Decimal("30"), debut=datetime.date(2026, 4, 1)
    )
    propre_expire = Tarif.objects.create(
        code=Tarif.Code.SALLE_HEURE,
        ressource=salle_formation,
        montant_ht=Decimal("5"),
        debut=datetime.date(2015, 1, 1),
        fin=datetime.date(2026, 4, 30),
    )
    propre_ete = Tarif.objects.create(
        code=Tarif.Code.SALLE_HEURE,
        ressource=salle_formation,
        montant_ht=Decimal("20"),
        debut=datetime.date(2026, 6, 1),
    )
    Tarif.objects.filter(ressource__isnull=True).exclude(code=Tarif.Code.SALLE_HEURE).delete()

    def deux_heures(jour):
        return reserver(
            salle_formation, *creneau(9, 0, 11, 0, jour=jour), externe=client_externe, par=gestion
        )

    mars = deux_heures(datetime.date(2026, 3, 31))  # specific tariff, still valid
    mai = deux_heures(datetime.date(2026, 5, 5))  # specific one ended: general April tariff
    juin = deux_heures(datetime.date(2026, 6, 2))

    assert (mars.tarif, prix(mars)) == (propre_expire, (120, Decimal("10.00")))
    assert (mai.tarif, prix(mai)) == (avril_general, (120, Decimal("60.00")))
    assert (juin.tarif, prix(juin)) == (propre_ete, (120, Decimal("40.00")))

    # Frozen: a later price change leaves existing bookings alone.
    Tarif.objects.filter(pk=avril_general.pk).update(montant_ht=Decimal("99"))
    assert prix(mai) == (120, Decimal("60.00"))


def test_tarif_en_vigueur(salle, salle_formation, tarifs):
    heure = tarifs[Tarif.Code.SALLE_HEURE]
    Tarif.objects.filter(pk=heure.pk).update(fin=datetime.date(2025, 12, 31))
    nouveau = Tarif.objects.create(
        code=Tarif.Code.SALLE_HEURE, montant_ht=Decimal("30"), debut=datetime.date(2026, 1, 1)
    )
    propre = Tarif.objects.create(
        code=Tarif.Code.SALLE_HEURE,
        ressource=salle,
        montant_ht=Decimal("15"),
        debut=datetime.date(2026, 2, 1),
    )

    def en_vigueur(le, ressource=None):
        return selectors.tarif_en_vigueur(Tarif.Code.SALLE_HEURE, le, ressource)

    assert en_vigueur(datetime.date(2014, 12, 31)) is None
    assert en_vigueur(datetime.date(2015, 1, 1)).pk == heure.pk
    assert en_vigueur(datetime.date(2025, 12, 31)).pk == heure.pk
    assert en_vigueur(datetime.date(2026, 1, 1)) == nouveau
    assert en_vigueur(datetime.date(2026, 1, 31), salle) == nouveau
    assert en_vigueur(datetime.date(2026, 2, 1), salle) == propre
    assert en_vigueur(datetime.date(2026, 2, 1), salle_formation) == nouveau
    assert en_vigueur(datetime.date(2026, 2, 1)) == nouveau


# --- Annulation -----------------------------------------------------------------


@pytest.fixture
def reunion(salle, structure_a, membre_a):
    """Mardi 10 mars 2026, 9 h–10 h ; la salle demande 24 h de préavis."""
    return reserver(salle, *creneau(9, 0, 10, 0), structure=structure_a, par=membre_a)


def test_annulation_avant_le_preavis_libere_le_creneau(
    reunion, salle, structure_b, membre_a, habitant_b
):
    limite = paris(2026, 3, 9, 9)  # exactly 24 h before

    services.annuler(reservation=reunion, par=acteur(membre_a), now=limite)

    reunion.refresh_from_db()
    assert reunion.statut == Statut.ANNULEE
    assert (reunion.annulee_le, reunion.annulee_par) == (limite, membre_a)
    autre = reserver(
        salle, *creneau(9, 0, 10, 0), structure=structure_b, par=habitant_b, now=limite
    )
    assert list(Reservation.objects.confirmees().values_list("pk", flat=True)) == [autre.pk]


def test_annulation_dans_le_preavis(reunion, membre_a, gestion):
    tard = paris(2026, 3, 9, 9, 1)

    with pytest.raises(services.EspacesError) as exc:
        services.annuler(reservation=reunion, par=acteur(membre_a), now=tard)
    assert str(exc.value) == (
        "Annulation possible jusqu'à 24 h avant le début : contactez l'équipe du PHARES."
    )
    reunion.refresh_from_db()
    assert reunion.statut == Statut.CONFIRMEE

    services.annuler(reservation=reunion, par=acteur(gestion), now=tard)

    reunion.refresh_from_db()
    assert (reunion.statut, reunion.annulee_par) == (Statut.ANNULEE, gestion)


@pytest.mark.parametrize("qui", ["membre_a", "gestion"])
def test_reservation_passee_non_annulable(reunion, request, qui):
    with pytest.raises(services.EspacesError, match="passée : elle ne peut plus être annulée"):
        services.annuler(
            reservation=reunion,
            par=acteur(request.getfixturevalue(qui)),
            now=paris(2026, 3, 10, 10),
        )
    reunion.refresh_from_db()
    assert reunion.statut == Statut.CONFIRMEE


def test_annuler_deux_fois(reunion, membre_a):
    services.annuler(reservation=reunion, par=acteur(membre_a), now=NOW)

    with pytest.raises(services.EspacesError, match="n'est plus active"):
        services.annuler(reservation=reunion, par=acteur(membre_a), now=NOW)
    reunion.refresh_from_db()
    assert reunion.annulee_le == NOW
