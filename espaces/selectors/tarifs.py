"""Lectures sur les tarifs, le forfait d'heures de salle et les consommations ; le prix d'une
réservation (la règle du forfait et des tarifs, écrite une fois) et son estimation avant de
réserver. Rien n'y écrit : le service qui réserve appelle le même `prix_reservation` sous le
verrou du forfait, la page l'appelle pour dire le prix avant de confirmer."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, temps
from phares.lib.money import Montant
from phares.roles import is_gestion, is_staff_member

from ..models import Consommation, ForfaitSalles, Reservation, Ressource, Tarif
from .reservations import structures_reservantes


def tarif_en_vigueur(
    code: str, le: datetime.date, ressource: Ressource | None = None
) -> Tarif | None:
    """Le tarif `code` valable le jour `le` : celui de la ressource, sinon le général."""
    qs = Tarif.objects.filter(dates.active_on(le), code=code)
    if ressource is not None:
        specific = qs.filter(ressource=ressource).order_by("-debut").first()
        if specific:
            return specific
    return qs.filter(ressource__isnull=True).order_by("-debut").first()


def minutes_consommees(structure, mois: datetime.date, *, exclude_pk=None) -> int:
    """Minutes de salle réservées (confirmées) par la structure dans le mois de `mois`."""
    premier = mois.replace(day=1)
    dernier = mois.replace(day=calendar.monthrange(mois.year, mois.month)[1])
    debut, _ = temps.day_bounds(premier)
    _, fin = temps.day_bounds(dernier)
    qs = Reservation.objects.filter(
        structure=structure,
        ressource__categorie=Ressource.Categorie.SALLE,
        statut=Reservation.Statut.CONFIRMEE,
        debut__gte=debut,
        debut__lt=fin,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    total = datetime.timedelta()
    for d, f in qs.values_list("debut", "fin"):
        total += f - d
    return temps.minutes(total)


def structures_saisie_consommation(user):
    """Pour qui `user` enregistre des consommations (la seule règle, pour la page et pour le
    service) : toutes les structures actives pour la gestion, aucune pour le reste de
    l'équipe (la comptabilité lit, n'écrit pas), celles dont il est membre et qui sont
    présentes aujourd'hui pour un habitant."""
    if is_gestion(user):
        return habitants_selectors.structures_actives()
    if is_staff_member(user):
        return habitants_selectors.structures_actives().none()
    return structures_reservantes(user, le=timezone.localdate())


def consommations(structures) -> QuerySet[Consommation]:
    """Consommations des `structures`, la plus récente d'abord."""
    return (
        Consommation.objects.filter(structure__in=structures)
        .select_related("structure", "saisi_par")
        .order_by("-date", "-pk")
    )


# --- Forfait d'heures de salle du mois ------------------------------------------------


@dataclass(frozen=True)
class ForfaitDuMois:
    """Le forfait de salles d'une structure pour un mois : heures incluses (None : pas de
    forfait, ou forfait illimité) et minutes déjà réservées ce mois-là."""

    mois: datetime.date  # the first day of the month
    heures_incluses: int | None
    minutes_utilisees: int

    @property
    def illimite(self) -> bool:
        return self.heures_incluses is None

    @property
    def nom_du_mois(self) -> str:
        """« mars 2026 »."""
        return dates.mois_annee(self.mois)

    @property
    def minutes_incluses(self) -> int | None:
        return None if self.heures_incluses is None else self.heures_incluses * 60

    @property
    def minutes_restantes(self) -> int | None:
        if self.minutes_incluses is None:
            return None
        return max(0, self.minutes_incluses - self.minutes_utilisees)

    def au_dela(self, minutes: int) -> int:
        """Les minutes d'une réservation de `minutes` qui dépassent le forfait."""
        if self.minutes_restantes is None:
            return 0
        return max(0, minutes - self.minutes_restantes)

    def plus(self, minutes: int) -> ForfaitDuMois:
        return replace(self, minutes_utilisees=self.minutes_utilisees + minutes)


def _heures_du_forfait(structure, jour: datetime.date) -> int | None:
    """Le forfait en vigueur le jour `jour` (0 ou pas de forfait : illimité, None)."""
    forfait = (
        ForfaitSalles.objects.filter(dates.active_on(jour), structure=structure)
        .order_by("-debut")
        .first()
    )
    return forfait.heures_par_mois if forfait is not None and forfait.heures_par_mois else None


def forfait_du_mois(structure, jour: datetime.date, *, exclure_pk=None) -> ForfaitDuMois:
    """Le forfait de `structure` pour le mois de `jour` : heures incluses (celles du forfait
    en vigueur ce jour-là) et minutes de salle déjà réservées (sans `exclure_pk`, la
    réservation qu'on déplace)."""
    return ForfaitDuMois(
        mois=jour.replace(day=1),
        heures_incluses=_heures_du_forfait(structure, jour),
        minutes_utilisees=minutes_consommees(structure, jour, exclude_pk=exclure_pk),
    )


# --- Prix d'une réservation -------------------------------------------------------------


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


