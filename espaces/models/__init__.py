"""Le bâtiment et son économie, par sous-domaine : bâtiment et conventions, réservations,
tarifs, calendriers. Django trouve les modèles ici : chaque module y est importé.
"""

from .batiment import (
    PLAN_COLONNES,
    PLAN_LIGNES,
    TEXTE_MAX,
    TYPES_OCCUPES,
    Batiment,
    Convention,
    Espace,
    Etage,
    Rectangle,
    TypeEspace,
)
from .calendriers import JetonCalendrier
from .reservations import (
    DUREE_BLOQUEE_MAX,
    ClientExterne,
    Reservation,
    ReservationQuerySet,
    Ressource,
    SerieReservations,
)
from .tarifs import Consommation, ForfaitSalles, Tarif

__all__ = [
    "DUREE_BLOQUEE_MAX",
    "PLAN_COLONNES",
    "PLAN_LIGNES",
    "TEXTE_MAX",
    "TYPES_OCCUPES",
    "Batiment",
    "ClientExterne",
    "Consommation",
    "Convention",
    "Espace",
    "Etage",
    "ForfaitSalles",
    "JetonCalendrier",
    "Rectangle",
    "Reservation",
    "ReservationQuerySet",
    "Ressource",
    "SerieReservations",
    "Tarif",
    "TypeEspace",
]
