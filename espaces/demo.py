"""Données de démonstration du bâtiment, tirées du rapport annuel 2015 de
La Cité PHARES (shared/seed/000_a91c6fd21e8c75e1.txt).

Chargées par `python manage.py demo` après habitants.demo, dont elles reprennent
les structures et les personnes (voir phares/management/commands/demo.py).

Ce que dit le rapport, et que les vérifications ci-dessous imposent : 1350 m² sur
3 étages, 7 salles de réunion et de formation, 16 bureaux privatifs, 5 postes de
co-travail, 1 réfectoire, 1 cafétéria, 3 ateliers (espaces verts, création
textile…), des stockages et des vestiaires, 1 épicerie ; bureaux à 16 €/m²/mois
et poste de co-travail à 120 €/mois ; repas mensuels des habitants ; vélos et
affranchissement mis en place en 2015 ; travaux au rez-de-chaussée bas.

Tout le reste est inventé mais plausible :
- les noms des salles (rivières d'Île-de-France), les surfaces, capacités,
  équipements et l'accessibilité ; le 3e atelier (« Atelier bricolage », au
  rez-de-chaussée bas, la surface rendue utilisable par les travaux de 2015) ;
  le reste des 1350 m² (circulations, accueil, sanitaires, locaux techniques)
  n'est pas décrit en espaces ;
- qui occupe quel bureau : chaque convention commence à l'arrivée de la
  structure et finit à son départ ; le loyer écrit est celui de 2015 même pour
  une convention plus ancienne (le modèle garde un loyer par convention) ;
  Halage reprend le bureau de Novaedia en octobre 2015 ; les bureaux de Femasif
  et de la Mission populaire restent libres après leur départ ;
- les tarifs autres que bureaux et co-travail (salles, forfait habitant de 10 h
  par mois, vélos gratuits, affranchissement, impression) et les règles de
  réservation ;
- l'agenda 2015 : repas le 2e jeudi du mois (jeudi suivant si férié), réunion
  mensuelle de la cogérance le 1er lundi, plénières, formation hebdomadaire de
  Procarist le mardi, assemblées générales de juin, deux locations extérieures,
  environ 150 réunions tirées au sort (random.Random, graine fixe : le même
  agenda à chaque chargement), les vélos à partir de mai, le courrier à partir
  d'avril. Les événements de la SCIC sont réservés au nom d'une structure de
  cogérant·e (une réservation a une structure ou un client extérieur) ;
- les montants des réservations 2015 sont calculés comme le service `reserver`
  l'aurait fait en les prenant dans l'ordre chronologique (forfait mensuel puis
  tarif habitant à l'heure ; tarifs extérieurs pour les clients extérieurs).

Réservations à venir : `reserver` refuse le passé, donc l'agenda 2015 est écrit
directement ; en revanche quelques réservations de la semaine prochaine,
**relative au jour du chargement**, passent par le service pour que la vue de la
semaine ne soit pas vide. Relancer la démo le même jour (ou la même semaine) ne
les duplique pas ; la relancer une autre semaine en ajoute pour la nouvelle
semaine suivante.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.management.base import CommandError
from django.utils import timezone

from habitants import demo as habitants_demo
from phares.lib import dates, temps
from phares.lib.money import round_cents

from . import services
from .models import (
    Batiment,
    ClientExterne,
    Consommation,
    Convention,
    Espace,
    Etage,
    ForfaitSalles,
    Reservation,
    Ressource,
    SerieReservations,
    Tarif,
    TypeEspace,
)

if TYPE_CHECKING:
    from phares.management.commands.demo import DemoContext

d = datetime.date
t = datetime.time
D = Decimal

ANNEE = 2015
DEBUT_ANNEE = d(ANNEE, 1, 1)
FIN_ANNEE = d(ANNEE, 12, 31)
DATE_REFERENCE = habitants_demo.DATE_REFERENCE  # 30 June: the report's head count

HABITANTS = {h.slug: h for h in habitants_demo.STRUCTURES}


# --- Le bâtiment -------------------------------------------------------------

BATIMENT = {
    "nom": "La Cité PHARES",
    "adresse": habitants_demo.ADRESSE_PHARES,
    "surface_m2": D("1350.00"),
}

ETAGES = (
    (-1, "Rez-de-chaussée bas"),
    (0, "Rez-de-chaussée"),
    (1, "1er étage"),
)

ETAGE_SANS_ASCENSEUR = "Accès par l'escalier uniquement (pas d'ascenseur)."
RDC_BAS = "Accès de plain-pied par la cour arrière."


@dataclass(frozen=True)
class Piece:
    slug: str
    nom: str
    type: str
    niveau: int
    surface: str
    capacite: int | None = None
    nb_postes: int | None = None
    equipements: str = ""
    pmr: bool = False
    accessibilite: str = ""


T = TypeEspace
EQUIP_FORMATION = "vidéoprojecteur, écran, paperboard, tableau blanc, wifi"
EQUIP_REUNION = "écran, paperboard, wifi"

ESPACES = (
    # Rez-de-chaussée bas: technical spaces; the works of summer 2015 (CCAH)
    # made the workshop for small repairs usable (the report's 50 extra m²).
    Piece("atelier-espaces-verts", "Atelier espaces verts", T.ATELIER, -1, "80",
          equipements="établis, outillage de jardin, local phytosanitaire fermé à clé",
          pmr=True, accessibilite=RDC_BAS),
    Piece("atelier-bricolage", "Atelier bricolage", T.ATELIER, -1, "50",
          equipements="établi, outillage partagé, perceuses, scie sauteuse",
          pmr=True, accessibilite=RDC_BAS + " Réaménagé en 2015 (travaux soutenus par le CCAH)."),
    Piece("stockage-materiel", "Stockage matériel", T.STOCKAGE, -1, "45",
          equipements="rayonnages, accès véhicule par la cour"),
    Piece("reserve-archives", "Réserve et archives", T.STOCKAGE, -1, "25",
          equipements="rayonnages, armoires fermées par structure"),
    Piece("vestiaire-hommes", "Vestiaire hommes", T.VESTIAIRE, -1, "15",
          equipements="casiers, douche"),
    Piece("vestiaire-femmes", "Vestiaire femmes", T.VESTIAIRE, -1, "15",
          equipements="casiers, douche"),
    # Rez-de-chaussée: everything that receives the public, step-free.
    Piece("epicerie", "Épicerie", T.BOUTIQUE, 0, "45",
          equipements="vitrine sur rue, chambre froide, caisse", pmr=True),
    Piece("refectoire", "Réfectoire", T.REFECTOIRE, 0, "60", capacite=40,
          equipements="cuisine équipée, lave-vaisselle, tables modulables", pmr=True),
    Piece("cafeteria", "Cafétéria", T.CAFETERIA, 0, "25", capacite=12,
          equipements="machine à café, bouilloire, réfrigérateur", pmr=True),
    Piece("atelier-creation-textile", "Atelier création textile", T.ATELIER, 0, "55",
          equipements="machines à coudre, surjeteuses, table de coupe", pmr=True),
    Piece("salle-seine", "Salle Seine", T.SALLE_FORMATION, 0, "60", capacite=40,
          equipements=EQUIP_FORMATION + ", sonorisation", pmr=True),
    Piece("salle-marne", "Salle Marne", T.SALLE_FORMATION, 0, "35", capacite=20,
          equipements=EQUIP_FORMATION, pmr=True),
    Piece("salle-ourcq", "Salle Ourcq", T.SALLE_REUNION, 0, "25", capacite=12,
          equipements=EQUIP_REUNION + ", téléphone de conférence", pmr=True),
    Piece("bureau-01", "Bureau 01", T.BUREAU, 0, "30", pmr=True),
    Piece("bureau-02", "Bureau 02", T.BUREAU, 0, "22", pmr=True),
    Piece("bureau-03", "Bureau 03", T.BUREAU, 0, "16", pmr=True),
    Piece("bureau-04", "Bureau 04", T.BUREAU, 0, "12", pmr=True),
    Piece("bureau-05", "Bureau 05", T.BUREAU, 0, "18", pmr=True),
    Piece("bureau-06", "Bureau 06", T.BUREAU, 0, "10", pmr=True),
    # 1er étage: offices, small meeting rooms and the coworking space.
    Piece("salle-oise", "Salle Oise", T.SALLE_FORMATION, 1, "30", capacite=16,
          equipements=EQUIP_FORMATION, accessibilite=ETAGE_SANS_ASCENSEUR),
    Piece("salle-bievre", "Salle Bièvre", T.SALLE_REUNION, 1, "22", capacite=10,
          equipements=EQUIP_REUNION, accessibilite=ETAGE_SANS_ASCENSEUR),
    Piece("salle-crould", "Salle Crould", T.SALLE_REUNION, 1, "15", capacite=8,
          equipements="paperboard, tableau blanc", accessibilite=ETAGE_SANS_ASCENSEUR),
    Piece("salle-yerres", "Petite salle Yerres", T.SALLE_REUNION, 1, "10", capacite=6,
          equipements="tableau blanc, téléphone de conférence",
          accessibilite=ETAGE_SANS_ASCENSEUR),
    Piece("cotravail", "Espace de co-travail", T.COTRAVAIL, 1, "45", capacite=5, nb_postes=5,
          equipements="5 postes fixes, caissons fermés, imprimante partagée",
          accessibilite=ETAGE_SANS_ASCENSEUR),
    *(
        Piece(f"bureau-{n:02d}", f"Bureau {n:02d}", T.BUREAU, 1, surface,
              accessibilite=ETAGE_SANS_ASCENSEUR)
        for n, surface in zip(
            range(7, 17), ("25", "20", "14", "18", "12", "12", "12", "12", "9", "9"), strict=True
        )
    ),
)  # fmt: skip

PIECES = {p.slug: p for p in ESPACES}


# --- Ressources réservables ----------------------------------------------------


OUVERTURE = t(8)
FERMETURE_SALLES = t(20)


@dataclass(frozen=True)
class RessourceDemo:
    slug: str
    nom: str
    categorie: str
    espace: str = ""  # slug of the Espace, for a room
    ouverture: datetime.time = OUVERTURE
    fermeture: datetime.time = FERMETURE_SALLES
    jours: str = "12345"
    duree_min: int = 30
    duree_max: int = 600
    delai_max_jours: int = 180
    preavis_heures: int = 24
    battement: int = 0
    externes: bool = False

    @property
    def capacite(self) -> int | None:
        return PIECES[self.espace].capacite if self.espace else None


# Rooms let to outside organisations (assemblies, seminars).
SALLES_EXTERNES = ("salle-seine", "salle-marne", "salle-ourcq")
# Cleaning / setting up after each booking.
AVEC_BATTEMENT = (T.SALLE_FORMATION, T.REFECTOIRE)

RESSOURCES = (
    *(
        RessourceDemo(
            p.slug, p.nom, Ressource.Categorie.SALLE, espace=p.slug,
            battement=15 if p.type in AVEC_BATTEMENT else 0,
            externes=p.slug in SALLES_EXTERNES,
        )
        for p in ESPACES
        if p.type in (T.SALLE_REUNION, T.SALLE_FORMATION, T.REFECTOIRE)
    ),
    *(
        RessourceDemo(
            f"velo-{n}", f"Vélo {n}", Ressource.Categorie.VELO,
            ouverture=t(7), fermeture=t(21), jours="1234567", duree_max=480, preavis_heures=0,
        )
        for n in range(1, 5)
    ),
)  # fmt: skip

RES = {r.slug: r for r in RESSOURCES}
VELOS = tuple(r.slug for r in RESSOURCES if r.categorie == Ressource.Categorie.VELO)


# --- Tarifs 2015 -----------------------------------------------------------------

C = Tarif.Code
TARIFS = (
    # code                   € HT        TVA %
    (C.BUREAU_M2_MOIS,       D("16.00"), D("20.00")),  # the report: 16 €/m²/mois
    (C.POSTE_COTRAVAIL_MOIS, D("120.00"), D("20.00")),  # the report: 120 €/mois
    (C.SALLE_HEURE,          D("25.00"), D("20.00")),
    (C.SALLE_DEMI_JOURNEE,   D("80.00"), D("20.00")),
    (C.SALLE_JOURNEE,        D("140.00"), D("20.00")),
    (C.SALLE_HABITANT_HEURE, D("10.00"), D("20.00")),
    (C.VELO_HEURE,           D("0.00"), D("20.00")),
    (C.AFFRANCHISSEMENT,     D("0.80"), D("0.00")),  # postage: no VAT
    (C.IMPRESSION,           D("0.05"), D("20.00")),
)  # fmt: skip

# Room hours included each month for every hosted structure.
FORFAIT_HEURES = 10


# --- Conventions d'occupation -----------------------------------------------------


@dataclass(frozen=True)
class Occupant:
    espace: str
    structure: str
    poste: int = 0
    debut: datetime.date | None = None  # default: the structure's arrival
    fin: datetime.date | None = None  # default: the structure's departure
    notes: str = ""

    @property
    def periode(self) -> tuple[datetime.date, datetime.date | None]:
        h = HABITANTS[self.structure]
        return self.debut or h.arrivee, self.fin or h.depart


CONVENTIONS = (
    Occupant("bureau-01", "halage"),
    Occupant("bureau-02", "mode-estime"),  # next to the textile workshop
    Occupant("bureau-03", "procarist"),
    Occupant("bureau-04", "solibio"),  # next to the shop
    Occupant("bureau-05", "sfmad"),  # ground floor: welcomes families
    Occupant("bureau-06", "la-boite-militante"),
    Occupant("bureau-07", "etudes-et-chantiers-idf"),
    Occupant("bureau-08", "chantier-ecole-idf"),
    Occupant("bureau-09", "unarec"),
    Occupant("bureau-10", "novaedia"),
    Occupant("bureau-10", "halage", debut=d(ANNEE, 10, 1),
             notes="Reprise du bureau de Novaedia (second bureau de Halage)."),
    Occupant("bureau-11", "la-firme-93"),
    Occupant("bureau-12", "errc"),
    Occupant("bureau-13", "metropop"),
    Occupant("bureau-14", "terragram"),
    Occupant("bureau-15", "femasif"),
    Occupant("bureau-16", "la-mission-populaire"),
    Occupant("cotravail", "fabien-kenzo-sato", poste=1),
    Occupant("cotravail", "marchambul", poste=2, notes="Porteur de projet accueilli l'été."),
    Occupant("cotravail", "ile-vivante", poste=2),
    Occupant("cotravail", "mael", poste=3),
)  # fmt: skip


# --- Clients extérieurs ------------------------------------------------------------

CLIENTS_EXTERNES = (
    {
        "nom": "Réseau des PTCE",
        "contact": "Coordination nationale",
        "email": "contact@reseau-ptce.test",
        "telephone": "01 99 00 20 01",
        "adresse_facturation": "12 rue des Coopératives, 75011 Paris",
    },
    {
        "nom": "Coorace Île-de-France",
        "contact": "Animation régionale",
        "email": "idf@coorace.test",
        "telephone": "01 99 00 20 02",
        "adresse_facturation": "8 avenue de l'Insertion, 93200 Saint-Denis",
    },
)


# --- Agenda 2015 ------------------------------------------------------------------

FERIES = frozenset(
    d(ANNEE, m, j)
    for m, j in ((1, 1), (4, 6), (5, 1), (5, 8), (5, 14), (5, 25), (7, 14), (8, 15),
                 (11, 1), (11, 11), (12, 25))
)  # fmt: skip
# Between Christmas and New Year the building is closed.
FERMETURE = (d(ANNEE, 12, 24), FIN_ANNEE)

# The SCIC's own events are booked in the name of a cogérant's structure, in turn.
STRUCTURES_COGERANCE = ("etudes-et-chantiers-idf", "solibio", "sfmad", "chantier-ecole-idf")

REPAS = "Repas mensuel des habitants"
REPAS_SPECIAUX = {
    3: " — « Bio pour tous » avec Bioconsommacteurs",
    11: " — avec Cheffe au féminin",
}


@dataclass(frozen=True)
class Resa:
    ressource: str
    jour: datetime.date
    debut: datetime.time
    fin: datetime.time
    titre: str
    structure: str = ""
    externe: str = ""  # ClientExterne.nom
    nb_personnes: int = 1
    serie: int | None = None  # index in SERIES
    par: str = ""  # e-mail; default: the structure's référent

    @property
    def debut_dt(self) -> datetime.datetime:
        return temps.aware(self.jour, self.debut)

    @property
    def fin_dt(self) -> datetime.datetime:
        return temps.aware(self.jour, self.fin)

    @property
    def fin_bloquee(self) -> datetime.datetime:
        return self.fin_dt + datetime.timedelta(minutes=RES[self.ressource].battement)

    @property
    def minutes(self) -> int:
        return temps.minutes(self.fin_dt - self.debut_dt)


@dataclass(frozen=True)
class SerieDemo:
    ressource: str
    structure: str
    premier: datetime.date
    jusqu_au: datetime.date
    debut: datetime.time
    fin: datetime.time
    titre: str
    nb_personnes: int


SERIES = (
    SerieDemo("salle-marne", "procarist", d(ANNEE, 1, 6), d(ANNEE, 6, 30), t(9), t(17),
              "Formation logistique — préparation CACES (session de printemps)", 12),
    SerieDemo("salle-marne", "procarist", d(ANNEE, 9, 8), d(ANNEE, 12, 15), t(9), t(17),
              "Formation logistique — préparation CACES (session d'automne)", 12),
)  # fmt: skip

TEMPS_FORTS = (
    # Report: "Formation sur l'IAE" (photo), "Formation sur l'impact social, sur l'emploi
    # mutualisé", "Mise en place de formations Metropop' ! sur grand paris".
    Resa("salle-seine", d(ANNEE, 3, 19), t(9, 30), t(17), "Formation sur l'IAE",
         "chantier-ecole-idf", nb_personnes=30),
    Resa("salle-oise", d(ANNEE, 4, 16), t(14), t(17, 30),
         "Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS", "metropop",
         nb_personnes=16),
    Resa("salle-oise", d(ANNEE, 5, 28), t(14), t(17, 30),
         "Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS", "metropop",
         nb_personnes=14),
    Resa("salle-oise", d(ANNEE, 10, 22), t(14), t(17, 30),
         "Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS", "metropop",
         nb_personnes=15),
    Resa("salle-seine", d(ANNEE, 10, 15), t(9, 30), t(16, 30),
         "Formation sur l'impact social", "sfmad", nb_personnes=25),
    Resa("salle-marne", d(ANNEE, 11, 5), t(9, 30), t(12, 30),
         "Formation sur l'emploi mutualisé", "chantier-ecole-idf", nb_personnes=18),
    # June: the general assemblies.
    Resa("salle-seine", d(ANNEE, 6, 4), t(14), t(17, 30), "Assemblée générale de Halage",
         "halage", nb_personnes=38),
    Resa("refectoire", d(ANNEE, 6, 10), t(18), t(20), "Assemblée générale de Solibio",
         "solibio", nb_personnes=40),
    Resa("salle-seine", d(ANNEE, 6, 12), t(9, 30), t(12, 30),
         "Assemblée générale régionale d'Etudes et chantiers", "etudes-et-chantiers-idf",
         nb_personnes=30),
    Resa("salle-oise", d(ANNEE, 6, 16), t(14), t(17), "Assemblée générale de Mode Estime",
         "mode-estime", nb_personnes=15),
    Resa("salle-seine", d(ANNEE, 6, 18), t(17, 30), t(20),
         "Assemblée générale ordinaire de la SCIC La Cité PHARES", "etudes-et-chantiers-idf",
         nb_personnes=30, par="cogerant@phares.test"),
    Resa("salle-oise", d(ANNEE, 6, 23), t(18), t(20), "Assemblée générale de Metropop' !",
         "metropop", nb_personnes=16),
    Resa("salle-seine", d(ANNEE, 6, 26), t(14), t(17), "Assemblée générale de SFMAD",
         "sfmad", nb_personnes=35),
    # Outside organisations.
    Resa("salle-seine", d(ANNEE, 6, 19), t(9, 30), t(17),
         "Assemblée générale du Réseau des PTCE", externe="Réseau des PTCE",
         nb_personnes=35, par=habitants_demo.GESTION),
    Resa("salle-marne", d(ANNEE, 11, 19), t(9), t(13),
         "Communauté apprenante : emploi et sécurisation des parcours",
         externe="Coorace Île-de-France", nb_personnes=18, par=habitants_demo.GESTION),
)  # fmt: skip

PLENIERES = (d(ANNEE, 3, 26), d(ANNEE, 6, 25), d(ANNEE, 10, 1), d(ANNEE, 12, 3))

NB_REUNIONS = 150
# Where ordinary meetings go, and how often (small rooms are booked the most).
POIDS_SALLES = {
    "salle-ourcq": 3, "salle-bievre": 3, "salle-crould": 3, "salle-yerres": 2,
    "salle-oise": 2, "salle-marne": 1, "salle-seine": 1,
}  # fmt: skip
DUREES = (60, 90, 120, 120, 120, 180, 240)
OBJETS = (
    "Réunion d'équipe",
    "Conseil d'administration",
    "Bureau de l'association",
    "Comité de pilotage",
    "Entretiens de recrutement",
    "Rendez-vous partenaire",
    "Point avec les financeurs",
    "Formation interne",
    "Accueil de stagiaires",
    "Parcours des salariés en insertion (inter-structures)",
    "Groupe de travail signalétique, avec Polysemique",
    "Projet COMPIC : compostage des couches jetables",
    "Coordination COP 21 sur l'Île-Saint-Denis",
    "Marque de T-shirt bio équitable et local",
    "Site internet du PHARES, avec Pôle Solidaire",
    "Conseil stratégique avec Alter Action",
    "Préparation du TEDx Île-Saint-Denis",
    "Permanence juridique des habitants",
)

# Bikes: a service set up in 2015 (from May in this demo).
DEBUT_VELOS = d(ANNEE, 5, 4)
NB_VELOS_MARCHAMBUL = 10
NB_VELOS_AUTRES = 16
USAGERS_VELOS = (
    "halage", "etudes-et-chantiers-idf", "solibio", "la-boite-militante", "metropop",
    "sfmad", "ile-vivante", "mode-estime",
)  # fmt: skip
OBJETS_VELO = (
    "Rendez-vous chez un partenaire",
    "Livraison de paniers",
    "Visite de chantier",
    "Rendez-vous à la Maison de l'emploi",
    "Course à la médiathèque",
)

# Postage and printing, entered by the front desk.
DEBUT_AFFRANCHISSEMENT = d(ANNEE, 4, 1)  # a service set up in 2015
USAGERS_IMPRESSION = (
    "halage", "etudes-et-chantiers-idf", "unarec", "chantier-ecole-idf", "mode-estime",
    "sfmad", "la-firme-93", "metropop", "novaedia", "femasif",
)  # fmt: skip
USAGERS_AFFRANCHISSEMENT = (
    "halage", "etudes-et-chantiers-idf", "unarec", "chantier-ecole-idf", "sfmad", "errc",
)  # fmt: skip


# --- À venir (relatif au jour du chargement) --------------------------------------


@dataclass(frozen=True)
class AVenir:
    jour: int  # 0 = next Monday … 4 = next Friday
    ressource: str  # "velo" = any free bike
    debut: datetime.time
    fin: datetime.time
    structure: str
    titre: str
    nb_personnes: int = 1


A_VENIR = (
    AVenir(0, "salle-ourcq", t(10), t(12), "halage", "Réunion des encadrants techniques", 8),
    AVenir(1, "salle-marne", t(9), t(17), "procarist",
           "Formation logistique — préparation CACES", 12),
    AVenir(2, "salle-seine", t(14), t(17), "metropop", "Atelier numérique métropolitain", 25),
    AVenir(2, "velo", t(9), t(12), "solibio", "Livraison de paniers"),
    AVenir(3, "refectoire", t(12), t(14), "solibio",
           "Déjeuner des habitants : présentation de projets communs", 35),
    AVenir(3, "salle-bievre", t(9, 30), t(11, 30), "sfmad",
           "Réunion mensuelle de la cogérance", 6),
    AVenir(4, "salle-crould", t(10), t(12), "mode-estime",
           "Point partenaires : marque de T-shirt bio", 6),
)  # fmt: skip


# --- Chargement ---------------------------------------------------------------------


def load(ctx: DemoContext) -> None:
    check_tables()
    agenda = planifier_agenda()
    check_agenda(agenda)
    gestion = ctx.users[habitants_demo.GESTION]

    batiment = ctx.upsert(Batiment, {"nom": BATIMENT["nom"]}, _sauf(BATIMENT, "nom"))
    etages = {
        niveau: ctx.upsert(Etage, {"batiment": batiment, "niveau": niveau}, {"nom": nom})
        for niveau, nom in ETAGES
    }
    espaces = _load_espaces(ctx, etages)
    tarifs = {
        code: ctx.upsert(
            Tarif,
            {"code": code, "ressource": None, "debut": DEBUT_ANNEE},
            {"montant_ht": montant, "taux_tva": tva, "fin": None},
        )
        for code, montant, tva in TARIFS
    }
    ressources = _load_ressources(ctx, espaces)
    externes = {
        c["nom"]: ctx.upsert(ClientExterne, {"nom": c["nom"]}, _sauf(c, "nom"))
        for c in CLIENTS_EXTERNES
    }
    _load_conventions(ctx, espaces, tarifs, gestion)
    _load_forfaits(ctx)
    _load_reservations(ctx, agenda, ressources, externes, tarifs)
    nb_conso = _load_consommations(ctx, tarifs, gestion)
    nb_a_venir = _load_a_venir(ctx, ressources)
    ctx.log(
        f"espaces : {len(ESPACES)} espaces sur {len(ETAGES)} étages, {len(RESSOURCES)} "
        f"ressources, {len(CONVENTIONS)} conventions, {len(agenda)} réservations {ANNEE}, "
        f"{nb_conso} consommations, {nb_a_venir} réservation(s) à venir créée(s)."
    )


def _sauf(values: dict, key: str) -> dict:
    return {k: v for k, v in values.items() if k != key}


# --- Vérifications (avant toute écriture) ------------------------------------------


def _raise(errors: list[str]) -> None:
    if errors:
        raise CommandError("Données de démonstration incohérentes : " + " ; ".join(errors) + ".")


def _compte(*types: str) -> int:
    return sum(1 for p in ESPACES if p.type in types)


def check_tables() -> None:
    """Refuse an edited table that would no longer reproduce the report."""
    errors = _check_comptes() + _check_espaces()
    codes = [code for code, _, _ in TARIFS]
    if sorted(codes) != sorted(Tarif.Code.values):
        errors.append("TARIFS doit donner chaque tarif une fois et une seule")
    errors += _check_conventions()
    _raise(errors)


def _check_comptes() -> list[str]:
    """The figures of the report's "Aujourd'hui, le PHARES, c'est"."""
    errors = []
    attendus = (
        ("bureaux privatifs", (T.BUREAU,), 16),
        ("salles de réunion et de formation", (T.SALLE_REUNION, T.SALLE_FORMATION), 7),
        ("espace de co-travail", (T.COTRAVAIL,), 1),
        ("réfectoire", (T.REFECTOIRE,), 1),
        ("cafétéria", (T.CAFETERIA,), 1),
        ("ateliers", (T.ATELIER,), 3),
        ("épicerie", (T.BOUTIQUE,), 1),
    )
    for quoi, types, nombre in attendus:
        if _compte(*types) != nombre:
            errors.append(f"{_compte(*types)} {quoi}, le rapport en compte {nombre}")
    for quoi, type_ in (("espaces de stockage", T.STOCKAGE), ("vestiaires", T.VESTIAIRE)):
        if not 1 <= _compte(type_) <= 2:
            errors.append(f"il faut un ou deux {quoi}")
    postes = sum(p.nb_postes or 0 for p in ESPACES if p.type == T.COTRAVAIL)
    if postes != 5:
        errors.append(f"{postes} postes de co-travail, le rapport en compte 5")
    niveaux = [n for n, _ in ETAGES]
    if len(set(niveaux)) != 3:
        errors.append(f"{len(set(niveaux))} étages, le rapport en compte 3")
    if BATIMENT["surface_m2"] != D(1350):
        errors.append(f"bâtiment de {BATIMENT['surface_m2']} m², le rapport dit 1350 m²")
    return errors


