"""Le contenu figé d'une facture ou d'un avoir, tel qu'il est imprimé (PDF) et transmis
(XML Factur-X) : une seule source pour les deux, construite depuis la facture émise (ou le
brouillon, pour l'aperçu). Rien ici ne lit la base."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

# The VAT rates French e-invoicing accepts (rule BR-FR-16), in percent.
TAUX_TVA_ADMIS = frozenset(
    Decimal(t)
    for t in (
        "0",
        "0.9",
        "1.05",
        "1.75",
        "2.1",
        "5.5",
        "7",
        "8.5",
        "9.2",
        "9.6",
        "10",
        "13",
        "19.6",
        "20",
        "20.6",
    )
)

TYPE_FACTURE = "380"  # UNTDID 1001: commercial invoice
TYPE_AVOIR = "381"  # credit note


@dataclass(frozen=True)
class Partie:
    """Vendeur ou acheteur, copié dans la facture à l'émission."""

    nom: str
    adresse: str  # several lines, "\n"-separated, without postcode and city
    code_postal: str = ""
    ville: str = ""
    pays: str = "FR"  # ISO 3166-1 alpha-2
    siren: str = ""  # 9 digits, or ""
    siret: str = ""  # 14 digits, or ""
    tva: str = ""  # intra-community VAT number ("FR..."), or ""
    email: str = ""
    # Seller only: legal mentions.
    forme: str = ""  # "SCIC SARL à capital variable"
    capital: str = ""  # "capital variable, 12 000 € au 31/12/2015" — printed as is
    rcs: str = ""  # "RCS Bobigny 812 345 678"
    telephone: str = ""


@dataclass(frozen=True)
class Ligne:
    numero: int  # 1, 2, 3…
    libelle: str
    quantite: Decimal
    unite: str  # UN/ECE rec. 20 code: "C62" (unit), "MON" (month), "HUR" (hour), "DAY"
    prix_unitaire_ht: Decimal  # may have up to 4 decimals
    montant_ht: Decimal  # rounded to the cent, half-up
    taux_tva: Decimal  # percent, e.g. Decimal("20.00"); 0 for an exempt line
    # UNTDID 5305: "S" standard rate, "E" exempt (then `exoneration` is its legal basis).
    categorie_tva: str = "S"
    exoneration: str = ""  # "Exonération de TVA – art. 261 D 2° du CGI"
    periode_debut: datetime.date | None = None
    periode_fin: datetime.date | None = None


@dataclass(frozen=True)
class TotalTva:
    """Une ligne du récapitulatif de TVA : par (catégorie, taux)."""

    categorie_tva: str
    taux_tva: Decimal
    base_ht: Decimal
    montant_tva: Decimal
    exoneration: str = ""


@dataclass(frozen=True)
class Document:
    type_code: str  # TYPE_FACTURE or TYPE_AVOIR
    numero: str  # "F2015-0001"; "" for a draft preview
    date_emission: datetime.date
    date_echeance: datetime.date
    periode_debut: datetime.date
    periode_fin: datetime.date
    vendeur: Partie
    acheteur: Partie
    lignes: tuple[Ligne, ...]
    totaux_tva: tuple[TotalTva, ...]
    total_ht: Decimal
    total_tva: Decimal
    total_ttc: Decimal
    deja_paye: Decimal = Decimal("0.00")  # 0 at issue: payments come later
    iban: str = ""  # seller's, compact ("FR76...")
    bic: str = ""
    conditions_paiement: str = ""  # "Paiement à 30 jours par virement…" printed and in the XML
    mentions: tuple[str, ...] = field(default_factory=tuple)  # penalties, 40 €, no discount
    # The three mentions the law requires, each an XML note with its subject code
    # (BR-FR-05): late penalties (PMD), the 40 € recovery indemnity (PMT), discount (AAB).
    # facturx.py takes them from `mentions` (recognised by a word of their text) and falls
    # back on these fields for a subject no mention covers.
    note_penalites: str = "Pénalités de retard : trois fois le taux d'intérêt légal en vigueur."
    note_indemnite: str = (
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
        "40 € (art. L441-10 et D441-5 du Code de commerce)."
    )
    note_escompte: str = "Pas d'escompte pour paiement anticipé."
    facture_origine: str = ""  # a credit note: the number of the invoice it corrects
    facture_origine_date: datetime.date | None = None
    reference_acheteur: str = ""  # BT-10, optional
    devise: str = "EUR"

    @property
    def est_avoir(self) -> bool:
        return self.type_code == TYPE_AVOIR

    @property
    def net_a_payer(self) -> Decimal:
        return self.total_ttc - self.deja_paye
