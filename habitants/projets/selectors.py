"""Lectures sur la vie du pôle, pour ses vues et pour les autres apps (rapports, facturation,
tableau de bord). Chaque lecture d'une année est une requête sur des données datées."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from phares.lib import dates
from phares.lib.money import CENT, round_cents

from .models import (
    Axe,
    EmploiMutualise,
    Engagement,
    Evenement,
    Jalon,
    Parole,
    PartEmploi,
    Partenaire,
    Participation,
    Photo,
    Projet,
    Subvention,
)


def axes() -> QuerySet[Axe]:
    return Axe.objects.all()


# --- Projets collectifs et leur journal ----------------------------------------------------


def _bornes(annee: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)


def projets_de_l_annee(annee: int) -> QuerySet[Projet]:
    """Projets actifs au moins un jour de l'année (début et fin inclus)."""
    return Projet.objects.filter(dates.overlapping(*_bornes(annee), "debut", "fin"))


def avec_porteurs(projets: QuerySet[Projet]) -> QuerySet[Projet]:
    """Chaque projet avec `.porteurs` (ses participations porteuses et leur structure)."""
    return projets.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(role=Participation.Role.PORTEUR)
            .select_related("structure")
            .order_by("structure__nom"),
            to_attr="porteurs",
        )
    )


def projets() -> QuerySet[Projet]:
    """Tous les projets, avec leur axe et le nom de leurs structures porteuses : ce que la
    liste des projets en montre (pas leur description, ni les coordonnées des porteurs)."""
    porteurs = (
        Participation.objects.filter(role=Participation.Role.PORTEUR)
        .select_related("structure")
        .only("projet_id", "structure__nom")
        .order_by("structure__nom")
    )
    return (
        Projet.objects.select_related("axe")
        .only("nom", "slug", "resume", "statut", "debut", "fin", "axe__numero", "axe__titre_court")
        .prefetch_related(Prefetch("participations", queryset=porteurs, to_attr="porteurs"))
    )


def projet(slug: str) -> Projet | None:
    return Projet.objects.select_related("axe").filter(slug=slug).first()


def projets_de_la_structure(structure) -> QuerySet[Projet]:
    """Les projets auxquels `structure` participe, chacun avec `role_structure` (« porteur »
    ou « partenaire », son rôle à elle), les plus récents d'abord."""
    return (
        Projet.objects.filter(participations__structure=structure)
        # The same join as the filter: the role of this structure, one row per project.
        .annotate(role_structure=F("participations__role"))
        .select_related("axe")
        .order_by("-debut", "nom")
    )


def projets_en_cours_des_structures(structure_ids, *, le: datetime.date) -> QuerySet[Projet]:
    """Les projets en cours auxquels l'une des structures `structure_ids` participe, chacun
    avec sa prochaine étape datée (`prochaine_date`, `prochaine_etape` : la première à partir
    de `le`, vides s'il n'y en a pas), la plus proche d'abord. Une requête, sans doublon
    quand plusieurs de ces structures participent au même projet."""
    prochaines = Jalon.objects.filter(projet=OuterRef("pk"), date__gte=le).order_by("date", "pk")
    return (
        Projet.objects.filter(
            Exists(
                Participation.objects.filter(projet=OuterRef("pk"), structure_id__in=structure_ids)
            ),
            statut=Projet.Statut.EN_COURS,
        )
        .annotate(
            prochaine_date=Subquery(prochaines.values("date")[:1]),
            prochaine_etape=Subquery(prochaines.values("titre")[:1]),
        )
        .order_by(F("prochaine_date").asc(nulls_last=True), "nom", "pk")
    )


def jalons_de_l_annee(annee: int) -> QuerySet[Jalon]:
    """Les étapes datées de l'année, de tous les projets, dans l'ordre du calendrier."""
    debut, fin = _bornes(annee)
    return (
        Jalon.objects.filter(date__gte=debut, date__lte=fin)
        .select_related("projet", "projet__axe")
        .order_by("date", "pk")
    )


