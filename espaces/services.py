"""Opérations sur les espaces : conventions d'occupation, réservations (salles, vélos,
séries), consommations. Chacune dans une transaction ; chacune lève EspacesError
avec un message lisible.

Double réservation impossible : sur PostgreSQL une contrainte d'exclusion refuse tout
chevauchement (la vérification préalable ne sert qu'à donner un message clair) ; sur
SQLite chaque transaction commence par BEGIN IMMEDIATE, donc vérification et
insertion sont sérialisées.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from habitants.models import Structure
from phares.lib import dates, temps
from phares.lib.money import round_cents
from phares.roles import is_gestion

from . import selectors
from .models import (
    ClientExterne,
    Consommation,
    Convention,
    Espace,
    ForfaitSalles,
    Reservation,
    Ressource,
    SerieReservations,
    Tarif,
    TypeEspace,
)


class EspacesError(Exception):
    """Refus métier, avec un message destiné à la personne."""


class ConflitError(EspacesError):
    """Le créneau ou le poste est déjà pris."""


# --- Tarifs ---------------------------------------------------------------------


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


def _inserer(model, message_conflit: str, **fields):
    """Insère dans un point de sauvegarde : si la contrainte d'exclusion refuse la ligne
    (une transaction concurrente a gagné), ConflitError sans casser la transaction."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as exc:
        raise ConflitError(message_conflit) from exc


# --- Conventions d'occupation ---------------------------------------------------


def _loyer_par_defaut(espace: Espace, debut: datetime.date) -> Decimal:
    if espace.type == TypeEspace.BUREAU:
        tarif = tarif_en_vigueur(Tarif.Code.BUREAU_M2_MOIS, debut)
        if tarif is None or espace.surface_m2 is None:
            raise EspacesError(
                "Indiquez le loyer : aucun tarif au m² n'est en vigueur à cette date, "
                "ou le bureau n'a pas de surface."
            )
        return round_cents(tarif.montant_ht * espace.surface_m2)
    tarif = tarif_en_vigueur(Tarif.Code.POSTE_COTRAVAIL_MOIS, debut)
    if tarif is None:
        raise EspacesError(
            "Indiquez le loyer : aucun tarif de poste de co-travail n'est en vigueur."
        )
    return round_cents(tarif.montant_ht)


def _occupants(espace: Espace, debut: datetime.date, fin: datetime.date | None):
    """Conventions de l'espace (tous postes) qui chevauchent [debut, fin]."""
    return Convention.objects.filter(dates.overlapping(debut, fin), espace=espace)


def creer_convention(
    *,
    structure: Structure,
    espace: Espace,
    debut: datetime.date,
    fin: datetime.date | None = None,
    poste: int | None = None,
    montant_mensuel_ht: Decimal | None = None,
    taux_tva: Decimal | None = None,
    notes: str = "",
    par=None,
) -> Convention:
    """Attribue un bureau, ou un poste du co-travail (le premier libre si `poste` est vide)."""
    if not espace.est_occupe_par_convention:
        raise EspacesError(
            "Seuls les bureaux privatifs et les postes de co-travail se louent par convention."
        )
    if espace.archive:
        raise EspacesError("Cet espace est archivé.")
    if structure.archivee:
        raise EspacesError("Cette structure est archivée.")
    if fin is not None and fin < debut:
        raise EspacesError("La fin ne peut pas précéder le début.")
    with transaction.atomic():
        espace = Espace.objects.select_for_update().get(pk=espace.pk)
        poste = 0 if espace.type == TypeEspace.BUREAU else _choisir_poste(espace, debut, fin, poste)
        holder = (
            _occupants(espace, debut, fin).filter(poste=poste).select_related("structure").first()
        )
        if holder:
            quoi = "Ce bureau" if poste == 0 else f"Le poste {poste}"
            raise ConflitError(
                f"{quoi} est déjà occupé par {holder.structure} sur cette période "
                f"({dates.periode(holder.debut, holder.fin)})."
            )
        if montant_mensuel_ht is None:
            montant_mensuel_ht = _loyer_par_defaut(espace, debut)
        if taux_tva is None:
            code = Tarif.Code.BUREAU_M2_MOIS if poste == 0 else Tarif.Code.POSTE_COTRAVAIL_MOIS
            tarif = tarif_en_vigueur(code, debut)
            taux_tva = tarif.taux_tva if tarif else Decimal("20.00")
        return _inserer(
            Convention,
            "Cet espace vient d'être attribué à une autre structure.",
            structure=structure,
            espace=espace,
            poste=poste,
            debut=debut,
            fin=fin,
            montant_mensuel_ht=round_cents(montant_mensuel_ht),
            taux_tva=taux_tva,
            notes=notes,
            cree_par=par,
        )