def _check_espaces() -> list[str]:
    errors = []
    niveaux = [n for n, _ in ETAGES]
    total = sum(D(p.surface) for p in ESPACES)
    if total > BATIMENT["surface_m2"]:
        errors.append(f"les espaces font {total} m², plus que le bâtiment")
    slugs = [p.slug for p in ESPACES]
    if len(set(slugs)) != len(slugs):
        errors.append("un slug d'espace apparaît deux fois")
    for p in ESPACES:
        if p.niveau not in niveaux:
            errors.append(f"{p.nom} est à un étage inconnu ({p.niveau})")
        if p.type == T.BUREAU and not D(9) <= D(p.surface) <= D(30):
            errors.append(f"{p.nom} : {p.surface} m², un bureau fait de 9 à 30 m²")
    return errors


def _check_convention(o: Occupant) -> list[str]:
    piece, h = PIECES.get(o.espace), HABITANTS.get(o.structure)
    if piece is None or h is None:
        return [f"convention {o.espace} / {o.structure} : espace ou structure inconnu"]
    errors = []
    debut, fin = o.periode
    if piece.type == T.BUREAU and o.poste != 0:
        errors.append(f"{piece.nom} : un bureau n'a pas de poste")
    elif piece.type == T.COTRAVAIL and not 1 <= o.poste <= (piece.nb_postes or 0):
        errors.append(f"{piece.nom} : pas de poste {o.poste}")
    elif piece.type not in (T.BUREAU, T.COTRAVAIL):
        errors.append(f"{piece.nom} ne se loue pas par convention")
    if debut < h.arrivee or (h.depart and (fin is None or fin > h.depart)):
        errors.append(f"{h.nom} occupe {piece.nom} hors de sa présence")
    return errors