def projets_par_axe(annee: int, *, rapport: bool = True) -> list[tuple[Axe, list[Projet]]]:
    """Pour le rapport annuel : chaque axe (tous, même vides, dans l'ordre) avec ses projets
    actifs dans l'année ; chaque projet porte `.jalons_annee` (ses étapes de l'année, dans
    l'ordre du calendrier ; seulement celles cochées « dans le rapport » si `rapport`) et
    `.porteurs`."""
    debut, fin = _bornes(annee)
    jalons = Jalon.objects.filter(date__gte=debut, date__lte=fin).order_by("date", "pk")
    if rapport:
        jalons = jalons.filter(dans_le_rapport=True)
    par_axe: dict[int, list[Projet]] = {}
    qs = avec_porteurs(projets_de_l_annee(annee)).prefetch_related(
        Prefetch("jalons", queryset=jalons, to_attr="jalons_annee")
    )
    for p in qs.order_by("debut", "nom"):
        par_axe.setdefault(p.axe_id, []).append(p)
    return [(axe, par_axe.get(axe.pk, [])) for axe in axes()]


# --- Partenaires et subventions ------------------------------------------------------------
#
# Les montants d'une année viennent des subventions accordées (ou soldées) dont la période
# touche l'année, réparties au prorata des jours (`part_de_l_annee`).

STATUTS_OBTENUS = (Subvention.Statut.ACCORDEE, Subvention.Statut.SOLDEE)


def plus_mois(le: datetime.date, mois: int) -> datetime.date:
    """Le même jour `mois` mois plus tard (le 31 août + 6 mois = le 28 ou 29 février)."""
    rang = le.year * 12 + le.month - 1 + mois
    annee, mois_ = divmod(rang, 12)
    dernier = calendar.monthrange(annee, mois_ + 1)[1]
    return datetime.date(annee, mois_ + 1, min(le.day, dernier))


def subventions_obtenues() -> QuerySet[Subvention]:
    """Accordées ou soldées : celles qui financent réellement quelque chose."""
    return Subvention.objects.filter(statut__in=STATUTS_OBTENUS).select_related(
        "financeur", "projet"
    )


def subventions_se_terminant(le: datetime.date, mois: int) -> QuerySet[Subvention]:
    """Subventions accordées ou soldées dont la fin tombe entre `le` et `le` + `mois` mois
    (bornes incluses), la plus proche d'abord : ce qu'il faut renouveler ou remplacer."""
    return (
        subventions_obtenues()
        .filter(fin__gte=le, fin__lte=plus_mois(le, mois))
        .order_by("fin", "financeur__nom", "pk")
    )


def _cumul(montant: Decimal, jours: int, total: int) -> Decimal:
    return round_cents(montant * jours / total)


def part_de_l_annee(
    montant: Decimal | None, debut: datetime.date, fin: datetime.date, annee: int
) -> Decimal:
    """La part de `montant` (période du `debut` au `fin` inclus) attribuée à `annee`, au
    prorata des jours de la période qui tombent dans l'année.

    Arrondi : on arrondit au centime le cumul depuis le début de la période (à la fin de
    l'année, puis à la fin de la précédente) et la part d'une année est la différence des
    deux ; la somme des parts de toutes les années vaut donc exactement le montant. Ex. :
    300 000 € du 1er janvier 2014 au 31 décembre 2016 (1 096 jours) : 99 908,76 € en 2014
    (365 jours), 99 908,76 € en 2015 (365 jours), 100 182,48 € en 2016 (366 jours)."""
    if not montant or fin < debut:
        return Decimal("0.00")
    premier, dernier = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    if fin < premier or debut > dernier:
        return Decimal("0.00")
    total = (fin - debut).days + 1
    avant = max(0, (min(fin, premier - datetime.timedelta(days=1)) - debut).days + 1)
    jusqu_a = (min(fin, dernier) - debut).days + 1
    return _cumul(montant, jusqu_a, total) - _cumul(montant, avant, total)


@dataclass
class LigneFinanceur:
    """Ce qu'un financeur apporte une année : accordé et reçu attribués à l'année."""

    financeur: Partenaire
    accorde: Decimal = Decimal("0.00")
    recu: Decimal = Decimal("0.00")
    subventions: list[Subvention] = field(default_factory=list)


@dataclass
class FinancementAnnee:
    annee: int
    lignes: list[LigneFinanceur]

    @property
    def accorde(self) -> Decimal:
        return sum((ligne.accorde for ligne in self.lignes), Decimal("0.00"))

    @property
    def recu(self) -> Decimal:
        return sum((ligne.recu for ligne in self.lignes), Decimal("0.00"))


