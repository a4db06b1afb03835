"""Lectures sur les réservations : salles et vélos réservables, ce qui tient un créneau
(les réservations confirmées), les demandes en attente, qui peut réserver et voir quoi."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import temps

from ..models import Reservation, Ressource


def salles() -> QuerySet[Ressource]:
    return (
        Ressource.objects.filter(categorie=Ressource.Categorie.SALLE, active=True)
        .select_related("espace__etage")
        .order_by("espace__etage__niveau", "nom")
    )


def velos() -> QuerySet[Ressource]:
    """Le parc de vélos réservables (ils partagent les mêmes règles)."""
    return Ressource.objects.filter(categorie=Ressource.Categorie.VELO, active=True).order_by("nom")


def _libres(ressources: QuerySet[Ressource], categorie: str, debut, fin) -> list[Ressource]:
    """`ressources` sans réservation confirmée qui tienne une partie de [debut, fin[ : une
    requête, un parcours borné de l'index (debut) (voir DUREE_BLOQUEE_MAX)."""
    occupes = (
        Reservation.objects.confirmees()
        .filter(ressource__categorie=categorie)
        .chevauchant(debut, fin)
        .values("ressource_id")
    )
    return list(ressources.exclude(pk__in=occupes))


def velos_libres(debut, fin) -> list[Ressource]:
    """Les vélos du parc sans réservation qui croise [debut, fin[."""
    return _libres(velos(), Ressource.Categorie.VELO, debut, fin)


def salles_libres(debut, fin) -> list[Ressource]:
    """Les salles réservables sans réservation qui tienne [debut, fin[ (battement compris),
    dans l'ordre des étages ; leurs horaires et durées restent à vérifier (`verifier_regles`)."""
    return _libres(salles(), Ressource.Categorie.SALLE, debut, fin)


def demandes_en_attente() -> QuerySet[Reservation]:
    """Demandes extérieures que l'équipe doit accepter ou refuser."""
    return Reservation.objects.demandes_en_attente(timezone.now())


def demandes_a_decider() -> QuerySet[Reservation]:
    """Les demandes en attente, la plus pressée d'abord (celle qui expire la première), avec
    ce que leur ligne montre : le tableau de bord de la gestion les décide sur place."""
    return demandes_en_attente().select_related("ressource", "externe").order_by("expire_le", "pk")


def reservations_du_jour(jour: datetime.date) -> QuerySet[Reservation]:
    """Les salles réservées (confirmées) le jour `jour` de Paris, par salle puis par heure :
    ce qui se passe aujourd'hui dans le lieu."""
    debut, fin = temps.day_bounds(jour)
    return (
        Reservation.objects.confirmees()
        # Not over when the day starts (bounded below on `debut`, a range of its index),
        # started before it ends.
        .pas_finies(debut)
        .filter(ressource__categorie=Ressource.Categorie.SALLE, debut__lt=fin)
        .select_related("ressource", "structure", "externe")
        .order_by("ressource__espace__etage__niveau", "ressource__nom", "debut", "pk")
    )


@dataclass(frozen=True)
class SalleDuJour:
    nom: str
    slug: str
    nombre: int  # confirmed bookings that day


def salles_du_jour(jour: datetime.date) -> list[SalleDuJour]:
    """Les salles réservées le jour `jour` et leur nombre de réservations, dans l'ordre des
    étages : une requête agrégée, quel que soit le nombre de réservations."""
    lignes = (
        reservations_du_jour(jour)
        .order_by()
        .values("ressource__nom", "ressource__slug", "ressource__espace__etage__niveau")
        .annotate(nombre=Count("pk"))
        .order_by("ressource__espace__etage__niveau", "ressource__nom")
    )
    return [SalleDuJour(r["ressource__nom"], r["ressource__slug"], r["nombre"]) for r in lignes]


@dataclass(frozen=True)
class JourneeDesSalles:
    salles: list[SalleDuJour]  # like salles_du_jour
    pas_finies: list[Reservation]  # not over at `maintenant`, by room then time


def journee_des_salles(jour: datetime.date, *, maintenant: datetime.datetime) -> JourneeDesSalles:
    """`salles_du_jour` et, parmi ses réservations, celles pas encore finies à `maintenant`,
    lues ensemble : une journée de salles en compte quelques dizaines au plus (les salles ×
    leurs heures d'ouverture), une requête au lieu d'un agrégat plus une liste. Seules les
    colonnes que montre le tableau de bord sont lues."""
    reservations = reservations_du_jour(jour).only(
        "debut",
        "fin",
        "titre",
        "ressource__nom",
        "ressource__slug",
        "structure__nom",
        "externe__nom",
    )
    salles: dict[int, SalleDuJour] = {}
    pas_finies = []
    for r in reservations:
        s = salles.get(r.ressource_id)
        salles[r.ressource_id] = SalleDuJour(
            r.ressource.nom, r.ressource.slug, s.nombre + 1 if s else 1
        )
        if r.fin > maintenant:
            pas_finies.append(r)
    # In room order already: the rows come by floor, then room name.
    return JourneeDesSalles(list(salles.values()), pas_finies)


def prochaines_reservations(structure_ids, *, now: datetime.datetime) -> QuerySet[Reservation]:
    """Les réservations actives et pas encore finies des structures `structure_ids`, la plus
    proche d'abord (une réunion en cours est encore à venir)."""
    return (
        Reservation.objects.actives()
        .pas_finies(now)
        .filter(structure_id__in=structure_ids)
        .select_related("ressource", "structure")
        .order_by("debut", "pk")
    )


def reservations_entre(
    ressources, debut: datetime.datetime, fin: datetime.datetime
) -> QuerySet[Reservation]:
    """Ce qui tient ces ressources sur [debut, fin[ : les réservations confirmées."""
    return (
        Reservation.objects.confirmees()
        .filter(ressource__in=ressources)
        .chevauchant(debut, fin)
        .select_related("structure", "externe", "ressource")
        .order_by("debut")
    )


def demandes_entre(
    ressources, debut: datetime.datetime, fin: datetime.datetime, *, now=None
) -> QuerySet[Reservation]:
    """Les demandes extérieures encore en attente sur [debut, fin[ : elles ne tiennent pas
    le créneau, l'équipe les voit dans ses plannings."""
    return (
        Reservation.objects.demandes_en_attente(now or timezone.now())
        .filter(ressource__in=ressources)
        .chevauchant(debut, fin)
        .select_related("externe", "ressource")
        .order_by("debut")
    )


def structures_reservantes(user, *, le: datetime.date):
    """Structures pour lesquelles `user` peut réserver : celles dont il est membre actif
    et qui sont présentes dans le lieu. Ne décide que de qui réserve : ce que l'on voit suit
    `reservations_visibles`."""
    return habitants_selectors.structures_presentes_du_membre(user, le=le)


def structures_du_membre_ids(user) -> set[int]:
    """Les structures (non archivées) dont `user` est membre aujourd'hui, présentes ou
    parties : celles dont il voit les réservations (`reservations_visibles`), dans les
    plannings et les flux comme en détail. Celles que la navigation lit de toute façon, une
    fois par requête (habitants_selectors.mes_structures)."""
    return {s.pk for s in habitants_selectors.mes_structures(user)}


def reservations_visibles(user, *, staff: bool) -> QuerySet[Reservation]:
    """Ce que `user` peut ouvrir en détail : tout pour l'équipe, sinon celles de ses structures
    (non archivées : comme « Mon espace », une structure archivée n'a plus d'accès ; partie,
    ses membres voient encore ses réservations pour pouvoir les annuler)."""
    qs = Reservation.objects.select_related("ressource", "structure", "externe", "par", "serie")
    if staff:
        return qs
    return qs.filter(structure__in=habitants_selectors.structures_of_member(user))


def occurrences_a_annuler(reservation: Reservation, *, a_partir: bool, now) -> QuerySet:
    """Les occurrences actives et à venir de la série de `reservation` (à partir d'elle si
    `a_partir`), dans l'ordre : ce qu'annule « toute la série » ou « celle-ci et les
    suivantes ». Le passé et ce qui est déjà annulé restent tels quels."""
    qs = Reservation.objects.filter(
        serie_id=reservation.serie_id, statut__in=Reservation.STATUTS_ACTIFS, debut__gt=now
    )
    if a_partir:
        qs = qs.filter(debut__gte=reservation.debut)
    return qs.select_related("ressource", "structure").order_by("debut", "pk")


@dataclass
class ApercuAnnulation:
    """Ce qu'une annulation ferait : les réservations annulées, et celles qui restent
    réservées parce qu'elles sont dans le délai de préavis."""

    annulees: list[Reservation] = field(default_factory=list)
    gardees: list[Reservation] = field(default_factory=list)


def apercu_annulation(
    reservation: Reservation, *, portee: str, sans_preavis: bool, now
) -> ApercuAnnulation:
    """La page de confirmation : `portee` « une », « suivantes » ou « serie » ;
    `sans_preavis` pour l'équipe de gestion, qui annule même dans le préavis."""
    if portee == "une" or reservation.serie_id is None:
        candidates = [reservation] if reservation.refus_changement(now) is None else []
    else:
        candidates = list(
            occurrences_a_annuler(reservation, a_partir=portee == "suivantes", now=now)
        )
    apercu = ApercuAnnulation()
    for r in candidates:
        garder = r.dans_le_preavis(now) and not sans_preavis
        (apercu.gardees if garder else apercu.annulees).append(r)
    return apercu


@dataclass(frozen=True)
class HeuresReservees:
    salle: str
    habitant: bool  # booked for a hosted structure (else: an outside organisation)
    minutes: int


def heures_reservees(debut: datetime.date, fin: datetime.date) -> list[HeuresReservees]:
    """Les minutes réservées (confirmées) de chaque salle, par type d'usager, pour les
    réservations qui commencent un jour de [debut, fin] (jours de Paris, inclus). Une seule
    requête agrégée : elle ne grandit pas avec le nombre de réservations."""
    lignes = (
        Reservation.objects.filter(
            statut=Reservation.Statut.CONFIRMEE,
            ressource__categorie=Ressource.Categorie.SALLE,
            debut__gte=temps.aware(debut, datetime.time(0)),
            debut__lt=temps.aware(fin + datetime.timedelta(days=1), datetime.time(0)),
        )
        .annotate(habitant=ExpressionWrapper(Q(structure__isnull=False), BooleanField()))
        .values("ressource__nom", "habitant")
        .annotate(duree=Sum(ExpressionWrapper(F("fin") - F("debut"), DurationField())))
        .order_by("ressource__nom", "habitant")
    )
    return [
        HeuresReservees(r["ressource__nom"], bool(r["habitant"]), temps.minutes(r["duree"]))
        for r in lignes
    ]