def _check_conventions() -> list[str]:
    errors = []
    par_poste: dict[tuple[str, int], list[Occupant]] = defaultdict(list)
    for o in CONVENTIONS:
        errors += _check_convention(o)
        par_poste[(o.espace, o.poste)].append(o)
    for (espace, poste), occupants in par_poste.items():
        periodes = sorted((o.periode for o in occupants), key=lambda p: p[0])
        for (_, fin), (debut, _) in itertools.pairwise(periodes):
            if fin is None or fin >= debut:
                errors.append(f"{espace} (poste {poste}) a deux occupants à la fois")
    # Every structure hosted on the reference date holds an office or a desk.
    presentes = {
        s for s, h in HABITANTS.items() if dates.is_active(h.arrivee, h.depart, DATE_REFERENCE)
    }
    logees = {o.structure for o in CONVENTIONS if dates.is_active(*o.periode, DATE_REFERENCE)}
    if presentes - logees:
        errors.append(f"sans bureau ni poste au {DATE_REFERENCE} : {sorted(presentes - logees)}")
    return errors


def _regle(r: Resa) -> str | None:
    """Why `r` breaks its ressource's rules, or None."""
    res = RES.get(r.ressource)
    if res is None:
        return f"ressource inconnue {r.ressource}"
    if (r.structure == "") == (r.externe == ""):
        return "une structure ou un client extérieur, pas les deux"
    if r.externe and not res.externes:
        return f"{res.nom} n'est pas ouverte aux extérieurs"
    if r.structure and not dates.is_active(
        HABITANTS[r.structure].arrivee, HABITANTS[r.structure].depart, r.jour
    ):
        return f"{r.structure} n'est pas hébergée le {r.jour}"
    if str(r.jour.isoweekday()) not in res.jours:
        return f"{res.nom} est fermée le {r.jour}"
    if r.debut < res.ouverture or r.fin > res.fermeture:
        return f"{res.nom} est fermée à ces heures"
    if not res.duree_min <= r.minutes <= res.duree_max:
        return f"durée hors règles ({r.minutes} min)"
    if res.capacite is not None and not 1 <= r.nb_personnes <= res.capacite:
        return f"{r.nb_personnes} personnes pour {res.capacite} places"
    return None


