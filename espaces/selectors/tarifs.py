"""Lectures sur les tarifs, le forfait d'heures de salle et les consommations ; le prix d'une
réservation (la règle du forfait et des tarifs, écrite une fois : `Tarification`) et son
estimation avant de réserver. Rien n'y écrit : le service qui réserve se sert de la même
`Tarification` sous le verrou du forfait, la page pour dire le prix avant de confirmer."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, temps
from phares.lib.money import Montant
from phares.roles import is_gestion, is_staff_member

from ..models import Consommation, ForfaitSalles, Reservation, Ressource, Tarif
from .reservations import structures_reservantes, velos_libres


def _tarifs(codes, premier: datetime.date, dernier: datetime.date, ressource) -> list[Tarif]:
    """Les tarifs `codes` en vigueur un jour au moins de [premier, dernier], ceux de la
    ressource et les généraux, les plus récents d'abord : une requête pour toute une période."""
    pour = Q(ressource__isnull=True)
    if ressource is not None:
        pour |= Q(ressource=ressource)
    return list(
        Tarif.objects.filter(dates.overlapping(premier, dernier), pour, code__in=codes).order_by(
            "-debut"
        )
    )


def _en_vigueur(tarifs: list[Tarif], code: str, le: datetime.date) -> Tarif | None:
    """Parmi `tarifs` (les plus récents d'abord), celui de `code` valable le jour `le` :
    celui de la ressource, sinon le général."""
    valables = [t for t in tarifs if t.code == code and dates.is_active(t.debut, t.fin, le)]
    propre = next((t for t in valables if t.ressource_id is not None), None)
    return propre or next((t for t in valables if t.ressource_id is None), None)


def tarif_en_vigueur(
    code: str, le: datetime.date, ressource: Ressource | None = None
) -> Tarif | None:
    """Le tarif `code` valable le jour `le` : celui de la ressource, sinon le général."""
    return _en_vigueur(_tarifs([code], le, le, ressource), code, le)


def _minutes_par_mois(
    structure, premier: datetime.date, dernier: datetime.date, *, exclure_pk=None
) -> dict[datetime.date, int]:
    """Minutes de salle réservées (confirmées) par la structure, par mois (son premier jour),
    des mois de `premier` à `dernier` : une requête pour toute une période."""
    fin_du_mois = dernier.replace(day=calendar.monthrange(dernier.year, dernier.month)[1])
    debut, _ = temps.day_bounds(premier.replace(day=1))
    _, fin = temps.day_bounds(fin_du_mois)
    qs = Reservation.objects.filter(
        structure=structure,
        ressource__categorie=Ressource.Categorie.SALLE,
        statut=Reservation.Statut.CONFIRMEE,
        debut__gte=debut,
        debut__lt=fin,
    )
    if exclure_pk:
        qs = qs.exclude(pk=exclure_pk)
    totaux: dict[datetime.date, datetime.timedelta] = defaultdict(datetime.timedelta)
    for d, f in qs.values_list("debut", "fin"):
        totaux[temps.jour(d).replace(day=1)] += f - d
    return {mois: temps.minutes(total) for mois, total in totaux.items()}


def minutes_consommees(structure, mois: datetime.date, *, exclude_pk=None) -> int:
    """Minutes de salle réservées (confirmées) par la structure dans le mois de `mois`."""
    par_mois = _minutes_par_mois(structure, mois, mois, exclure_pk=exclude_pk)
    return par_mois.get(mois.replace(day=1), 0)


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


def _forfaits(structure, premier: datetime.date, dernier: datetime.date) -> list[ForfaitSalles]:
    """Les forfaits de `structure` en vigueur un jour au moins de [premier, dernier], les plus
    récents d'abord : une requête pour toute une période."""
    return list(
        ForfaitSalles.objects.filter(
            dates.overlapping(premier, dernier), structure=structure
        ).order_by("-debut")
    )


def _heures_incluses(forfaits: list[ForfaitSalles], jour: datetime.date) -> int | None:
    """Les heures du forfait en vigueur le jour `jour` parmi `forfaits` (les plus récents
    d'abord) ; 0 ou pas de forfait : illimité, None."""
    forfait = next((f for f in forfaits if dates.is_active(f.debut, f.fin, jour)), None)
    return forfait.heures_par_mois if forfait is not None and forfait.heures_par_mois else None


def forfaits_de(structure) -> list[ForfaitSalles]:
    """Tous les forfaits de salles de `structure`, le plus récent d'abord."""
    return list(ForfaitSalles.objects.filter(structure=structure).order_by("-debut"))


def forfait_du_mois(
    structure, jour: datetime.date, *, exclure_pk=None, forfaits: list[ForfaitSalles] | None = None
) -> ForfaitDuMois:
    """Le forfait de `structure` pour le mois de `jour` : heures incluses (celles du forfait
    en vigueur ce jour-là) et minutes de salle déjà réservées (sans `exclure_pk`, la
    réservation qu'on déplace). `forfaits` : ceux de la structure (`forfaits_de`), s'ils
    sont déjà lus."""
    if forfaits is None:
        forfaits = _forfaits(structure, jour, jour)
    return ForfaitDuMois(
        mois=jour.replace(day=1),
        heures_incluses=_heures_incluses(forfaits, jour),
        minutes_utilisees=minutes_consommees(structure, jour, exclude_pk=exclure_pk),
    )


