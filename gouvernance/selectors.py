"""Lectures sur la SCIC, pour les vues et pour les autres apps (tableau de bord, rapport)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from habitants import selectors as habitants_selectors
from habitants.models import Membre
from phares.lib import dates
from phares.roles import GESTION

from . import decompte, regles
from .models import Action, Associe, College, Decision, Mandat, Participant, Point, Seance


def est_cogerant(user, *, le: datetime.date) -> bool:
    return Mandat.objects.filter(
        dates.active_on(le), personne=user, fonction=Mandat.Fonction.COGERANT
    ).exists()


def _associes(le: datetime.date):
    return Associe.objects.filter(dates.active_on(le, "entree", "sortie"))


def est_associe(user, *, le: datetime.date) -> bool:
    """Associé en personne, ou membre actif d'une structure associée."""
    return (
        _associes(le)
        .filter(
            Q(personne=user) | Q(structure__membres__in=Membre.objects.actifs(le).filter(user=user))
        )
        .exists()
    )


def _structures_associees(le: datetime.date):
    return _associes(le).filter(structure__isnull=False).values_list("structure_id", flat=True)


def structures_associees_ids(*, le: datetime.date) -> set[int]:
    """Structures associées de la SCIC au jour `le` (soulignées dans le rapport)."""
    return set(_structures_associees(le))


# --- Séances, décisions, actions ------------------------------------------------------------


@dataclass(frozen=True)
class Electeur:
    """Qui siège à une séance : un·e cogérant·e (cogérance) ou un·e associé·e (les autres)."""

    nom: str
    associe: Associe | None = None
    personne: object | None = None
    college_id: int | None = None


def cogerants(*, le: datetime.date):
    User = get_user_model()
    return User.objects.filter(
        mandats__in=Mandat.objects.filter(dates.active_on(le), fonction=Mandat.Fonction.COGERANT)
    ).distinct()


def associes_actifs(*, le: datetime.date) -> QuerySet[Associe]:
    return _associes(le).select_related("structure", "personne", "college")


def electeurs(type_seance: str, *, le: datetime.date) -> list[Electeur]:
    """Les inscrits d'une séance de ce type, à cette date, dans l'ordre de la feuille de
    présence."""
    if type_seance == Seance.Type.COGERANCE:
        return [
            Electeur(nom=u.display_name, personne=u)
            for u in cogerants(le=le).order_by("last_name", "first_name", "email")
        ]
    associes = sorted(associes_actifs(le=le), key=lambda a: str(a).lower())
    return [Electeur(nom=str(a), associe=a, college_id=a.college_id) for a in associes]


def colleges() -> QuerySet[College]:
    return College.objects.all()


def emails_associe(associe: Associe) -> list[str]:
    """Une personne : son e-mail ; une structure : son e-mail de contact, à défaut ses
    référent·es."""
    if associe.personne_id:
        return [associe.personne.email] if associe.personne.email else []
    s = associe.structure
    if s.email_contact:
        return [s.email_contact]
    return habitants_selectors.emails_des_referents(s)


def emails_associes(*, le: datetime.date) -> list[str]:
    adresses: list[str] = []
    for a in associes_actifs(le=le):
        adresses += emails_associe(a)
    return list(dict.fromkeys(adresses))


def emails_participants(seance: Seance) -> list[str]:
    """Ceux qu'une convocation concerne : les inscrits de la séance."""
    adresses: list[str] = []
    for p in seance.participants.select_related(
        "personne", "associe__structure", "associe__personne"
    ):
        if p.personne_id:
            adresses += [p.personne.email] if p.personne.email else []
        else:
            adresses += emails_associe(p.associe)
    return list(dict.fromkeys(adresses))