def financement_par_annee(annee: int, subventions=None) -> FinancementAnnee:
    """Le financement de l'année par financeur (le plus gros d'abord) : pour chaque subvention
    accordée ou soldée qui touche l'année, la part de l'année de son montant accordé et de son
    montant reçu (`part_de_l_annee`). Le reçu est réparti comme l'accordé : les dates des
    versements ne sont pas saisies. `subventions` : une sélection déjà filtrée (la page du
    bilan), sinon toutes."""
    qs = subventions_obtenues() if subventions is None else subventions
    qs = qs.filter(
        dates.overlapping(datetime.date(annee, 1, 1), datetime.date(annee, 12, 31))
    ).order_by("debut", "pk")
    par_financeur: dict[int, LigneFinanceur] = {}
    for s in qs:
        ligne = par_financeur.setdefault(s.financeur_id, LigneFinanceur(financeur=s.financeur))
        ligne.accorde += part_de_l_annee(s.montant_accorde, s.debut, s.fin, annee)
        ligne.recu += part_de_l_annee(s.montant_recu, s.debut, s.fin, annee)
        ligne.subventions.append(s)
    lignes = sorted(par_financeur.values(), key=lambda x: (-x.accorde, x.financeur.nom.lower()))
    return FinancementAnnee(annee=annee, lignes=lignes)


def annees_financees(subventions=None) -> list[int]:
    """Les années touchées par au moins une subvention accordée ou soldée, dans l'ordre."""
    qs = subventions_obtenues() if subventions is None else subventions
    bornes = qs.aggregate(debut=Min("debut"), fin=Max("fin"))
    if bornes["debut"] is None:
        return []
    return list(range(bornes["debut"].year, bornes["fin"].year + 1))


def financeurs_de_l_annee(annee: int) -> QuerySet[Partenaire]:
    """Les financeurs dont une subvention accordée ou soldée couvre au moins un jour de
    l'année (archivés compris : le rapport d'une année passée reste vrai) — les logos
    « avec le soutien financier de » du rapport annuel."""
    obtenues = Subvention.objects.filter(
        dates.overlapping(datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)),
        statut__in=STATUTS_OBTENUS,
    )
    return Partenaire.objects.filter(pk__in=obtenues.values("financeur_id")).order_by("nom")


def partenaires() -> QuerySet[Partenaire]:
    return Partenaire.objects.prefetch_related("structures", "projets")


# --- Photos, paroles d'habitants, page publique ---------------------------------------------
# Qui voit une photo : toute personne connectée les voit toutes (la vie du pôle est commune à
# ses membres, comme les projets) ; sans compte, seulement une photo publique dont le projet et
# l'événement, s'il y en a, sont publics eux aussi. Voir docs/decisions.md, « Photos ».

VISIBLE_SANS_COMPTE = (
    Q(publique=True)
    & (Q(projet__isnull=True) | Q(projet__public=True))
    & (Q(evenement__isnull=True) | Q(evenement__public=True))
)


def photos() -> QuerySet[Photo]:
    return Photo.objects.select_related("projet", "evenement", "axe")


def photos_publiques() -> QuerySet[Photo]:
    """Les photos que la page publique montre et que tout le monde peut ouvrir."""
    return photos().filter(VISIBLE_SANS_COMPTE)


def photos_visibles(user) -> QuerySet[Photo]:
    """Les photos que `user` peut voir (toutes une fois connecté·e) : pour les pages d'un
    projet ou d'un événement, `photos_visibles(request.user).filter(projet=projet)`."""
    return photos() if user.is_authenticated else photos_publiques()


def est_visible_sans_compte(photo: Photo) -> bool:
    return Photo.objects.filter(VISIBLE_SANS_COMPTE, pk=photo.pk).exists()


def q_axe_de_la_photo(axe) -> Q:
    """L'axe qu'une photo illustre : le sien, sinon celui de son projet, sinon celui de son
    événement."""
    return (
        Q(axe=axe)
        | Q(axe__isnull=True, projet__axe=axe)
        | Q(axe__isnull=True, projet__isnull=True, evenement__axe=axe)
    )


def photos_de_l_annee(
    annee: int, axe: Axe | None = None, *, publiques_seulement: bool = False
) -> QuerySet[Photo]:
    """Les photos prises pendant `annee` (de l'axe `axe`, s'il est donné), les plus anciennes
    d'abord. `publiques_seulement` : celles que tout le monde peut voir (un document diffusé
    hors du pôle)."""
    qs = photos_publiques() if publiques_seulement else photos()
    qs = qs.filter(date__year=annee)
    if axe is not None:
        qs = qs.filter(q_axe_de_la_photo(axe))
    return qs.order_by("date", "pk")