def _choisir_poste(espace: Espace, debut, fin, poste: int | None) -> int:
    nb = espace.nb_postes or 0
    if poste is not None:
        if not 1 <= poste <= nb:
            raise EspacesError(f"Cet espace de co-travail compte {nb} postes (de 1 à {nb}).")
        return poste
    pris = set(_occupants(espace, debut, fin).values_list("poste", flat=True))
    for candidate in range(1, nb + 1):
        if candidate not in pris:
            return candidate
    raise ConflitError(f"Les {nb} postes du co-travail sont tous occupés sur cette période.")


def terminer_convention(*, convention: Convention, fin: datetime.date, par=None) -> Convention:
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        if fin < convention.debut:
            raise EspacesError("La fin ne peut pas précéder le début de la convention.")
        if convention.fin is not None and convention.fin < fin:
            raise EspacesError("Pour prolonger une convention terminée, créez-en une nouvelle.")
        convention.fin = fin
        convention.save(update_fields=["fin"])
    return convention


# --- Réservations ---------------------------------------------------------------


@dataclass
class Creneau:
    debut: datetime.datetime
    fin: datetime.datetime


def verifier_regles(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    nb_personnes: int,
    *,
    now: datetime.datetime,
    externe: bool = False,
) -> None:
    """Règles de la ressource, dans l'heure de Paris. Lève EspacesError au premier écart."""
    if timezone.is_naive(debut) or timezone.is_naive(fin):
        raise EspacesError("Heure sans fuseau : précisez la date et l'heure.")
    if not ressource.active:
        raise EspacesError(f"{ressource} n'est pas réservable en ce moment.")
    if externe and not ressource.ouverte_aux_externes:
        raise EspacesError(f"{ressource} n'est pas proposée aux organisations extérieures.")
    if fin <= debut:
        raise EspacesError("La fin doit suivre le début.")
    if debut < now:
        raise EspacesError("Ce créneau est dans le passé.")
    if debut > now + datetime.timedelta(days=ressource.delai_max_jours):
        raise EspacesError(
            f"On ne peut réserver {ressource} que {ressource.delai_max_jours} jours à l'avance."
        )
    _verifier_horaires(ressource, debut, fin)
    _verifier_duree_et_capacite(ressource, debut, fin, nb_personnes)


def _verifier_horaires(ressource: Ressource, debut, fin) -> None:
    d, f = temps.paris(debut), temps.paris(fin)
    if d.date() != f.date():
        raise EspacesError("Une réservation commence et finit le même jour.")
    if d.isoweekday() not in ressource.jours():
        raise EspacesError(f"{ressource} n'est pas ouverte ce jour-là.")
    if d.time() < ressource.heure_ouverture or f.time() > ressource.heure_fermeture:
        raise EspacesError(
            f"{ressource} est ouverte de {ressource.heure_ouverture:%H:%M} à "
            f"{ressource.heure_fermeture:%H:%M}."
        )


def _verifier_duree_et_capacite(ressource: Ressource, debut, fin, nb_personnes: int) -> None:
    minutes = temps.minutes(fin - debut)
    if minutes < ressource.duree_min_minutes:
        raise EspacesError(f"Durée minimale : {ressource.duree_min_minutes} minutes.")
    if minutes > ressource.duree_max_minutes:
        h, m = divmod(ressource.duree_max_minutes, 60)
        raise EspacesError(f"Durée maximale : {h} h {m:02d}.")
    if nb_personnes < 1:
        raise EspacesError("Indiquez au moins une personne.")
    capacite = ressource.capacite
    if capacite is not None and nb_personnes > capacite:
        raise EspacesError(f"{ressource} accueille {capacite} personnes au plus.")


