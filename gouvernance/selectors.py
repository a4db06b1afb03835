"""Lectures de la gouvernance, pour ses pages et pour les autres apps (tableau de bord,
rapport annuel, habitants par le registre des qualités) : qui est associé ou cogérant un jour
donné, le registre et ses alertes, le capital souscrit et libéré à une date, l'état annuel du
capital, les mandats, les ETP dédiés au pôle ; les séances, décisions et actions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from habitants import selectors as habitants_selectors
from habitants.models import Membre
from phares.lib import dates, recherche, temps
from phares.roles import GESTION

from . import decompte, reglages, regles
from .models import (
    Action,
    Associe,
    College,
    Decision,
    DemandeRetrait,
    Mandat,
    MouvementCapital,
    Participant,
    Point,
    PosteDedie,
    Seance,
)

CENTIME = Decimal("0.01")

# --- Rôles ------------------------------------------------------------------------------


def _mandats_de_cogerant(le: datetime.date, personne):
    return Mandat.objects.filter(
        dates.active_on(le), personne=personne, fonction=Mandat.Fonction.COGERANT
    )


def est_cogerant(user, *, le: datetime.date) -> bool:
    return _mandats_de_cogerant(le, user).exists()


def _associes(le: datetime.date):
    return Associe.objects.filter(dates.active_on(le, "entree", "sortie"))


def _qualites_d_associe(le: datetime.date, personne, personne_des_membres):
    """`personne_des_membres` : la même personne vue de la sous-requête des membres (un
    `OuterRef` y remonte d'un niveau de plus)."""
    return _associes(le).filter(
        Q(personne=personne)
        | Q(representant=personne)
        | Q(structure__membres__in=Membre.objects.actifs(le).filter(user=personne_des_membres))
    )


def est_associe(user, *, le: datetime.date) -> bool:
    """Associé en personne, représentant·e d'une structure associée, ou membre actif d'une
    structure associée."""
    return _qualites_d_associe(le, user, user).exists()


# The same questions as an EXISTS on the person (phares.roles.avec_roles): the request's
# user is read with its answers.
def fait_cogerant(le: datetime.date) -> Exists:
    return Exists(_mandats_de_cogerant(le, OuterRef("pk")))


def fait_associe(le: datetime.date) -> Exists:
    return Exists(_qualites_d_associe(le, OuterRef("pk"), OuterRef(OuterRef("pk"))))


def _structures_associees(le: datetime.date):
    return _associes(le).filter(structure__isnull=False).values_list("structure_id", flat=True)


def structures_associees_ids(*, le: datetime.date) -> set[int]:
    """Structures associées de la SCIC au jour `le` (soulignées dans le rapport)."""
    return set(_structures_associees(le))


# --- Registre ---------------------------------------------------------------------------


def registre():
    """Tous les associés, passés compris, avec ce que la page affiche, triables par nom
    (`tri` : la structure, sinon le nom de famille de la personne, sinon le nom saisi)."""
    return Associe.objects.select_related("structure", "personne", "representant").annotate(
        tri=Coalesce(Lower("structure__nom"), Lower("personne__last_name"), Lower("nom"))
    )


def associes_le(le: datetime.date):
    """Les associés au jour `le` (entrée ≤ le ≤ sortie, bornes incluses)."""
    return registre().filter(dates.active_on(le, "entree", "sortie"))


def qualite_de_structure(structure, *, le: datetime.date) -> Associe | None:
    """La qualité d'associé d'une structure au jour `le`, ou la dernière qu'elle a eue, avec
    son représentant (l'encart de sa fiche le nomme)."""
    qualites = Associe.objects.filter(structure=structure).select_related("representant")
    qualites = qualites.order_by("-entree")
    return next((q for q in qualites if q.est_associe_le(le)), None) or next(iter(qualites), None)


def autres_qualites(associe: Associe):
    """Les autres périodes d'associé de la même structure ou personne (une réadmission)."""
    if associe.structure_id:
        qs = registre().filter(structure_id=associe.structure_id)
    elif associe.personne_id:
        qs = registre().filter(personne_id=associe.personne_id)
    else:
        return Associe.objects.none()
    return qs.exclude(pk=associe.pk).order_by("entree")


@dataclass(frozen=True)
class Categorie:
    code: str
    libelle: str
    nombre: int
    obligatoire: bool


def comptage_par_categorie(le: datetime.date) -> list[Categorie]:
    """Le nombre d'associés de chaque catégorie au jour `le`, dans l'ordre de la loi."""
    nombres: dict[str, int] = defaultdict(int)
    for categorie in _associes(le).values_list("categorie", flat=True):
        nombres[categorie] += 1
    obligatoires = reglages.categories_obligatoires()
    return [
        Categorie(code, libelle, nombres[code], code in obligatoires)
        for code, libelle in Associe.Categorie.choices
    ]


@dataclass(frozen=True)
class Alerte:
    niveau: str  # "warning" or "danger" (Bootstrap's alert colours)
    message: str


def alertes_registre(le: datetime.date, comptage: list[Categorie] | None = None) -> list[Alerte]:
    """Ce que la loi demande et que le registre du jour `le` ne tient pas (ou plus pour
    longtemps) : une catégorie obligatoire vide, le plafond d'associés d'une SARL.
    `comptage` : celui du même jour, s'il est déjà lu."""
    alertes = []
    comptage = comptage if comptage is not None else comptage_par_categorie(le)
    for c in comptage:
        if c.obligatoire and c.nombre == 0:
            alertes.append(
                Alerte(
                    "danger",
                    f"Aucun associé dans la catégorie « {c.libelle} » au "
                    f"{dates.date_longue(le)} : une SCIC doit en compter au moins un "
                    "(art. 19 septies de la loi du 10 septembre 1947).",
                )
            )
    total = sum(c.nombre for c in comptage)
    plafond, alerte = reglages.plafond_associes(), reglages.alerte_plafond_associes()
    if total > plafond:
        alertes.append(
            Alerte(
                "danger",
                f"{total} associés pour un plafond de {plafond} : une SARL doit revenir à "
                f"{plafond} associés ou se transformer dans les deux ans "
                "(art. L223-3 du Code de commerce).",
            )
        )
    elif total >= alerte:
        alertes.append(
            Alerte(
                "warning",
                f"{total} associés : le plafond de {plafond} associés d'une SARL approche "
                f"(art. L223-3 du Code de commerce ; il en reste {plafond - total}).",
            )
        )
    return alertes


# --- Capital ----------------------------------------------------------------------------


@dataclass
class Solde:
    """Parts détenues, capital souscrit et capital libéré (versé)."""

    parts: int = 0
    souscrit: Decimal = field(default_factory=lambda: Decimal("0.00"))
    libere: Decimal = field(default_factory=lambda: Decimal("0.00"))

    def ajouter(self, parts: int, souscrit: Decimal, libere: Decimal) -> None:
        self.parts += parts
        self.souscrit += souscrit
        self.libere += libere

    @property
    def a_liberer(self) -> Decimal:
        return self.souscrit - self.libere

    @property
    def vide(self) -> bool:
        return not (self.parts or self.souscrit or self.libere)


def _mouvements(jusqu_au: datetime.date | None = None):
    qs = MouvementCapital.objects.all()
    if jusqu_au is not None:
        qs = qs.filter(date__lte=jusqu_au)
    return qs


def soldes_par_associe(le: datetime.date) -> dict[int, Solde]:
    """Le solde de chaque associé qui a eu un mouvement jusqu'au jour `le` inclus. La somme
    se fait en Python, en Decimal : exacte sur SQLite comme sur PostgreSQL."""
    soldes: dict[int, Solde] = defaultdict(Solde)
    for associe_id, parts, souscrit, libere in _mouvements(le).values_list(
        "associe_id", "parts", "souscrit", "libere"
    ):
        soldes[associe_id].ajouter(parts, souscrit, libere)
    return dict(soldes)


def solde(associe: Associe, *, le: datetime.date) -> Solde:
    s = Solde()
    for parts, souscrit, libere in (
        _mouvements(le).filter(associe=associe).values_list("parts", "souscrit", "libere")
    ):
        s.ajouter(parts, souscrit, libere)
    return s


def capital_fin_de_journee(mouvements) -> list[tuple[datetime.date, Decimal]]:
    """Le capital souscrit au soir de chaque jour qui a un mouvement, dans l'ordre des dates.
    `mouvements` : des (date, variation du capital souscrit). Une contre-passation porte la
    date du mouvement qu'elle annule : l'erreur n'apparaît donc dans aucun soir."""
    par_jour: dict[datetime.date, Decimal] = defaultdict(Decimal)
    for date, souscrit in mouvements:
        par_jour[date] += souscrit
    courbe, cumul = [], Decimal("0.00")
    for date in sorted(par_jour):
        cumul += par_jour[date]
        courbe.append((date, cumul))
    return courbe


@dataclass(frozen=True)
class PlusHaut:
    montant: Decimal
    le: datetime.date | None


def plus_haut(courbe: list[tuple[datetime.date, Decimal]]) -> PlusHaut:
    meilleur = PlusHaut(Decimal("0.00"), None)
    for date, montant in courbe:
        if montant > meilleur.montant:
            meilleur = PlusHaut(montant, date)
    return meilleur


def plancher(plus_haut_montant: Decimal) -> Decimal:
    """Le capital sous lequel aucun remboursement ne fait descendre : le quart du capital le
    plus élevé atteint (art. 7 de la loi du 10 septembre 1947), ou le minimum des statuts
    (art. L231-5 du Code de commerce) s'il est plus haut. Arrondi au centime supérieur."""
    quart = (plus_haut_montant * reglages.fraction_plancher()).quantize(
        CENTIME, rounding=ROUND_CEILING
    )
    return max(quart, reglages.capital_minimum_statutaire())


def courbe_du_capital() -> list[tuple[datetime.date, Decimal]]:
    return capital_fin_de_journee(MouvementCapital.objects.values_list("date", "souscrit"))


@dataclass(frozen=True)
class CapitalParCategorie:
    code: str
    libelle: str
    solde: Solde
    porteurs: int  # associates holding at least one share


@dataclass(frozen=True)
class EtatCapital:
    le: datetime.date
    total: Solde
    par_categorie: list[CapitalParCategorie]
    plus_haut: PlusHaut  # the highest capital reached up to `le`
    plancher: Decimal
    valeur_nominale: Decimal

    @property
    def porteurs(self) -> int:
        return sum(c.porteurs for c in self.par_categorie)

    @property
    def marge(self) -> Decimal:
        """Ce qui peut encore être remboursé sans passer sous le plancher."""
        return max(self.total.souscrit - self.plancher, Decimal("0.00"))


def capital(*, le: datetime.date) -> EtatCapital:
    """Capital souscrit et libéré au jour `le`, en tout et par catégorie d'associés ; le
    plus haut capital atteint jusqu'à ce jour et le plancher qu'il fixe."""
    soldes = soldes_par_associe(le)
    categories = dict(Associe.objects.filter(pk__in=soldes).values_list("pk", "categorie"))
    par_code: dict[str, Solde] = defaultdict(Solde)
    porteurs: dict[str, int] = defaultdict(int)
    total = Solde()
    for associe_id, s in soldes.items():
        code = categories[associe_id]
        par_code[code].ajouter(s.parts, s.souscrit, s.libere)
        total.ajouter(s.parts, s.souscrit, s.libere)
        if s.parts > 0:
            porteurs[code] += 1
    haut = plus_haut([(d, montant) for d, montant in courbe_du_capital() if d <= le])
    return EtatCapital(
        le=le,
        total=total,
        par_categorie=[
            CapitalParCategorie(code, libelle, par_code[code], porteurs[code])
            for code, libelle in Associe.Categorie.choices
        ],
        plus_haut=haut,
        plancher=plancher(haut.montant),
        valeur_nominale=reglages.valeur_nominale(),
    )


def mouvements():
    """Le grand livre, le plus récent d'abord, avec ce que la page affiche."""
    return MouvementCapital.objects.select_related(
        "associe__structure", "associe__personne", "contre_passe", "contre_passation", "demande"
    ).order_by("-date", "-pk")


def mouvements_de(associe: Associe):
    return mouvements().filter(associe=associe).order_by("date", "pk")


def _remboursee():
    return Exists(
        MouvementCapital.objects.filter(
            demande=OuterRef("pk"),
            type=MouvementCapital.Type.REMBOURSEMENT,
            contre_passation__isnull=True,
        )
    )


def demandes_retrait():
    """Les demandes de retrait, avec `remboursee` (un remboursement non contre-passé)."""
    return DemandeRetrait.objects.select_related(
        "associe__structure", "associe__personne"
    ).annotate(remboursee=_remboursee())


def demandes_en_attente():
    """Ni remboursées ni annulées, la plus ancienne d'abord (l'ordre des remboursements)."""
    return (
        demandes_retrait().filter(annulee_le__isnull=True, remboursee=False).order_by("date", "pk")
    )


@dataclass
class LigneEtatAnnuel:
    associe: Associe
    debut: Solde
    mouvements: list[MouvementCapital]
    fin: Solde


@dataclass
class EtatAnnuel:
    annee: int
    lignes: list[LigneEtatAnnuel]
    debut: Solde
    fin: Solde
    # Sum of the year's movements by type: {type: Solde}.
    par_type: dict[str, Solde]

    @property
    def du(self) -> datetime.date:
        return datetime.date(self.annee, 1, 1)

    @property
    def au(self) -> datetime.date:
        return datetime.date(self.annee, 12, 31)

    @property
    def natures(self) -> list[tuple[str, Solde]]:
        return [(libelle, self.par_type[code]) for code, libelle in MouvementCapital.Type.choices]


def etat_annuel(*, annee: int) -> EtatAnnuel:
    """L'état du capital de l'année : pour chaque associé qui a détenu des parts ou eu un
    mouvement, son solde au 31 décembre précédent, ses mouvements de l'année, son solde au
    31 décembre ; puis les totaux. Début + mouvements = fin, associé par associé."""
    veille = datetime.date(annee - 1, 12, 31)
    fin_annee = datetime.date(annee, 12, 31)
    debuts = soldes_par_associe(veille)
    fins = soldes_par_associe(fin_annee)
    de_l_annee: dict[int, list[MouvementCapital]] = defaultdict(list)
    for m in MouvementCapital.objects.filter(date__gt=veille, date__lte=fin_annee).select_related(
        "contre_passe"
    ):
        de_l_annee[m.associe_id].append(m)
    ids = (
        {i for i, s in debuts.items() if not s.vide}
        | {i for i, s in fins.items() if not s.vide}
        | set(de_l_annee)
    )
    associes = registre().filter(pk__in=ids)
    lignes = sorted(
        (
            LigneEtatAnnuel(a, debuts.get(a.pk, Solde()), de_l_annee[a.pk], fins.get(a.pk, Solde()))
            for a in associes
        ),
        key=lambda ligne: str(ligne.associe).casefold(),
    )
    debut, fin = Solde(), Solde()
    par_type: dict[str, Solde] = {t: Solde() for t in MouvementCapital.Type.values}
    for ligne in lignes:
        debut.ajouter(ligne.debut.parts, ligne.debut.souscrit, ligne.debut.libere)
        fin.ajouter(ligne.fin.parts, ligne.fin.souscrit, ligne.fin.libere)
        for m in ligne.mouvements:
            par_type[m.type].ajouter(m.parts, m.souscrit, m.libere)
    return EtatAnnuel(annee, lignes, debut, fin, par_type)


def annees_du_capital() -> list[int]:
    """Les années qui ont un mouvement, la plus récente d'abord."""
    return sorted({d.year for d in MouvementCapital.objects.dates("date", "year")}, reverse=True)


# --- Mandats ----------------------------------------------------------------------------


def mandats():
    """Les mandats, dans l'ordre des fonctions (cogérance d'abord), puis du plus récent."""
    rang = Case(
        *(When(fonction=code, then=Value(i)) for i, code in enumerate(Mandat.Fonction.values)),
        output_field=IntegerField(),
    )
    return Mandat.objects.select_related("personne").order_by(rang, "-debut", "pk")


def mandats_le(le: datetime.date):
    return mandats().filter(dates.active_on(le))


def cogerants_le(le: datetime.date):
    return mandats_le(le).filter(fonction=Mandat.Fonction.COGERANT)


# --- Postes dédiés ----------------------------------------------------------------------


def postes():
    return PosteDedie.objects.select_related("personne").order_by("fonction", "debut", "pk")


def postes_le(le: datetime.date):
    return postes().filter(dates.active_on(le))


def etp_dedies(*, annee: int | None = None, le: datetime.date | None = None) -> Decimal:
    """ETP dédiés au PHARES, pour le rapport (« 2,5 équivalents temps plein »).

    - `le` : la somme des quotités des postes en cours ce jour-là ;
    - `annee` : chaque poste compte au prorata de ses jours dans l'année (un poste à mi-temps
      de juillet à décembre d'une année de 365 jours vaut 0,5 × 184 / 365), arrondi au
      centième (demi supérieur).
    """
    if (annee is None) == (le is None):
        raise TypeError("etp_dedies() prend annee= ou le=, l'un des deux.")
    if le is not None:
        return sum((p.etp for p in PosteDedie.objects.filter(dates.active_on(le))), Decimal(0))
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    jours_annee = (fin - debut).days + 1
    total = Decimal(0)
    for p in PosteDedie.objects.filter(dates.overlapping(debut, fin)):
        du, au = max(p.debut, debut), min(p.fin or fin, fin)
        total += p.etp * ((au - du).days + 1) / jours_annee
    return total.quantize(CENTIME, rounding=ROUND_HALF_UP)


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


def personnes_a_choisir(personnes: QuerySet) -> list[tuple[int, str]]:
    """Des personnes (`responsables_possibles`) pour une liste de choix : (id, nom), lus une
    fois pour les trois listes de la page d'une séance (présidence, secrétariat, action)."""
    return [
        (p.pk, p.display_name) for p in personnes.only("pk", "first_name", "last_name", "email")
    ]


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


def _nb_decisions() -> Coalesce:
    """Le nombre de décisions d'une séance, en sous-requête corrélée plutôt que JOIN + GROUP
    BY : les lignes restent sans regroupement, leur total reste un simple COUNT et un
    tableau de bord lit les premières et leur total en une requête (phares/lib/extraits.py)."""
    decisions = (
        Decision.objects.filter(seance=OuterRef("pk"))
        .order_by()
        .values("seance")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(decisions), 0)


def seances() -> QuerySet[Seance]:
    """La liste des séances, la plus récente en tête, avec ce qu'elle montre de chacune :
    titre, type, date, procès-verbal et son nombre de décisions (pas les débats, invités et
    documents de chaque séance). Les décisions comptées par séance dans une sous-requête :
    le total de la liste reste un simple COUNT, sans jointure ni regroupement."""
    return (
        Seance.objects.only("titre", "type", "debut", "statut", "numero")
        .annotate(nb_decisions=_nb_decisions())
        .order_by("-debut", "-pk")
    )


# What the pages and cards show of the next meeting: not its notice, attendees or documents.
ANNONCE = ("type", "titre", "debut", "lieu")


def prochaine_seance(*, apres: datetime.datetime | None = None) -> Seance | None:
    """La prochaine séance, telle qu'on l'annonce (ANNONCE)."""
    apres = apres or timezone.now()
    return Seance.objects.filter(debut__gte=apres).only(*ANNONCE).order_by("debut", "pk").first()


ASSEMBLEES = (Seance.Type.AGO, Seance.Type.AGE)


def prochaine_assemblee(*, apres: datetime.datetime | None = None) -> Seance | None:
    """La prochaine assemblée générale (ordinaire ou extraordinaire) : celle des associé·es."""
    apres = apres or timezone.now()
    return (
        Seance.objects.filter(debut__gte=apres, type__in=ASSEMBLEES)
        .only(*ANNONCE)
        .order_by("debut", "pk")
        .first()
    )


def ordre_du_jour(seance: Seance) -> QuerySet[Point]:
    """Les points d'une séance, dans l'ordre."""
    return seance.points.order_by("rang", "pk")


def seances_en_attente_de_pv(*, avant: datetime.datetime | None = None) -> QuerySet[Seance]:
    """Les séances tenues (commencées avant `avant`) dont le procès-verbal est encore en
    cours, la plus ancienne d'abord, chacune avec `nb_decisions` : leurs décisions
    n'entreront au registre qu'à l'approbation. Pour qui rédige (un procès-verbal en cours
    n'est lu que par lui)."""
    avant = avant or timezone.now()
    return (
        Seance.objects.brouillons()
        .filter(debut__lt=avant)
        .annotate(nb_decisions=_nb_decisions())
        .order_by("debut", "pk")
    )


def actions_ouvertes() -> QuerySet[Action]:
    return Action.objects.filter(statut=Action.Statut.A_FAIRE).select_related(
        "responsable", "seance", "decision"
    )


def actions_en_retard(*, le: datetime.date) -> QuerySet[Action]:
    return actions_ouvertes().filter(echeance__lt=le)


def propositions_en_attente() -> QuerySet[Point]:
    return Point.objects.filter(seance__isnull=True).select_related("propose_par")


# A person named on a page: display_name reads these, not the password hash and account.
NOM_DE = ("first_name", "last_name", "email")


def actions_a_suivre(*, le: datetime.date, nombre: int = 20) -> tuple[list[Action], int]:
    """Les `nombre` premières actions ouvertes, l'échéance la plus proche d'abord, avec le
    nom de leur responsable et le titre de leur séance ; et combien des actions ouvertes
    (toutes, pas seulement les premières) sont en retard à `le`. Une requête : le compte est
    une fenêtre sur toutes les actions ouvertes, calculée avant la limite."""
    actions = list(
        Action.objects.filter(statut=Action.Statut.A_FAIRE)
        .select_related("responsable", "seance")
        .only("libelle", "echeance", "seance__titre", *(f"responsable__{c}" for c in NOM_DE))
        .annotate(nb_en_retard=Window(Count("pk", filter=Q(echeance__lt=le))))
        .order_by("echeance", "pk")[:nombre]
    )
    return actions, actions[0].nb_en_retard if actions else 0


def propositions_a_lire() -> QuerySet[Point]:
    """Les points proposés en attente, le plus ancien d'abord, avec ce que la liste des
    séances en montre (titre, auteur, date)."""
    return (
        propositions_en_attente()
        .only("titre", "propose_le", *(f"propose_par__{c}" for c in NOM_DE))
        .order_by("propose_le")
    )


def registre_des_decisions() -> QuerySet[Decision]:
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


def decisions_a_corriger() -> list[tuple[int, str]]:
    """`decisions_corrigeables` pour une liste de choix : (id, « référence — intitulé »)."""
    return [
        (pk, f"{reference} — {titre}")
        for pk, reference, titre in decisions_corrigeables().values_list("pk", "reference", "titre")
    ]


# --- Pour le rapport annuel --------------------------------------------------------------------


def _bornes(annee: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)


def associes_pendant(*, annee: int) -> list[Associe]:
    """Les qualités d'associé en cours un jour au moins de l'année (entrées, sorties et
    effectifs du rapport de gestion) : une requête."""
    return list(
        Associe.objects.filter(dates.overlapping(*_bornes(annee), "entree", "sortie"))
        .select_related("structure", "personne")
        .order_by("entree", "pk")
    )


def postes_de_l_annee(*, annee: int) -> QuerySet[PosteDedie]:
    """Les postes dédiés au pôle en cours un jour au moins de l'année."""
    return postes().filter(dates.overlapping(*_bornes(annee)))


def seances_de_l_annee(*, annee: int) -> QuerySet[Seance]:
    """Les séances tenues pendant l'année (début entre le 1er janvier et le 31 décembre, heure
    de Paris), par date, chacune avec `nb_inscrits`, `nb_presents`, `nb_representes` et
    `nb_decisions` (décisions de son procès-verbal approuvé) : une requête."""
    debut, fin = _bornes(annee)
    P = Participant.Presence
    return (
        Seance.objects.filter(
            debut__gte=temps.aware(debut, datetime.time(0)),
            debut__lt=temps.aware(fin + datetime.timedelta(days=1), datetime.time(0)),
        )
        .annotate(
            nb_inscrits=Count("participants", distinct=True),
            nb_presents=Count(
                "participants", filter=Q(participants__presence=P.PRESENT), distinct=True
            ),
            nb_representes=Count(
                "participants", filter=Q(participants__presence=P.REPRESENTE), distinct=True
            ),
            nb_decisions=Count(
                "decisions", filter=Q(statut=Seance.Statut.APPROUVEE), distinct=True
            ),
        )
        .order_by("debut", "pk")
    )


def rechercher_decisions(q: str, *, limite: int) -> recherche.Trouves:
    """Les décisions du registre (procès-verbaux approuvés) par référence (« 2015-06-D01 »)
    ou intitulé, les plus récentes d'abord : les premières et leur nombre, en une requête."""
    qs = recherche.chercher(
        Decision.objects.filter(seance__statut=Seance.Statut.APPROUVEE).select_related("seance"),
        q,
        {"reference": "reference", "titre": "titre"},
    )
    return recherche.premiers(qs.order_by("-seance__debut", "-rang_mois", "-pk"), limite)
