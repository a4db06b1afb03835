"""Exports pour la comptabilité : les factures et avoirs émis d'une période (CSV), leurs
lignes (CSV), et le journal des ventes au format du fichier des écritures comptables (FEC,
article A47 A-1 du Livre des procédures fiscales) qu'un logiciel comptable importe.

Conventions, les mêmes pour tous les exports :
- **Période** : date d'émission, bornes incluses ; seuls les documents émis (jamais un
  brouillon), dans l'ordre de leur émission.
- **Signes** : les montants sont enregistrés positifs ; un avoir diminue les ventes. Dans
  les CSV, les montants d'un avoir (et de ses lignes) sont négatifs : la somme d'une colonne
  donne le net de la période (quantités et prix unitaires restent tels qu'imprimés). Dans le
  journal, un avoir est l'écriture inverse d'une facture (client au crédit, produits et TVA
  au débit), montants positifs. Le montant signé d'un document dans le CSV est toujours le
  débit moins le crédit du compte client dans le journal.
- **CSV pour un tableur** : UTF-8 avec BOM, séparateur « ; », virgule décimale sans
  séparateur de milliers, dates JJ/MM/AAAA : Excel en français l'ouvre d'un double clic.
  Un texte qui commence par = + - @ est précédé d'une apostrophe (pas de formule injectée
  par un nom de client).
- **Journal (FEC)** : les 18 colonnes de l'article A47 A-1 avec leur nom en première ligne,
  tabulation, dates AAAAMMJJ, montants à virgule décimale (0,00 du côté vide), encodé en
  ISO 8859-15 (un jeu de caractères que l'article admet ; un caractère hors de ce jeu est
  remplacé par son plus proche, « ’ » par « ' »). Une écriture par document, numérotée et
  référencée par le numéro du document ; elle est équilibrée par construction (le client
  reçoit la somme des produits et de la TVA de ses lignes).

Ajouter un export (les paiements, quand ils existeront) : une fonction `Periode -> rangées`
(la première est l'en-tête) et une entrée de `EXPORTS` ; la page et son URL suivent.
"""

from __future__ import annotations

import csv
import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from phares.lib.money import format_nombre

from . import comptes
from .comptes import Compte, PlanComptable, compte_auxiliaire
from .models import Facture, Imputation, LigneFacture, Paiement

# Invoices read per round trip: two queries (invoices, then their lines) per chunk, so a
# year of invoices streams in a handful of queries and never sits whole in memory.
PAQUET = 500
PERIODE_MAX_JOURS = 366
JOURNAL_CODE = "VT"
JOURNAL_LIB = "Journal des ventes"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Periode:
    du: datetime.date
    au: datetime.date

    @property
    def suffixe(self) -> str:
        return f"{self.du:%Y-%m-%d}_{self.au:%Y-%m-%d}"


def periode_par_defaut(aujourd_hui: datetime.date) -> Periode:
    """Le dernier mois complet."""
    au = aujourd_hui.replace(day=1) - datetime.timedelta(days=1)
    return Periode(au.replace(day=1), au)


# --- Lectures ---------------------------------------------------------------------------


def documents_emis(periode: Periode) -> QuerySet[Facture]:
    """Factures et avoirs émis entre `du` et `au` inclus, dans l'ordre de leur émission."""
    return (
        Facture.objects.emises()
        .filter(date_emission__gte=periode.du, date_emission__lte=periode.au)
        .select_related("facture_origine")
        .defer("vendeur", "facture_origine__vendeur", "facture_origine__acheteur")
        .order_by("date_emission", "emise_le", "pk")
    )


def avec_lignes(factures: QuerySet[Facture]) -> QuerySet[Facture]:
    lignes = LigneFacture.objects.select_related("ligne_origine").order_by("rang", "pk")
    return factures.prefetch_related(Prefetch("lignes", queryset=lignes))


@dataclass(frozen=True)
class Resume:
    factures: int
    avoirs: int
    ht_factures: Decimal
    ht_avoirs: Decimal

    @property
    def net_ht(self) -> Decimal:
        return self.ht_factures - self.ht_avoirs


