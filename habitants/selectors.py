"""Lectures sur les habitants, pour les vues et pour les autres apps (rapports, espaces…)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from phares import roles
from phares.lib import dates, recherche

from .models import (
    ANNEE_MAX,
    ANNEE_MIN,
    CHIFFRES_FIELDS,
    ChiffresAnnuels,
    Domaine,
    Invitation,
    Membre,
    Structure,
)


def structures_presentes(*, le: datetime.date) -> QuerySet[Structure]:
    """Structures hébergées le jour `le` (dates d'arrivée et de départ incluses)."""
    return Structure.objects.actives().presentes(le).select_related("domaine")


def structures_presentes_pendant(*, annee: int) -> QuerySet[Structure]:
    """Structures hébergées au moins un jour de l'année civile `annee`, archivées
    comprises : archiver ne réécrit pas l'histoire d'une année passée."""
    return Structure.objects.presentes_entre(
        datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    ).select_related("domaine")


def annuaire(*, le: datetime.date | None = None) -> QuerySet[Structure]:
    """Qui est dans le lieu aujourd'hui, avec ses référents (pour les joindre)."""
    le = le or timezone.localdate()
    # Only what the directory shows of a référent (name, e-mail, function): not the
    # password hash and account columns of each person.
    referents = (
        Membre.objects.actifs(le)
        .filter(role=Membre.Role.REFERENT)
        .select_related("user")
        .only("structure_id", "fonction", "user__email", "user__first_name", "user__last_name")
    )
    return structures_presentes(le=le).prefetch_related(
        Prefetch("membres", queryset=referents, to_attr="referents")
    )


def structures_de_la_liste() -> QuerySet[Structure]:
    """Toutes les structures, avec ce que la liste de l'équipe en montre : nom, domaine,
    présence (arrivée, départ), archivée ou non ; pas leurs coordonnées ni leur description."""
    return Structure.objects.select_related("domaine").only(
        "nom", "slug", "archivee", "arrivee", "depart", "domaine__nom"
    )


def pour_les_cartes(structures: QuerySet[Structure]) -> QuerySet[Structure]:
    """Ce qu'une carte de l'annuaire montre d'une structure (nom, description, contact,
    domaine) : pas ses coordonnées de facturation, SIRET et autres colonnes de sa fiche."""
    return structures.only(
        "nom", "slug", "description", "email_contact", "telephone", "domaine__nom", "domaine__ordre"
    )


def dans_l_ordre_de_l_annuaire(structures: QuerySet[Structure]) -> QuerySet[Structure]:
    """L'ordre des pages de l'annuaire : par domaine (dans l'ordre des domaines, les
    structures sans domaine à la fin), puis par nom ; l'identifiant départage deux
    homonymes, pour qu'une structure ne passe jamais d'une page à l'autre."""
    return structures.order_by(
        F("domaine__ordre").asc(nulls_last=True),
        F("domaine__nom").asc(nulls_last=True),
        "domaine_id",
        "nom",
        "pk",
    )


def par_domaine(structures) -> list[tuple[Domaine | None, list[Structure]]]:
    """Regroupe des structures par domaine, dans l'ordre des domaines."""
    groups: dict[int | None, list[Structure]] = {}
    domaines: dict[int | None, Domaine | None] = {None: None}
    for s in structures:
        groups.setdefault(s.domaine_id, []).append(s)
        domaines[s.domaine_id] = s.domaine
    order = sorted(
        groups, key=lambda k: (k is None, (domaines[k].ordre, domaines[k].nom) if k else ())
    )
    return [(domaines[k], groups[k]) for k in order]


def structures_of_member(user, *, le: datetime.date | None = None) -> QuerySet[Structure]:
    if not user.is_authenticated:
        return Structure.objects.none()
    le = le or timezone.localdate()
    return (
        Structure.objects.actives()
        .filter(membres__in=Membre.objects.actifs(le).filter(user=user))
        .distinct()
    )


def structures_du_referent(user, *, le: datetime.date | None = None) -> QuerySet[Structure]:
    """Les structures dont `user` est référent·e à `le` (archivées comprises : leurs factures
    restent à lire)."""
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(
        membres__in=Membre.objects.actifs(le).filter(user=user, role=Membre.Role.REFERENT)
    ).distinct()


# The same two questions as an EXISTS on the person (phares.roles.avec_roles): the request's
# user is read with its answers, the pages then ask nothing more.
def fait_habitant(le: datetime.date) -> Exists:
    """Membre actif, ce jour-là, d'une structure non archivée (`structures_of_member`)."""
    return Exists(Membre.objects.actifs(le).filter(user=OuterRef("pk"), structure__archivee=False))


def fait_referent(le: datetime.date) -> Exists:
    """Référent·e, ce jour-là, d'une structure, archivées comprises (`structures_du_referent`)."""
    return Exists(Membre.objects.actifs(le).filter(user=OuterRef("pk"), role=Membre.Role.REFERENT))


def est_habitant(user) -> bool:
    """Membre actif d'une structure hébergée aujourd'hui : une fois par requête."""
    if not user.is_authenticated:
        return False
    return roles.memo_du_jour(user, "habitant", lambda: structures_of_member(user).exists())


def est_referent(user) -> bool:
    """Référent·e d'au moins une structure aujourd'hui : une fois par requête."""
    if not user.is_authenticated:
        return False
    return roles.memo_du_jour(user, "referent", lambda: structures_du_referent(user).exists())


def mes_structures(user) -> list[Structure]:
    """Les structures dont `user` est membre aujourd'hui, lues une fois par requête (la
    navigation et le tableau de bord les montrent toutes deux), et pas du tout pour qui n'est
    membre d'aucune."""
    return roles.memo_du_jour(
        user,
        "mes_structures",
        lambda: list(structures_of_member(user)) if est_habitant(user) else [],
    )


def emails_des_referents(structure: Structure) -> list[str]:
    """Les adresses des référent·es actifs de `structure` (pour la facturation, à défaut
    d'un e-mail de facturation)."""
    return list(
        Membre.objects.actifs()
        .filter(structure=structure, role=Membre.Role.REFERENT)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def membership(user, structure: Structure, *, le: datetime.date | None = None) -> Membre | None:
    if not user.is_authenticated:
        return None
    return Membre.objects.actifs(le).filter(user=user, structure=structure).first()


def get_structure_for_member(user, slug: str) -> tuple[Structure, Membre]:
    """La structure `slug` si `user` en est membre actif, sinon 404 (jamais 403 :
    on ne révèle pas les données d'une autre structure). L'appartenance et sa structure
    (non archivée) en une lecture."""
    m = (
        Membre.objects.actifs()
        .filter(user=user, structure__slug=slug, structure__archivee=False)
        .select_related("structure__domaine")
        .first()
        if user.is_authenticated
        else None
    )
    if m is None:
        raise Http404("Structure introuvable.")
    return m.structure, m


def membres_actifs(structure: Structure) -> QuerySet[Membre]:
    return Membre.objects.actifs().filter(structure=structure).select_related("user")


def membres_et_anciens(structure: Structure) -> tuple[list[Membre], list[Membre]]:
    """Les membres actifs (`membres_actifs`) et les anciens (appartenance finie avant
    aujourd'hui) d'une structure, en une lecture : la fiche montre les deux. Les
    appartenances à venir ne sont ni l'un ni l'autre."""
    today = timezone.localdate()
    actifs, anciens = [], []
    for m in Membre.objects.filter(
        dates.active_on(today) | Q(fin__lt=today), structure=structure
    ).select_related("user"):
        (anciens if m.fin is not None and m.fin < today else actifs).append(m)
    return actifs, anciens


def invitations_en_attente(structure: Structure | None = None) -> QuerySet[Invitation]:
    """Celles d'une structure, ou de toutes."""
    qs = Invitation.objects.en_attente()
    return qs if structure is None else qs.filter(structure=structure)


def chiffres_de(structure: Structure) -> QuerySet[ChiffresAnnuels]:
    """Les chiffres déclarés par la structure, l'année la plus récente d'abord."""
    return ChiffresAnnuels.objects.filter(structure=structure).order_by("-annee")


def chiffres_annuels(*, annee: int) -> QuerySet[ChiffresAnnuels]:
    return ChiffresAnnuels.objects.filter(annee=annee).select_related("structure")


def totaux_annuels(*, annee: int) -> dict[str, int]:
    """Somme des chiffres déclarés pour l'année `annee` (règle du rapport)."""
    agg = ChiffresAnnuels.objects.filter(annee=annee).aggregate(
        **{f: Sum(f) for f in CHIFFRES_FIELDS}
    )
    return {k: v or 0 for k, v in agg.items()}


def declarations(*, annee: int) -> dict[str, QuerySet[ChiffresAnnuels]]:
    """Déclarations de l'année `annee` à valider (« declares ») et déjà validées (« valides »),
    à compter : le tableau de bord les compte avec ses autres chiffres (phares.lib.comptes)."""
    de_l_annee = ChiffresAnnuels.objects.filter(annee=annee)
    return {
        "declares": de_l_annee.filter(statut=ChiffresAnnuels.Statut.DECLARE),
        "valides": de_l_annee.filter(statut=ChiffresAnnuels.Statut.VALIDE),
    }


def structures_sans_chiffres(*, annee: int) -> QuerySet[Structure]:
    """Structures présentes un jour au moins de l'année `annee` (la règle du rapport) qui
    n'ont encore rien déclaré pour elle, par nom : celles à relancer, ou dont l'équipe
    saisit les chiffres (une structure archivée depuis compte encore dans le rapport)."""
    return structures_presentes_pendant(annee=annee).exclude(chiffres__annee=annee).order_by("nom")


def premiere_annee() -> int | None:
    """Année de la plus ancienne arrivée enregistrée."""
    first = Structure.objects.aggregate(first=Min("arrivee"))["first"]
    return first.year if first else None


def structures_actives() -> QuerySet[Structure]:
    """Structures non archivées, par nom (listes de choix de l'équipe)."""
    return Structure.objects.actives().order_by("nom")


def structure_active(slug: str) -> Structure | None:
    """La structure non archivée `slug`, ou None."""
    return Structure.objects.actives().filter(slug=slug).first()


def toutes_structures() -> QuerySet[Structure]:
    """Toutes les structures, archivées comprises : les filtres d'historique les proposent."""
    return Structure.objects.all()


def structures_a_choisir() -> QuerySet[Structure]:
    """Toutes les structures, archivées comprises, par nom, pour une liste de choix : leur id
    et leur nom seulement. Un grand pôle en propose 200 à chaque page filtrée ; des objets
    complets coûtaient plus que le reste de la page."""
    return Structure.objects.only("pk", "nom").order_by("nom", "pk")


class RepertoireStructures:
    """Toutes les structures, lues en une requête, retrouvées d'après une cellule de tableur
    comme l'import des structures les retrouve : leur identifiant (slug), sinon leur SIRET,
    sinon leur nom sans tenir compte des majuscules. Pour les imports qui désignent une
    structure (membres, conventions) sans une requête par ligne."""

    def __init__(self, structures):
        structures = list(structures)
        self.par_pk = {s.pk: s for s in structures}
        self.par_slug = {s.slug: s for s in structures}
        self.par_siret = {s.siret: s for s in structures if s.siret}
        self.par_nom = {s.nom.casefold(): s for s in structures}

    def trouver(self, texte: str) -> Structure | None:
        t = texte.strip()
        return (
            self.par_slug.get(t)
            or self.par_siret.get(t.replace(" ", ""))
            or self.par_nom.get(t.casefold())
        )

    def exiger(self, texte: str) -> Structure:
        """La structure de la cellule, non archivée ; sinon ValueError, dite à la personne."""
        structure = self.trouver(texte)
        if structure is None:
            raise ValueError(
                f"Structure inconnue « {texte.strip()[:60]} » : son identifiant, son SIRET ou "
                "son nom."
            )
        if structure.archivee:
            raise ValueError(f"{structure.nom} est archivée : restaurez-la d'abord.")
        return structure


def repertoire_structures() -> RepertoireStructures:
    return RepertoireStructures(Structure.objects.all())


def structures_presentes_du_membre(user, *, le: datetime.date) -> QuerySet[Structure]:
    """Structures dont `user` est membre actif le jour `le` et qui sont hébergées ce jour-là,
    par nom."""
    return structures_of_member(user, le=le).presentes(le).order_by("nom")


def verrouiller_structure(structure: Structure) -> Structure:
    """Relit `structure` verrouillée jusqu'à la fin de la transaction : deux écritures qui la
    concernent (un forfait, par exemple) passent l'une après l'autre."""
    return Structure.objects.select_for_update().get(pk=structure.pk)


def annees_declarables(structure: Structure, today: datetime.date | None = None) -> range:
    """Années pour lesquelles la structure peut déclarer ses chiffres : celles où
    elle a été présente dans le lieu, jusqu'à l'année en cours (la plus récente d'abord)."""
    year = (today or timezone.localdate()).year
    first = structure.arrivee.year if structure.arrivee else year
    last = min(year, structure.depart.year) if structure.depart else year
    # The table refuses years outside [ANNEE_MIN, ANNEE_MAX]: never offer them.
    last = min(last, ANNEE_MAX)
    if last < ANNEE_MIN:
        return range(0)
    first = max(min(first, last), ANNEE_MIN)
    return range(last, first - 1, -1)


# --- Recherche de l'équipe (phares.recherche) --------------------------------------------


def rechercher_structures(q: str, *, limite: int) -> recherche.Trouves:
    """Structures (archivées comprises) par nom, nom développé, SIREN ou SIRET : les
    `limite` premières par nom et leur nombre, en une requête. Pour l'équipe."""
    qs = recherche.chercher(
        Structure.objects.select_related("domaine"),
        q,
        {"nom": "nom", "sigle": "sigle_developpe", "siren": "siren", "siret": "siret"},
    )
    return recherche.premiers(qs.order_by("archivee", "nom", "pk"), limite)


def rechercher_personnes(q: str, *, limite: int) -> recherche.Trouves:
    """Appartenances dont la personne a ce prénom, ce nom (dans un ordre ou l'autre) ou cette
    adresse : une ligne par structure, les appartenances en cours d'abord. Pour l'équipe."""
    prenom, nom = F("user__first_name"), F("user__last_name")
    qs = recherche.chercher(
        Membre.objects.select_related("user", "structure"),
        q,
        {
            "prenom_nom": Concat(prenom, Value(" "), nom),
            "nom_prenom": Concat(nom, Value(" "), prenom),
            "email": "user__email",
        },
    )
    ordre = (F("fin").desc(nulls_first=True), "user__last_name", "user__first_name", "pk")
    return recherche.premiers(qs.order_by(*ordre), limite)