class Agenda:
    """The planned bookings, with the no-overlap rule (buffer included)."""

    def __init__(self) -> None:
        self.resas: list[Resa] = []
        self._pris: dict[str, list[tuple[datetime.datetime, datetime.datetime]]] = defaultdict(list)

    def libre(self, r: Resa) -> bool:
        debut, fin = r.debut_dt, r.fin_bloquee
        return all(f <= debut or d_ >= fin for d_, f in self._pris[r.ressource])

    def essayer(self, r: Resa) -> bool:
        if _regle(r) is not None or not self.libre(r):
            return False
        self.resas.append(r)
        self._pris[r.ressource].append((r.debut_dt, r.fin_bloquee))
        return True

    def imposer(self, r: Resa) -> None:
        probleme = _regle(r) or (None if self.libre(r) else "chevauche une autre réservation")
        if probleme:
            raise CommandError(
                f"Données de démonstration incohérentes : « {r.titre} » le {r.jour} : {probleme}."
            )
        self.essayer(r)


def check_agenda(agenda: list[Resa]) -> None:
    """Second, independent pass over the whole plan before anything is written."""
    errors = []
    par_ressource: dict[str, list[Resa]] = defaultdict(list)
    for r in agenda:
        if (probleme := _regle(r)) is not None:
            errors.append(f"« {r.titre} » le {r.jour} : {probleme}")
        par_ressource[r.ressource].append(r)
    for slug, resas in par_ressource.items():
        resas.sort(key=lambda r: r.debut_dt)
        for a, b in itertools.pairwise(resas):
            if a.fin_bloquee > b.debut_dt:
                errors.append(f"{slug} : « {a.titre} » et « {b.titre} » se chevauchent")
    repas = [r for r in agenda if r.titre.startswith(REPAS)]
    if sorted(r.jour.month for r in repas) != list(range(1, 13)):
        errors.append("il faut un repas des habitants par mois")
    _raise(errors)