def resume(periode: Periode) -> Resume:
    """Combien de factures et d'avoirs la période compte, et leur HT : une requête."""
    facture, avoir = Q(type=Facture.Type.FACTURE), Q(type=Facture.Type.AVOIR)
    r = (
        Facture.objects.emises()
        .filter(date_emission__gte=periode.du, date_emission__lte=periode.au)
        .aggregate(
            factures=Count("pk", filter=facture),
            avoirs=Count("pk", filter=avoir),
            ht_factures=Sum("total_ht", filter=facture, default=ZERO),
            ht_avoirs=Sum("total_ht", filter=avoir, default=ZERO),
        )
    )
    return Resume(**r)


# --- Formats ----------------------------------------------------------------------------


def signe(facture: Facture) -> int:
    return -1 if facture.est_avoir else 1


def montant(valeur: Decimal) -> str:
    """Decimal("-1234.5") -> « -1234,50 » (ni séparateur de milliers, ni « -0,00 »)."""
    valeur = Decimal(valeur).quantize(Decimal("0.01"))
    if not valeur:
        valeur = abs(valeur)
    return f"{valeur:.2f}".replace(".", ",")


def nombre(valeur: Decimal) -> str:
    return format_nombre(valeur)


def date_fr(d: datetime.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def date_fec(d: datetime.date) -> str:
    return f"{d:%Y%m%d}"


def texte_tableur(valeur: str) -> str:
    """Un texte pour une cellule : sur une ligne, et jamais lu comme une formule."""
    valeur = " ".join((valeur or "").split())
    if valeur[:1] in ("=", "+", "-", "@"):
        return "'" + valeur
    return valeur


def texte_fec(valeur: str) -> str:
    """Un champ du FEC : ni tabulation, ni retour à la ligne, ni caractère de contrôle."""
    valeur = "".join(c for c in (valeur or "") if unicodedata.category(c) != "Cc" or c.isspace())
    return " ".join(valeur.split())


class _Tampon:
    """Le « fichier » de csv.writer : rend la ligne écrite au lieu de la garder."""

    def write(self, valeur: str) -> str:
        return valeur


@dataclass(frozen=True)
class Format:
    libelle: str  # on the download button
    extension: str
    content_type: str
    separateur: str
    encodage: str
    bom: bool = False

    def _encoder(self, texte: str) -> bytes:
        if self.encodage == "iso-8859-15":
            return latin9(texte)
        return texte.encode(self.encodage)

    def flux(self, rangees: Iterable[list[str]]) -> Iterator[bytes]:
        """Les octets du fichier, par morceaux d'environ 64 ko (réponse en flux)."""
        if self.separateur == "\t":
            # Fields are cleaned by texte_fec(): nothing to quote or escape.
            writer = csv.writer(
                _Tampon(), delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_NONE,
                quotechar=None,
            )  # fmt: skip
        else:
            writer = csv.writer(_Tampon(), delimiter=self.separateur, lineterminator="\r\n")
        morceau = ["\ufeff"] if self.bom else []
        taille = 0
        for rangee in rangees:
            ligne = writer.writerow(rangee)
            morceau.append(ligne)
            taille += len(ligne)
            if taille >= 65536:
                yield self._encoder("".join(morceau))
                morceau, taille = [], 0
        if morceau:
            yield self._encoder("".join(morceau))

    def ecrire(self, rangees: Iterable[list[str]], fichier: BinaryIO) -> None:
        for morceau in self.flux(rangees):
            fichier.write(morceau)


TABLEUR = Format("CSV", "csv", "text/csv; charset=utf-8", ";", "utf-8", bom=True)
FEC = Format("FEC, texte tabulé", "txt", "text/plain; charset=iso-8859-15", "\t", "iso-8859-15")

# Typographic characters outside ISO 8859-15 and their plain counterparts.
_TYPOGRAPHIE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u202f": " ",
        "\u2009": " ",
        "\u2212": "-",
        "\u0141": "L",
        "\u0142": "l",
    }
)


