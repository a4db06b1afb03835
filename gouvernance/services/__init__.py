"""Opérations de la SCIC, par sous-domaine : `seances` (séances, inscrits et présences,
ordre du jour et propositions, convocation, actions de suivi, approbation du procès-verbal),
`decisions` (décisions et leurs votes), `colleges` (collèges de vote).

Chacune prend l'acteur (`par`), tient dans une transaction, écrit le journal et lève
GouvernanceError avec un message à lire ; les e-mails partent après la validation.
"""

from ._commun import GouvernanceError

__all__ = ["GouvernanceError"]