def paroles() -> QuerySet[Parole]:
    return Parole.objects.select_related("axe", "structure")


def paroles_de_l_annee(annee: int) -> QuerySet[Parole]:
    """Les paroles de `annee` choisies pour le rapport, par axe (sans axe à la fin) puis dans
    l'ordre choisi. Une parole anonyme n'a ni personne ni structure (services/paroles.py)."""
    return (
        paroles()
        .filter(annee=annee, dans_le_rapport=True)
        .order_by(F("axe__numero").asc(nulls_last=True), "rang", "pk")
    )


# --- La page publique de la vie du pôle -----------------------------------------------------

ANNEES_PUBLIQUES = 3


@dataclass
class AxePublic:
    axe: Axe
    projets: list[Projet]
    evenements: list[Evenement]
    photos: list[Photo]  # public photos of the axis itself (neither project nor event)


def annees_publiques() -> list[int]:
    """Les années où il s'est passé quelque chose de public, la plus récente d'abord : début ou
    fin d'un projet public, une de ses étapes du rapport, un événement public, une photo que
    tout le monde peut voir. (Un projet public sans fin ne fait pas de chaque année qui passe
    une année de la vie du pôle : il paraît dans celles où quelque chose a eu lieu.)"""
    publics = Projet.objects.filter(public=True)
    annees: set[int] = set()
    for debut, fin in publics.values_list("debut", "fin"):
        annees.update(d.year for d in (debut, fin) if d is not None)
    annees.update(
        d.year
        for d in Jalon.objects.filter(projet__in=publics, dans_le_rapport=True).dates(
            "date", "year"
        )
    )
    annees.update(d.year for d in Evenement.objects.filter(public=True).dates("date", "year"))
    annees.update(d.year for d in photos_publiques().dates("date", "year"))
    return sorted(annees, reverse=True)


def vie_publique(*, debut: datetime.date, fin: datetime.date) -> list[AxePublic]:
    """Par axe, ce que le site public montre de `debut` à `fin` (inclus) : les projets publics
    actifs (leurs structures, leurs étapes du rapport, leurs photos publiques), les événements
    publics, les photos publiques de l'axe. Rien d'autre : ni projet, ni événement, ni photo
    non publics."""
    en_images = Prefetch("photos", queryset=photos_publiques().order_by("date", "pk"))
    projets = (
        Projet.objects.filter(public=True)
        .filter(dates.overlapping(debut, fin, "debut", "fin"))
        .select_related("axe")
        .prefetch_related(
            en_images,
            Prefetch("participations", queryset=Participation.objects.select_related("structure")),
            Prefetch(
                "jalons",
                queryset=Jalon.objects.filter(dans_le_rapport=True, date__range=(debut, fin)),
            ),
        )
        .order_by("nom")
    )
    evenements = (
        Evenement.objects.filter(public=True)
        .filter(Q(date__range=(debut, fin)) | Q(date__lte=fin, date_fin__gte=debut))
        .select_related("axe")
        .prefetch_related(en_images)
        .order_by("date", "titre")
    )
    photos_d_axe = photos_publiques().filter(
        projet__isnull=True, evenement__isnull=True, date__range=(debut, fin)
    )
    resultat = []
    for axe in Axe.objects.all():
        bloc = AxePublic(
            axe=axe,
            projets=[p for p in projets if p.axe_id == axe.pk],
            evenements=[e for e in evenements if e.axe_id == axe.pk],
            photos=[p for p in photos_d_axe if p.axe_id == axe.pk],
        )
        if bloc.projets or bloc.evenements or bloc.photos:
            resultat.append(bloc)
    return resultat


def evenements_de_l_annee(annee: int, axe: Axe | int | None = None) -> QuerySet[Evenement]:
    """Les événements qui ont lieu au moins un jour de l'année (premier et dernier jour
    inclus), par date : les listes « en 2015 » de chaque axe du rapport."""
    premier, dernier = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    # An empty last day means a one-day event (not "ongoing", as for a project).
    qs = Evenement.objects.filter(
        Q(date__lte=dernier) & (Q(date__gte=premier) | Q(date_fin__gte=premier))
    )
    if axe is not None:
        qs = qs.filter(axe=axe)
    return qs.select_related("axe", "projet").order_by("date", "titre", "pk")


