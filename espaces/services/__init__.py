"""Opérations sur les espaces, par sous-domaine : `batiment` (conventions d'occupation),
`espaces` (bâtiment et niveaux, fiches d'espaces, règles de réservation), `reservations`,
`modifications` (annuler, déplacer), `series` et `demandes` (demandes publiques et réponses
de l'équipe), `clients` (fiches des organisations extérieures), `tarifs` (tarifs, forfaits,
consommations), `calendriers` (jetons des flux). Chacune dans une transaction ; chacune lève
EspacesError avec un message lisible. Ce module en réexporte l'interface publique :
`from espaces import services; services.reserver(...)`.

Les apps qui réservent par ces services (gouvernance, projets) n'importent rien d'autre
d'espaces : les salles réservables et les structures pour lesquelles une personne réserve
leur sont donc offertes ici aussi.
"""

from ..selectors import salles, structures_reservantes
from ._erreurs import ConflitError, EspacesError, PrixError
from .batiment import creer_convention, terminer_convention
from .calendriers import nouveau_jeton, revoquer
from .clients import modifier_client
from .demandes import (
    DELAI_DEMANDE,
    DEMANDES_MAX_EN_ATTENTE,
    DEMANDES_MAX_PAR_EMAIL,
    DEMANDES_MAX_PAR_IP,
    DEMANDES_MAX_PAR_SALLE_ET_JOUR,
    decider_demande,
    demander_salle,
    proposer_creneau,
)
from .espaces import (
    enregistrer_batiment,
    enregistrer_espace,
    enregistrer_regles,
    enregistrer_regles_velos,
)
from .modifications import (
    ANNULATION,
    annuler,
    modifier_reservation,
    proposer_retablissement,
    retablir,
)
from .plans import erreurs_de_placement, placer_espaces
from .reservations import (
    Organisation,
    reserver,
    reserver_pour_externe,
    reserver_velo,
    verifier_regles,
)
from .series import (
    MAX_OCCURRENCES,
    AnnulationSerie,
    Creneau,
    PlanSerie,
    annuler_serie,
    occurrences,
    planifier_serie,
    reserver_serie,
)
from .tarifs import (
    definir_forfait,
    enregistrer_consommation,
    enregistrer_tarif,
    remplacer_tarif,
    terminer_tarif,
)

__all__ = [
    "ANNULATION",
    "DELAI_DEMANDE",
    "DEMANDES_MAX_EN_ATTENTE",
    "DEMANDES_MAX_PAR_EMAIL",
    "DEMANDES_MAX_PAR_IP",
    "DEMANDES_MAX_PAR_SALLE_ET_JOUR",
    "MAX_OCCURRENCES",
    "AnnulationSerie",
    "ConflitError",
    "Creneau",
    "EspacesError",
    "Organisation",
    "PlanSerie",
    "PrixError",
    "annuler",
    "annuler_serie",
    "creer_convention",
    "decider_demande",
    "definir_forfait",
    "demander_salle",
    "enregistrer_batiment",
    "enregistrer_consommation",
    "enregistrer_espace",
    "enregistrer_regles",
    "enregistrer_regles_velos",
    "enregistrer_tarif",
    "erreurs_de_placement",
    "modifier_client",
    "modifier_reservation",
    "nouveau_jeton",
    "occurrences",
    "placer_espaces",
    "planifier_serie",
    "proposer_creneau",
    "proposer_retablissement",
    "remplacer_tarif",
    "reserver",
    "reserver_pour_externe",
    "reserver_serie",
    "reserver_velo",
    "retablir",
    "revoquer",
    "salles",
    "structures_reservantes",
    "terminer_convention",
    "terminer_tarif",
    "verifier_regles",
]