# --- Planification de l'agenda 2015 ------------------------------------------------


def _jours_ouvres() -> list[datetime.date]:
    jours, jour = [], DEBUT_ANNEE
    while jour <= FIN_ANNEE:
        if _ouvert(jour) and jour.isoweekday() <= 5:
            jours.append(jour)
        jour += datetime.timedelta(days=1)
    return jours


def _ouvert(jour: datetime.date) -> bool:
    return jour not in FERIES and not FERMETURE[0] <= jour <= FERMETURE[1]


def _nieme_jour(annee: int, mois: int, isoweekday: int, n: int) -> datetime.date:
    """The n-th given weekday of the month; a week later when that is a holiday."""
    jour = d(annee, mois, 1)
    jour += datetime.timedelta(days=(isoweekday - jour.isoweekday()) % 7 + 7 * (n - 1))
    return jour if _ouvert(jour) else jour + datetime.timedelta(days=7)


def _presentes(jour: datetime.date) -> list[str]:
    return [s for s, h in HABITANTS.items() if dates.is_active(h.arrivee, h.depart, jour)]


def planifier_agenda() -> list[Resa]:
    """Every 2015 booking, fixed events first, then random meetings in the gaps.
    Deterministic: the same plan at every load."""
    agenda = Agenda()
    for mois in range(1, 13):
        cogerance = STRUCTURES_COGERANCE[(mois - 1) % len(STRUCTURES_COGERANCE)]
        agenda.imposer(
            Resa("refectoire", _nieme_jour(ANNEE, mois, 4, 2), t(12), t(14),
                 REPAS + REPAS_SPECIAUX.get(mois, ""), cogerance, nb_personnes=35)
        )  # fmt: skip
        agenda.imposer(
            Resa("salle-ourcq", _nieme_jour(ANNEE, mois, 1, 1), t(9, 30), t(11, 30),
                 "Réunion mensuelle de la cogérance", cogerance, nb_personnes=6)
        )  # fmt: skip
    for i, jour in enumerate(PLENIERES):
        agenda.imposer(
            Resa("salle-seine", jour, t(14), t(17), "Réunion plénière des habitants",
                 STRUCTURES_COGERANCE[i % len(STRUCTURES_COGERANCE)], nb_personnes=35)
        )  # fmt: skip
    for index, s in enumerate(SERIES):
        for c in _creneaux_serie(s):
            jour = temps.paris(c.debut).date()
            agenda.imposer(
                Resa(s.ressource, jour, s.debut, s.fin, s.titre, s.structure,
                     nb_personnes=s.nb_personnes, serie=index)
            )  # fmt: skip
    for r in TEMPS_FORTS:
        agenda.imposer(r)
    _planifier_reunions(agenda, random.Random(ANNEE))
    _planifier_velos(agenda, random.Random(ANNEE + 1))
    return sorted(agenda.resas, key=lambda r: (r.debut_dt, r.ressource))


