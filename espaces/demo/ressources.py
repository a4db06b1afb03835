"""Démo des ressources réservables (salles partagées, vélos du parc) et des clients
extérieurs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..models import Ressource
from ._commun import t
from .batiment import ESPACES, PIECES, T

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
