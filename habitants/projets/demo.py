"""Données de démonstration de la vie du pôle, tirées du rapport annuel 2015 de La Cité
PHARES (shared/seed/000_a91c6fd21e8c75e1.txt, « Les grands chantiers 2015 » et « Les
partenaires du PHARES »).

Chargées par `python manage.py demo` après espaces.demo (dont l'agenda 2015 donne les
réservations que citent les repas, formations et assemblées accueillies) et avant
espaces.facturation.demo. Chaque écriture passe par `ctx.upsert` (clé naturelle : slug du
projet, nom du partenaire, (projet, titre) d'une étape, (titre, date) d'un événement…) :
une seconde exécution ne change rien.

Ce que dit le rapport : chaque projet et action de ses trois axes, les financeurs
(État/CDC, Région Île-de-France, Département, pour 3 ans jusqu'à fin 2016 ; CCAH pour les
travaux), les emplois mutualisés, « plusieurs services civiques », les 13 paroles
d'habitants (verbatim, dans l'ordre), les photos et leurs légendes (images de remplacement
dessinées au chargement, passées par la même chaîne que les téléversements : aucune image
téléchargée). Tout le reste est inventé mais plausible : qui porte quel projet parmi les
habitants de la démo, les dates précises, les montants, les parts des postes partagés, les
prénoms des volontaires.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.management.base import CommandError

from phares.lib import journal, temps

from .models import (
    Axe,
    EmploiMutualise,
    Engagement,
    Evenement,
    Jalon,
    Parole,
    PartEmploi,
    Partenaire,
    Participation,
    Projet,
    Subvention,
)

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

d = datetime.date
ANNEE = 2015
SUR_PLACE = "La Cité PHARES, L'Île-Saint-Denis"

# --- Partenaires et financeurs ------------------------------------------------------------

C = Partenaire.Categorie
ETAT = "État et Caisse des Dépôts"
REGION = "Région Île-de-France"
DEPARTEMENT = "Département de la Seine-Saint-Denis"
CCAH = "CCAH"

# nom: (sigle, catégorie, partenaire du pôle, description)
PARTENAIRES = {
    ETAT: ("État/CDC", C.ETAT, True, "Soutien des pôles territoriaux de coopération économique."),
    REGION: ("", C.REGION, True, "Soutien régional à l'économie sociale et solidaire."),
    DEPARTEMENT: ("CD93", C.DEPARTEMENT, True, "Conseil départemental de la Seine-Saint-Denis."),
    CCAH: ("CCAH", C.ASSOCIATION, True, "Comité national Coordination Action Handicap."),
    "Bellastock": ("", C.ASSOCIATION, True, "Architecture expérimentale et réemploi."),
    "Alter Action": ("", C.ASSOCIATION, True, "Conseil stratégique bénévole aux structures."),
    "Appui": ("", C.ASSOCIATION, True, "Porteur du PTCE Resto Passerelles."),
    "Polysemique": ("", C.COLLECTIF, True, "Graphistes du territoire."),
    "Pôle Solidaire": ("", C.ASSOCIATION, True, "Chantier d'insertion (web et numérique)."),
    "Bioconsommacteurs": ("", C.ASSOCIATION, False, "Projet « Bio pour tous »."),
    "Cheffe au féminin": ("", C.ASSOCIATION, False, "Cuisine et insertion au féminin."),
    "REC": ("REC", C.ASSOCIATION, True, "Appui au projet de fondation territoriale 93."),
    "Coorace Île-de-France": ("Coorace", C.ASSOCIATION, True, "Communauté apprenante."),
    "Réseau des PTCE": ("", C.ASSOCIATION, True, "Réseau national des PTCE."),
    "CNAM": ("CNAM", C.RECHERCHE, True, "Journée « Coopérer pour innover »."),
    "Le Labo de l'ESS": ("Labo ESS", C.ASSOCIATION, True, "Journée du 29 juin avec la CDC."),
    "RUIESS": ("RUIESS", C.RECHERCHE, True, "Réseau inter-universitaire de l'ESS."),
    "Alternatiba": ("", C.COLLECTIF, True, "Tour Tandem et Quartiers Géniaux."),
    "Mairie de L'Île-Saint-Denis": ("", C.COMMUNE, True, "Actions coordonnées sur la ville."),
    "Maison de l'emploi": ("", C.COMMUNE, True, "Emploi sur le territoire."),
    "Médiathèque de L'Île-Saint-Denis": ("", C.COMMUNE, True, ""),
    "Maison des Initiatives Citoyennes": ("MIC", C.COMMUNE, True, ""),
    "Plaine Commune": ("", C.COMMUNE, True, "Établissement public territorial."),
    "Conseil départemental de Saône-et-Loire": ("", C.DEPARTEMENT, False, "Intervention."),
    "TEDx Île-Saint-Denis": ("", C.COLLECTIF, True, "« Un mal pour un bien »."),
}

# The funders' sites, printed under their logos in the annual report.
SITES = {
    ETAT: "https://www.caissedesdepots.fr",
    REGION: "https://www.iledefrance.fr",
    DEPARTEMENT: "https://seinesaintdenis.fr",
    CCAH: "https://www.ccah.fr",
}

# --- Projets ------------------------------------------------------------------------------

P = Projet.Statut


@dataclass(frozen=True)
class ProjetDemo:
    slug: str
    axe: int
    nom: str
    resume: str
    debut: datetime.date
    fin: datetime.date | None = None
    statut: str = P.EN_COURS
    porteurs: tuple[str, ...] = ()
    partenaires_habitants: tuple[str, ...] = ()
    partenaires: tuple[str, ...] = ()
    jalons: tuple[tuple[datetime.date, str], ...] = ()
    public: bool = False


PROJETS = (
    # 1 – Accueillir et soutenir les habitants.
    ProjetDemo(
        "services-mutualises", 1, "Nouveaux services mutualisés : vélos et affranchissement",
        "Mise en place de nouveaux services mutualisés : vélos et affranchissement.",
        d(2015, 3, 1), d(2015, 6, 30), P.TERMINE, partenaires_habitants=("marchambul",),
        jalons=((d(2015, 4, 1), "Ouverture du service d'affranchissement"),
                (d(2015, 5, 4), "Mise en service du parc de vélos")),
    ),
    ProjetDemo(
        "permanences-juridiques", 1, "Permanences juridiques",
        "Mise en place de permanences juridiques à destination des habitants du PHARES.",
        d(2015, 2, 1), porteurs=("errc",),
        jalons=((d(2015, 3, 5), "Première permanence juridique"),),
    ),
    ProjetDemo(
        "signaletique", 1, "Signalétique identitaire du PHARES",
        "Installation d'une signalétique identitaire à partir des réflexions stratégiques : "
        "groupe de travail en interne, accompagné par Polysemique, graphistes du territoire.",
        d(2015, 2, 1), d(2015, 11, 30), P.TERMINE,
        partenaires_habitants=("halage", "sfmad", "la-boite-militante"),
        partenaires=("Polysemique",),
        jalons=((d(2015, 2, 12), "Premier groupe de travail signalétique"),
                (d(2015, 11, 26), "Installation de la signalétique")),
    ),
    ProjetDemo(
        "site-internet", 1, "Site internet du PHARES",
        "Travail sur un site internet du PHARES, réalisé par des salariés en chantier "
        "d'insertion (Pôle Solidaire).",
        d(2015, 5, 1), partenaires=("Pôle Solidaire",),
        jalons=((d(2015, 5, 20), "Lancement avec l'équipe de Pôle Solidaire"),),
    ),
    ProjetDemo(
        "travaux-rez-de-chaussee-bas", 1, "Travaux du rez-de-chaussée bas",
        "Recherche de financement et réalisation de travaux importants au rez-de-chaussée "
        "bas, permettant l'utilisation de 50 m² supplémentaires, grâce au soutien du CCAH. "
        "Ces travaux se poursuivront en 2016.",
        d(2015, 1, 15), partenaires=(CCAH,),
        jalons=((d(2015, 4, 14), "Soutien du CCAH accordé"),
                (d(2015, 7, 6), "Début des travaux (été 2015… attention travaux !)")),
    ),
    # 2 – Encourager des projets issus de la coopération.
    ProjetDemo(
        "parcours-salaries-insertion", 2, "Parcours des salariés en insertion",
        "Travail inter structures sur les parcours des salariés en insertion (périodes "
        "d'immersion, orientation soin…).",
        d(2015, 1, 1), porteurs=("halage",),
        partenaires_habitants=("mode-estime", "novaedia", "chantier-ecole-idf"),
        jalons=((d(2015, 2, 10), "Premières périodes d'immersion entre structures"),),
    ),
    ProjetDemo(
        "marque-t-shirt", 2, "Marque de T-shirt bio équitable et local",
        "Lancement d'une marque de T-shirt bio équitable et local.",
        d(2015, 2, 1), porteurs=("mode-estime",),
        partenaires_habitants=("la-boite-militante", "solibio"),
        jalons=((d(2015, 9, 17), "Lancement de la marque de T-shirt bio équitable et local"),),
        public=True,
    ),
    ProjetDemo(
        "compic", 2, "COMPIC",
        "Compostage industriel de couches jetables : nouvelle activité potentielle, créatrice "
        "d'emplois, solution pour le traitement des déchets dans une approche coopérative.",
        d(2015, 3, 1), porteurs=("halage",), partenaires_habitants=("terragram",),
        jalons=((d(2015, 3, 24), "Lancement du projet COMPIC"),),
        public=True,
    ),
    ProjetDemo(
        "coordination-cop21", 2, "Coordination COP 21 sur l'Île-Saint-Denis",
        "Carte blanche au festival effet de CER, chantier international de jeunes, film "
        "documentaire, accueil d'Alternatiba, fil rouge info pendant la COP 21.",
        d(2015, 3, 1), d(2015, 12, 12), P.TERMINE, porteurs=("etudes-et-chantiers-idf",),
        partenaires_habitants=("halage", "metropop", "ile-vivante"),
        partenaires=("Alternatiba", "Mairie de L'Île-Saint-Denis"),
        jalons=(
            (d(2015, 5, 30), "Carte blanche lors du festival effet de CER (disco soup)"),
            (d(2015, 7, 13), "Chantier international de jeunes"),
            (d(2015, 9, 22), "Accueil du Tour Tandem Alternatiba"),
            (d(2015, 10, 10), "Accueil Quartier Génial Alternatiba et mise en place de "
                              "parrainages"),
            (d(2015, 11, 19), "Film documentaire « paroles populaires pour le climat »"),
            (d(2015, 11, 30), "Fil rouge info pendant la COP 21"),
        ),
        public=True,
    ),
    ProjetDemo(
        "ateliers-numeriques", 2, "Ateliers numériques métropolitains",
        "Formation citoyenne qui a également débouché sur une action de plaidoyer "
        "construite par des salariés en parcours.",
        d(2015, 2, 1), d(2015, 12, 31), P.TERMINE, porteurs=("metropop",),
        partenaires_habitants=("halage",),
        jalons=((d(2015, 2, 19), "Premier atelier numérique métropolitain"),
                (d(2015, 12, 10), "Action de plaidoyer des salariés en parcours")),
    ),
    ProjetDemo(
        "ferme-des-possibles", 2, "Chantier école Ferme des possibles",
        "Fabrication d'une arène à Stains dans une perspective de réemploi de matériaux, en "
        "partenariat avec Bellastock.",
        d(2015, 4, 1), d(2015, 7, 31), P.TERMINE, porteurs=("chantier-ecole-idf",),
        partenaires_habitants=("etudes-et-chantiers-idf",), partenaires=("Bellastock",),
        jalons=((d(2015, 4, 20), "Ouverture du chantier école"),
                (d(2015, 7, 3), "Inauguration de l'arène de la Ferme des possibles")),
        public=True,
    ),
    ProjetDemo(
        "conseil-strategique", 2, "Conseil stratégique avec Alter Action",
        "Missions de conseil stratégique pour le PHARES et plusieurs de ses habitants avec "
        "l'association Alter Action.",
        d(2015, 1, 15), d(2015, 6, 30), P.TERMINE,
        partenaires_habitants=("mode-estime", "la-firme-93", "metropop"),
        partenaires=("Alter Action",),
        jalons=((d(2015, 6, 25), "Restitution des missions en réunion plénière"),),
    ),
    ProjetDemo(
        "mutualisation-emplois", 2, "Mutualisation d'emplois",
        "Conseiller en insertion professionnelle, assistante administrative et comptable, "
        "chargé de développement mutualisé, services civiques.",
        d(2015, 1, 1), porteurs=("halage",),
        partenaires_habitants=("mode-estime", "metropop", "la-firme-93", "unarec"),
        jalons=((d(2015, 1, 5), "Mutualisation du poste de conseiller en insertion"),
                (d(2015, 4, 1), "Recrutement de l'assistante administrative et comptable"),
                (d(2015, 10, 1), "Arrivée du chargé de développement mutualisé")),
    ),
    ProjetDemo(
        "cpie-batiment-durable", 2, "CPIE sur le bâtiment durable",
        "Perspective de projet commun.", d(2015, 11, 1), statut=P.IDEE,
        porteurs=("etudes-et-chantiers-idf",),
    ),
    ProjetDemo(
        "conciergerie-sociale", 2, "Conciergerie sociale", "Perspective de projet commun.",
        d(2015, 11, 1), statut=P.IDEE, porteurs=("solibio",),
    ),
    # 3 – Être un pôle apprenant et un pôle ressources.
    ProjetDemo(
        "appui-aux-habitants", 3, "Appui aux habitants",
        "Appui aux habitants du PHARES sur leur stratégie, le montage de dossiers de "
        "subvention…", d(2015, 1, 1), partenaires_habitants=("la-firme-93", "fabien-kenzo-sato"),
    ),
    ProjetDemo(
        "accueil-marchambul", 3, "Accueil de Marchambul",
        "Accueil de porteurs de projets comme Marchambul pendant quelques mois : lancement "
        "du premier marchand sur Plaine Commune début 2016.",
        d(2015, 6, 1), d(2015, 8, 31), P.TERMINE, porteurs=("marchambul",),
        partenaires=("Plaine Commune",),
        jalons=((d(2015, 6, 1), "Arrivée de Marchambul au PHARES"),),
    ),
    ProjetDemo(
        "etude-offre-accompagnement", 3, "Étude sur l'offre d'accompagnement",
        "Réflexion sur une plus grande formalisation de l'offre d'accompagnement du PHARES.",
        d(2015, 9, 1), d(2015, 12, 18), P.TERMINE,
    ),
    ProjetDemo(
        "fondation-territoriale-93", 3, "Fondation territoriale 93",
        "Animation d'un groupe de réflexion sur la recherche mutualisée de financements "
        "privés, avec l'appui du REC.",
        d(2015, 5, 1), partenaires_habitants=("sfmad", "unarec"), partenaires=("REC",),
        jalons=((d(2015, 5, 21), "Premier groupe de réflexion avec le REC"),),
    ),
    ProjetDemo(
        "reseau-ptce", 3, "Réseau des PTCE et communauté apprenante du Coorace",
        "Participation au réseau PTCE, à la communauté apprenante animée par le Coorace sur "
        "l'emploi et la sécurisation des parcours professionnels.",
        d(2015, 1, 1), partenaires=("Réseau des PTCE", "Coorace Île-de-France"),
    ),
    ProjetDemo(
        "etude-modeles-economiques", 3, "Étude des modèles économiques des PTCE avec Appui",
        "« Investigation des modèles économiques des Pôles Territoriaux de Coopération "
        "Économique (PTCE), intégrant la dimension insertion par l'activité économique "
        "(IAE) ».",
        d(2015, 3, 1), d(2015, 12, 15), P.TERMINE, partenaires=("Appui",),
        jalons=((d(2015, 12, 15), "Remise du rapport sur les modèles économiques"),),
    ),
    ProjetDemo(
        "article-ruiess", 3, "Article capitalisant l'expérience du PHARES",
        "Finalisation d'un article présenté lors des journées du RUIESS (publication aux "
        "Presses Universitaires de France en 2016).",
        d(2015, 1, 15), d(2015, 10, 31), P.TERMINE, partenaires=("RUIESS",),
        jalons=((d(2015, 6, 5), "Présentation aux journées du RUIESS"),
                (d(2015, 10, 31), "Article remis pour publication")),
    ),
    ProjetDemo(
        "recherche-parcours-insertion", 3, "Mesure de performance d'un parcours d'insertion",
        "Projet de recherche en lien avec le monde universitaire : étude d'un étudiant en "
        "sociologie et de 2 étudiantes en ergonomie.",
        d(2015, 10, 1), porteurs=("halage",), partenaires_habitants=("mode-estime",),
    ),
    ProjetDemo(
        "liens-territoire", 3, "Liens avec les acteurs de L'Île-Saint-Denis",
        "Lien avec la Mairie, la Maison de l'emploi, la Médiathèque, la Maison des "
        "Initiatives Citoyennes pour des actions coordonnées et une visibilité locale.",
        d(2015, 1, 1),
        partenaires=("Mairie de L'Île-Saint-Denis", "Maison de l'emploi",
                     "Médiathèque de L'Île-Saint-Denis", "Maison des Initiatives Citoyennes"),
    ),
    ProjetDemo(
        "formations-metropop", 3, "Formations Metropop' ! sur le Grand Paris",
        "Mise en place de formations Metropop' ! sur le Grand Paris pour les acteurs de l'ESS.",
        d(2015, 4, 1), d(2015, 12, 31), P.TERMINE, porteurs=("metropop",),
    ),
    ProjetDemo(
        "tedx-ile-saint-denis", 3, "TEDx Île-Saint-Denis",
        "Soutien à l'organisation du premier TEDx Île-Saint-Denis, sur le thème « un mal "
        "pour un bien ».",
        d(2015, 6, 1), d(2015, 11, 28), P.TERMINE, partenaires_habitants=("ile-vivante",),
        partenaires=("TEDx Île-Saint-Denis",),
        jalons=((d(2015, 11, 28), "Premier TEDx Île-Saint-Denis : « un mal pour un bien »"),),
        public=True,
    ),
)  # fmt: skip

# --- Événements ---------------------------------------------------------------------------

E = Evenement.Type
REPAS = "Repas mensuel des habitants"
# The report's photo « Déjeuner des habitants, présentation de projets communs ».
REPAS_DESCRIPTIONS = {
    10: "Présentation de projets communs : COMPIC, la marque de T-shirt, les ateliers "
    "numériques métropolitains.",
}


@dataclass(frozen=True)
class EvenementDemo:
    titre: str
    type: str
    axe: int
    date: datetime.date
    lieu: str = SUR_PLACE
    projet: str = ""
    structures: tuple[str, ...] = ()
    reservation: str = ""  # the booking's title, that day (espaces demo agenda)
    description: str = ""
    public: bool = False
    date_fin: datetime.date | None = None


# Events held in the building cite their booking of the espaces demo (same title, same
# day): date and place come from it. The monthly lunches are read from the agenda itself.
EVENEMENTS = (
    # 1 – AG et séminaires accueillis.
    *(
        EvenementDemo(titre, E.ACCUEIL, 1, jour, structures=(slug,), reservation=titre)
        for titre, jour, slug in (
            ("Assemblée générale de Halage", d(2015, 6, 4), "halage"),
            ("Assemblée générale de Solibio", d(2015, 6, 10), "solibio"),
            ("Assemblée générale régionale d'Etudes et chantiers", d(2015, 6, 12),
             "etudes-et-chantiers-idf"),
            ("Assemblée générale de Mode Estime", d(2015, 6, 16), "mode-estime"),
            ("Assemblée générale de Metropop' !", d(2015, 6, 23), "metropop"),
            ("Assemblée générale de SFMAD", d(2015, 6, 26), "sfmad"),
        )
    ),
    EvenementDemo("Assemblée générale du Réseau des PTCE", E.ACCUEIL, 1, d(2015, 6, 19),
                  projet="reseau-ptce", reservation="Assemblée générale du Réseau des PTCE"),
    # 2 – Coopération.
    EvenementDemo("Quartier Génial Alternatiba sur l'Île-Saint-Denis", E.RENCONTRE, 2,
                  d(2015, 10, 10), lieu="Quai de l'Île-Saint-Denis",
                  projet="coordination-cop21", structures=("etudes-et-chantiers-idf",),
                  public=True),
    # 3 – Pôle apprenant et ressources : formations données au PHARES.
    EvenementDemo("Formation sur l'IAE", E.FORMATION, 3, d(2015, 3, 19),
                  structures=("chantier-ecole-idf",), reservation="Formation sur l'IAE"),
    EvenementDemo("Formation sur l'impact social", E.FORMATION, 3, d(2015, 10, 15),
                  structures=("sfmad",), reservation="Formation sur l'impact social"),
    EvenementDemo("Formation sur l'emploi mutualisé", E.FORMATION, 3, d(2015, 11, 5),
                  projet="mutualisation-emplois", structures=("chantier-ecole-idf",),
                  reservation="Formation sur l'emploi mutualisé"),
    *(
        EvenementDemo("Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS",
                      E.FORMATION, 3, jour, projet="formations-metropop",
                      structures=("metropop",),
                      reservation="Formation Metropop' ! : le Grand Paris pour les acteurs "
                                  "de l'ESS")
        for jour in (d(2015, 4, 16), d(2015, 5, 28), d(2015, 10, 22))
    ),
    EvenementDemo("Communauté apprenante du Coorace : emploi et sécurisation des parcours",
                  E.ACCUEIL, 3, d(2015, 11, 19), projet="reseau-ptce",
                  reservation="Communauté apprenante : emploi et sécurisation des parcours"),
    # 3 – Témoignages et interventions.
    EvenementDemo("« Coopérer pour innover » au CNAM", E.INTERVENTION, 3, d(2015, 3, 12),
                  lieu="CNAM, Paris"),
    EvenementDemo("Journée du Labo ESS et de la CDC", E.INTERVENTION, 3, d(2015, 6, 29),
                  lieu="Paris"),
    EvenementDemo("Journées du RUIESS : l'expérience du PHARES", E.INTERVENTION, 3,
                  d(2015, 6, 5), projet="article-ruiess"),
    EvenementDemo("Intervention à l'atelier émergence de projets ESS", E.INTERVENTION, 3,
                  d(2015, 9, 24), lieu="Saint-Denis"),
    EvenementDemo("Témoignage au Conseil départemental de Saône-et-Loire", E.INTERVENTION, 3,
                  d(2015, 11, 12), lieu="Mâcon"),
    EvenementDemo("Étude sur la mesure de performance d'un parcours d'insertion",
                  E.RECHERCHE, 3, d(2015, 10, 1), date_fin=d(2015, 12, 18),
                  projet="recherche-parcours-insertion", structures=("halage",),
                  description="Un étudiant en sociologie et deux étudiantes en ergonomie."),
    EvenementDemo("TEDx Île-Saint-Denis : « un mal pour un bien »", E.RENCONTRE, 3,
                  d(2015, 11, 28), lieu="L'Île-Saint-Denis", projet="tedx-ile-saint-denis",
                  public=True),
)  # fmt: skip

# --- Subventions, emplois, engagements ----------------------------------------------------

# The three-year public grants: asked for in the autumn of 2013, decided early 2014.
DEBUT_CONVENTIONS, FIN_CONVENTIONS = d(2014, 1, 1), d(2016, 12, 31)
DEMANDE_CONVENTIONS, DECISION_CONVENTIONS = d(2013, 10, 15), d(2014, 2, 20)


@dataclass(frozen=True)
class SubventionDemo:
    financeur: str
    intitule: str
    demande: Decimal
    accorde: Decimal
    recu: Decimal
    debut: datetime.date = DEBUT_CONVENTIONS
    fin: datetime.date = FIN_CONVENTIONS
    date_demande: datetime.date = DEMANDE_CONVENTIONS
    date_decision: datetime.date = DECISION_CONVENTIONS
    projet: str = ""
    reference: str = ""


SUBVENTIONS = (
    SubventionDemo(ETAT, "Animation du pôle territorial de coopération économique 2014-2016",
                   Decimal("150000"), Decimal("135000"), Decimal("90000"),
                   reference="PTCE-2013-093"),
    SubventionDemo(REGION, "Soutien au PTCE La Cité PHARES 2014-2016",
                   Decimal("96000"), Decimal("90000"), Decimal("60000"),
                   reference="IDF-ESS-14-0217"),
    SubventionDemo(DEPARTEMENT, "Pôle ESS de L'Île-Saint-Denis 2014-2016",
                   Decimal("60000"), Decimal("54000"), Decimal("36000"),
                   reference="CD93-ESS-2014-41"),
    SubventionDemo(CCAH, "Travaux du rez-de-chaussée bas (50 m² supplémentaires)",
                   Decimal("40000"), Decimal("35000"), Decimal("21000"),
                   debut=d(2015, 1, 1), fin=d(2015, 12, 31), date_demande=d(2015, 1, 20),
                   date_decision=d(2015, 4, 14), projet="travaux-rez-de-chaussee-bas"),
)  # fmt: skip


@dataclass(frozen=True)
class EmploiDemo:
    intitule: str
    employeur: str  # slug, or "" for the cooperative itself
    etp: Decimal
    debut: datetime.date
    cout_mensuel: Decimal
    parts: dict[str, Decimal] = field(default_factory=dict)
    description: str = ""


EMPLOIS = (
    EmploiDemo("Conseiller en insertion professionnelle (poste mutualisé)", "halage",
               Decimal("1"), d(2015, 1, 5), Decimal("3200.00"),
               {"halage": Decimal("50"), "mode-estime": Decimal("30"), "novaedia": Decimal("20")},
               "Accompagnement socioprofessionnel des salariés en insertion des trois "
               "structures."),
    EmploiDemo("Assistante administrative et comptable (poste mutualisé)", "metropop",
               Decimal("0.8"), d(2015, 4, 1), Decimal("2400.00"),
               {"metropop": Decimal("40"), "la-firme-93": Decimal("30"),
                "errc": Decimal("30")},
               "Suivi administratif, saisie comptable, paie."),
    EmploiDemo("Chargé de développement mutualisé", "", Decimal("1"), d(2015, 10, 1),
               Decimal("3400.00"),
               {"etudes-et-chantiers-idf": Decimal("25"), "unarec": Decimal("25"),
                "chantier-ecole-idf": Decimal("25"), "sfmad": Decimal("25")},
               "Recherche de financements et développement de projets communs."),
)  # fmt: skip
EMPLOYEUR_COOPERATIVE = "La Cité PHARES (SCIC)"

# (prénom, mission, structure, projet, début, fin)
SERVICES_CIVIQUES = (
    ("Inès", "Animation de la coordination COP 21 sur l'Île-Saint-Denis",
     "etudes-et-chantiers-idf", "coordination-cop21", d(2015, 3, 2), d(2015, 10, 31)),
    ("Hugo", "Communication et site internet du PHARES", "", "site-internet",
     d(2015, 2, 2), d(2015, 9, 30)),
    ("Aïcha", "Sensibilisation à la consommation durable", "solibio", "",
     d(2015, 9, 14), d(2016, 5, 13)),
    ("Lucas", "Accueil des ateliers numériques métropolitains", "metropop",
     "ateliers-numeriques", d(2015, 10, 1), d(2016, 5, 31)),
)  # fmt: skip

# --- Paroles d'habitants (verbatim, dans l'ordre du rapport) ------------------------------

PAROLES = (
    (1, "Le PHARES, c'est un confort de travail à un prix très accessible, c'est une aide "
        "financière indéniable quand on se lance !"),
    (1, "On apprécie toujours autant la mutualisation des services mais aussi des personnes "
        "à disposition plus ou moins formellement : ça facilite la vie, ça fait gagner du "
        "temps !"),
    (1, "Echanger avec des structures qui ne sont pas du tout dans notre domaine, cela "
        "élargit le champ d'action... On aurait pu y venir autrement, mais là, on y est venu "
        "directement"),
    (1, "Les liens informels sont formateurs : ça rassure, ça aide, ça fout aussi la "
        "pression, ça remonte aussi dans les moments de panique totale. Des fois on ne sait "
        "pas quoi faire... et si j'avais été tout seul, j'aurais arrêté c'est presque sûr !"),
    (1, "La convivialité, c'est important ! On sent qu'on n'est pas seuls, on échange les "
        "conseils. Le PHARES crée des conditions de travail spéciales, des rencontres... ça "
        "joue sur le plaisir d'aller travailler !"),
    (2, "Au PHARES, il y a une volonté a priori de collaborer, il y a du répondant – cela "
        "donne la capacité d'organiser des choses"),
    (2, "On a recruté une assistante administrative. Pour nous, c'est vraiment bien parce "
        "qu'on n'aurait pas pu prendre quelqu'un seuls"),
    (2, "Il y a des choses qui émergent, plutôt des personnes, mais parce qu'elles sont "
        "ensemble"),
    (2, "Ces projets ça donne un peu de travail, pas forcément beaucoup au départ, mais cela "
        "permet une implantation locale"),
    (2, "Sans le PHARES, on n'aurait jamais eu accès à ces partenaires... et on n'y aurait "
        "jamais pensé ! C'est ça qui est intéressant"),
    (3, "Le PHARES, c'est différent d'un incubateur classique : ici on est sur le plus long "
        "terme, l'ancrage local, les financements mixtes... On pourrait avoir plusieurs "
        "porteurs de projets nouveaux dans un même lieu... mais ça peut être extrêmement "
        "déconnecté du territoire. Tu serais n'importe où ça serait pareil. Ici tu as une "
        "vraie raison d'être là avec des personnes qui sont implantés depuis longtemps"),
    (3, "On est venu sur l'ISD parce qu'il y a le PHARES ... et maintenant on développe des "
        "projets sur Plaine commune"),
    (3, "A nous tous, on crée de l'emploi... et on crée du rêve aussi ! Montrer qu'il y a une "
        "façon différente de faire les choses, et qu'il y a des gens qui le font, ça "
        "rassure."),
)  # fmt: skip


# --- Vérifications ------------------------------------------------------------------------


def _check(ctx: DemoContext) -> None:
    errors = _check_projets(ctx)
    slugs = {p.slug for p in PROJETS}
    errors += [
        f"« {e.titre} » : projet inconnu {e.projet}"
        for e in EVENEMENTS
        if e.projet and e.projet not in slugs
    ]
    errors += [
        f"{e.intitule} : les parts font {sum(e.parts.values())} %"
        for e in EMPLOIS
        if sum(e.parts.values()) != 100
    ]
    if len(PAROLES) != 13:
        errors.append("le rapport cite 13 paroles d'habitants")
    if errors:
        raise CommandError(
            "Données de démonstration incohérentes (projets) : " + " ; ".join(errors)
        )


def _check_projets(ctx: DemoContext) -> list[str]:
    errors = []
    if len({p.slug for p in PROJETS}) != len(PROJETS):
        errors.append("un projet apparaît deux fois")
    for p in PROJETS:
        inconnues = [s for s in (*p.porteurs, *p.partenaires_habitants) if s not in ctx.structures]
        errors += [f"{p.slug} : structure inconnue {s}" for s in inconnues]
        errors += [
            f"{p.slug} : partenaire inconnu {n}" for n in p.partenaires if n not in PARTENAIRES
        ]
        if p.debut.year != ANNEE:
            errors.append(f"{p.slug} : commence hors de {ANNEE}")
    return errors


# --- Chargement ---------------------------------------------------------------------------


def load(ctx: DemoContext) -> None:
    _check(ctx)
    axes = _load_axes(ctx)
    partenaires = _load_partenaires(ctx)
    projets = _load_projets(ctx, axes, partenaires)
    _load_evenements(ctx, axes, projets)
    _load_subventions(ctx, partenaires, projets)
    _load_emplois(ctx, projets)
    _load_photos(ctx, axes, projets)
    for rang, (axe, texte) in enumerate(PAROLES, start=1):
        ctx.upsert(
            Parole,
            {"texte": texte},
            {
                "auteur": "",
                "structure": None,
                "anonyme": True,
                "annee": ANNEE,
                "axe": axes[axe],
                "dans_le_rapport": True,
                "rang": rang,
            },
        )


# The report's three axes: the migration creates them, but a flushed database (transactional
# tests) or a pole that renamed them still gets the demo's.
AXES = (
    (1, "Accueillir et soutenir les habitants du PHARES, lieu professionnel et convivial",
     "Accueillir et soutenir les habitants"),
    (2, "Encourager des projets issus de la coopération entre les structures du PHARES "
        "et/ou avec des initiatives du territoire",
     "Encourager des projets issus de la coopération"),
    (3, "Être un pôle apprenant et un pôle ressources",
     "Être un pôle apprenant et un pôle ressources"),
)  # fmt: skip


def _load_axes(ctx: DemoContext) -> dict[int, Axe]:
    return {
        numero: ctx.upsert(
            Axe, {"numero": numero}, {}, a_la_creation={"titre": titre, "titre_court": court}
        )
        for numero, titre, court in AXES
    }


def _load_partenaires(ctx: DemoContext) -> dict[str, Partenaire]:
    partenaires = {
        nom: ctx.upsert(
            Partenaire,
            {"nom": nom},
            {
                "sigle": sigle,
                "categorie": categorie,
                "du_pole": du_pole,
                "description": texte,
                "site_web": SITES.get(nom, ""),
            },
        )
        for nom, (sigle, categorie, du_pole, texte) in PARTENAIRES.items()
    }
    for s in SUBVENTIONS:
        _logo(ctx, partenaires[s.financeur])
    return partenaires


def _logo(ctx: DemoContext, partenaire: Partenaire) -> None:
    """A drawn logo (the funder's short name on a plate) for the report's « avec le soutien
    financier de » : once, journalled like a logo uploaded from the partner's page."""
    if partenaire.logo:
        return
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from .services import financements

    image = Image.new("RGB", (600, 300), (255, 255, 255))
    dessin = ImageDraw.Draw(image)
    dessin.rectangle([(10, 10), (590, 290)], outline=(18, 94, 110), width=8)
    texte = partenaire.sigle or partenaire.nom
    dessin.text((40, 110), texte[:18], fill=(18, 94, 110), font=_police(56))
    sortie = io.BytesIO()
    image.save(sortie, format="PNG")
    partenaire.logo.save("logo.png", ContentFile(sortie.getvalue()), save=False)
    financements.enregistrer_partenaire(partenaire=partenaire, par=ctx.acteur)
    ctx.stats["updated"] += 1


def _load_projets(ctx: DemoContext, axes, partenaires) -> dict[str, Projet]:
    projets = {}
    for p in PROJETS:
        projet = ctx.upsert(
            Projet,
            {"slug": p.slug},
            {
                "nom": p.nom,
                "axe": axes[p.axe],
                "resume": p.resume[:300],
                "description": p.resume,
                "statut": p.statut,
                "debut": p.debut,
                "fin": p.fin,
                "public": p.public,
            },
        )
        projets[p.slug] = projet
        roles = [(s, Participation.Role.PORTEUR) for s in p.porteurs]
        roles += [(s, Participation.Role.PARTENAIRE) for s in p.partenaires_habitants]
        for slug, role in roles:
            ctx.upsert(
                Participation, {"projet": projet, "structure": ctx.structures[slug]}, {"role": role}
            )
        _m2m(ctx, projet, "partenaires", [partenaires[n] for n in p.partenaires])
        for jour, titre in p.jalons:
            ctx.upsert(
                Jalon, {"projet": projet, "titre": titre}, {"date": jour, "dans_le_rapport": True}
            )
    return projets


def _reservations_du_jour(titre: str, jour: datetime.date):
    Reservation = Evenement._meta.get_field("reservation").related_model
    return Reservation.objects.select_related("ressource").filter(
        titre=titre,
        statut=Reservation.Statut.CONFIRMEE,
        debut__gte=temps.aware(jour, datetime.time(0)),
        debut__lt=temps.aware(jour + datetime.timedelta(days=1), datetime.time(0)),
    )


def _repas() -> list[EvenementDemo]:
    """One lunch a month, from the espaces demo's agenda (its bookings, its partner lunches
    with Bioconsommacteurs and Cheffe au féminin) ; the second Thursday without it."""
    Reservation = Evenement._meta.get_field("reservation").related_model
    reservations = Reservation.objects.filter(
        titre__startswith=REPAS,
        debut__gte=temps.aware(d(ANNEE, 1, 1), datetime.time(0)),
        debut__lt=temps.aware(d(ANNEE + 1, 1, 1), datetime.time(0)),
    ).order_by("debut")
    jours = {temps.jour(r.debut).month: (r.titre, temps.jour(r.debut)) for r in reservations}
    repas = []
    for mois in range(1, 13):
        premier = d(ANNEE, mois, 1)
        jeudi = premier + datetime.timedelta(days=(3 - premier.weekday()) % 7 + 7)
        titre, jour = jours.get(mois, (REPAS, jeudi))
        repas.append(
            EvenementDemo(
                titre, E.REPAS, 1, jour, reservation=titre,
                description=REPAS_DESCRIPTIONS.get(mois, ""),
            )
        )  # fmt: skip
    return repas


def _load_evenements(ctx: DemoContext, axes, projets) -> None:
    for e in (*_repas(), *EVENEMENTS):
        reservation = (
            _reservations_du_jour(e.reservation, e.date).first() if e.reservation else None
        )
        valeurs = {
            "type": e.type,
            "axe": axes[e.axe],
            "projet": projets[e.projet] if e.projet else None,
            "date_fin": e.date_fin,
            "lieu": reservation.ressource.nom if reservation else e.lieu,
            "reservation": reservation,
            "description": e.description,
            "public": e.public,
        }
        evenement = ctx.upsert(Evenement, {"titre": e.titre, "date": e.date}, valeurs)
        _m2m(ctx, evenement, "structures", [ctx.structures[s] for s in e.structures])


def _load_subventions(ctx: DemoContext, partenaires, projets) -> None:
    for s in SUBVENTIONS:
        ctx.upsert(
            Subvention,
            {"financeur": partenaires[s.financeur], "intitule": s.intitule},
            {
                "projet": projets[s.projet] if s.projet else None,
                "reference": s.reference,
                "statut": Subvention.Statut.ACCORDEE,
                "montant_demande": s.demande,
                "montant_accorde": s.accorde,
                "montant_recu": s.recu,
                "debut": s.debut,
                "fin": s.fin,
                "date_demande": s.date_demande,
                "date_decision": s.date_decision,
            },
        )


def _load_emplois(ctx: DemoContext, projets) -> None:
    mutualisation = projets["mutualisation-emplois"]
    for e in EMPLOIS:
        emploi = ctx.upsert(
            EmploiMutualise,
            {"intitule": e.intitule},
            {
                "employeur": ctx.structures[e.employeur] if e.employeur else None,
                "employeur_nom": "" if e.employeur else EMPLOYEUR_COOPERATIVE,
                "etp": e.etp,
                "debut": e.debut,
                "fin": None,
                "cout_mensuel": e.cout_mensuel,
                "facture_par_la_cooperative": False,
                "projet": mutualisation,
                "description": e.description,
            },
        )
        for slug, pourcentage in e.parts.items():
            ctx.upsert(
                PartEmploi,
                {"emploi": emploi, "structure": ctx.structures[slug]},
                {"pourcentage": pourcentage},
            )
    for prenom, mission, slug, projet, debut, fin in SERVICES_CIVIQUES:
        ctx.upsert(
            Engagement,
            {"type": Engagement.Type.SERVICE_CIVIQUE, "personne_nom": prenom, "mission": mission},
            {
                "structure": ctx.structures[slug] if slug else None,
                "projet": projets[projet] if projet else None,
                "debut": debut,
                "fin": fin,
            },
        )


def _m2m(ctx: DemoContext, obj, champ: str, objets) -> None:
    """Set a many-to-many list, journalled, only when it differs (a second run: nothing)."""
    manager = getattr(obj, champ)
    if set(manager.values_list("pk", flat=True)) == {o.pk for o in objets}:
        return
    avant = ", ".join(sorted(str(o) for o in manager.all())) or "—"
    manager.set(objets)
    ctx.stats["updated"] += 1
    journal.journaliser(
        par=ctx.acteur,
        operation="demo.modifier",
        libelle=f"Démonstration — modification : {obj._meta.verbose_name} « {obj} »",
        objet=obj,
        changements={
            str(obj._meta.get_field(champ).verbose_name): (
                avant,
                ", ".join(sorted(str(o) for o in objets)) or "—",
            )
        },
    )


# --- Photos ----------------------------------------------------------------------------------
# The report's captions, each with what it illustrates. The pictures are drawn at load time
# (a coloured plate with the caption) and go through the upload pipeline like any photo.


@dataclass(frozen=True)
class PhotoDemo:
    legende: str
    date: datetime.date
    axe: int | None = None
    projet: str = ""
    evenement: str = ""  # the title of a 2015 event
    publique: bool = False
    couleur: tuple[int, int, int] = (18, 94, 110)


PHOTOS = (
    PhotoDemo("Le bâtiment du PHARES à L'Île-Saint-Denis", d(2015, 6, 1), 1, publique=True),
    # The place itself (axis 1, no project): beside the report's key figures.
    PhotoDemo("Déjeuner au réfectoire", d(2015, 9, 10), 1, couleur=(170, 110, 40)),
    PhotoDemo("Formation", d(2015, 10, 15), 1, couleur=(40, 100, 150)),
    PhotoDemo(
        "Été 2015... attention travaux !", d(2015, 7, 20), 1, projet="travaux-rez-de-chaussee-bas",
        couleur=(150, 84, 20),
    ),
    PhotoDemo(
        "Déjeuner des habitants, présentation de projets communs", d(2015, 6, 11), 2,
        evenement=REPAS, couleur=(120, 40, 80),
    ),
    PhotoDemo(
        "Quartier Génial Alternatiba sur l'Île-Saint-Denis", d(2015, 9, 26), 2,
        projet="coordination-cop21", publique=True, couleur=(30, 110, 50),
    ),
    PhotoDemo("Formation sur l'IAE", d(2015, 3, 19), 3, evenement="Formation sur l'IAE",
              couleur=(60, 60, 140)),
    PhotoDemo(
        "Extrait du rapport sur les modèles économiques – en partenariat avec Appui",
        d(2015, 11, 30), 3, projet="etude-modeles-economiques", couleur=(90, 90, 90),
    ),
)  # fmt: skip


def _police(taille: int):
    """The site's vendored Inter: Pillow's default font has no « â », « Î » or « — »."""
    from django.conf import settings
    from PIL import ImageFont

    chemin = settings.BASE_DIR / "static/vendor/inter-5.3.0/inter-latin-600-normal.woff2"
    try:
        return ImageFont.truetype(str(chemin), taille)
    except OSError:  # a FreeType without WOFF2 support: the captions lose their accents
        return ImageFont.load_default(size=taille)


def _image(legende: str, couleur: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image, ImageDraw

    largeur, hauteur = 1600, 1067
    image = Image.new("RGB", (largeur, hauteur), couleur)
    dessin = ImageDraw.Draw(image)
    for rang in range(8):  # soft diagonal bands, so it reads as a picture, not a flat plate
        teinte = tuple(min(255, c + 12 * rang) for c in couleur)
        dessin.polygon(
            [(rang * 220, hauteur), (rang * 220 + 260, hauteur), (rang * 220 + 900, 0),
             (rang * 220 + 640, 0)],
            fill=teinte,
        )  # fmt: skip
    police = _police(56)
    dessin.rectangle([(0, hauteur - 180), (largeur, hauteur)], fill=(255, 255, 255))
    dessin.text((60, hauteur - 130), legende[:52], fill=(20, 20, 20), font=police)
    sortie = io.BytesIO()
    image.save(sortie, format="PNG")
    return sortie.getvalue()


def _load_photos(ctx: DemoContext, axes, projets) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import Photo
    from .services import photos as service_photos

    for p in PHOTOS:
        evenement = (
            Evenement.objects.filter(titre__startswith=p.evenement, date__year=ANNEE)
            .order_by("date")
            .first()
            if p.evenement
            else None
        )
        valeurs = {
            "date": p.date,
            "axe": axes[p.axe] if p.axe else None,
            "projet": projets[p.projet] if p.projet else None,
            "evenement": evenement,
            "publique": p.publique,
            "credit": "La Cité PHARES",
            "texte_alternatif": f"Image de démonstration : {p.legende}",
        }
        existante = Photo.objects.filter(legende=p.legende).first()
        if existante is not None:
            # Already drawn: only its description follows the data above.
            ctx.upsert(Photo, {"pk": existante.pk}, valeurs)
            continue
        fichier = SimpleUploadedFile("demo.png", _image(p.legende, p.couleur), "image/png")
        service_photos.ajouter_photo(
            photo=Photo(legende=p.legende, **valeurs), fichier=fichier, par=ctx.acteur
        )
        ctx.stats["created"] += 1