def _creneaux_serie(s: SerieDemo) -> list[services.Creneau]:
    return services.occurrences(
        temps.aware(s.premier, s.debut),
        temps.aware(s.premier, s.fin),
        frequence=SerieReservations.Frequence.HEBDOMADAIRE,
        jusqu_au=s.jusqu_au,
    )


def _planifier_reunions(agenda: Agenda, rng: random.Random) -> None:
    jours = _jours_ouvres()
    salles, poids = zip(*POIDS_SALLES.items(), strict=True)
    places = 0
    for _ in range(NB_REUNIONS * 20):
        if places == NB_REUNIONS:
            return
        jour = rng.choice(jours)
        structure = rng.choice(_presentes(jour))
        salle = rng.choices(salles, weights=poids)[0]
        duree = rng.choice(DUREES)
        debut = datetime.datetime.combine(jour, t(9)) + datetime.timedelta(
            minutes=30 * rng.randrange(18)  # 9:00 … 17:30
        )
        fin = debut + datetime.timedelta(minutes=duree)
        capacite = RES[salle].capacite or 1
        r = Resa(salle, jour, debut.time(), fin.time(), rng.choice(OBJETS), structure,
                 nb_personnes=rng.randint(2, capacite))  # fmt: skip
        if fin.date() == jour and agenda.essayer(r):
            places += 1
    raise CommandError(f"Impossible de placer {NB_REUNIONS} réunions dans l'agenda {ANNEE}.")


