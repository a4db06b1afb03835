"""Démo du bâtiment : 3 étages, les espaces du rapport 2015, qui occupe quel bureau ou
poste du co-travail ; vérifications des chiffres du rapport et écriture."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from habitants import demo as habitants_demo
from phares.lib import dates

from ..models import Batiment, Convention, Espace, Etage, Rectangle, TypeEspace
from ..services.batiment import code_loyer, loyer_du_tarif
from ..services.plans import CHAMPS_PLAN, erreurs_de_placement
from ._commun import ANNEE, DATE_REFERENCE, HABITANTS, D, d, sauf

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext


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

# Where each space sits on the plan of its floor: (column, line, width, height) in cells of
# about a metre, on the 40 × 24 grid; a corridor runs between the two rows of each floor.
PLANS = {
    # Rez-de-chaussée bas: the workshops and storage on the back yard.
    "atelier-espaces-verts": (0, 0, 10, 8),
    "atelier-bricolage": (10, 0, 7, 7),
    "stockage-materiel": (17, 0, 9, 5),
    "reserve-archives": (0, 10, 5, 5),
    "vestiaire-hommes": (5, 10, 4, 4),
    "vestiaire-femmes": (9, 10, 4, 4),
    # Rez-de-chaussée: what receives the public on the street side, offices at the back.
    "epicerie": (0, 0, 6, 8),
    "refectoire": (6, 0, 8, 8),
    "cafeteria": (14, 0, 3, 8),
    "atelier-creation-textile": (17, 0, 7, 8),
    "salle-seine": (24, 0, 8, 8),
    "salle-marne": (32, 0, 5, 7),
    "salle-ourcq": (0, 10, 5, 5),
    "bureau-01": (5, 10, 6, 5),
    "bureau-02": (11, 10, 4, 5),
    "bureau-03": (15, 10, 3, 5),
    "bureau-04": (18, 10, 3, 4),
    "bureau-05": (21, 10, 4, 5),
    "bureau-06": (25, 10, 3, 4),
    # 1er étage: rooms and the coworking space, then a row of offices.
    "salle-oise": (0, 0, 5, 6),
    "salle-bievre": (5, 0, 4, 6),
    "salle-crould": (9, 0, 3, 5),
    "salle-yerres": (12, 0, 3, 4),
    "cotravail": (15, 0, 8, 6),
    "bureau-07": (23, 0, 5, 5),
    "bureau-08": (28, 0, 4, 5),
    "bureau-09": (0, 8, 3, 5),
    "bureau-10": (3, 8, 4, 5),
    "bureau-11": (7, 8, 3, 4),
    "bureau-12": (10, 8, 3, 4),
    "bureau-13": (13, 8, 3, 4),
    "bureau-14": (16, 8, 3, 4),
    "bureau-15": (19, 8, 3, 3),
    "bureau-16": (22, 8, 3, 3),
}


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


# --- Vérifications ------------------------------------------------------------------


def _compte(*types: str) -> int:
    return sum(1 for p in ESPACES if p.type in types)


def check_comptes() -> list[str]:
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


def check_espaces() -> list[str]:
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
    return errors + check_plans()


def check_plans() -> list[str]:
    """Chaque place est celle d'un espace connu, dans la grille, sans chevaucher une autre
    du même étage (la règle du service `placer_espaces`)."""
    errors = [f"place d'un espace inconnu : {slug}" for slug in PLANS if slug not in PIECES]
    for niveau, _nom in ETAGES:
        places = {
            PIECES[slug]: Rectangle(*r)
            for slug, r in PLANS.items()
            if slug in PIECES and PIECES[slug].niveau == niveau
        }
        errors += erreurs_de_placement(places)
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


def check_conventions() -> list[str]:
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


# --- Écriture --------------------------------------------------------------------


def load_batiment(ctx: DemoContext) -> dict[str, Espace]:
    """Le bâtiment, ses étages et ses espaces, par slug."""
    batiment = ctx.upsert(Batiment, {"nom": BATIMENT["nom"]}, sauf(BATIMENT, "nom"))
    etages = {
        niveau: ctx.upsert(Etage, {"batiment": batiment, "niveau": niveau}, {"nom": nom})
        for niveau, nom in ETAGES
    }
    return _load_espaces(ctx, etages)


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
                **dict(zip(CHAMPS_PLAN, PLANS.get(p.slug, (None,) * 4), strict=True)),
            },
        )
        for p in ESPACES
    }


def load_conventions(ctx: DemoContext, espaces, tarifs, gestion) -> None:
    for o in CONVENTIONS:
        espace = espaces[o.espace]
        debut, fin = o.periode
        tarif = tarifs[code_loyer(espace)]
        montant = loyer_du_tarif(espace, tarif)
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