def responsables_possibles(*, le: datetime.date):
    """Qui peut porter une action : cogérant·es, associé·es en personne, membres des
    structures associées et l'équipe de gestion."""
    User = get_user_model()
    structures = _structures_associees(le)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(mandats__in=Mandat.objects.filter(dates.active_on(le)))
            | Q(qualites_associe__in=_associes(le))
            | Q(appartenances__in=Membre.objects.actifs(le).filter(structure__in=structures))
            | Q(groups__name=GESTION)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


@dataclass(frozen=True)
class Quorum:
    inscrits: int
    presents: int
    representes: int
    fraction: object  # Fraction | None
    requis: int

    @property
    def comptes(self) -> int:
        return self.presents + self.representes

    @property
    def atteint(self) -> bool:
        return decompte.quorum_atteint(self.comptes, self.inscrits, self.fraction)

    @property
    def regle(self) -> str:
        if self.fraction is None:
            return "pas de quorum"
        return f"{regles.nom_fraction(self.fraction)} des inscrits, soit {self.requis}"


def quorum(seance: Seance, participants=None) -> Quorum:
    participants = list(participants if participants is not None else seance.participants.all())
    fraction = regles.quorum(seance.type, seance.convocation)
    presents = sum(p.presence == Participant.Presence.PRESENT for p in participants)
    representes = sum(p.presence == Participant.Presence.REPRESENTE for p in participants)
    return Quorum(
        inscrits=len(participants),
        presents=presents,
        representes=representes,
        fraction=fraction,
        requis=decompte.requis(len(participants), fraction),
    )


def comptes_par_college(participants) -> dict[int | None, int]:
    """Présents et représentés par collège (None : sans collège)."""
    resultat: dict[int | None, int] = {}
    for p in participants:
        if p.compte:
            resultat[p.college_id] = resultat.get(p.college_id, 0) + 1
    return resultat


def est_ponderee(seance: Seance, participants=None) -> bool:
    """Une assemblée dont des inscrits sont dans un collège : votes par collège."""
    if not seance.est_assemblee:
        return False
    participants = participants if participants is not None else seance.participants.all()
    return any(p.college_id for p in participants)


def colleges_de(seance: Seance, participants=None) -> list[College]:
    participants = participants if participants is not None else seance.participants.all()
    ids = {p.college_id for p in participants if p.college_id}
    return list(College.objects.filter(pk__in=ids))


def seances() -> QuerySet[Seance]:
    return Seance.objects.annotate(nb_decisions=Count("decisions")).order_by("-debut", "-pk")


def prochaine_seance(*, apres: datetime.datetime | None = None) -> Seance | None:
    apres = apres or timezone.now()
    return Seance.objects.filter(debut__gte=apres).order_by("debut", "pk").first()


def actions_ouvertes() -> QuerySet[Action]:
    return Action.objects.filter(statut=Action.Statut.A_FAIRE).select_related(
        "responsable", "seance", "decision"
    )


def actions_en_retard(*, le: datetime.date) -> QuerySet[Action]:
    return actions_ouvertes().filter(echeance__lt=le)


def propositions_en_attente() -> QuerySet[Point]:
    return Point.objects.filter(seance__isnull=True).select_related("propose_par")


def registre() -> QuerySet[Decision]:
    """Les décisions des procès-verbaux approuvés : le registre des décisions."""
    return (
        Decision.objects.filter(seance__statut=Seance.Statut.APPROUVEE)
        .select_related("seance", "corrige")
        .prefetch_related(
            Prefetch("corrections", queryset=Decision.objects.filter(reference__isnull=False))
        )
        .order_by("-seance__debut", "rang_mois", "pk")
    )


def annees_du_registre() -> list[int]:
    return sorted(
        {d.year for d in Seance.objects.approuvees().datetimes("debut", "year")}, reverse=True
    )


def decisions_corrigeables() -> QuerySet[Decision]:
    """Ce qu'une nouvelle décision peut corriger : une décision d'un procès-verbal approuvé."""
    return Decision.objects.filter(reference__isnull=False).order_by("-reference")
