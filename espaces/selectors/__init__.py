"""Lectures sur le bâtiment et les réservations, pour les vues et pour les autres apps
(tableau de bord, rapport), par sous-domaine : `batiment`, `reservations` et `planning`,
`tarifs`, `calendriers`. Ce module en réexporte les fonctions publiques."""

from .batiment import (
    Occupation,
    OccupationEspace,
    batiment,
    compte_espaces,
    conventions_actives,
    espaces_de,
    occupation,
)
from .calendriers import (
    FENETRE_FUTUR,
    FENETRE_PASSE,
    flux_personne,
    flux_salle,
    flux_structure,
    jeton_actif,
    jetons_actifs,
    mes_structures_ids,
    user_for,
)
from .planning import Bloc, Journee, jour_toutes_salles, journee, semaine
from .reservations import (
    demandes_en_attente,
    demandes_entre,
    reservations_entre,
    reservations_visibles,
    salles,
    structures_reservantes,
    velos,
    velos_libres,
)
from .tarifs import consommations, minutes_consommees, tarif_en_vigueur

__all__ = [
    "FENETRE_FUTUR",
    "FENETRE_PASSE",
    "Bloc",
    "Journee",
    "Occupation",
    "OccupationEspace",
    "batiment",
    "compte_espaces",
    "consommations",
    "conventions_actives",
    "demandes_en_attente",
    "demandes_entre",
    "espaces_de",
    "flux_personne",
    "flux_salle",
    "flux_structure",
    "jeton_actif",
    "jetons_actifs",
    "jour_toutes_salles",
    "journee",
    "mes_structures_ids",
    "minutes_consommees",
    "occupation",
    "reservations_entre",
    "reservations_visibles",
    "salles",
    "semaine",
    "structures_reservantes",
    "tarif_en_vigueur",
    "user_for",
    "velos",
    "velos_libres",
]
