"""Le plan de comptes du journal des ventes : à quel compte va chaque montant d'une facture.

- le TTC au compte des clients (411000), avec un compte auxiliaire par client : « S » et le
  numéro de la structure sur cinq chiffres (S00012), « E » pour une organisation extérieure
  (E00003) ; il ne change pas quand le client change de nom ;
- le HT de chaque ligne au compte de produits de son tarif (loyers 708300, réservations
  706000, consommations 708800, parts d'emplois mutualisés 708400), sinon à celui de son
  origine (convention, réservation, consommation, emploi mutualisé, ligne manuelle,
  correction d'avoir) ; une ligne d'avoir qui corrige une ligne
  va au compte de la ligne corrigée ;
- la TVA au compte de TVA collectée de son taux (445710 par défaut pour tous).

La gestion change un compte sans code (page « Comptes du journal des ventes ») : une ligne de
`CompteComptable` par clé modifiée ; les autres gardent leur compte par défaut. Un nouveau
tarif ou un nouveau taux trouve ainsi un compte sans migration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from espaces.models import Tarif
from phares.lib.money import format_nombre

from .models import CompteComptable, Facture, LigneFacture

Origine = LigneFacture.Origine


@dataclass(frozen=True)
class Compte:
    numero: str
    libelle: str

    def __str__(self):
        return f"{self.numero} {self.libelle}"


@dataclass(frozen=True)
class Cle:
    """Une clé du plan : ce que la page des comptes montre et vérifie."""

    cle: str
    groupe: str  # "clients", "tva", "produits"
    intitule: str  # what the row is about, for the page and the journal
    defaut: Compte


GROUPES = {
    "clients": "Clients",
    "tva": "TVA collectée",
    "produits": "Produits (HT des lignes)",
}
# What an account number of each group starts with (plan comptable général).
PREFIXES = {"clients": "41", "tva": "4457", "produits": "7"}

LOCATIONS = Compte("708300", "Locations diverses")
PRESTATIONS = Compte("706000", "Prestations de services")
ANNEXES = Compte("708800", "Autres produits d'activités annexes")
PERSONNEL = Compte("708400", "Mise à disposition de personnel facturée")
TVA_COLLECTEE = Compte("445710", "TVA collectée")

# The rates with an account of their own on the page; any other rate (overseas ones) goes
# to "tva_autre".
TAUX_DU_PLAN = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"))

_PRODUIT_PAR_TARIF = {
    Tarif.Code.BUREAU_M2_MOIS: LOCATIONS,
    Tarif.Code.POSTE_COTRAVAIL_MOIS: LOCATIONS,
    Tarif.Code.SALLE_HEURE: PRESTATIONS,
    Tarif.Code.SALLE_DEMI_JOURNEE: PRESTATIONS,
    Tarif.Code.SALLE_JOURNEE: PRESTATIONS,
    Tarif.Code.SALLE_HABITANT_HEURE: PRESTATIONS,
    Tarif.Code.VELO_HEURE: PRESTATIONS,
    Tarif.Code.AFFRANCHISSEMENT: ANNEXES,
    Tarif.Code.IMPRESSION: ANNEXES,
    Tarif.Code.EMPLOI_MUTUALISE: PERSONNEL,
}
_PRODUIT_PAR_ORIGINE = {
    Origine.CONVENTION: LOCATIONS,
    Origine.RESERVATION: PRESTATIONS,
    Origine.CONSOMMATION: ANNEXES,
    Origine.EMPLOI: PERSONNEL,
    Origine.MANUELLE: PRESTATIONS,
    Origine.AVOIR: PRESTATIONS,
}


def cle_tva(taux: Decimal) -> str:
    """Decimal("5.50") -> "tva_5_5" ; un taux sans ligne propre -> "tva_autre"."""
    if Decimal(taux) in TAUX_DU_PLAN:
        return "tva_" + format_nombre(taux).replace(",", "_")
    return "tva_autre"


def _cles() -> tuple[Cle, ...]:
    cles = [Cle("clients", "clients", "Clients (compte collectif)", Compte("411000", "Clients"))]
    cles += [
        Cle(cle_tva(t), "tva", f"TVA collectée à {format_nombre(t)} %", TVA_COLLECTEE)
        for t in TAUX_DU_PLAN
    ]
    cles.append(Cle("tva_autre", "tva", "TVA collectée à un autre taux", TVA_COLLECTEE))
    cles += [
        Cle(f"tarif_{code.value}", "produits", f"Tarif « {code.label} »", compte)
        for code, compte in _PRODUIT_PAR_TARIF.items()
    ]
    cles += [
        Cle(
            f"origine_{origine.value}",
            "produits",
            f"Sans tarif : {origine.label.lower()}",
            compte,
        )
        for origine, compte in _PRODUIT_PAR_ORIGINE.items()
    ]
    return tuple(cles)


CLES = _cles()
PAR_CLE = {c.cle: c for c in CLES}


@dataclass(frozen=True)
class PlanComptable:
    """Les comptes en vigueur : ceux de la gestion, sinon ceux par défaut. Ne lit rien."""

    comptes: dict[str, Compte]

    def __getitem__(self, cle: str) -> Compte:
        return self.comptes[cle]

    @property
    def clients(self) -> Compte:
        return self.comptes["clients"]

    def tva(self, taux: Decimal) -> Compte:
        return self.comptes[cle_tva(taux)]

    def produit(self, ligne: LigneFacture) -> Compte:
        return self.comptes[cle_produit(ligne)]


def cle_produit(ligne: LigneFacture) -> str:
    """Le tarif de la ligne, sinon son origine ; une ligne d'avoir suit la ligne qu'elle
    corrige (sa recette est reprise au même compte)."""
    if ligne.ligne_origine_id:
        ligne = ligne.ligne_origine
    if f"tarif_{ligne.code_tarif}" in PAR_CLE:
        return f"tarif_{ligne.code_tarif}"
    if f"origine_{ligne.origine}" in PAR_CLE:
        return f"origine_{ligne.origine}"
    return "origine_manuelle"


def plan_par_defaut() -> PlanComptable:
    return PlanComptable({c.cle: c.defaut for c in CLES})


def plan_comptable() -> PlanComptable:
    """Le plan en vigueur : une requête."""
    return plan_depuis(CompteComptable.objects.filter(cle__in=PAR_CLE))


def plan_depuis(lignes: Iterable[CompteComptable]) -> PlanComptable:
    comptes = {c.cle: c.defaut for c in CLES}
    comptes.update({ligne.cle: Compte(ligne.numero, ligne.libelle) for ligne in lignes})
    return PlanComptable(comptes)


def compte_auxiliaire(facture: Facture) -> str:
    """Le compte auxiliaire du client : stable (d'après sa clé, pas son nom)."""
    if facture.structure_id:
        return f"S{facture.structure_id:05d}"
    return f"E{facture.client_externe_id:05d}"


NUMERO_COMPTE = re.compile(r"^[0-9]{3,20}$")


def verifier(cle: str, numero: str) -> str | None:
    """Le message d'erreur d'un numéro de compte pour `cle`, ou None s'il convient."""
    groupe = PAR_CLE[cle].groupe
    if not NUMERO_COMPTE.match(numero):
        return "Un numéro de compte s'écrit en chiffres, de 3 à 20."
    prefixe = PREFIXES[groupe]
    if not numero.startswith(prefixe):
        return {
            "clients": "Le compte des clients est un compte 41… (411000 Clients).",
            "tva": "La TVA collectée va dans un compte 4457… (445710 TVA collectée).",
            "produits": "Un produit va dans un compte de classe 7 (706…, 708…).",
        }[groupe]
    return None