def _planifier_velos(agenda: Agenda, rng: random.Random) -> None:
    def placer(jour, debut, fin, titre, structure) -> bool:
        # The first free bike, as reserver_velo does.
        return any(agenda.essayer(Resa(v, jour, debut, fin, titre, structure)) for v in VELOS)

    # Marchambul: mini-markets on bikes, Wednesdays and Saturdays of its summer.
    h = HABITANTS["marchambul"]
    marches = [
        jour
        for jour in (h.arrivee + datetime.timedelta(days=n) for n in range(92))
        if jour <= h.depart and jour.isoweekday() in (3, 6) and _ouvert(jour)
    ]
    for jour in sorted(rng.sample(marches, NB_VELOS_MARCHAMBUL)):
        placer(jour, t(8), t(13), "Tournée du marché ambulant", "marchambul")
    jours = [j for j in _jours_ouvres() if j >= DEBUT_VELOS]
    places = 0
    for _ in range(NB_VELOS_AUTRES * 20):
        if places == NB_VELOS_AUTRES:
            return
        jour = rng.choice(jours)
        presentes = [s for s in USAGERS_VELOS if s in _presentes(jour)]
        debut = t(rng.randrange(8, 17))
        fin = t(min(debut.hour + rng.choice((1, 2, 3, 4)), 20))
        if placer(jour, debut, fin, rng.choice(OBJETS_VELO), rng.choice(presentes)):
            places += 1
    raise CommandError(f"Impossible de placer {NB_VELOS_AUTRES} sorties à vélo en {ANNEE}.")


# --- Écriture --------------------------------------------------------------------


def _load_espaces(ctx: DemoContext, etages: dict[int, Etage]) -> dict[str, Espace]:
    return {
        p.slug: ctx.upsert(
            Espace,
            {"slug": p.slug},
            {
                "etage": etages[p.niveau],
                "nom": p.nom,
                "type": p.type,
                "surface_m2": D(p.surface),
                "capacite": p.capacite,
                "nb_postes": p.nb_postes,
                "equipements": p.equipements,
                "accessible_pmr": p.pmr,
                "accessibilite": p.accessibilite,
                "archive": False,
            },
        )
        for p in ESPACES
    }


def _load_ressources(ctx: DemoContext, espaces: dict[str, Espace]) -> dict[str, Ressource]:
    return {
        r.slug: ctx.upsert(
            Ressource,
            {"slug": r.slug},
            {
                "categorie": r.categorie,
                "nom": r.nom,
                "espace": espaces[r.espace] if r.espace else None,
                "active": True,
                "ouverte_aux_externes": r.externes,
                "heure_ouverture": r.ouverture,
                "heure_fermeture": r.fermeture,
                "jours_ouverture": r.jours,
                "duree_min_minutes": r.duree_min,
                "duree_max_minutes": r.duree_max,
                "delai_max_jours": r.delai_max_jours,
                "preavis_annulation_heures": r.preavis_heures,
                "battement_minutes": r.battement,
            },
        )
        for r in RESSOURCES
    }


def _load_conventions(ctx: DemoContext, espaces, tarifs, gestion) -> None:
    for o in CONVENTIONS:
        espace = espaces[o.espace]
        debut, fin = o.periode
        if o.poste == 0:
            tarif = tarifs[C.BUREAU_M2_MOIS]
            montant = round_cents(tarif.montant_ht * espace.surface_m2)
        else:
            tarif = tarifs[C.POSTE_COTRAVAIL_MOIS]
            montant = round_cents(tarif.montant_ht)
        ctx.upsert(
            Convention,
            {"espace": espace, "poste": o.poste, "debut": debut},
            {
                "structure": ctx.structures[o.structure],
                "fin": fin,
                "montant_mensuel_ht": montant,
                "taux_tva": tarif.taux_tva,
                "notes": o.notes,
                "cree_par": gestion,
            },
        )


def _load_forfaits(ctx: DemoContext) -> None:
    for slug, h in HABITANTS.items():
        if h.depart is not None and h.depart < DEBUT_ANNEE:
            continue
        ctx.upsert(
            ForfaitSalles,
            {"structure": ctx.structures[slug], "debut": max(h.arrivee, DEBUT_ANNEE)},
            {"heures_par_mois": FORFAIT_HEURES, "fin": h.depart},
        )