def forfaits_du_mois(structures, jour: datetime.date) -> dict[int, ForfaitDuMois]:
    """`forfait_du_mois` de plusieurs structures à la fois, par clé de structure : deux
    requêtes quel que soit leur nombre (le tableau de bord d'une personne de plusieurs
    structures). Mêmes règles : le forfait en vigueur le jour `jour`, les minutes des
    réservations confirmées de salle qui commencent dans le mois (jours de Paris)."""
    ids = [s.pk for s in structures]
    premier = jour.replace(day=1)
    dernier = premier.replace(day=calendar.monthrange(premier.year, premier.month)[1])
    debut, _ = temps.day_bounds(premier)
    _, fin = temps.day_bounds(dernier)
    forfaits: dict[int, list[ForfaitSalles]] = defaultdict(list)
    for f in ForfaitSalles.objects.filter(dates.active_on(jour), structure_id__in=ids).order_by(
        "-debut"
    ):
        forfaits[f.structure_id].append(f)
    durees = dict(
        Reservation.objects.filter(
            structure_id__in=ids,
            ressource__categorie=Ressource.Categorie.SALLE,
            statut=Reservation.Statut.CONFIRMEE,
            debut__gte=debut,
            debut__lt=fin,
        )
        .values("structure_id")
        .annotate(duree=Sum(ExpressionWrapper(F("fin") - F("debut"), DurationField())))
        .order_by()
        .values_list("structure_id", "duree")
    )
    return {
        pk: ForfaitDuMois(
            mois=premier,
            heures_incluses=_heures_incluses(forfaits[pk], jour),
            minutes_utilisees=temps.minutes(durees[pk]) if durees.get(pk) else 0,
        )
        for pk in ids
    }


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


def facture_au_forfait(ressource: Ressource, structure, *, externe: bool = False) -> bool:
    """Une salle réservée par une structure : gratuite dans son forfait, payante au-delà (la
    seule écriture de la condition : le prix, l'estimation, le verrou des forfaits)."""
    return (
        not externe and structure is not None and ressource.categorie == Ressource.Categorie.SALLE
    )


# Blocks of the outside tariffs: the cheapest of the hour, the half-day (4 h), the day (8 h).
BLOCS_EXTERNES = (
    (Tarif.Code.SALLE_HEURE, None),
    (Tarif.Code.SALLE_DEMI_JOURNEE, Decimal(4)),
    (Tarif.Code.SALLE_JOURNEE, Decimal(8)),
)


