"""Le procès-verbal et le registre des décisions en PDF (WeasyPrint). Le contenu du
procès-verbal se lit ici une fois (séance, présences, ordre du jour, décisions et votes,
actions) : la page de la séance et le PDF disent la même chose."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from phares.lib import pdf

from . import selectors
from .models import Decision, Participant, Seance


@dataclass(frozen=True)
class LignePresence:
    participant: Participant
    mandataire: str  # the name of who holds their proxy, or ""


def contexte_pv(seance: Seance, *, participants=None, decisions=None) -> dict:
    participants = list(participants if participants is not None else seance.participants.all())
    if decisions is None:
        decisions = list(
            seance.decisions.select_related("corrige")
            .prefetch_related("votes_colleges")
            .order_by("rang", "pk")
        )
    noms = {p.pk: p.nom for p in participants}
    par_presence = {k: [] for k in Participant.Presence.values}
    for p in participants:
        par_presence[p.presence].append(LignePresence(p, noms.get(p.mandataire_id, "")))
    return {
        "seance": seance,
        "scic": settings.GOUVERNANCE_SCIC,
        "quorum": selectors.quorum(seance, participants),
        "presents": par_presence[Participant.Presence.PRESENT],
        "representes": par_presence[Participant.Presence.REPRESENTE],
        "excuses": par_presence[Participant.Presence.EXCUSE],
        "absents": par_presence[Participant.Presence.ABSENT],
        "points": list(seance.points.order_by("rang", "pk")),
        "decisions": decisions,
        "actions": list(
            seance.actions.select_related("responsable", "decision").order_by("echeance", "pk")
        ),
        "documents": [d.strip() for d in seance.documents.splitlines() if d.strip()],
    }


def pv_pdf(contexte: dict) -> bytes:
    return pdf.depuis_gabarit("gouvernance/pv_pdf.html", contexte)


def registre_pdf(*, annee: int, decisions: list[Decision]) -> bytes:
    return pdf.depuis_gabarit(
        "gouvernance/registre_pdf.html",
        {"annee": annee, "decisions": decisions, "scic": settings.GOUVERNANCE_SCIC},
    )
