"""Lectures de la facturation : qui voit quelles factures, et les listes."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from habitants import selectors as habitants_selectors
from phares.lib import dates, recherche
from phares.roles import is_staff_member

from .models import (
    Facture,
    Imputation,
    LigneFacture,
    LignePrelevement,
    Lot,
    MandatSepa,
    Prelevement,
    Relance,
)


def factures_visibles(user) -> QuerySet[Facture]:
    """L'équipe voit tout (brouillons compris) ; un·e référent·e voit les factures et avoirs
    émis de ses structures ; personne d'autre ne voit rien."""
    qs = Facture.objects.select_related("structure", "client_externe").defer("vendeur", "acheteur")
    if is_staff_member(user):
        return qs
    return qs.emises().filter(structure__in=habitants_selectors.structures_du_referent(user))


def facture_de_ses_structures(user, pk: int) -> bool:
    """La facture `pk` est-elle émise pour une structure dont `user` est membre (pour dire
    403 à un membre qui n'est pas référent, et 404 à tous les autres) ?"""
    return (
        Facture.objects.emises()
        .filter(pk=pk, structure__in=habitants_selectors.structures_of_member(user))
        .exists()
    )


def est_referent(user) -> bool:
    """Référent·e d'au moins une structure : voit la liste des factures (vide ou non). Le
    rôle lu avec la personne (phares/auth.py), pas une requête de plus."""
    return habitants_selectors.est_referent(user)


# --- Ce qui reste dû --------------------------------------------------------------------

ZERO = Decimal("0.00")
# SQLite computes the annotated balance in floating point: 0.1 + 0.2 - 0.3 is not 0 there.
# Half a cent separates "settled" from "due" on both databases.
DEMI_CENTIME = Decimal("0.005")


class EtatPaiement(models.TextChoices):
    PAYEE = "payee", "Payée"
    ANNULEE = "annulee", "Annulée par avoir"
    PARTIELLE = "partielle", "Partiellement payée"
    DUE = "due", "À payer"
    EN_RETARD = "en_retard", "En retard"
    # In a direct-debit batch not yet cashed: the money is on its way, nobody chases it.
    PRESENTEE = "presentee", "Présentée au prélèvement"


