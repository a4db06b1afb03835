"""Opérations sur la vie du pôle, une par sous-domaine : projets et leur journal
(projets.py), partenaires et subventions (financements.py), emplois mutualisés et
engagements (emplois.py), photos (photos.py), paroles d'habitants (paroles.py),
événements (evenements.py). Chacune dans une transaction, avec l'acteur et le journal."""

from ._erreurs import ProjetsError

__all__ = ["ProjetsError"]
