"""Conventions d'occupation : une structure tient un bureau, ou un poste du co-travail.

Deux occupants à la fois sont impossibles : sur PostgreSQL une contrainte d'exclusion
refuse le chevauchement (la vérification préalable ne sert qu'au message) ; sur SQLite
la transaction commence par BEGIN IMMEDIATE.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from phares.lib import dates, journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import round_cents

from ..models import Convention, Espace, Tarif, TypeEspace
from ..selectors import tarif_en_vigueur
from ._erreurs import ConflitError, EspacesError, inserer


def code_loyer(espace: Espace) -> str:
    """Le tarif d'où vient le loyer d'un bureau (au m²) ou d'un poste de co-travail."""
    if espace.type == TypeEspace.BUREAU:
        return Tarif.Code.BUREAU_M2_MOIS
    return Tarif.Code.POSTE_COTRAVAIL_MOIS


def loyer_du_tarif(espace: Espace, tarif: Tarif) -> Decimal:
    """Le loyer mensuel HT d'après le tarif : surface × prix au m², ou le prix du poste."""
    if espace.type == TypeEspace.BUREAU:
        return round_cents(tarif.montant_ht * espace.surface_m2)
    return round_cents(tarif.montant_ht)


def verifier_loyer_calculable(espace: Espace, tarif: Tarif | None) -> None:
    if espace.type == TypeEspace.BUREAU and (tarif is None or espace.surface_m2 is None):
        raise EspacesError(
            "Indiquez le loyer : aucun tarif au m² n'est en vigueur à cette date, "
            "ou le bureau n'a pas de surface."
        )
    if tarif is None:
        raise EspacesError(
            "Indiquez le loyer : aucun tarif de poste de co-travail n'est en vigueur."
        )


def _occupants(espace: Espace, debut: datetime.date, fin: datetime.date | None):
    """Conventions de l'espace (tous postes) qui chevauchent [debut, fin]."""
    return Convention.objects.filter(dates.overlapping(debut, fin), espace=espace)


def verifier_presence(structure, debut: datetime.date, fin: datetime.date | None) -> None:
    """Une convention tient dans la présence de la structure (arrivée ≤ début, fin ≤ départ) :
    le rapport compte les occupants d'après elle."""
    if structure.arrivee is None or debut < structure.arrivee:
        arrivee = dates.date_courte(structure.arrivee) if structure.arrivee else "non renseignée"
        raise EspacesError(
            f"{structure.nom} n'est pas encore hébergée au {dates.date_courte(debut)} "
            f"(arrivée : {arrivee}) : corrigez la date de début ou la fiche de la structure."
        )
    if structure.depart is not None and (fin is None or fin > structure.depart):
        raise EspacesError(
            f"{structure.nom} quitte le lieu le {dates.date_courte(structure.depart)} : la "
            "convention se termine au plus tard ce jour-là."
        )


def verifier_espace_louable(espace: Espace) -> None:
    if not espace.est_occupe_par_convention:
        raise EspacesError(
            "Seuls les bureaux privatifs et les postes de co-travail se louent par convention."
        )
    if espace.archive:
        raise EspacesError("Cet espace est archivé.")


def verifier_convention(
    *, structure, espace: Espace, debut: datetime.date, fin: datetime.date | None
) -> None:
    """Les règles d'une nouvelle convention qui se vérifient sans lire la base (l'import des
    conventions les applique à l'aperçu, sans une requête par ligne) : un bureau ou le
    co-travail, ni archivé ni pour une structure archivée, fin après début, dans la
    présence de la structure."""
    verifier_espace_louable(espace)
    if structure.archivee:
        raise EspacesError("Cette structure est archivée.")
    if fin is not None and fin < debut:
        raise EspacesError("La fin ne peut pas précéder le début.")
    verifier_presence(structure, debut, fin)


def loyer_et_taux(
    espace: Espace, tarif: Tarif | None, montant: Decimal | None, taux: Decimal | None
) -> tuple[Decimal, Decimal]:
    """Le loyer mensuel HT et le taux de TVA d'une nouvelle convention : ceux donnés, sinon
    ceux du tarif en vigueur à son début (`tarif`)."""
    if montant is None:
        verifier_loyer_calculable(espace, tarif)
        montant = loyer_du_tarif(espace, tarif)
    if taux is None:
        taux = tarif.taux_tva if tarif else Convention._meta.get_field("taux_tva").default
    return round_cents(montant), taux


def message_occupe(poste: int, holder: Convention) -> str:
    quoi = "Ce bureau" if poste == 0 else f"Le poste {poste}"
    return (
        f"{quoi} est déjà occupé par {holder.structure} sur cette période "
        f"({dates.periode(holder.debut, holder.fin)})."
    )


def verifier_poste(espace: Espace, poste: int) -> int:
    nb = espace.nb_postes or 0
    if not 1 <= poste <= nb:
        raise EspacesError(f"Cet espace de co-travail compte {nb} postes (de 1 à {nb}).")
    return poste


