"""Les règles de la SCIC qui se règlent : `settings.PHARES_GOUVERNANCE` (variables
d'environnement dans phares/settings.py), complété par les valeurs par défaut ci-dessous.

- `VALEUR_NOMINALE_PART` (100,00 €) : valeur d'une part sociale, fixée par les statuts ;
  souscriptions et remboursements s'y font.
- `PLAFOND_ASSOCIES` (100) : une SARL compte 100 associés au plus (art. L223-3 du Code de
  commerce) ; `ALERTE_PLAFOND_ASSOCIES` (90) : le registre avertit à partir de ce nombre.
- `FRACTION_PLANCHER_CAPITAL` (0,25) : pas de remboursement qui ferait descendre le capital
  sous le quart du capital le plus élevé atteint (art. 7 de la loi du 10 septembre 1947).
- `CAPITAL_MINIMUM_STATUTAIRE` (0 €) : somme des statuts sous laquelle le capital ne descend
  pas par remboursements (art. L231-5 du Code de commerce) ; le plancher est le plus haut des
  deux.
- `CATEGORIES_OBLIGATOIRES` (salariés, bénéficiaires) : catégories qu'une SCIC compte
  toujours (art. 19 septies de la loi de 1947) ; le registre avertit quand l'une est vide.

Une valeur absurde (part à 0 €, plafond négatif, catégorie inconnue) est refusée au premier
usage par ImproperlyConfigured, plutôt que de fausser un calcul.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import Associe

DEFAUTS = {
    "VALEUR_NOMINALE_PART": Decimal("100.00"),
    "PLAFOND_ASSOCIES": 100,
    "ALERTE_PLAFOND_ASSOCIES": 90,
    "FRACTION_PLANCHER_CAPITAL": Decimal("0.25"),
    "CAPITAL_MINIMUM_STATUTAIRE": Decimal(0),
    "CATEGORIES_OBLIGATOIRES": ("salaries", "beneficiaires"),
}


def _reglages() -> dict:
    valeurs = {**DEFAUTS, **getattr(settings, "PHARES_GOUVERNANCE", {})}
    inconnues = set(valeurs) - set(DEFAUTS)
    if inconnues:
        raise ImproperlyConfigured(
            f"PHARES_GOUVERNANCE : clé(s) inconnue(s) {', '.join(sorted(inconnues))}."
        )
    return valeurs


def _decimal(nom: str, valeur) -> Decimal:
    if isinstance(valeur, float) or not isinstance(valeur, Decimal | int):
        raise ImproperlyConfigured(f"PHARES_GOUVERNANCE[{nom!r}] doit être un Decimal.")
    return Decimal(valeur)


def valeur_nominale() -> Decimal:
    valeur = _decimal("VALEUR_NOMINALE_PART", _reglages()["VALEUR_NOMINALE_PART"])
    if valeur <= 0 or valeur != valeur.quantize(Decimal("0.01")) or valeur > Decimal("1000000"):
        raise ImproperlyConfigured(
            "PHARES_GOUVERNANCE['VALEUR_NOMINALE_PART'] : un montant en euros et centimes, "
            "strictement positif, d'un million au plus."
        )
    return valeur


def plafond_associes() -> int:
    valeur = _reglages()["PLAFOND_ASSOCIES"]
    if not isinstance(valeur, int) or valeur < 1:
        raise ImproperlyConfigured("PHARES_GOUVERNANCE['PLAFOND_ASSOCIES'] : un entier ≥ 1.")
    return valeur


def alerte_plafond_associes() -> int:
    valeur = _reglages()["ALERTE_PLAFOND_ASSOCIES"]
    if not isinstance(valeur, int) or not 1 <= valeur <= plafond_associes():
        raise ImproperlyConfigured(
            "PHARES_GOUVERNANCE['ALERTE_PLAFOND_ASSOCIES'] : un entier entre 1 et le plafond."
        )
    return valeur


def fraction_plancher() -> Decimal:
    valeur = _decimal("FRACTION_PLANCHER_CAPITAL", _reglages()["FRACTION_PLANCHER_CAPITAL"])
    if not Decimal(0) <= valeur <= Decimal(1):
        raise ImproperlyConfigured(
            "PHARES_GOUVERNANCE['FRACTION_PLANCHER_CAPITAL'] : entre 0 et 1 (le quart : 0.25)."
        )
    return valeur


def capital_minimum_statutaire() -> Decimal:
    valeur = _decimal("CAPITAL_MINIMUM_STATUTAIRE", _reglages()["CAPITAL_MINIMUM_STATUTAIRE"])
    if valeur < 0:
        raise ImproperlyConfigured(
            "PHARES_GOUVERNANCE['CAPITAL_MINIMUM_STATUTAIRE'] : un montant positif ou nul."
        )
    return valeur


def categories_obligatoires() -> tuple[str, ...]:
    valeur = tuple(_reglages()["CATEGORIES_OBLIGATOIRES"])
    if not set(valeur) <= set(Associe.Categorie.values):
        raise ImproperlyConfigured(
            "PHARES_GOUVERNANCE['CATEGORIES_OBLIGATOIRES'] : des catégories d'associés "
            f"parmi {', '.join(Associe.Categorie.values)}."
        )
    return valeur