class Tarification:
    """Le prix de réservations d'une ressource pour un même bénéficiaire (une structure ou
    une organisation extérieure), les jours de Paris de `premier` à `dernier`, dans l'ordre
    où on les fait. Forfaits, minutes déjà réservées dans ces mois et tarifs sont lus une
    fois, à la création (une requête chacun, quel que soit le nombre de réservations) ; chaque
    réservation `comptee` entame ensuite le forfait de son mois avant la suivante. N'écrit
    rien : pour enregistrer, l'appelant tient déjà le verrou des forfaits
    (services.tarifs.verrouiller_forfaits). `exclure_pk` : une réservation existante retirée
    du forfait déjà consommé (celle qu'on déplace)."""

    def __init__(
        self,
        ressource: Ressource,
        premier: datetime.date,
        dernier: datetime.date,
        *,
        structure=None,
        externe: bool = False,
        exclure_pk: int | None = None,
    ):
        self.ressource = ressource
        self.externe = externe
        self.au_forfait = facture_au_forfait(ressource, structure, externe=externe)
        self._forfaits: list[ForfaitSalles] = []
        self._minutes: dict[datetime.date, int] = {}
        if self.au_forfait:
            self._forfaits = _forfaits(structure, premier, dernier)
            self._minutes = _minutes_par_mois(structure, premier, dernier, exclure_pk=exclure_pk)
        codes = self._codes()
        self._tarifs = _tarifs(codes, premier, dernier, ressource) if codes else []

    def _codes(self) -> list[str]:
        if self.au_forfait:
            return [Tarif.Code.SALLE_HABITANT_HEURE]
        if self.externe:
            return [code for code, _ in BLOCS_EXTERNES]
        if self.ressource.categorie == Ressource.Categorie.VELO:
            return [Tarif.Code.VELO_HEURE]
        return []  # a room without a structure to bill: nothing to charge

    def forfait(self, jour: datetime.date) -> ForfaitDuMois:
        """Le forfait du mois de `jour` à ce point : les heures du forfait en vigueur ce
        jour-là, les minutes déjà réservées et celles des réservations comptées."""
        mois = jour.replace(day=1)
        return ForfaitDuMois(
            mois, _heures_incluses(self._forfaits, jour), self._minutes.get(mois, 0)
        )

    def prix(self, debut: datetime.datetime, fin: datetime.datetime) -> Prix:
        """Le prix de [debut, fin[ après les réservations déjà comptées."""
        jour = temps.jour(debut)
        minutes = temps.minutes(fin - debut)
        if self.au_forfait:
            return self._prix_habitant(jour, minutes)
        if self.externe:
            return self._prix_externe(jour, minutes)
        if self.ressource.categorie == Ressource.Categorie.VELO:
            t = _en_vigueur(self._tarifs, Tarif.Code.VELO_HEURE, jour)
            if t is None or t.montant_ht == 0:
                return GRATUIT
            return _prix(t, minutes, t.montant_ht * Decimal(minutes) / 60)
        return GRATUIT

    def compter(self, debut: datetime.datetime, fin: datetime.datetime) -> None:
        """[debut, fin[ est réservé : il entame le forfait de son mois pour les suivantes."""
        if self.au_forfait:
            mois = temps.jour(debut).replace(day=1)
            self._minutes[mois] = self._minutes.get(mois, 0) + temps.minutes(fin - debut)

    def _prix_habitant(self, jour: datetime.date, minutes: int) -> Prix:
        """Gratuit dans le forfait mensuel de la structure (0 ou pas de forfait = illimité),
        au-delà le tarif habitant à l'heure, sur les seules minutes qui dépassent."""
        au_dela = self.forfait(jour).au_dela(minutes)
        if au_dela == 0:
            return GRATUIT
        t = _en_vigueur(self._tarifs, Tarif.Code.SALLE_HABITANT_HEURE, jour)
        if t is None:
            return Prix(None, au_dela, Montant.zero())
        return _prix(t, au_dela, t.montant_ht * Decimal(au_dela) / 60)

    def _prix_externe(self, jour: datetime.date, minutes: int) -> Prix:
        """Le moins cher de l'heure, de la demi-journée (4 h) et de la journée (8 h)."""
        heures = Decimal(minutes) / 60
        options = []
        for code, bloc in BLOCS_EXTERNES:
            t = _en_vigueur(self._tarifs, code, jour)
            if t is not None:
                # Blocks started are due in full. Not -(-h // b): Decimal's // truncates
                # toward zero, so that idiom gives 0 blocks for less than one block.
                nb = (
                    heures
                    if bloc is None
                    else (heures / bloc).to_integral_value(rounding=ROUND_CEILING)
                )
                options.append(_prix(t, minutes, t.montant_ht * nb))
        if not options:
            return Prix(None, minutes, Montant.zero())
        return min(options, key=lambda p: p.montant.ht)


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
    pour une organisation extérieure (`externe`). N'écrit rien : voir `Tarification`."""
    jour = temps.jour(debut)
    return Tarification(
        ressource, jour, jour, structure=structure, externe=externe, exclure_pk=exclure_pk
    ).prix(debut, fin)


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
    les suivantes, comme lorsque le service les enregistre une à une. Même `Tarification` que
    le service, donc les mêmes quelques requêtes pour une série de 200 que pour une seule
    réservation ; n'écrit rien."""
    creneaux = sorted(creneaux, key=lambda c: c[0])
    if not creneaux:
        return Estimation(())
    tarification = Tarification(
        ressource,
        temps.jour(creneaux[0][0]),
        temps.jour(creneaux[-1][0]),
        structure=structure,
        externe=externe,
        exclure_pk=exclure_pk,
    )
    depart: dict[datetime.date, ForfaitDuMois] = {}  # each month, before this booking
    lignes = []
    for d, f in creneaux:
        if tarification.au_forfait:
            forfait = tarification.forfait(temps.jour(d))
            depart.setdefault(forfait.mois, forfait)
        lignes.append(LigneEstimee(d, f, tarification.prix(d, f)))
        tarification.compter(d, f)
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


def estimer_velo(debut: datetime.datetime, fin: datetime.datetime) -> Estimation | None:
    """Le prix du vélo que prendrait `services.reserver_velo` sur [debut, fin[ (le premier
    libre du parc : un vélo peut avoir son propre tarif), ou None s'il n'y en a aucun."""
    libres = velos_libres(debut, fin)
    return estimer_reservation(libres[0], debut, fin) if libres else None


def tarifs_loyers_de_l_annee(annee: int) -> dict[str, Tarif]:
    """Pour le rapport : le tarif général du bureau (au m² et par mois) et du poste de
    co-travail (par mois) en vigueur à la fin de l'année `annee` — le dernier qui commence
    dans l'année ou avant et court encore le 31 décembre (`_en_vigueur`, une requête)."""
    dernier = datetime.date(annee, 12, 31)
    codes = (Tarif.Code.BUREAU_M2_MOIS, Tarif.Code.POSTE_COTRAVAIL_MOIS)
    tarifs = _tarifs(codes, dernier, dernier, None)
    return {code: t for code in codes if (t := _en_vigueur(tarifs, code, dernier))}