def _facture_au_forfait(ressource: Ressource, structure, externe: bool) -> bool:
    """Une salle réservée par une structure : gratuite dans son forfait, payante au-delà."""
    return (
        not externe and structure is not None and ressource.categorie == Ressource.Categorie.SALLE
    )


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
    enregistre tient le verrou du forfait du mois (services.tarifs.verrouiller_forfaits)."""
    jour = temps.paris(debut).date()
    minutes = temps.minutes(fin - debut)
    if _facture_au_forfait(ressource, structure, externe):
        forfait = forfait_du_mois(structure, jour, exclure_pk=exclure_pk)
        return _prix_habitant(ressource, jour, minutes, forfait)
    return _prix_sans_forfait(ressource, jour, minutes, externe=externe)


def _prix_sans_forfait(ressource: Ressource, jour, minutes: int, *, externe: bool) -> Prix:
    if externe:
        return _prix_externe(ressource, jour, minutes)
    if ressource.categorie == Ressource.Categorie.VELO:
        t = tarif_en_vigueur(Tarif.Code.VELO_HEURE, jour, ressource)
        if t is None or t.montant_ht == 0:
            return GRATUIT
        return _prix(t, minutes, t.montant_ht * Decimal(minutes) / 60)
    return GRATUIT  # a room without a structure to bill: nothing to charge


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
    ressource: Ressource, jour: datetime.date, minutes: int, forfait: ForfaitDuMois
) -> Prix:
    """Gratuit dans le forfait mensuel de la structure (0 ou pas de forfait = illimité),
    au-delà le tarif habitant à l'heure, sur les seules minutes qui dépassent."""
    au_dela = forfait.au_dela(minutes)
    if au_dela == 0:
        return GRATUIT
    t = tarif_en_vigueur(Tarif.Code.SALLE_HABITANT_HEURE, jour, ressource)
    if t is None:
        return Prix(None, au_dela, Montant.zero())
    return _prix(t, au_dela, t.montant_ht * Decimal(au_dela) / 60)


# --- Estimation avant de réserver ----------------------------------------------------------


@dataclass(frozen=True)
class LigneEstimee:
    debut: datetime.datetime
    fin: datetime.datetime
    prix: Prix

    @property
    def minutes(self) -> int:
        return temps.minutes(self.fin - self.debut)


@dataclass(frozen=True)
class Estimation:
    """Ce que coûterait une réservation (ou chaque occurrence d'une série), sans rien
    écrire ; `forfaits` : le forfait de chaque mois concerné, avant cette réservation
    (vide pour un vélo ou une organisation extérieure)."""

    lignes: tuple[LigneEstimee, ...]
    forfaits: tuple[ForfaitDuMois, ...] = ()

    @property
    def minutes(self) -> int:
        return sum(ligne.minutes for ligne in self.lignes)

    @property
    def minutes_facturables(self) -> int:
        return sum(ligne.prix.minutes_facturables for ligne in self.lignes)

    @property
    def total_ht(self) -> Decimal:
        return sum((ligne.prix.montant.ht for ligne in self.lignes), Decimal("0.00"))

    @property
    def total_ttc(self) -> Decimal:
        """La somme des TTC de chaque réservation, tels qu'ils seront figés."""
        return sum((ligne.prix.montant.ttc for ligne in self.lignes), Decimal("0.00"))

    @property
    def est_gratuit(self) -> bool:
        return self.total_ttc == 0 and self.total_ht == 0

    @property
    def nombre(self) -> int:
        return len(self.lignes)


def estimer(
    ressource: Ressource,
    creneaux,
    *,
    structure=None,
    externe: bool = False,
    exclure_pk: int | None = None,
) -> Estimation:
    """Le prix de chaque créneau (`creneaux` : couples début, fin) comme si on les réservait
    dans l'ordre : les premières occurrences d'une série entament le forfait du mois avant
    les suivantes, comme lorsque le service les enregistre une à une. Même règle que
    `prix_reservation` ; n'écrit rien."""
    creneaux = sorted(creneaux, key=lambda c: c[0])
    if not _facture_au_forfait(ressource, structure, externe):
        return Estimation(
            tuple(
                LigneEstimee(d, f, prix_reservation(ressource, d, f, externe=externe))
                for d, f in creneaux
            )
        )
    depart: dict[datetime.date, ForfaitDuMois] = {}  # each month, before this booking
    courant: dict[datetime.date, ForfaitDuMois] = {}  # the same, plus earlier occurrences
    lignes = []
    for d, f in creneaux:
        jour = temps.paris(d).date()
        mois = jour.replace(day=1)
        if mois not in depart:
            depart[mois] = courant[mois] = forfait_du_mois(structure, jour, exclure_pk=exclure_pk)
            forfait = courant[mois]
        else:
            # The allowance in force that day: it may change within the month.
            forfait = replace(courant[mois], heures_incluses=_heures_du_forfait(structure, jour))
        minutes = temps.minutes(f - d)
        lignes.append(LigneEstimee(d, f, _prix_habitant(ressource, jour, minutes, forfait)))
        courant[mois] = courant[mois].plus(minutes)
    return Estimation(tuple(lignes), tuple(depart.values()))


def estimer_reservation(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    *,
    structure=None,
    externe: bool = False,
    exclure_pk: int | None = None,
) -> Estimation:
    """Une seule réservation : voir `estimer`."""
    return estimer(
        ressource, [(debut, fin)], structure=structure, externe=externe, exclure_pk=exclure_pk
    )
