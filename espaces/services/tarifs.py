"""Tarifs datés, prix figés des réservations (forfait d'heures de salle, tarifs extérieurs),
forfaits et consommations (affranchissement, impression)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, temps
from phares.lib.money import Montant
from phares.lib.verrous import verrouiller

from ..models import Consommation, ForfaitSalles, Ressource, Tarif
from ..selectors import minutes_consommees, tarif_en_vigueur
from ._erreurs import EspacesError

# --- Tarifs ---------------------------------------------------------------------


def _tarifs_se_chevauchent(tarif: Tarif) -> bool:
    return (
        Tarif.objects.filter(code=tarif.code, ressource=tarif.ressource)
        .exclude(pk=tarif.pk)
        .filter(dates.overlapping(tarif.debut, tarif.fin))
        .exists()
    )


def enregistrer_tarif(*, tarif: Tarif, par) -> Tarif:
    with transaction.atomic():
        if _tarifs_se_chevauchent(tarif):
            raise EspacesError(
                "Un autre tarif du même type est déjà en vigueur sur cette période : "
                "terminez-le avant (date de fin) ou changez les dates."
            )
        tarif.save()
    return tarif


# --- Prix des réservations, figés au moment de réserver -------------------------


@dataclass(frozen=True)
class Prix:
    """Ce qu'une réservation coûte, figé à la réservation : le tarif appliqué (aucun s'il
    n'y a rien à payer ou pas de tarif en vigueur), les minutes facturées, le montant."""

    tarif: Tarif | None
    minutes_facturables: int
    montant: Montant

    @property
    def est_gratuit(self) -> bool:
        return self.montant.est_nul


GRATUIT = Prix(tarif=None, minutes_facturables=0, montant=Montant.zero())


def _prix(tarif: Tarif, minutes: int, ht: Decimal) -> Prix:
    # The VAT rate is the tariff's: a rate change is a new dated tariff.
    return Prix(tarif, minutes, Montant.depuis_ht(ht, tarif.taux_tva))


def prix_reservation(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    *,
    structure=None,
    externe: bool = False,
    exclure_pk: int | None = None,
) -> Prix:
    """Le prix de [debut, fin[ pour une structure (forfait mensuel puis tarif habitant) ou
    pour une organisation extérieure (`externe`). N'écrit rien : sert aussi à estimer une
    réservation avant de la faire ; `exclure_pk` retire une réservation existante du forfait
    déjà consommé (celle qu'on déplace). Pour une salle d'une structure, l'appelant qui
    enregistre tient le verrou du forfait du mois (voir verrouiller_forfaits)."""
    jour = temps.paris(debut).date()
    minutes = temps.minutes(fin - debut)
    if externe:
        return _prix_externe(ressource, jour, minutes)
    if ressource.categorie == Ressource.Categorie.VELO:
        t = tarif_en_vigueur(Tarif.Code.VELO_HEURE, jour, ressource)
        if t is None or t.montant_ht == 0:
            return GRATUIT
        return _prix(t, minutes, t.montant_ht * Decimal(minutes) / 60)
    return _prix_habitant(ressource, structure, jour, minutes, exclure_pk)


def _prix_externe(ressource: Ressource, jour: datetime.date, minutes: int) -> Prix:
    """Le moins cher de l'heure, de la demi-journée (4 h) et de la journée (8 h)."""
    heures = Decimal(minutes) / 60
    options = []
    for code, bloc in (
        (Tarif.Code.SALLE_HEURE, Decimal(1)),
        (Tarif.Code.SALLE_DEMI_JOURNEE, Decimal(4)),
        (Tarif.Code.SALLE_JOURNEE, Decimal(8)),
    ):
        t = tarif_en_vigueur(code, jour, ressource)
        if t is not None:
            # Blocks started are due in full. Not -(-h // b): Decimal's // truncates
            # toward zero, so that idiom gives 0 blocks for less than one block.
            nb = (
                heures
                if code == Tarif.Code.SALLE_HEURE
                else (heures / bloc).to_integral_value(rounding=ROUND_CEILING)
            )
            options.append(_prix(t, minutes, t.montant_ht * nb))
    if not options:
        return Prix(None, minutes, Montant.zero())
    return min(options, key=lambda p: p.montant.ht)