def latin9(texte: str) -> bytes:
    """Le texte en ISO 8859-15 : un caractère hors du jeu devient son plus proche (accent
    retiré), sinon « ? »."""
    texte = texte.translate(_TYPOGRAPHIE)
    try:
        return texte.encode("iso-8859-15")
    except UnicodeEncodeError:
        return "".join(_car_latin9(c) for c in texte).encode("iso-8859-15")


def _car_latin9(c: str) -> str:
    try:
        c.encode("iso-8859-15")
    except UnicodeEncodeError:
        proche = unicodedata.normalize("NFKD", c).encode("iso-8859-15", "ignore")
        return proche.decode("iso-8859-15") or "?"
    return c


# --- Factures et avoirs (CSV) -------------------------------------------------------------

ENTETE_DOCUMENTS = [
    "Numéro",
    "Type",
    "Code type",
    "Date d'émission",
    "Échéance",
    "Client",
    "Compte client",
    "SIREN",
    "SIRET",
    "N° de TVA",
    "Période du",
    "Période au",
    "Total HT",
    "TVA",
    "Total TTC",
    "Facture d'origine",
    "Motif de l'avoir",
]


def type_code(facture: Facture) -> str:
    return "381" if facture.est_avoir else "380"  # UNTDID 1001, as in the Factur-X XML


def rangees_documents(factures: Iterable[Facture]) -> Iterator[list[str]]:
    """Une rangée par facture ou avoir ; un avoir en négatif et sans échéance."""
    yield ENTETE_DOCUMENTS
    for f in factures:
        s = signe(f)
        acheteur = f.acheteur or {}
        origine = f.facture_origine if f.facture_origine_id else None
        yield [
            f.numero,
            f.get_type_display(),
            type_code(f),
            date_fr(f.date_emission),
            "" if f.est_avoir else date_fr(f.date_echeance),
            texte_tableur(f.client_nom),
            compte_auxiliaire(f),
            acheteur.get("siren", ""),
            acheteur.get("siret", ""),
            acheteur.get("tva", ""),
            date_fr(f.periode_debut),
            date_fr(f.periode_fin),
            montant(s * f.total_ht),
            montant(s * f.total_tva),
            montant(s * f.total_ttc),
            origine.numero if origine else "",
            texte_tableur(f.motif),
        ]


# --- Lignes (CSV) -------------------------------------------------------------------------

ENTETE_LIGNES = [
    "Numéro",
    "Type",
    "Date d'émission",
    "Client",
    "Compte client",
    "N° de ligne",
    "Origine",
    "Désignation",
    "Code tarif",
    "Quantité",
    "Unité",
    "Prix unitaire HT",
    "Montant HT",
    "Taux de TVA (%)",
    "TVA",
    "Montant TTC",
    "Exonération",
    "Compte de produit",
    "Compte de TVA",
]


def rangees_lignes(factures: Iterable[Facture], plan: PlanComptable) -> Iterator[list[str]]:
    """Une rangée par ligne, numérotée comme sur le PDF, avec ses comptes du journal."""
    yield ENTETE_LIGNES
    for f in factures:
        s = signe(f)
        for n, ligne in enumerate(f.lignes.all(), start=1):
            yield [
                f.numero,
                f.get_type_display(),
                date_fr(f.date_emission),
                texte_tableur(f.client_nom),
                compte_auxiliaire(f),
                str(n),
                ligne.get_origine_display(),
                texte_tableur(ligne.libelle),
                ligne.code_tarif,
                nombre(ligne.quantite),
                ligne.get_unite_display(),
                nombre(ligne.prix_unitaire_ht),
                montant(s * ligne.montant_ht),
                nombre(ligne.taux_tva),
                montant(s * ligne.montant_tva),
                montant(s * ligne.montant_ttc),
                texte_tableur(ligne.exoneration),
                plan.produit(ligne).numero,
                plan.tva(ligne.taux_tva).numero if ligne.montant_tva else "",
            ]


# --- Journal des ventes (FEC) -------------------------------------------------------------


