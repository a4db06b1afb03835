"""Ce que dit le rapport annuel d'une année, rassemblé une fois depuis les sélecteurs des
autres apps : l'aperçu HTML, le PDF, la commande et les éditions publiées lisent ces objets,
jamais la base directement. Chaque chiffre porte sa règle de comptage (`Chiffre.regle`),
écrite une fois dans `rapports/regles.py` et montrée dans l'aperçu et en annexe.

Règle des dates (docs/decisions.md) : une année est du 1er janvier au 31 décembre inclus ;
rien de ce qui commence après le 31 décembre de l'année ne compte ni n'apparaît.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Chiffre:
    """Un chiffre clé du bloc « Aujourd'hui, le PHARES, c'est »."""

    cle: str  # stable key: "surface", "etages", "habitants", "emplois_permanents"…
    valeur: int | Decimal
    libelle: str  # what follows the number: "'habitants'", "emplois permanents"
    regle: str  # the counting rule, one French sentence, shown on hover and in the appendix
    texte: str = ""  # full display when it is not "valeur libelle" ("1350 m² sur 3 étages")


@dataclass(frozen=True)
class HabitantDuRapport:
    nom: str
    slug: str
    description: str
    associe: bool  # associate of the SCIC during the year: underlined, with the legend
    parti: bool  # no longer in the building on 31 December: asterisk
    periode: str  # "depuis octobre 2015", "Juin–Août 2015", "départ en septembre 2015" or ""
    sigle_developpe: str = ""  # "European Roma Rights Centre" beside "ERRC"


@dataclass(frozen=True)
class DomaineDuRapport:
    nom: str
    habitants: list[HabitantDuRapport]


@dataclass(frozen=True)
class Financeur:
    nom: str
    site: str
    logo: str  # absolute path of the logo file under MEDIA_ROOT, or ""
    montant: Decimal | None  # granted amount counted in the year, if any


@dataclass(frozen=True)
class CategorieComptee:
    nom: str
    nombre: int


@dataclass(frozen=True)
class SeanceTenue:
    date: datetime.date
    titre: str
    type: str  # label: "Réunion de cogérance", "Assemblée générale ordinaire"…
    presents: int
    representes: int
    inscrits: int  # who could take part (electors on that date)
    decisions: int


@dataclass(frozen=True)
class Gouvernance:
    nom_scic: str
    associes: int  # associates on 31 December
    par_categorie: list[CategorieComptee]
    cogerants: list[str]  # names, on 31 December
    seances: list[SeanceTenue]  # meetings held in the year, by date
    decisions: int  # decisions taken in the year


@dataclass(frozen=True)
class Poste:
    intitule: str
    etp: Decimal
    description: str


@dataclass(frozen=True)
class Mouvement:
    """Évolution du projet coopératif (rapport de gestion d'une SCIC) : par catégorie."""

    categorie: str
    au_debut: int  # associates on 1 January
    entrees: int
    sorties: int
    a_la_fin: int  # associates on 31 December


@dataclass(frozen=True)
class PhotoDuRapport:
    cle: str  # Photo.cle (uuid), to select it in an edition
    legende: str
    texte_alternatif: str
    credit: str
    chemin: str  # absolute path of the print-size JPEG (for WeasyPrint)
    url: str  # web size through projets:photo-fichier (for the HTML preview)


@dataclass(frozen=True)
class Parole:
    pk: int
    texte: str
    auteur: str  # "" when anonymous


@dataclass(frozen=True)
class Element:
    """Une ligne de la liste « en 2015 » d'un axe."""

    texte: str
    date: datetime.date | None
    source: str  # "projet", "jalon", "evenement", "emploi", "service_civique"…
    sous_elements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AxeDuRapport:
    numero: int
    titre: str
    introduction: str  # editorial text of the edition (paragraphs separated by blank lines)
    paroles: list[Parole]
    elements: list[Element]
    photos: list[PhotoDuRapport]


@dataclass(frozen=True)
class Serie:
    nom: str  # "2015", "2014", "Bureaux", …
    valeurs: list[Decimal | int | None]


@dataclass(frozen=True)
class Graphique:
    """Les données d'un graphique ; rendu en SVG (pygal) par rapports/graphiques.py, avec le
    tableau des mêmes chiffres pour les lecteurs d'écran."""

    cle: str  # "occupation", "reservations_salles", "reservations_usagers", "recettes", "emplois"
    titre: str
    type: str  # "barres", "barres_horizontales", "lignes", "camembert"
    categories: list[str]  # x labels (months, rooms, kinds…)
    series: list[Serie]  # the year first, then the previous year where it exists
    unite: str = ""  # "%", "€", "heures", …
    regle: str = ""


@dataclass(frozen=True)
class Contact:
    lieu: str
    nom: str
    fonction: str
    telephones: list[str]
    email: str
    site: str
    adresse: str


@dataclass(frozen=True)
class Textes:
    """Les textes éditoriaux d'une édition (saisis par l'équipe, préremplis de l'année
    précédente). Paragraphes séparés par une ligne vide ; listes : une ligne par élément."""

    introduction: str = ""
    mission: str = ""  # the sentence of "Aujourd'hui, le PHARES, c'est"
    habitants: str = ""  # intro of "Les habitants du PHARES"
    partage: str = ""  # "tous partagent": one item per line
    partenaires: str = ""
    gouvernance: str = ""
    ressources_humaines: str = ""
    axes: dict[int, str] = field(default_factory=dict)  # numero -> introduction
    perspectives: str = ""


@dataclass(frozen=True)
class Rapport:
    annee: int
    titre: str  # "Rapport annuel PTCE La Cité PHARES Année 2015"
    lieu: str  # "La Cité PHARES"
    textes: Textes
    chiffres: list[Chiffre]
    domaines: list[DomaineDuRapport]
    financeurs: list[Financeur]
    gouvernance: Gouvernance
    postes: list[Poste]
    axes: list[AxeDuRapport]
    graphiques: list[Graphique]
    mouvements: list[Mouvement]
    contact: Contact
    couverture: PhotoDuRapport | None
    # "Déjeuner au réfectoire", "Formation": the photos beside the key figures.
    photos_generales: list[PhotoDuRapport]
    # The rules of the lists (habitants, funders, governance…): section title -> sentence,
    # for the appendix beside the figures' and charts' own rules.
    regles_sections: dict[str, str] = field(default_factory=dict)

    def chiffre(self, cle: str) -> Chiffre:
        return next(c for c in self.chiffres if c.cle == cle)


def rassembler(
    annee: int,
    *,
    textes: Textes | None = None,
    paroles: list[int] | None = None,
    photos: list[str] | None = None,
    couverture: str | None = None,
) -> Rapport:
    """Le rapport de l'année `annee` tel que les données le disent aujourd'hui, avec les
    textes de l'édition. `paroles` (pk) et `photos` (clés) : la sélection de l'édition ;
    None = la sélection par défaut (paroles marquées « dans le rapport », photos de l'année).

    Nombre de requêtes borné : il ne dépend ni du nombre de réservations ni de structures.
    Les règles sont dans `rapports/regles.py`.
    """
    from . import regles

    return regles.rassembler(
        annee, textes=textes, paroles=paroles, photos=photos, couverture=couverture
    )


class AnneeSansDonnees(Exception):
    """Aucune donnée pour cette année (aucune structure présente) : pas de rapport."""