def _prix_habitant(
    ressource: Ressource, structure, jour: datetime.date, minutes: int, exclure_pk
) -> Prix:
    """Gratuit dans le forfait mensuel de la structure (0 ou pas de forfait = illimité)."""
    forfait = (
        ForfaitSalles.objects.filter(dates.active_on(jour), structure=structure)
        .order_by("-debut")
        .first()
    )
    if forfait is None or forfait.heures_par_mois == 0:
        return GRATUIT
    deja = minutes_consommees(structure, jour, exclude_pk=exclure_pk)
    au_dela = max(0, minutes - max(0, forfait.heures_par_mois * 60 - deja))
    if au_dela == 0:
        return GRATUIT
    t = tarif_en_vigueur(Tarif.Code.SALLE_HABITANT_HEURE, jour, ressource)
    if t is None:
        return Prix(None, au_dela, Montant.zero())
    return _prix(t, au_dela, t.montant_ht * Decimal(au_dela) / 60)


def verrouiller_forfaits(structure, jours) -> None:
    """Tient, jusqu'à la fin de la transaction, le forfait de `structure` pour les mois de
    `jours` : lire les minutes déjà consommées puis réserver au-delà se fait sans qu'une
    réservation simultanée de la même structure lise le même reste (huit réservations
    parallèles de 3 h avec 10 h incluses en obtenaient quatre gratuites). À prendre avant
    de lire les minutes consommées ; les clés sont prises dans l'ordre croissant des mois."""
    verrouiller(*{f"forfait:{structure.pk}:{jour:%Y-%m}" for jour in jours})


# --- Consommations (affranchissement, impression) ---------------------------------


def enregistrer_consommation(
    *,
    structure,
    service: str,
    date: datetime.date,
    quantite: int,
    par,
    commentaire: str = "",
) -> Consommation:
    if quantite < 1:
        raise EspacesError("La quantité est d'au moins 1.")
    if date > timezone.localdate():
        raise EspacesError("On enregistre une consommation passée ou du jour, pas à venir.")
    code = {
        Consommation.Service.AFFRANCHISSEMENT: Tarif.Code.AFFRANCHISSEMENT,
        Consommation.Service.IMPRESSION: Tarif.Code.IMPRESSION,
    }.get(service)
    if code is None:
        raise EspacesError("Service inconnu.")
    tarif = tarif_en_vigueur(code, date)
    if tarif is None:
        raise EspacesError("Aucun tarif n'est en vigueur pour ce service à cette date.")
    with transaction.atomic():
        return Consommation.objects.create(
            structure=structure,
            service=service,
            date=date,
            quantite=quantite,
            prix_unitaire_ht=tarif.montant_ht,
            taux_tva=tarif.taux_tva,
            tarif=tarif,
            commentaire=commentaire,
            saisi_par=par,
        )


# --- Forfaits d'heures de salle ---------------------------------------------------


def definir_forfait(
    *, structure, heures_par_mois: int, debut: datetime.date, par=None
) -> ForfaitSalles:
    """Nouveau forfait mensuel à partir de `debut` : le précédent s'arrête la veille."""
    if heures_par_mois < 0:
        raise EspacesError("Le nombre d'heures ne peut pas être négatif.")
    with transaction.atomic():
        # Two allowances set at once for one structure would both end the same current one.
        habitants_selectors.verrouiller_structure(structure)
        courant = (
            ForfaitSalles.objects.filter(structure=structure, fin__isnull=True)
            .order_by("-debut")
            .first()
        )
        if courant and courant.debut == debut:
            courant.heures_par_mois = heures_par_mois
            courant.save(update_fields=["heures_par_mois"])
            return courant
        if courant and courant.debut > debut:
            raise EspacesError(
                f"Un forfait commence déjà le {courant.debut:%d/%m/%Y} : choisissez une date après."
            )
        if courant:
            courant.fin = debut - datetime.timedelta(days=1)
            courant.save(update_fields=["fin"])
        return ForfaitSalles.objects.create(
            structure=structure, heures_par_mois=heures_par_mois, debut=debut
        )
