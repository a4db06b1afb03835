"""Opérations de la SCIC, par sous-domaine : `seances` (séances, inscrits et présences,
ordre du jour et propositions, convocation, actions de suivi, approbation du procès-verbal),
`decisions` (décisions et leurs votes), `colleges` (collèges de vote), `registre` (admettre,
modifier, sortie des associés), `capital` (souscriptions, libérations, demandes de retrait,
remboursements, contre-passations), `mandats`, `postes` (postes dédiés au pôle).

Chacune prend l'acteur (`par`), tient dans une transaction, écrit le journal et lève
GouvernanceError avec un message à lire ; les e-mails partent après la validation. Les vues
importent le module du sous-domaine : `from gouvernance.services import capital`.
"""

from ._erreurs import GouvernanceError

__all__ = ["GouvernanceError"]