def _expirer_demandes(ressource: Ressource, now: datetime.datetime) -> None:
    """Une demande en attente tient le créneau jusqu'à sa date limite, pas au-delà."""
    Reservation.objects.filter(
        ressource=ressource, statut=Reservation.Statut.EN_ATTENTE, expire_le__lte=now
    ).update(statut=Reservation.Statut.EXPIREE)


def _conflit(ressource: Ressource, debut, fin_bloquee, now) -> Reservation | None:
    return (
        Reservation.objects.tenant_le_creneau(now)
        .filter(ressource=ressource)
        .chevauchant(debut, fin_bloquee)
        .first()
    )


def _message_conflit(ressource, other: Reservation | None) -> str:
    if other is None:
        return f"{ressource} vient d'être réservée sur ce créneau par quelqu'un d'autre."
    d, f = temps.paris(other.debut), temps.paris(other.fin_bloquee)
    battement = " (battement compris)" if other.fin_bloquee > other.fin else ""
    return (
        f"{ressource} est déjà réservée de {d:%H:%M} à {f:%H:%M} le {d:%d/%m/%Y}{battement} : "
        "choisissez un autre créneau."
    )


def minutes_consommees(structure: Structure, mois: datetime.date, *, exclude_pk=None) -> int:
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


GRATUIT = (None, 0, Decimal("0.00"), Decimal("0.00"))


def _prix(ressource: Ressource, debut, fin, structure, externe):
    """(tarif, minutes facturables, montant HT, taux TVA) figés au moment de réserver."""
    jour = temps.paris(debut).date()
    minutes = temps.minutes(fin - debut)
    if externe is not None:
        return _prix_externe(ressource, jour, minutes)
    if ressource.categorie == Ressource.Categorie.VELO:
        t = tarif_en_vigueur(Tarif.Code.VELO_HEURE, jour, ressource)
        if t is None or t.montant_ht == 0:
            return GRATUIT
        return t, minutes, round_cents(t.montant_ht * Decimal(minutes) / 60), t.taux_tva
    return _prix_habitant(ressource, structure, jour, minutes)


def _prix_externe(ressource: Ressource, jour: datetime.date, minutes: int):
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
            options.append((round_cents(t.montant_ht * nb), t))
    if not options:
        return None, minutes, Decimal("0.00"), Decimal("0.00")
    montant, t = min(options, key=lambda o: o[0])
    return t, minutes, montant, t.taux_tva


def _prix_habitant(ressource: Ressource, structure, jour: datetime.date, minutes: int):
    """Gratuit dans le forfait mensuel de la structure (0 ou pas de forfait = illimité)."""
    forfait = (
        ForfaitSalles.objects.filter(dates.active_on(jour), structure=structure)
        .order_by("-debut")
        .first()
    )
    if forfait is None or forfait.heures_par_mois == 0:
        return GRATUIT
    reste = max(0, forfait.heures_par_mois * 60 - minutes_consommees(structure, jour))
    au_dela = max(0, minutes - reste)
    if au_dela == 0:
        return GRATUIT
    t = tarif_en_vigueur(Tarif.Code.SALLE_HABITANT_HEURE, jour, ressource)
    if t is None:
        return None, au_dela, Decimal("0.00"), Decimal("0.00")
    return t, au_dela, round_cents(t.montant_ht * Decimal(au_dela) / 60), t.taux_tva