# --- Emplois mutualisés et engagements ------------------------------------------------------
#
# Le coût d'un poste pour un mois (règle des loyers, espaces/facturation/prorata.py, écrite
# ici aussi : projets n'importe pas la facturation). Un poste présent les jours [a, b] d'un
# mois de n jours coûte
#
#     arrondi(coût mensuel × b / n) − arrondi(coût mensuel × (a − 1) / n)
#
# (arrondi au centime, demi supérieur) : un mois entier vaut le coût mensuel, deux périodes qui
# se suivent s'additionnent au centime près. Ce coût du mois se répartit ensuite entre les
# parts au plus fort reste : chaque part reçoit d'abord son montant exact tronqué au centime,
# puis les centimes qui restent vont, un par un, aux parts dont la troncature a le plus
# retranché (à égalité : la plus grosse part, puis la structure la plus ancienne en base).
# Les parts d'un mois font donc exactement le coût du mois : aucun centime perdu ni compté
# deux fois.


def emplois_mutualises() -> QuerySet[EmploiMutualise]:
    return EmploiMutualise.objects.select_related("employeur", "projet").prefetch_related(
        Prefetch("parts", queryset=PartEmploi.objects.select_related("structure"))
    )


def emplois_des_structures(structure_ids) -> QuerySet[EmploiMutualise]:
    """Les postes qui concernent ces structures : une part, ou l'emploi lui-même."""
    ids = list(structure_ids)
    return (
        emplois_mutualises()
        .filter(Q(parts__structure_id__in=ids) | Q(employeur_id__in=ids))
        .distinct()
    )


def emplois_de_la_structure(structure) -> QuerySet[EmploiMutualise]:
    """Les postes qui concernent `structure` (une part, ou l'emploi lui-même), chacun avec
    `part_structure` : le pourcentage de sa part à elle (None sans part). Une requête, sans
    les parts des autres structures (l'encart de sa fiche ne montre que la sienne)."""
    sa_part = PartEmploi.objects.filter(emploi=OuterRef("pk"), structure=structure)
    return EmploiMutualise.objects.filter(Exists(sa_part) | Q(employeur=structure)).annotate(
        part_structure=Subquery(sa_part.values("pourcentage")[:1])
    )


def emplois_de_l_annee(annee: int) -> QuerySet[EmploiMutualise]:
    """Postes occupés au moins un jour de l'année (début et fin inclus), parts comprises."""
    return emplois_mutualises().filter(
        dates.overlapping(datetime.date(annee, 1, 1), datetime.date(annee, 12, 31))
    )


def engagements() -> QuerySet[Engagement]:
    return Engagement.objects.select_related("structure", "projet")


def engagements_des_structures(structure_ids) -> QuerySet[Engagement]:
    return engagements().filter(structure_id__in=list(structure_ids))


def engagements_du_projet(projet) -> QuerySet[Engagement]:
    """Les services civiques, stages et contrats au service d'un projet (page du projet)."""
    return engagements().filter(projet=projet).order_by("-debut", "pk")


def engagements_de_l_annee(annee: int) -> QuerySet[Engagement]:
    return engagements().filter(
        dates.overlapping(datetime.date(annee, 1, 1), datetime.date(annee, 12, 31))
    )


def services_civiques(annee: int) -> QuerySet[Engagement]:
    """Les services civiques en mission au moins un jour de l'année (rapport annuel)."""
    return engagements_de_l_annee(annee).filter(type=Engagement.Type.SERVICE_CIVIQUE)


@dataclass(frozen=True)
class PartAFacturer:
    """Ce qu'une structure doit pour sa part d'un poste refacturé, un mois donné."""

    part: PartEmploi  # with .emploi and .structure loaded
    debut: datetime.date  # first day of the position in the month (inclusive)
    fin: datetime.date  # last day (inclusive)
    jours: int
    jours_du_mois: int
    cout_du_mois: Decimal  # the position's prorated cost for the month, all shares together
    montant: Decimal  # this share of it, to the cent

    @property
    def emploi(self) -> EmploiMutualise:
        return self.part.emploi

    @property
    def structure_id(self) -> int:
        return self.part.structure_id

    @property
    def mois_entier(self) -> bool:
        return self.jours == self.jours_du_mois


