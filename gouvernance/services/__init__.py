"""Opérations de la gouvernance, par sous-domaine : `registre` (admettre, modifier, sortie
des associés), `capital` (souscriptions, libérations, demandes de retrait, remboursements,
contre-passations), `mandats`, `postes` (postes dédiés au pôle). Chacune dans une
transaction, avec son acteur (`par`) et son entrée au journal ; chacune lève
GouvernanceError avec un message lisible. Les vues importent le module du sous-domaine :
`from gouvernance.services import capital; capital.souscrire(...)`.
"""

from ._erreurs import GouvernanceError

__all__ = ["GouvernanceError"]