@dataclass(frozen=True)
class Mouvement:
    """Une ligne d'écriture : un compte, un débit ou un crédit (positifs)."""

    compte: Compte
    debit: Decimal
    credit: Decimal
    libelle: str
    auxiliaire: str = ""
    auxiliaire_lib: str = ""


@dataclass(frozen=True)
class Ecriture:
    piece: str  # the document's number: entry number and piece reference
    date: datetime.date
    mouvements: tuple[Mouvement, ...]

    @property
    def debit(self) -> Decimal:
        return sum((m.debit for m in self.mouvements), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((m.credit for m in self.mouvements), ZERO)


def ecriture(facture: Facture, lignes: Iterable[LigneFacture], plan: PlanComptable) -> Ecriture:
    """L'écriture d'une facture : le client au débit (TTC), chaque compte de produits au
    crédit (HT de ses lignes), la TVA collectée de chaque taux au crédit ; un avoir est
    l'écriture inverse. Les montants nuls n'ont pas de ligne. Ne lit rien d'autre que
    `lignes` (et la ligne corrigée d'une ligne d'avoir, déjà chargée par avec_lignes)."""
    produits: dict[Compte, Decimal] = defaultdict(lambda: ZERO)
    taxes: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for ligne in lignes:
        produits[plan.produit(ligne)] += ligne.montant_ht
        taxes[ligne.taux_tva] += ligne.montant_tva
    total = sum(produits.values(), ZERO) + sum(taxes.values(), ZERO)
    libelle = texte_fec(f"{facture.get_type_display()} {facture.numero} {facture.client_nom}")
    # An invoice debits its client; a credit note credits it, and reverses every line.
    avoir = facture.est_avoir

    def mouvement(compte: Compte, valeur: Decimal, *, au_debit: bool, **autres) -> Mouvement:
        debit, credit = (valeur, ZERO) if au_debit != avoir else (ZERO, valeur)
        return Mouvement(compte, debit, credit, autres.pop("libelle", libelle), **autres)

    mouvements = [
        mouvement(
            plan.clients,
            total,
            au_debit=True,
            auxiliaire=compte_auxiliaire(facture),
            auxiliaire_lib=texte_fec(facture.client_nom),
        )
    ]
    for compte in sorted(produits, key=lambda c: (c.numero, c.libelle)):
        mouvements.append(mouvement(compte, produits[compte], au_debit=False))
    for taux in sorted(taxes, reverse=True):
        mouvements.append(
            mouvement(
                plan.tva(taux),
                taxes[taux],
                au_debit=False,
                libelle=f"{libelle} TVA {nombre(taux)} %",
            )
        )
    return Ecriture(
        piece=facture.numero,
        date=facture.date_emission,
        mouvements=tuple(m for m in mouvements if m.debit or m.credit),
    )


ENTETE_FEC = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]


def rangees_journal(factures: Iterable[Facture], plan: PlanComptable) -> Iterator[list[str]]:
    """Le journal des ventes : une écriture par facture ou avoir."""
    yield ENTETE_FEC
    for f in factures:
        yield from rangees_ecriture(ecriture(f, f.lignes.all(), plan))


def rangees_ecriture(e: Ecriture) -> Iterator[list[str]]:
    """Les lignes d'une écriture au format du FEC ; elle est validée le jour de l'émission
    de sa pièce (une pièce émise ne change plus)."""
    jour = date_fec(e.date)
    for m in e.mouvements:
        yield [
            JOURNAL_CODE,
            JOURNAL_LIB,
            e.piece,
            jour,
            m.compte.numero,
            texte_fec(m.compte.libelle),
            m.auxiliaire,
            m.auxiliaire_lib,
            e.piece,
            jour,
            m.libelle,
            montant(m.debit),
            montant(m.credit),
            "",
            "",
            jour,
            "",
            "",
        ]


# --- Paiements (CSV) -----------------------------------------------------------------------

ENTETE_PAIEMENTS = [
    "Reçu le",
    "Client",
    "Compte client",
    "Moyen",
    "Référence",
    "Montant du paiement",
    "Facture réglée",
    "Montant imputé",
    "Annulé le",
    "Motif de l'annulation",
]


