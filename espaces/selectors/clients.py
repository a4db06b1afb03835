"""Lectures sur les organisations extérieures (clients qui louent une salle) : la liste de
l'équipe, l'historique d'une fiche. Leurs factures sont lues par la facturation, au-dessus
d'espaces, qui les montre sur la fiche par le registre des encarts (slot « client_externe »)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from ..models import ClientExterne, Reservation

Statut = Reservation.Statut


def _en_attente(now: datetime.datetime, prefixe: str = "") -> Q:
    """Les demandes qui attendent encore à `now` (pas les échues : statut effectif)."""
    return Q(**{f"{prefixe}statut": Statut.EN_ATTENTE}) & ~Q(**{f"{prefixe}expire_le__lte": now})


def clients_externes_liste(now: datetime.datetime) -> QuerySet[ClientExterne]:
    """Chaque client avec ce que la liste en dit, en une requête : réservations confirmées,
    demandes qui attendent encore, début de sa dernière réservation ou demande."""
    return ClientExterne.objects.annotate(
        nb_reservations=Count("reservations", filter=Q(reservations__statut=Statut.CONFIRMEE)),
        nb_demandes=Count("reservations", filter=_en_attente(now, "reservations__")),
        derniere=Max("reservations__debut"),
    ).order_by("nom", "pk")


def avec_demande_en_attente(qs: QuerySet[ClientExterne], now) -> QuerySet[ClientExterne]:
    attend = Reservation.objects.filter(_en_attente(now), externe=OuterRef("pk"))
    return qs.filter(Exists(attend))


def avec_reservation_a_venir(qs: QuerySet[ClientExterne], now) -> QuerySet[ClientExterne]:
    a_venir = Reservation.objects.confirmees().filter(externe=OuterRef("pk"), fin__gt=now)
    return qs.filter(Exists(a_venir))


def historique_du_client(client: ClientExterne, now: datetime.datetime) -> QuerySet[Reservation]:
    """Ses réservations et demandes, tous statuts : à venir d'abord, puis passées (l'ordre des
    listes de réservations)."""
    return (
        Reservation.objects.filter(externe=client)
        .select_related("ressource")
        .a_venir_puis_passees(now)
    )


def memes_coordonnees(client: ClientExterne, *, limite: int = 10) -> list[ClientExterne]:
    """Les autres fiches à la même adresse e-mail : chaque demande publique crée la sienne,
    l'équipe les retrouve ainsi depuis l'une d'elles."""
    return list(
        ClientExterne.objects.filter(email__iexact=client.email)
        .exclude(pk=client.pk)
        .order_by("nom", "pk")[:limite]
    )
