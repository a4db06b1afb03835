"""Emplois mutualisés (un poste partagé entre structures, chaque part en pourcentage du coût
mensuel) et engagements (services civiques, stages, alternances, contrats d'insertion).

Un poste s'enregistre avec toutes ses parts, dans une transaction : les parts font exactement
100 %, une structure n'y figure qu'une fois, chaque part va de 0,01 % à 100 %. Une part déjà
reprise sur une facture (brouillon ou émise) ne se retire plus : on termine le poste (date de
fin) et on en ouvre un autre avec les nouvelles parts ; son pourcentage, lui, se corrige (une
facture émise garde ses montants, un brouillon suit à la prochaine préparation).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import format_nombre

from ..models import EmploiMutualise, Engagement, PartEmploi
from ._erreurs import ProjetsError

CHAMPS_EMPLOI = (
    "intitule",
    "employeur",
    "employeur_nom",
    "etp",
    "debut",
    "fin",
    "cout_mensuel",
    "facture_par_la_cooperative",
    "projet",
    "description",
)
CHAMPS_ENGAGEMENT = (
    "type",
    "personne_nom",
    "mission",
    "structure",
    "projet",
    "debut",
    "fin",
    "notes",
)
ETP_MAX = Decimal("10")
CENT_POUR_CENT = Decimal("100")


def pourcentage_lisible(valeur: Decimal) -> str:
    return f"{format_nombre(valeur)} %"


def verifier_parts(parts: Iterable[tuple[object, Decimal]]) -> None:
    """Les règles des parts d'un poste, écrites une fois (formulaire et service)."""
    parts = list(parts)
    if not parts:
        raise ProjetsError(
            "Un poste mutualisé a au moins une part (100 % pour une seule structure)."
        )
    vues = set()
    for structure, pourcentage in parts:
        if structure.pk in vues:
            raise ProjetsError(f"{structure} a deux parts : une seule part par structure.")
        vues.add(structure.pk)
        if not Decimal(0) < pourcentage <= CENT_POUR_CENT:
            raise ProjetsError(
                f"La part de {structure} doit être supérieure à 0 % et au plus de 100 %."
            )
    total = sum((p for _, p in parts), Decimal(0))
    if total != CENT_POUR_CENT:
        raise ProjetsError(
            f"Les parts font {pourcentage_lisible(total)} : elles doivent faire 100 %."
        )


def _verifier_emploi(emploi: EmploiMutualise) -> None:
    if not emploi.intitule.strip():
        raise ProjetsError("Donnez l'intitulé du poste.")
    if emploi.employeur_id and emploi.employeur_nom.strip():
        raise ProjetsError("Un employeur habitant ou un autre employeur, pas les deux.")
    if not emploi.employeur_id and not emploi.employeur_nom.strip():
        raise ProjetsError(
            "Indiquez l'employeur : une structure habitante, ou son nom "
            "(« La Cité PHARES (SCIC) »)."
        )
    if emploi.etp is None or not Decimal(0) < emploi.etp <= ETP_MAX:
        raise ProjetsError(
            f"La quotité va de 0,01 à {format_nombre(ETP_MAX)} ETP (1 = un temps plein)."
        )
    if emploi.fin is not None and emploi.fin < emploi.debut:
        raise ProjetsError("La fin du poste ne peut pas précéder son début.")
    if emploi.cout_mensuel is not None and emploi.cout_mensuel < 0:
        raise ProjetsError("Le coût mensuel ne peut pas être négatif.")
    if emploi.facture_par_la_cooperative and not emploi.cout_mensuel:
        raise ProjetsError("Un poste refacturé par la coopérative a un coût mensuel à répartir.")


def _parts_lisibles(emploi: EmploiMutualise) -> dict[str, str]:
    if emploi.pk is None:
        return {}
    return {
        f"part de {p.structure}": pourcentage_lisible(p.pourcentage)
        for p in emploi.parts.select_related("structure").order_by("structure__nom")
    }


def enregistrer_emploi(
    *, emploi: EmploiMutualise, parts: Iterable[tuple[object, Decimal]], par: Acteur
) -> EmploiMutualise:
    """Crée ou modifie un poste mutualisé et remplace ses parts par `parts` ((structure,
    pourcentage), qui font 100 %). Tout ou rien ; le journal garde l'avant et l'après."""
    par = exiger(par)
    parts = [(s, Decimal(p)) for s, p in parts]
    _verifier_emploi(emploi)
    verifier_parts(parts)
    creation = emploi.pk is None
    with transaction.atomic():
        if creation:
            avant: dict[str, str] = {}
        else:
            ancien = EmploiMutualise.objects.select_for_update().get(pk=emploi.pk)
            avant = {**journal.instantane(ancien, CHAMPS_EMPLOI), **_parts_lisibles(ancien)}
        emploi.save()
        existantes = {p.structure_id: p for p in emploi.parts.select_related("structure")}
        voulues = {s.pk: (s, pct) for s, pct in parts}
        for structure_id, part in existantes.items():
            if structure_id in voulues:
                continue
            try:
                part.delete()
            except ProtectedError as exc:
                raise ProjetsError(
                    f"La part de {part.structure} figure déjà sur une facture : elle ne se "
                    "retire plus. Terminez ce poste (date de fin) et créez-en un nouveau avec "
                    "les nouvelles parts."
                ) from exc
        for structure_id, (structure, pct) in voulues.items():
            part = existantes.get(structure_id)
            if part is None:
                PartEmploi.objects.create(emploi=emploi, structure=structure, pourcentage=pct)
            elif part.pourcentage != pct:
                part.pourcentage = pct
                part.save(update_fields=["pourcentage"])
        apres = {**journal.instantane(emploi, CHAMPS_EMPLOI), **_parts_lisibles(emploi)}
        changements = journal.ecarts(avant, apres)
        if creation or changements:
            journal.journaliser(
                par=par,
                operation="emploi.creer" if creation else "emploi.modifier",
                libelle=(
                    f"Emploi mutualisé {'créé' if creation else 'modifié'} : {emploi.intitule}"
                ),
                objet=emploi,
                structure=emploi.employeur,
                changements=changements,
            )
    return emploi


def _verifier_engagement(engagement: Engagement) -> None:
    if not engagement.mission.strip():
        raise ProjetsError("Décrivez la mission.")
    if engagement.fin is not None and engagement.fin < engagement.debut:
        raise ProjetsError("La fin de l'engagement ne peut pas précéder son début.")


def enregistrer_engagement(*, engagement: Engagement, par: Acteur) -> Engagement:
    """Crée ou modifie un engagement (service civique, stage…) ; structure et projet vides :
    au service du pôle lui-même."""
    par = exiger(par)
    _verifier_engagement(engagement)
    with transaction.atomic():
        if engagement.pk is None:
            engagement.save()
            journal.journaliser(
                par=par,
                operation="engagement.creer",
                libelle=f"Engagement ajouté : {engagement}",
                objet=engagement,
                structure=engagement.structure,
                changements=journal.creation(engagement, CHAMPS_ENGAGEMENT),
            )
            return engagement
        ancien = Engagement.objects.select_for_update().get(pk=engagement.pk)
        changements = journal.ecarts(
            journal.instantane(ancien, CHAMPS_ENGAGEMENT),
            journal.instantane(engagement, CHAMPS_ENGAGEMENT),
        )
        if changements:
            engagement.save()
            journal.journaliser(
                par=par,
                operation="engagement.modifier",
                libelle=f"Engagement modifié : {engagement}",
                objet=engagement,
                structure=engagement.structure,
                changements=changements,
            )
    return engagement