def paiements_recus(periode: Periode) -> QuerySet[Paiement]:
    """Les paiements reçus dans la période (date de réception, bornes incluses), annulés
    compris (marqués) : un chèque rejeté se lit dans l'export comme au relevé."""
    return (
        Paiement.objects.filter(date__range=(periode.du, periode.au))
        .select_related("structure", "client_externe")
        .prefetch_related(
            Prefetch(
                "imputations",
                queryset=Imputation.objects.select_related("facture").only(
                    "paiement_id", "montant", "facture__numero"
                ),
            )
        )
        .order_by("date", "pk")
    )


def rangees_paiements(paiements: Iterable[Paiement]) -> Iterator[list[str]]:
    """Une rangée par facture réglée par un paiement (un paiement sur trois factures : trois
    rangées, le montant du paiement répété, l'imputation propre à chacune)."""
    yield ENTETE_PAIEMENTS
    for p in paiements:
        for i in p.imputations.all():
            yield [
                date_fr(p.date),
                texte_tableur(str(p.client)),
                compte_auxiliaire(p),
                p.get_moyen_display(),
                texte_tableur(p.reference),
                montant(p.montant),
                i.facture.numero,
                montant(i.montant),
                date_fr(timezone.localdate(p.annule_le)) if p.annule_le else "",
                texte_tableur(p.motif_annulation),
            ]


# --- Les exports de la page ---------------------------------------------------------------


def _documents(periode: Periode) -> Iterator[list[str]]:
    yield from rangees_documents(documents_emis(periode).iterator(chunk_size=PAQUET))


def _lignes(periode: Periode) -> Iterator[list[str]]:
    plan = comptes.plan_comptable()
    factures = avec_lignes(documents_emis(periode)).iterator(chunk_size=PAQUET)
    yield from rangees_lignes(factures, plan)


def _journal(periode: Periode) -> Iterator[list[str]]:
    plan = comptes.plan_comptable()
    factures = avec_lignes(documents_emis(periode)).iterator(chunk_size=PAQUET)
    yield from rangees_journal(factures, plan)


def _paiements(periode: Periode) -> Iterator[list[str]]:
    yield from rangees_paiements(paiements_recus(periode).iterator(chunk_size=PAQUET))


@dataclass(frozen=True)
class Export:
    nom: str  # in the URL: /factures/exports/<nom>/
    titre: str
    description: str
    prefixe: str  # of the file name
    format: Format
    rangees: Callable[[Periode], Iterable[list[str]]]

    def nom_fichier(self, periode: Periode) -> str:
        return f"{self.prefixe}-{periode.suffixe}.{self.format.extension}"

    def flux(self, periode: Periode) -> Iterator[bytes]:
        """Le fichier, en morceaux : les requêtes partent quand on le lit."""
        return self.format.flux(self.rangees(periode))

    def ecrire(self, periode: Periode, fichier: BinaryIO) -> None:
        self.format.ecrire(self.rangees(periode), fichier)


EXPORTS = {
    e.nom: e
    for e in (
        Export(
            "documents",
            "Factures et avoirs",
            "Une ligne par facture ou avoir : client, SIREN, totaux HT, TVA et TTC, facture "
            "d'origine d'un avoir.",
            "factures-avoirs",
            TABLEUR,
            _documents,
        ),
        Export(
            "lignes",
            "Lignes des factures et avoirs",
            "Une ligne par ligne de facture : tarif, quantité, taux de TVA, exonération, "
            "comptes du journal.",
            "lignes",
            TABLEUR,
            _lignes,
        ),
        Export(
            "paiements",
            "Paiements reçus",
            "Une ligne par facture réglée : date de réception, client, moyen, référence, "
            "montant imputé ; les paiements annulés y sont, avec leur date d'annulation.",
            "paiements",
            TABLEUR,
            _paiements,
        ),
        Export(
            "ventes",
            "Journal des ventes",
            "Les écritures du journal VT au format du fichier des écritures comptables, à "
            "importer dans le logiciel comptable.",
            "ventes",
            FEC,
            _journal,
        ),
    )
}