def reserver(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    par,
    structure: Structure | None = None,
    externe: ClientExterne | None = None,
    nb_personnes: int = 1,
    statut: str = Reservation.Statut.CONFIRMEE,
    expire_le: datetime.datetime | None = None,
    serie: SerieReservations | None = None,
    now: datetime.datetime | None = None,
) -> Reservation:
    """Réserve `ressource` sur [debut, fin[ pour une structure habitante ou un client extérieur."""
    now = now or timezone.now()
    if (structure is None) == (externe is None):
        raise EspacesError(
            "Une réservation est faite pour une structure ou pour un client extérieur."
        )
    if structure is not None and structure.archivee:
        raise EspacesError("Cette structure est archivée.")
    titre = (titre or "").strip()
    if not titre:
        raise EspacesError("Donnez un objet à la réservation.")
    verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe is not None)
    jour = temps.paris(debut).date()
    if structure is not None and not structure.est_presente(jour):
        # Booking is for the building's residents: not before arrival, not after departure.
        raise EspacesError(
            f"{structure} n'est pas hébergée au PHARES le {jour:%d/%m/%Y} : "
            "elle ne peut pas réserver pour ce jour-là."
        )
    fin_bloquee = fin + datetime.timedelta(minutes=ressource.battement_minutes)
    with transaction.atomic():
        _expirer_demandes(ressource, now)
        other = _conflit(ressource, debut, fin_bloquee, now)
        if other is not None:
            raise ConflitError(_message_conflit(ressource, other))
        tarif, minutes, montant, tva = _prix(ressource, debut, fin, structure, externe)
        return _inserer(
            Reservation,
            _message_conflit(ressource, None),
            ressource=ressource,
            debut=debut,
            fin=fin,
            fin_bloquee=fin_bloquee,
            statut=statut,
            expire_le=expire_le,
            structure=structure,
            externe=externe,
            titre=titre[:200],
            nb_personnes=nb_personnes,
            serie=serie,
            par=par,
            tarif=tarif,
            minutes_facturables=minutes,
            montant_ht=montant,
            taux_tva=tva,
            cree_le=now,
        )


def velos_libres(debut, fin) -> list[Ressource]:
    occupes = (
        Reservation.objects.bloquantes()
        .filter(ressource__categorie=Ressource.Categorie.VELO)
        .chevauchant(debut, fin)
        .values("ressource_id")
    )
    return list(selectors.velos().exclude(pk__in=occupes))


def reserver_velo(*, debut, fin, titre: str, structure: Structure, par, now=None) -> Reservation:
    """Prend n'importe quel vélo libre du parc sur le créneau."""
    candidats = velos_libres(debut, fin)
    if not candidats:
        if not selectors.velos().exists():
            raise EspacesError("Aucun vélo n'est proposé à la réservation.")
        raise ConflitError("Aucun vélo n'est libre sur ce créneau.")
    last_error: EspacesError | None = None
    for velo in candidats:
        try:
            return reserver(
                ressource=velo,
                debut=debut,
                fin=fin,
                titre=titre,
                par=par,
                structure=structure,
                now=now,
            )
        except ConflitError as exc:  # taken meanwhile: try the next bike
            last_error = exc
    raise ConflitError("Aucun vélo n'est libre sur ce créneau.") from last_error


def peut_annuler_sans_preavis(user) -> bool:
    return is_gestion(user)


def annuler(*, reservation: Reservation, par, now=None) -> Reservation:
    now = now or timezone.now()
    with transaction.atomic():
        r = (
            Reservation.objects.select_for_update()
            .select_related("ressource")
            .get(pk=reservation.pk)
        )
        if not r.est_active:
            raise EspacesError("Cette réservation n'est plus active.")
        if r.fin <= now:
            raise EspacesError("Cette réservation est passée : elle ne peut plus être annulée.")
        preavis = datetime.timedelta(hours=r.ressource.preavis_annulation_heures)
        if r.debut - now < preavis and not peut_annuler_sans_preavis(par):
            raise EspacesError(
                f"Annulation possible jusqu'à {r.ressource.preavis_annulation_heures} h "
                "avant le début : contactez l'équipe du PHARES."
            )
        r.statut = Reservation.Statut.ANNULEE
        r.annulee_le = now
        r.annulee_par = par
        r.save(update_fields=["statut", "annulee_le", "annulee_par"])
    return r


def decider_demande(*, reservation: Reservation, accepter: bool, par, now=None) -> Reservation:
    """L'équipe accepte ou refuse une demande extérieure en attente."""
    now = now or timezone.now()
    with transaction.atomic():
        r = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if r.statut != Reservation.Statut.EN_ATTENTE:
            raise EspacesError("Cette demande a déjà été traitée.")
        expiree = r.expire_le is not None and r.expire_le <= now
        if expiree:
            r.statut = Reservation.Statut.EXPIREE
        else:
            r.statut = Reservation.Statut.CONFIRMEE if accepter else Reservation.Statut.REFUSEE
        r.save(update_fields=["statut"])
    # Raised after the commit: raising inside atomic() would roll the expiry back.
    if expiree:
        raise EspacesError("Cette demande a expiré : le créneau n'est plus tenu.")
    return r