def _somme(qs, champ: str):
    return Coalesce(
        Subquery(qs.order_by().values(champ).annotate(s=Sum("montant_somme")).values("s")[:1]),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def avec_soldes(qs: QuerySet[Facture]) -> QuerySet[Facture]:
    """Annote chaque facture de `credite` (ses avoirs émis), `paye` (ses imputations de
    paiements non annulés), `reste` (TTC - crédité - payé) et `presentee` (dans une remise
    de prélèvements ni encaissée ni annulée). Rien n'est saisi : le reste dû se déduit
    toujours des enregistrements."""
    avoirs = (
        Facture.objects.emises()
        .filter(facture_origine=OuterRef("pk"))
        .annotate(montant_somme=F("total_ttc"))
    )
    imputations = Imputation.objects.filter(
        facture=OuterRef("pk"), paiement__annule_le__isnull=True
    ).annotate(montant_somme=F("montant"))
    return qs.annotate(
        credite=_somme(avoirs, "facture_origine"),
        paye=_somme(imputations, "facture"),
        presentee=Exists(LignePrelevement.objects.filter(facture=OuterRef("pk"), ouverte=True)),
    ).annotate(
        reste=ExpressionWrapper(
            F("total_ttc") - F("credite") - F("paye"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def dues(qs: QuerySet[Facture]) -> QuerySet[Facture]:
    """Les factures émises (pas les avoirs) dont il reste quelque chose à payer."""
    return avec_soldes(qs.emises().filter(type=Facture.Type.FACTURE)).filter(reste__gt=DEMI_CENTIME)


def en_retard(qs: QuerySet[Facture], aujourd_hui: datetime.date) -> QuerySet[Facture]:
    """Les factures dues dont l'échéance est passée, sauf celles présentées au prélèvement :
    on ne relance pas une facture que la banque est en train d'encaisser."""
    return dues(qs).filter(date_echeance__lt=aujourd_hui, presentee=False)


def reste(f: Facture) -> Decimal:
    """Le reste dû d'une facture annotée par `avec_soldes`, au centime."""
    return Decimal(f.reste).quantize(ZERO)


def etat(f: Facture, aujourd_hui: datetime.date) -> EtatPaiement | None:
    """Où en est le paiement d'une facture émise annotée par `avec_soldes` (None pour un
    brouillon ou un avoir)."""
    if not f.est_emise or f.est_avoir:
        return None
    if reste(f) <= 0:
        return EtatPaiement.ANNULEE if not f.paye and f.credite else EtatPaiement.PAYEE
    if getattr(f, "presentee", False):
        return EtatPaiement.PRESENTEE
    if f.date_echeance < aujourd_hui:
        return EtatPaiement.EN_RETARD
    return EtatPaiement.PARTIELLE if f.paye else EtatPaiement.DUE


def jours_de_retard(f: Facture, aujourd_hui: datetime.date) -> int:
    return max((aujourd_hui - f.date_echeance).days, 0) if f.date_echeance else 0


@dataclass
class Impayes:
    """Les factures en retard d'un client, pour la liste des impayés et la relance."""

    client: object
    factures: list[Facture]
    total: Decimal
    derniere_relance: datetime.datetime | None

    @property
    def cle(self) -> str:
        """« s-12 » (structure) ou « c-3 » (extérieur), comme dans les formulaires."""
        f = self.factures[0]
        return f"s-{f.structure_id}" if f.structure_id else f"c-{f.client_externe_id}"

    @property
    def jours_max(self) -> int:
        return max((f.jours for f in self.factures), default=0)


def impayes_par_client(aujourd_hui: datetime.date, *, structure=None) -> list[Impayes]:
    """Les factures en retard groupées par client (le plus en retard d'abord), avec leur
    dernière relance. Trois requêtes quel que soit le nombre de factures."""
    qs = Facture.objects.select_related("structure", "client_externe").defer("vendeur")
    if structure is not None:
        qs = qs.filter(structure=structure)
    factures = list(en_retard(qs, aujourd_hui).order_by("date_echeance", "rang"))
    relances = dict(
        Relance.objects.filter(facture__in=[f.pk for f in factures])
        .values("facture")
        .annotate(derniere=Max("envoyee_le"))
        .values_list("facture", "derniere")
    )
    groupes: dict[tuple[str, int], Impayes] = {}
    for f in factures:
        f.jours = jours_de_retard(f, aujourd_hui)
        f.reste_du = reste(f)
        f.derniere_relance = relances.get(f.pk)
        cle = ("s", f.structure_id) if f.structure_id else ("c", f.client_externe_id)
        g = groupes.setdefault(cle, Impayes(f.client, [], ZERO, None))
        g.factures.append(f)
        g.total += f.reste_du
        if f.derniere_relance and (
            g.derniere_relance is None or f.derniere_relance > g.derniere_relance
        ):
            g.derniere_relance = f.derniere_relance
    return sorted(groupes.values(), key=lambda g: (-g.jours_max, str(g.client)))


def factures_dues_du_client(*, structure=None, client_externe=None) -> list[Facture]:
    """Les factures d'un client qu'un paiement peut régler (la plus ancienne d'abord)."""
    qs = Facture.objects.filter(structure=structure, client_externe=client_externe)
    return list(dues(qs).order_by("date_emission", "rang"))


def factures_du_client_externe(client_externe, aujourd_hui: datetime.date) -> list[Facture]:
    """Les factures et avoirs d'une organisation extérieure (brouillons compris : la fiche
    est celle de l'équipe), les plus récents d'abord, avec leur état de paiement : une
    requête."""
    qs = avec_soldes(
        Facture.objects.filter(client_externe=client_externe).defer("vendeur", "acheteur")
    ).order_by("-mois", "statut", "-rang", "-pk")
    factures = list(qs)
    for f in factures:
        f.etat = etat(f, aujourd_hui)
    return factures


def paiements_de(f: Facture) -> QuerySet[Imputation]:
    return (
        Imputation.objects.filter(facture=f)
        .select_related("paiement")
        .order_by("paiement__date", "pk")
    )


@dataclass
class Debiteur:
    cle: str
    client: object
    nombre: int
    total: Decimal


def clients_debiteurs(aujourd_hui: datetime.date) -> list[Debiteur]:
    """Les clients qui doivent encore quelque chose (pour choisir qui a payé)."""
    groupes: dict[str, Debiteur] = {}
    qs = Facture.objects.select_related("structure", "client_externe").defer("vendeur", "acheteur")
    for f in dues(qs).order_by("pk"):
        cle = f"s-{f.structure_id}" if f.structure_id else f"c-{f.client_externe_id}"
        d = groupes.setdefault(cle, Debiteur(cle, f.client, 0, ZERO))
        d.nombre += 1
        d.total += reste(f)
    return sorted(groupes.values(), key=lambda d: str(d.client).lower())


def a_regler(qs: QuerySet[Facture], aujourd_hui: datetime.date) -> dict[str, Decimal]:
    """Ce qu'un client doit (`du`) et, dedans, ce qui est en retard (`en_retard`) et ce qui
    est en cours de prélèvement (`presente`), pour les factures de `qs` (sans les soldes
    annotés). Une requête, le reste dû de chaque facture due au centime comme sur la liste.
    Pas l'agrégat de `totaux_a_regler` : des soldes en sous-requête, Django fait une requête
    englobante, deux fois plus longue à compiler que ce que lisent les quelques factures
    dues d'un client."""
    du = en_retard_total = presente = ZERO
    for solde, presentee, echeance in dues(qs).values_list("reste", "presentee", "date_echeance"):
        r = _au_centime(solde)
        du += r
        if presentee:
            presente += r
        elif echeance < aujourd_hui:
            en_retard_total += r
    return {"du": du, "en_retard": en_retard_total, "presente": presente}


def _au_centime(valeur) -> Decimal:
    # SQLite sums decimals as floats: back to the cent (None: nothing to sum).
    return Decimal(str(valeur or 0)).quantize(ZERO)


@dataclass(frozen=True)
class TotauxARegler:
    """Ce qui reste à encaisser, en nombre de factures et en euros : dû en tout, et dedans en
    retard (échéance passée, pas au prélèvement) et présenté au prélèvement."""

    nb_dues: int
    du: Decimal
    nb_en_retard: int
    en_retard: Decimal
    nb_presentees: int
    presente: Decimal


def totaux_a_regler(qs: QuerySet[Facture], aujourd_hui: datetime.date) -> TotauxARegler:
    """Les totaux de `a_regler` en une requête agrégée, sans lire les factures une à une :
    le tableau de bord ne grandit pas avec le nombre de factures dues."""
    retard = Q(date_echeance__lt=aujourd_hui, presentee=False)
    presentee = Q(presentee=True)
    t = dues(qs).aggregate(
        nb_dues=Count("pk"),
        du=Sum("reste"),
        nb_en_retard=Count("pk", filter=retard),
        en_retard=Sum("reste", filter=retard),
        nb_presentees=Count("pk", filter=presentee),
        presente=Sum("reste", filter=presentee),
    )
    return TotauxARegler(
        nb_dues=t["nb_dues"],
        du=_au_centime(t["du"]),
        nb_en_retard=t["nb_en_retard"],
        en_retard=_au_centime(t["en_retard"]),
        nb_presentees=t["nb_presentees"],
        presente=_au_centime(t["presente"]),
    )


def premieres_dues_et_totaux(
    qs: QuerySet[Facture], aujourd_hui: datetime.date, limite: int, *, en_retard: bool = False
) -> tuple[list[Facture], TotauxARegler]:
    """Les `limite` premières factures dues de `qs` par échéance (seulement celles en retard
    si `en_retard`) et les `totaux_a_regler` de toutes, annotées comme par `avec_soldes`.

    Deux requêtes simples plutôt qu'une savante : les soldes de chaque due (une ligne de
    quelques colonnes par facture due, pas par facture émise), d'où les totaux et l'ordre,
    puis les `limite` premières en entier. Les totaux en fenêtres (OVER ()) sur le reste dû
    répétaient ses deux sous-requêtes à chaque somme : Django mettait plus de temps à écrire
    cette requête que la base à la lire."""
    soldes = dues(qs).values_list(
        "pk", "total_ttc", "credite", "paye", "presentee", "date_echeance", "rang"
    )
    nb = {"dues": 0, "en_retard": 0, "presentees": 0}
    somme = {"dues": ZERO, "en_retard": ZERO, "presentees": ZERO}
    lues = {}
    for pk, total, credite, paye, presentee, echeance, rang in soldes:
        r = _au_centime(total - credite - paye)
        retard = not presentee and echeance is not None and echeance < aujourd_hui
        for cle, compte in (("dues", True), ("en_retard", retard), ("presentees", presentee)):
            if compte:
                nb[cle] += 1
                somme[cle] += r
        if retard or not en_retard:
            # The list's order; an issued invoice always has a due date (last otherwise).
            lues[pk] = (credite, paye, presentee, (echeance or datetime.date.max, rang, pk))
    totaux = TotauxARegler(
        nb_dues=nb["dues"],
        du=somme["dues"],
        nb_en_retard=nb["en_retard"],
        en_retard=somme["en_retard"],
        nb_presentees=nb["presentees"],
        presente=somme["presentees"],
    )
    premieres = sorted(lues, key=lambda pk: lues[pk][3])[:limite]
    if not premieres:
        return [], totaux
    # The columns the cards show and `etat` reads, not the whole invoice.
    factures = list(
        qs.filter(pk__in=premieres).only(
            "type",
            "statut",
            "numero",
            "date_echeance",
            "rang",
            "total_ttc",
            "structure__nom",
            "client_externe__nom",
        )
    )
    for f in factures:
        f.credite, f.paye, f.presentee, _ = lues[f.pk]
        f.reste = f.total_ttc - f.credite - f.paye
    factures.sort(key=lambda f: lues[f.pk][3])
    return factures, totaux


def partiellement_payees(qs: QuerySet[Facture]) -> QuerySet[Facture]:
    """Les factures dues qui ont déjà reçu un paiement (ni soldées, ni au prélèvement) : un
    reste à rapprocher d'un prochain versement, ou à relancer."""
    return dues(qs).filter(paye__gt=DEMI_CENTIME, presentee=False)


@dataclass(frozen=True)
class AvancementDuMois:
    """Où en est la facturation du mois `mois` : brouillons préparés, factures émises, et
    l'émission en tâche de fond si elle tourne."""

    mois: datetime.date
    brouillons: int
    total_brouillons: Decimal
    emises: int
    lot: Lot | None

    @property
    def pas_commencee(self) -> bool:
        return not self.brouillons and not self.emises and self.lot is None

    @property
    def nom_du_mois(self) -> str:
        return dates.mois_annee(self.mois)


def avancement_du_mois(mois: datetime.date) -> AvancementDuMois:
    """Deux requêtes, quel que soit le nombre de factures du mois."""
    t = Facture.objects.filter(mois=mois, type=Facture.Type.FACTURE).aggregate(
        brouillons=Count("pk", filter=Q(statut=Facture.Statut.BROUILLON)),
        total_brouillons=Sum("total_ttc", filter=Q(statut=Facture.Statut.BROUILLON)),
        emises=Count("pk", filter=Q(statut=Facture.Statut.EMISE)),
    )
    lot = Lot.objects.en_cours().filter(nature=Lot.Nature.EMISSION, mois=mois).first()
    return AvancementDuMois(
        mois=mois,
        brouillons=t["brouillons"],
        total_brouillons=_au_centime(t["total_brouillons"]),
        emises=t["emises"],
        lot=lot,
    )


# --- Prélèvement SEPA ---------------------------------------------------------------------


def mandats() -> QuerySet[MandatSepa]:
    """Tous les mandats, actifs d'abord, avec leur dernière remise non annulée."""
    derniere = (
        LignePrelevement.objects.filter(mandat=OuterRef("pk"))
        .exclude(prelevement__statut=Prelevement.Statut.ANNULEE)
        .order_by("-prelevement__date_prelevement")
        .values("prelevement__date_prelevement")[:1]
    )
    return (
        MandatSepa.objects.select_related("structure")
        .annotate(dernier_prelevement=Subquery(derniere))
        .order_by(F("revoque_le").desc(nulls_first=True), "structure__nom", "-pk")
    )


def mandats_actifs(structures) -> QuerySet[MandatSepa]:
    """Les mandats actifs de `structures` (pour montrer à un·e référent·e le sien)."""
    return (
        MandatSepa.objects.filter(structure__in=structures, revoque_le__isnull=True)
        .select_related("structure")
        .order_by("structure__nom")
    )


def prelevables() -> QuerySet[Facture]:
    """Les factures qu'une nouvelle remise peut prélever : émises, dues, pas déjà présentées,
    d'une structure qui a un mandat actif ; la plus ancienne d'abord."""
    mandates = MandatSepa.objects.filter(revoque_le__isnull=True).values("structure")
    qs = Facture.objects.filter(structure__in=mandates).select_related("structure")
    return (
        dues(qs.defer("vendeur", "acheteur"))
        .filter(presentee=False)
        .order_by("structure__nom", "date_emission", "rang")
    )


def remises_a_encaisser() -> QuerySet[Prelevement]:
    """Les remises générées, ni encaissées ni annulées : à rapprocher du relevé de la banque,
    la plus ancienne échéance d'abord."""
    return Prelevement.objects.filter(statut=Prelevement.Statut.GENEREE).order_by(
        "date_prelevement", "pk"
    )


def remise_de(f: Facture) -> Prelevement | None:
    """La remise ouverte où `f` est présentée, s'il y en a une."""
    lignes = LignePrelevement.objects.select_related("prelevement")
    ligne = lignes.filter(facture=f, ouverte=True).first()
    return ligne.prelevement if ligne else None


def lots_a_suivre(nombre: int = 5) -> list[Lot]:
    """Les travaux de fond en cours, puis les derniers finis : `nombre` au plus."""
    en_cours = Case(
        When(statut__in=Lot.STATUTS_EN_COURS, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(Lot.objects.order_by(en_cours, "-cree_le", "-pk")[:nombre])


def recettes_par_origine(annee: int) -> dict[str, Decimal]:
    """Le chiffre d'affaires HT de l'année `annee` par origine des lignes (convention,
    réservation, consommation, emploi, saisie manuelle) : les factures et avoirs **émis** dont
    le mois facturé est dans l'année ; une ligne d'avoir compte en moins, à l'origine de la
    ligne qu'elle corrige. Une requête agrégée, quel que soit le nombre de factures."""
    lignes = (
        LigneFacture.objects.filter(facture__statut=Facture.Statut.EMISE, facture__mois__year=annee)
        .annotate(origine_effective=Coalesce("ligne_origine__origine", "origine"))
        .values("facture__type", "origine_effective")
        .annotate(total=Sum("montant_ht"))
        .order_by()
    )
    recettes: dict[str, Decimal] = {}
    for r in lignes:
        signe = -1 if r["facture__type"] == Facture.Type.AVOIR else 1
        origine = r["origine_effective"]
        # SQLite sums decimals as floats: back to the cent.
        montant = Decimal(str(r["total"])).quantize(Decimal("0.01"))
        recettes[origine] = recettes.get(origine, Decimal("0.00")) + signe * montant
    return recettes


# « F2015-12 », « f 2015 0012 » : an invoice (F) or credit note (A) number, however typed.
NUMERO = re.compile(r"^([FA])\s*(\d{4})\s*[-/ ]?\s*(\d{1,6})$", re.IGNORECASE)


def numero_normalise(q: str) -> str | None:
    """Le numéro tel que la facture le porte (« F2015-0012 »), ou None."""
    m = NUMERO.match(q.strip())
    return f"{m.group(1).upper()}{m.group(2)}-{int(m.group(3)):04d}" if m else None


def rechercher(q: str, *, user, limite: int) -> recherche.Trouves:
    """Les factures et avoirs que `user` voit (tout pour l'équipe, brouillons compris) par
    numéro ou par client (nom de la structure, de l'organisation, ou nom figé à l'émission),
    les plus récents d'abord. Une requête."""
    numero = numero_normalise(q)
    qs = recherche.chercher(
        factures_visibles(user),
        q,
        {
            "numero": "numero",
            "structure": "structure__nom",
            "externe": "client_externe__nom",
            "acheteur": KT("acheteur__nom"),
        },
        ou=models.Q(numero=numero) if numero else None,
    )
    ordre = (models.F("date_emission").desc(nulls_first=True), "-pk")
    return recherche.premiers(qs.order_by(*ordre), limite)