def premier_poste_libre(espace: Espace, pris: set[int]) -> int:
    nb = espace.nb_postes or 0
    for candidate in range(1, nb + 1):
        if candidate not in pris:
            return candidate
    raise ConflitError(f"Les {nb} postes du co-travail sont tous occupés sur cette période.")


def creer_convention(
    *,
    structure,
    espace: Espace,
    debut: datetime.date,
    fin: datetime.date | None = None,
    poste: int | None = None,
    montant_mensuel_ht: Decimal | None = None,
    taux_tva: Decimal | None = None,
    notes: str = "",
    par: Acteur,
) -> Convention:
    """Attribue un bureau, ou un poste du co-travail (le premier libre si `poste` est vide)."""
    par = exiger(par)
    verifier_convention(structure=structure, espace=espace, debut=debut, fin=fin)
    with transaction.atomic():
        espace = Espace.objects.select_for_update().get(pk=espace.pk)
        libre_choisi = poste is None and espace.type != TypeEspace.BUREAU
        poste = 0 if espace.type == TypeEspace.BUREAU else _choisir_poste(espace, debut, fin, poste)
        # A desk chosen by _choisir_poste is free by construction: no second read.
        holder = (
            None
            if libre_choisi
            else _occupants(espace, debut, fin)
            .filter(poste=poste)
            .select_related("structure")
            .first()
        )
        if holder:
            raise ConflitError(message_occupe(poste, holder))
        montant_mensuel_ht, taux_tva = loyer_et_taux(
            espace, tarif_en_vigueur(code_loyer(espace), debut), montant_mensuel_ht, taux_tva
        )
        convention = inserer(
            Convention,
            "Cet espace vient d'être attribué à une autre structure.",
            structure=structure,
            espace=espace,
            poste=poste,
            debut=debut,
            fin=fin,
            montant_mensuel_ht=montant_mensuel_ht,
            taux_tva=taux_tva,
            notes=notes,
            cree_par=par.user,
        )
        journal.journaliser(
            par=par,
            operation="convention.creer",
            libelle=f"Convention : {structure.nom} occupe {_lieu(convention)} "
            f"{_periode(debut, fin)}",
            objet=convention,
            structure=structure,
            changements=journal.creation(convention, CHAMPS_CONVENTION),
        )
    return convention


# What the journal shows of an agreement.
CHAMPS_CONVENTION = (
    "structure",
    "espace",
    "poste",
    "debut",
    "fin",
    "montant_mensuel_ht",
    "taux_tva",
    "notes",
)


def _lieu(convention: Convention) -> str:
    poste = f", poste {convention.poste}" if convention.poste else ""
    return f"{convention.espace.nom}{poste}"


def _periode(debut: datetime.date, fin: datetime.date | None) -> str:
    if fin is None:
        return f"à partir du {debut:%d/%m/%Y}"
    return f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}"


def _choisir_poste(espace: Espace, debut, fin, poste: int | None) -> int:
    if poste is not None:
        return verifier_poste(espace, poste)
    return premier_poste_libre(
        espace, set(_occupants(espace, debut, fin).values_list("poste", flat=True))
    )


def verifier_fin_convention(convention: Convention, fin: datetime.date | None) -> None:
    """On avance la fin d'une convention (dernier jour inclus), on ne la repousse pas ; vide
    (sans terme) ne se remet pas."""
    prolonger = "Pour prolonger une convention terminée, créez-en une nouvelle."
    if fin is None:
        raise EspacesError(prolonger)
    if fin < convention.debut:
        raise EspacesError("La fin ne peut pas précéder le début de la convention.")
    if convention.fin is not None and convention.fin < fin:
        raise EspacesError(prolonger)
    if convention.fin == fin:
        raise EspacesError(f"Cette convention se termine déjà le {fin:%d/%m/%Y}.")


def terminer_convention(*, convention: Convention, fin: datetime.date, par: Acteur) -> Convention:
    """Dernier jour d'occupation (inclus) : on avance une fin, on ne la repousse pas."""
    par = exiger(par)
    with transaction.atomic():
        convention = (
            Convention.objects.select_for_update()
            .select_related("structure", "espace")
            .get(pk=convention.pk)
        )
        verifier_fin_convention(convention, fin)
        avant = journal.instantane(convention, ["fin"])
        convention.fin = fin
        convention.save(update_fields=["fin"])
        journal.journaliser(
            par=par,
            operation="convention.terminer",
            libelle=f"Convention terminée : {convention.structure.nom} quitte "
            f"{_lieu(convention)} le {fin:%d/%m/%Y} (dernier jour)",
            objet=convention,
            structure=convention.structure,
            changements=journal.ecarts(avant, journal.instantane(convention, ["fin"])),
        )
    return convention