# --- Séries ---------------------------------------------------------------------

MAX_OCCURRENCES = 200


def occurrences(
    debut: datetime.datetime,
    fin: datetime.datetime,
    *,
    frequence: str,
    intervalle: int = 1,
    jusqu_au: datetime.date | None = None,
    nombre: int | None = None,
) -> list[Creneau]:
    """Les créneaux d'une série, à heure murale constante (9 h reste 9 h après le
    changement d'heure). Un jour qui n'existe pas (31 d'un mois court) est sauté."""
    if (jusqu_au is None) == (nombre is None):
        raise EspacesError("Indiquez une date de fin de série ou un nombre de fois, pas les deux.")
    if intervalle < 1:
        raise EspacesError("L'intervalle est d'au moins 1.")
    if nombre is not None and not 1 <= nombre <= MAX_OCCURRENCES:
        raise EspacesError(f"Une série compte de 1 à {MAX_OCCURRENCES} réservations.")
    d0, f0 = temps.paris(debut), temps.paris(fin)
    if jusqu_au is not None and jusqu_au < d0.date():
        raise EspacesError("La fin de la série précède sa première date.")
    result: list[Creneau] = []
    # Skipped days (31st of a short month) count as steps, so bound the loop twice over.
    for k in range(MAX_OCCURRENCES * 2):
        if nombre is not None and len(result) >= nombre:
            break
        jour = _nieme(d0.date(), frequence, intervalle * k)
        if jour is None:
            continue
        if jusqu_au is not None and jour > jusqu_au:
            break
        result.append(Creneau(temps.aware(jour, d0.time()), temps.aware(jour, f0.time())))
    if len(result) > MAX_OCCURRENCES:
        raise EspacesError(
            f"Une série compte {MAX_OCCURRENCES} réservations au plus : raccourcissez-la."
        )
    return result


def _nieme(jour0: datetime.date, frequence: str, n: int) -> datetime.date | None:
    F = SerieReservations.Frequence
    if frequence == F.QUOTIDIENNE:
        return jour0 + datetime.timedelta(days=n)
    if frequence == F.HEBDOMADAIRE:
        return jour0 + datetime.timedelta(weeks=n)
    if frequence == F.MENSUELLE:
        month0 = jour0.month - 1 + n
        year, month = jour0.year + month0 // 12, month0 % 12 + 1
        if jour0.day > calendar.monthrange(year, month)[1]:
            return None
        return jour0.replace(year=year, month=month)
    raise EspacesError("Fréquence inconnue.")


@dataclass
class PlanSerie:
    libres: list[Creneau] = field(default_factory=list)
    conflits: list[tuple[Creneau, str]] = field(default_factory=list)


def planifier_serie(
    ressource: Ressource, creneaux: list[Creneau], *, nb_personnes: int, externe: bool, now=None
) -> PlanSerie:
    """Sépare les créneaux réservables de ceux qui ne le sont pas (avec la raison)."""
    now = now or timezone.now()
    plan = PlanSerie()
    for c in creneaux:
        try:
            verifier_regles(ressource, c.debut, c.fin, nb_personnes, now=now, externe=externe)
        except EspacesError as exc:
            plan.conflits.append((c, str(exc)))
            continue
        fin_bloquee = c.fin + datetime.timedelta(minutes=ressource.battement_minutes)
        other = _conflit(ressource, c.debut, fin_bloquee, now)
        if other is not None:
            plan.conflits.append((c, _message_conflit(ressource, other)))
        else:
            plan.libres.append(c)
    return plan


