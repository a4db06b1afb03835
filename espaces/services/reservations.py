"""Réservations de salles et de vélos : règles des ressources, réservation, annulation,
décision sur les demandes extérieures et leurs bornes.

Double réservation impossible : sur PostgreSQL une contrainte d'exclusion refuse tout
chevauchement (la vérification préalable ne sert qu'à donner un message clair) ; sur
SQLite chaque transaction commence par BEGIN IMMEDIATE, donc vérification et
insertion sont sérialisées.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from phares.lib import temps
from phares.roles import is_gestion

from .. import selectors
from ..models import ClientExterne, Reservation, Ressource, SerieReservations
from ._erreurs import ConflitError, EspacesError, inserer
from .tarifs import prix_reservation


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


def motif_de_refus(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    nb_personnes: int,
    *,
    now: datetime.datetime,
    externe: bool,
) -> str | None:
    """Pourquoi [debut, fin[ ne peut pas être réservé (règles ou créneau pris), ou None."""
    try:
        verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe)
    except EspacesError as exc:
        return str(exc)
    fin_bloquee = fin + datetime.timedelta(minutes=ressource.battement_minutes)
    other = _conflit(ressource, debut, fin_bloquee, now)
    return None if other is None else _message_conflit(ressource, other)


def reserver(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    par,
    structure=None,
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
        tarif, minutes, montant, tva = prix_reservation(ressource, debut, fin, structure, externe)
        return inserer(
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


def reserver_velo(*, debut, fin, titre: str, structure, par, now=None) -> Reservation:
    """Prend n'importe quel vélo libre du parc sur le créneau."""
    candidats = selectors.velos_libres(debut, fin)
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
