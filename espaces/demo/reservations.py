"""Écriture des ressources, des clients extérieurs et des réservations de la démo :
l'agenda 2015 aux prix que le service aurait calculés, et la semaine prochaine par le
service lui-même."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from habitants import demo as habitants_demo
from phares.lib import temps
from phares.lib.money import Montant

from .. import services
from ..models import ClientExterne, Espace, Reservation, Ressource, SerieReservations
from ..selectors import GRATUIT, Prix, prix_reservation
from ._commun import sauf, t
from .agenda import SERIES, Resa
from .ressources import CLIENTS_EXTERNES, RESSOURCES
from .tarifs import FORFAIT_HEURES, C

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext


# --- À venir (relatif au jour du chargement) --------------------------------------


@dataclass(frozen=True)
class AVenir:
    jour: int  # 0 = next Monday … 4 = next Friday
    ressource: str  # "velo" = any free bike
    debut: datetime.time
    fin: datetime.time
    structure: str
    titre: str
    nb_personnes: int = 1


A_VENIR = (
    AVenir(0, "salle-ourcq", t(10), t(12), "halage", "Réunion des encadrants techniques", 8),
    AVenir(1, "salle-marne", t(9), t(17), "procarist",
           "Formation logistique — préparation CACES", 12),
    AVenir(2, "salle-seine", t(14), t(17), "metropop", "Atelier numérique métropolitain", 25),
    AVenir(2, "velo", t(9), t(12), "solibio", "Livraison de paniers"),
    AVenir(3, "refectoire", t(12), t(14), "solibio",
           "Déjeuner des habitants : présentation de projets communs", 35),
    AVenir(3, "salle-bievre", t(9, 30), t(11, 30), "sfmad",
           "Réunion mensuelle de la cogérance", 6),
    AVenir(4, "salle-crould", t(10), t(12), "mode-estime",
           "Point partenaires : marque de T-shirt bio", 6),
)  # fmt: skip


# --- Écriture --------------------------------------------------------------------


def load_ressources(ctx: DemoContext, espaces: dict[str, Espace]) -> dict[str, Ressource]:
    return {
        r.slug: ctx.upsert(
            Ressource,
            {"slug": r.slug},
            {
                "categorie": r.categorie,
                "nom": r.nom,
                "espace": espaces[r.espace] if r.espace else None,
                "active": True,
                "ouverte_aux_externes": r.externes,
                "heure_ouverture": r.ouverture,
                "heure_fermeture": r.fermeture,
                "jours_ouverture": r.jours,
                "duree_min_minutes": r.duree_min,
                "duree_max_minutes": r.duree_max,
                "delai_max_jours": r.delai_max_jours,
                "preavis_annulation_heures": r.preavis_heures,
                "battement_minutes": r.battement,
            },
        )
        for r in RESSOURCES
    }


def load_externes(ctx: DemoContext) -> dict[str, ClientExterne]:
    return {
        c["nom"]: ctx.upsert(ClientExterne, {"nom": c["nom"]}, sauf(c, "nom"))
        for c in CLIENTS_EXTERNES
    }


def _referents(ctx: DemoContext) -> dict[str, object]:
    return {
        p.structure: ctx.users[p.email]
        for p in habitants_demo.PERSONNES
        if p.structure and p.referent
    }


def load_reservations(ctx: DemoContext, agenda, ressources, externes, tarifs) -> None:
    referents = _referents(ctx)
    series = {}
    for index, s in enumerate(SERIES):
        series[index] = ctx.upsert(
            SerieReservations,
            {
                "frequence": SerieReservations.Frequence.HEBDOMADAIRE,
                "intervalle": 1,
                "jusqu_au": s.jusqu_au,
                "occurrences": None,
                "cree_par": referents[s.structure],
            },
            {},
        )
    # Room minutes already booked per (structure, month): the monthly allowance.
    consomme: dict[tuple[str, int], int] = defaultdict(int)
    for r in agenda:  # chronological
        ressource = ressources[r.ressource]
        debut, fin = r.debut_dt, r.fin_dt
        if r.externe:
            prix = prix_reservation(ressource, debut, fin, externe=True)
        elif ressource.categorie == Ressource.Categorie.VELO:
            prix = prix_reservation(ressource, debut, fin, structure=ctx.structures[r.structure])
        else:
            prix = _prix_habitant(r, consomme, tarifs)
        premier = SERIES[r.serie].premier if r.serie is not None else r.jour
        ctx.upsert(
            Reservation,
            {"ressource": ressource, "debut": debut},
            {
                "fin": fin,
                "fin_bloquee": r.fin_bloquee,
                "statut": Reservation.Statut.CONFIRMEE,
                "expire_le": None,
                "structure": ctx.structures[r.structure] if r.structure else None,
                "externe": externes[r.externe] if r.externe else None,
                "titre": r.titre,
                "nb_personnes": r.nb_personnes,
                "serie": series[r.serie] if r.serie is not None else None,
                "par": ctx.users[r.par] if r.par else referents[r.structure],
                "cree_le": temps.aware(premier - datetime.timedelta(days=14), t(10)),
                "annulee_le": None,
                "annulee_par": None,
                "tarif": prix.tarif,
                "minutes_facturables": prix.minutes_facturables,
                "montant_ht": prix.montant.ht,
                "taux_tva": prix.montant.taux_tva,
            },
        )


def _prix_habitant(r: Resa, consomme, tarifs) -> Prix:
    """services.tarifs._prix_habitant, with the month's earlier bookings counted in memory."""
    cle = (r.structure, r.jour.month)
    reste = max(0, FORFAIT_HEURES * 60 - consomme[cle])
    consomme[cle] += r.minutes
    au_dela = max(0, r.minutes - reste)
    if au_dela == 0:
        return GRATUIT
    tarif = tarifs[C.SALLE_HABITANT_HEURE]
    return Prix(tarif, au_dela, Montant.depuis_ht(tarif.montant_ht * au_dela / 60, tarif.taux_tva))


def load_a_venir(ctx: DemoContext, ressources: dict[str, Ressource]) -> int:
    """Next week's bookings, through the booking service (rules, prices). Skipped
    when already there (same day, same start), or when the slot has been taken."""
    lundi = temps.monday_of(timezone.localdate()) + datetime.timedelta(days=7)
    created = 0
    for a in A_VENIR:
        jour = lundi + datetime.timedelta(days=a.jour)
        debut, fin = temps.aware(jour, a.debut), temps.aware(jour, a.fin)
        structure = ctx.structures[a.structure]
        existantes = Reservation.objects.filter(debut=debut, structure=structure)
        if a.ressource == "velo":
            existantes = existantes.filter(ressource__categorie=Ressource.Categorie.VELO)
        else:
            existantes = existantes.filter(ressource=ressources[a.ressource])
        if existantes.exists():
            ctx.stats["unchanged"] += 1
            continue
        try:
            if a.ressource == "velo":
                services.reserver_velo(
                    debut=debut, fin=fin, titre=a.titre, structure=structure, par=ctx.acteur,
                )  # fmt: skip
            else:
                services.reserver(
                    ressource=ressources[a.ressource], debut=debut, fin=fin, titre=a.titre,
                    par=ctx.acteur, structure=structure, nb_personnes=a.nb_personnes,
                )  # fmt: skip
        except services.EspacesError as exc:
            ctx.log(f"espaces : « {a.titre} » le {jour} non réservée ({exc})")
            continue
        ctx.stats["created"] += 1
        created += 1
    return created