def reserver_serie(
    *,
    ressource: Ressource,
    creneaux: list[Creneau],
    frequence: str,
    intervalle: int,
    jusqu_au: datetime.date | None,
    nombre: int | None,
    titre: str,
    par,
    structure: Structure | None = None,
    externe: ClientExterne | None = None,
    nb_personnes: int = 1,
    now=None,
) -> tuple[SerieReservations, list[Reservation], list[tuple[Creneau, str]]]:
    """Réserve tous les créneaux libres d'une série, en une transaction ; renvoie
    aussi ceux qui n'ont pas pu l'être (pris entre-temps, hors règles)."""
    now = now or timezone.now()
    faites: list[Reservation] = []
    ratees: list[tuple[Creneau, str]] = []
    with transaction.atomic():
        serie = SerieReservations.objects.create(
            frequence=frequence,
            intervalle=intervalle,
            jusqu_au=jusqu_au,
            occurrences=nombre,
            cree_par=par,
        )
        for c in creneaux:
            try:
                faites.append(
                    reserver(
                        ressource=ressource,
                        debut=c.debut,
                        fin=c.fin,
                        titre=titre,
                        par=par,
                        structure=structure,
                        externe=externe,
                        nb_personnes=nb_personnes,
                        serie=serie,
                        now=now,
                    )
                )
            except EspacesError as exc:
                ratees.append((c, str(exc)))
        if not faites:
            raise ConflitError("Aucun créneau de la série n'est libre : rien n'a été réservé.")
    return serie, faites, ratees


@dataclass
class AnnulationSerie:
    annulees: list[Reservation] = field(default_factory=list)
    # Occurrences inside the cancellation notice: left confirmed, the person is told which.
    bloquees: list[Reservation] = field(default_factory=list)


def annuler_serie(*, reservation: Reservation, a_partir: bool, par, now=None) -> AnnulationSerie:
    """Annule toute la série de `reservation`, ou cette occurrence et les suivantes.
    Les occurrences passées ou déjà annulées restent telles quelles ; celles qui sont dans le
    délai de préavis restent confirmées (sauf pour l'équipe de gestion) et sont signalées."""
    now = now or timezone.now()
    if reservation.serie_id is None:
        raise EspacesError("Cette réservation ne fait pas partie d'une série.")
    result = AnnulationSerie()
    with transaction.atomic():
        qs = Reservation.objects.select_for_update().filter(
            serie_id=reservation.serie_id, statut__in=Reservation.STATUTS_BLOQUANTS, debut__gt=now
        )
        if a_partir:
            qs = qs.filter(debut__gte=reservation.debut)
        for r in qs.select_related("ressource").order_by("debut"):
            try:
                result.annulees.append(annuler(reservation=r, par=par, now=now))
            except EspacesError:
                result.bloquees.append(r)
        if result.bloquees and not result.annulees:
            d = temps.paris(result.bloquees[0].debut)
            raise EspacesError(
                f"Rien n'est annulé : l'occurrence du {d:%d/%m/%Y à %H:%M} est dans le délai de "
                f"préavis ({result.bloquees[0].ressource.preavis_annulation_heures} h). "
                "Contactez l'équipe du PHARES."
            )
    return result


# --- Consommations (affranchissement, impression) ---------------------------------


def enregistrer_consommation(
    *,
    structure: Structure,
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


def definir_forfait(
    *, structure: Structure, heures_par_mois: int, debut: datetime.date, par=None
) -> ForfaitSalles:
    """Nouveau forfait mensuel à partir de `debut` : le précédent s'arrête la veille."""
    if heures_par_mois < 0:
        raise EspacesError("Le nombre d'heures ne peut pas être négatif.")
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
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


# An anonymous form can hold rooms: bound what one address, and everyone, may hold at once.
DEMANDES_MAX_PAR_EMAIL = 3
DEMANDES_MAX_EN_ATTENTE = 30


def verifier_quota_demandes(email: str, *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    en_attente = Reservation.objects.demandes_en_attente(now)
    if en_attente.filter(externe__email__iexact=email).count() >= DEMANDES_MAX_PAR_EMAIL:
        raise EspacesError(
            f"Vous avez déjà {DEMANDES_MAX_PAR_EMAIL} demandes en attente : l'équipe vous répond "
            "avant d'en enregistrer d'autres."
        )
    if en_attente.count() >= DEMANDES_MAX_EN_ATTENTE:
        raise EspacesError(
            "Trop de demandes sont en attente en ce moment : écrivez-nous directement."
        )