def cout_du_mois(
    cout_mensuel: Decimal, mois: datetime.date, debut: datetime.date, fin: datetime.date | None
) -> tuple[datetime.date, datetime.date, int, Decimal] | None:
    """(premier jour, dernier jour, nombre de jours du mois, coût) de la présence [debut, fin]
    dans le mois de `mois` ; None si le poste n'y est pas un seul jour."""
    n = calendar.monthrange(mois.year, mois.month)[1]
    premier, dernier = mois.replace(day=1), mois.replace(day=n)
    a, b = max(debut, premier), min(fin or dernier, dernier)
    if a > b:
        return None
    montant = round_cents(cout_mensuel * b.day / n) - round_cents(cout_mensuel * (a.day - 1) / n)
    return a, b, n, montant


def repartir(total: Decimal, parts: list[PartEmploi]) -> list[Decimal]:
    """`total` réparti selon les pourcentages des `parts` (qui font 100 %), au plus fort
    reste : la somme des montants vaut exactement `total` (arrondi au centime)."""
    somme_pct = sum((p.pourcentage for p in parts), Decimal(0))
    cible = round_cents(total * somme_pct / 100)
    exacts = [total * p.pourcentage / 100 for p in parts]
    tronques = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exacts]
    reste = int((cible - sum(tronques, Decimal(0))) / CENT)
    ordre = sorted(
        range(len(parts)),
        key=lambda i: (-(exacts[i] - tronques[i]), -parts[i].pourcentage, parts[i].structure_id),
    )
    for i in ordre[:reste]:
        tronques[i] += CENT
    return tronques


def parts_a_facturer(mois: datetime.date) -> list[PartAFacturer]:
    """Pour chaque poste refacturé par la coopérative, présent au moins un jour du mois et
    doté d'un coût mensuel, le montant de chaque part (voir la règle en tête de section) ;
    les parts à 0 € (poste à coût nul) ne sont pas rendues. Deux requêtes."""
    premier = mois.replace(day=1)
    dernier = premier.replace(day=calendar.monthrange(premier.year, premier.month)[1])
    postes = (
        EmploiMutualise.objects.filter(
            dates.overlapping(premier, dernier),
            facture_par_la_cooperative=True,
            cout_mensuel__isnull=False,
            cout_mensuel__gt=0,
        )
        .prefetch_related(
            Prefetch(
                "parts",
                queryset=PartEmploi.objects.select_related("structure").order_by("pk"),
            )
        )
        .order_by("intitule", "pk")
    )
    resultat = []
    for emploi in postes:
        periode = cout_du_mois(emploi.cout_mensuel, premier, emploi.debut, emploi.fin)
        parts = list(emploi.parts.all())
        if periode is None or not parts:
            continue
        a, b, n, cout = periode
        for part, montant in zip(parts, repartir(cout, parts), strict=True):
            if montant > 0:
                part.emploi = emploi
                resultat.append(PartAFacturer(part, a, b, b.day - a.day + 1, n, cout, montant))
    return resultat


# --- Pour le rapport annuel ------------------------------------------------------------------


def financement_connu_le(annee: int, *, le: datetime.date) -> FinancementAnnee:
    """`financement_par_annee` tel qu'on le connaissait le jour `le` : une subvention décidée
    après `le` (un accord de 2016 sur 2015) n'y est pas encore."""
    connues = subventions_obtenues().filter(
        Q(date_decision__isnull=True) | Q(date_decision__lte=le)
    )
    return financement_par_annee(annee, connues)


def photos_par_cles(cles) -> QuerySet[Photo]:
    """Les photos choisies par leur clé (sélection d'une édition du rapport)."""
    return photos().filter(cle__in=list(cles))


def paroles_par_pks(pks) -> QuerySet[Parole]:
    """Les paroles choisies (sélection d'une édition du rapport)."""
    return paroles().filter(pk__in=list(pks))


def axe_de_la_photo(photo: Photo) -> int | None:
    """Le pk de l'axe qu'une photo illustre, comme `q_axe_de_la_photo` (la sienne, sinon celle
    de son projet, sinon celle de son événement) ; sur une photo lue par `photos()`."""
    if photo.axe_id:
        return photo.axe_id
    if photo.projet_id:
        return photo.projet.axe_id
    if photo.evenement_id:
        return photo.evenement.axe_id
    return None