def _referents(ctx: DemoContext) -> dict[str, object]:
    return {
        p.structure: ctx.users[p.email]
        for p in habitants_demo.PERSONNES
        if p.structure and p.referent
    }


def _load_reservations(ctx: DemoContext, agenda, ressources, externes, tarifs) -> None:
    referents = _referents(ctx)
    series = {}
    for index, s in enumerate(SERIES):
        series[index] = ctx.upsert(
            SerieReservations,
            {
                "frequence": SerieReservations.Frequence.HEBDOMADAIRE,
                "intervalle": 1,
                "jusqu_au": s.jusqu_au,
                "occurrences": None,
                "cree_par": referents[s.structure],
            },
            {},
        )
    # Room minutes already booked per (structure, month): the monthly allowance.
    consomme: dict[tuple[str, int], int] = defaultdict(int)
    for r in agenda:  # chronological
        ressource = ressources[r.ressource]
        debut, fin = r.debut_dt, r.fin_dt
        if r.externe:
            prix = services._prix(ressource, debut, fin, None, externes[r.externe])
        elif ressource.categorie == Ressource.Categorie.VELO:
            prix = services._prix(ressource, debut, fin, ctx.structures[r.structure], None)
        else:
            prix = _prix_habitant(r, consomme, tarifs)
        tarif, minutes, montant, tva = prix
        premier = SERIES[r.serie].premier if r.serie is not None else r.jour
        ctx.upsert(
            Reservation,
            {"ressource": ressource, "debut": debut},
            {
                "fin": fin,
                "fin_bloquee": r.fin_bloquee,
                "statut": Reservation.Statut.CONFIRMEE,
                "expire_le": None,
                "structure": ctx.structures[r.structure] if r.structure else None,
                "externe": externes[r.externe] if r.externe else None,
                "titre": r.titre,
                "nb_personnes": r.nb_personnes,
                "serie": series[r.serie] if r.serie is not None else None,
                "par": ctx.users[r.par] if r.par else referents[r.structure],
                "cree_le": temps.aware(premier - datetime.timedelta(days=14), t(10)),
                "annulee_le": None,
                "annulee_par": None,
                "tarif": tarif,
                "minutes_facturables": minutes,
                "montant_ht": montant,
                "taux_tva": tva,
            },
        )


def _prix_habitant(r: Resa, consomme, tarifs):
    """services._prix_habitant, with the month's earlier bookings counted in memory."""
    cle = (r.structure, r.jour.month)
    reste = max(0, FORFAIT_HEURES * 60 - consomme[cle])
    consomme[cle] += r.minutes
    au_dela = max(0, r.minutes - reste)
    if au_dela == 0:
        return services.GRATUIT
    tarif = tarifs[C.SALLE_HABITANT_HEURE]
    return tarif, au_dela, round_cents(tarif.montant_ht * au_dela / 60), tarif.taux_tva


def _load_consommations(ctx: DemoContext, tarifs, gestion) -> int:
    rng = random.Random(ANNEE + 2)
    jours = _jours_ouvres()
    services_ = (
        (Consommation.Service.IMPRESSION, C.IMPRESSION, USAGERS_IMPRESSION, DEBUT_ANNEE,
         "Relevé du copieur", lambda: 10 * rng.randint(5, 80)),
        (Consommation.Service.AFFRANCHISSEMENT, C.AFFRANCHISSEMENT, USAGERS_AFFRANCHISSEMENT,
         DEBUT_AFFRANCHISSEMENT, "Courrier déposé à l'accueil", lambda: rng.randint(5, 60)),
    )  # fmt: skip
    count = 0
    for mois in range(1, 13):
        du_mois = [j for j in jours if j.month == mois]
        for service, code, usagers, depuis, commentaire, quantite in services_:
            for slug in usagers:
                h = HABITANTS[slug]
                possibles = [
                    j for j in du_mois if j >= depuis and dates.is_active(h.arrivee, h.depart, j)
                ]
                if not possibles:
                    continue
                jour = rng.choice(possibles)
                tarif = tarifs[code]
                ctx.upsert(
                    Consommation,
                    {"structure": ctx.structures[slug], "service": service, "date": jour},
                    {
                        "quantite": quantite(),
                        "prix_unitaire_ht": tarif.montant_ht,
                        "taux_tva": tarif.taux_tva,
                        "tarif": tarif,
                        "commentaire": commentaire,
                        "saisi_par": gestion,
                        "saisi_le": temps.aware(jour, t(17)),
                    },
                )
                count += 1
    return count


def _load_a_venir(ctx: DemoContext, ressources: dict[str, Ressource]) -> int:
    """Next week's bookings, through the booking service (rules, prices). Skipped
    when already there (same day, same start), or when the slot has been taken."""
    referents = _referents(ctx)
    lundi = temps.monday_of(timezone.localdate()) + datetime.timedelta(days=7)
    created = 0
    for a in A_VENIR:
        jour = lundi + datetime.timedelta(days=a.jour)
        debut, fin = temps.aware(jour, a.debut), temps.aware(jour, a.fin)
        structure = ctx.structures[a.structure]
        existantes = Reservation.objects.filter(debut=debut, structure=structure)
        if a.ressource == "velo":
            existantes = existantes.filter(ressource__categorie=Ressource.Categorie.VELO)
        else:
            existantes = existantes.filter(ressource=ressources[a.ressource])
        if existantes.exists():
            ctx.stats["unchanged"] += 1
            continue
        try:
            if a.ressource == "velo":
                services.reserver_velo(
                    debut=debut, fin=fin, titre=a.titre, structure=structure,
                    par=referents[a.structure],
                )  # fmt: skip
            else:
                services.reserver(
                    ressource=ressources[a.ressource], debut=debut, fin=fin, titre=a.titre,
                    par=referents[a.structure], structure=structure,
                    nb_personnes=a.nb_personnes,
                )  # fmt: skip
        except services.EspacesError as exc:
            ctx.log(f"espaces : « {a.titre} » le {jour} non réservée ({exc})")
            continue
        ctx.stats["created"] += 1
        created += 1
    return created
