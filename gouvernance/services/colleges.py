"""Les collèges de vote (facultatifs) : une SCIC peut répartir ses associé·es en collèges
dont les voix pèsent un poids fixé par les statuts en assemblée générale. La loi de 1947
(art. 19 octies) borne chaque collège entre 10 % et 50 % des droits de vote ; leurs poids
font 100 %. La configuration se vérifie et s'enregistre d'un bloc : un collège seul ne se
modifie pas (il casserait la somme).

Un collège retiré de la configuration reste en base, inactif, pour les votes auxquels il a
pris part (le procès-verbal en garde le nom et le poids) ; ses associé·es n'ont plus de
collège.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from phares.lib import journal
from phares.lib.acteur import Acteur
from phares.lib.money import format_nombre

from ..models import Associe, College
from ._commun import GouvernanceError, exiger_redacteur, texte

POIDS_MIN = Decimal(10)
POIDS_MAX = Decimal(50)
TOTAL = Decimal(100)


@dataclass(frozen=True)
class CollegeSaisi:
    nom: str
    poids: Decimal
    pk: int | None = None  # an existing college, kept (renamed, reweighted)


def _pct(valeur: Decimal) -> str:
    return f"{format_nombre(valeur)} %"


def verifier_colleges(colleges: list[CollegeSaisi]) -> None:
    """Toute la configuration à la fois ; aucune (un·e associé·e, une voix) est permise."""
    if not colleges:
        return
    noms = [texte(c.nom, quoi="le nom du collège", max_length=100).lower() for c in colleges]
    doublons = sorted({n for n in noms if noms.count(n) > 1})
    if doublons:
        raise GouvernanceError(f"Deux collèges portent le même nom : {', '.join(doublons)}.")
    hors_bornes = [c for c in colleges if not POIDS_MIN <= c.poids <= POIDS_MAX]
    if hors_bornes:
        raise GouvernanceError(
            "Un collège pèse entre 10 % et 50 % des voix (art. 19 octies de la loi du 10 "
            "septembre 1947) : "
            + ", ".join(f"{c.nom.strip()} à {_pct(c.poids)}" for c in hors_bornes)
            + "."
        )
    total = sum((c.poids for c in colleges), Decimal(0))
    if total != TOTAL:
        raise GouvernanceError(f"Les poids des collèges font {_pct(total)} : il faut 100 %.")


def _resume(colleges) -> str:
    return " ; ".join(f"{c.nom} {_pct(c.poids)}" for c in colleges) or "aucun collège"


def definir_colleges(*, colleges: list[CollegeSaisi], par: Acteur) -> list[College]:
    """Remplace la configuration des collèges actifs par `colleges`, vérifiée d'un bloc."""
    par = exiger_redacteur(par)
    verifier_colleges(colleges)
    with transaction.atomic():
        actuels = {c.pk: c for c in College.objects.select_for_update().filter(actif=True)}
        avant = _resume(actuels.values())
        gardes = {c.pk for c in colleges if c.pk is not None}
        if gardes - set(actuels):
            raise GouvernanceError("Un collège a été retiré entre-temps : rechargez la page.")
        retires = [pk for pk in actuels if pk not in gardes]
        Associe.objects.filter(college_id__in=retires).update(college=None)
        College.objects.filter(pk__in=retires).update(actif=False)
        resultat = []
        for ordre, saisi in enumerate(colleges, start=1):
            c = actuels.get(saisi.pk) if saisi.pk else College()
            c.nom, c.poids, c.ordre, c.actif = saisi.nom.strip(), saisi.poids, ordre, True
            c.save()
            resultat.append(c)
        apres = _resume(resultat)
        if apres != avant:
            journal.journaliser(
                par=par,
                operation="colleges.definir",
                libelle=f"Collèges de vote : {apres}",
                changements={"collèges": (avant, apres)},
            )
    return resultat


def affecter_colleges(*, affectations: dict[int, int | None], par: Acteur) -> int:
    """Le collège de chaque associé·e (clé : associé·e, valeur : collège actif ou None).
    Rend le nombre d'associé·es dont le collège a changé."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        actifs = {c.pk: c for c in College.objects.filter(actif=True)}
        if any(v is not None and v not in actifs for v in affectations.values()):
            raise GouvernanceError("Ce collège n'existe plus : rechargez la page.")
        associes = {a.pk: a for a in Associe.objects.filter(pk__in=affectations)}
        if set(affectations) - set(associes):
            raise GouvernanceError("Cet·te associé·e n'existe pas.")
        changes = []
        for pk, college_id in affectations.items():
            a = associes[pk]
            if a.college_id != college_id:
                avant = actifs[a.college_id].nom if a.college_id in actifs else "—"
                a.college_id = college_id
                changes.append((a, avant))
        Associe.objects.bulk_update([a for a, _ in changes], ["college"])
        if changes:
            journal.journaliser(
                par=par,
                operation="colleges.affecter",
                libelle=f"Collèges de vote : {len(changes)} associé·e(s) changé(s) de collège",
                changements={
                    str(a): (avant, actifs[a.college_id].nom if a.college_id else "—")
                    for a, avant in changes
                },
            )
    return len(changes)
