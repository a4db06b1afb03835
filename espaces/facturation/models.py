"""Factures, avoirs et leurs lignes ; la coopérative qui les émet.

Une facture naît brouillon (recalculée depuis les données vivantes du lieu), puis est émise :
numéro légal, vendeur et acheteur copiés, PDF Factur-X gardé octet pour octet. Émise, elle
ne change plus (modèle, gestionnaire, admin et déclencheurs de la base) ; on la corrige par
un avoir.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from stdnum import bic as stdnum_bic
from stdnum.eu import at_02

from espaces.models import ClientExterne, Consommation, Convention, Reservation
from habitants.models import Structure
from phares.lib import dates

# --- Prélèvement SEPA : ce que les identifiants doivent respecter ---------------------------

# The EPC's Latin character set (SEPA rulebooks, "SEPA requirements for an extended character
# set"): the only characters every bank of the chain must carry. Banks reject the rest.
JEU_SEPA = r"A-Za-z0-9/\-?:().,'+ "
CARACTERES_SEPA = re.compile(f"[{JEU_SEPA}]+")
HORS_JEU_SEPA = re.compile(f"[^{JEU_SEPA}]")
ICS_FORMAT = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}")


def valider_ics(valeur: str) -> None:
    """Identifiant créancier SEPA (AT-02) : pays, clé, code activité (« ZZZ »), identifiant
    national ; la clé est un modulo 97 sur l'identifiant national suivi du pays."""
    if valeur and not (ICS_FORMAT.fullmatch(valeur) and at_02.is_valid(valeur)):
        raise ValidationError(
            "Cet identifiant créancier SEPA n'est pas valide (par exemple FR72ZZZ123456 : "
            "pays, clé de contrôle, code activité, identifiant national).",
            code="ics",
        )


def valider_rum(valeur: str) -> None:
    """Référence unique de mandat : 35 caractères au plus, du jeu de caractères SEPA, sans
    « / » au début, à la fin ni deux de suite (règle de l'EPC pour les identifiants)."""
    if not valeur or len(valeur) > 35 or not CARACTERES_SEPA.fullmatch(valeur):
        raise ValidationError(
            "La référence du mandat (RUM) fait 35 caractères au plus : lettres sans accent, "
            "chiffres, espaces et / - ? : ( ) . , ' + seulement.",
            code="rum",
        )
    if valeur.startswith("/") or valeur.endswith("/") or "//" in valeur:
        raise ValidationError(
            "La référence du mandat (RUM) ne commence ni ne finit par « / » et n'en contient "
            "pas deux de suite.",
            code="rum",
        )


def valider_iban(valeur: str) -> None:
    try:
        iban = IBAN(valeur)
    except iban_errors.SchwiftyException as exc:
        raise ValidationError(
            "Cet IBAN n'est pas valide (vérifiez le pays, la longueur et la clé).", code="iban"
        ) from exc
    if not iban.in_sepa_zone:
        raise ValidationError(
            "Ce compte n'est pas dans la zone SEPA : il ne peut pas être prélevé.", code="iban"
        )


def valider_bic(valeur: str) -> None:
    if valeur and not stdnum_bic.is_valid(valeur):
        raise ValidationError("Ce BIC n'est pas valide (8 ou 11 caractères).", code="bic")


class Cooperative(models.Model):
    """La coopérative qui facture (une seule ligne) : ce qu'exigent les mentions légales.

    Copiée dans chaque facture à l'émission : la modifier ne change pas les factures émises.
    """

    raison_sociale = models.CharField("raison sociale", max_length=200)
    forme = models.CharField(
        "forme juridique", max_length=200, default="SCIC SARL à capital variable"
    )
    capital = models.CharField(
        "capital", max_length=200, blank=True, help_text="Tel qu'imprimé : « 15 000 € »."
    )
    adresse = models.TextField("adresse", max_length=300)
    code_postal = models.CharField("code postal", max_length=10)
    ville = models.CharField("ville", max_length=100)
    siren = models.CharField("SIREN", max_length=9)
    siret = models.CharField("SIRET", max_length=14)
    rcs = models.CharField("RCS", max_length=100, help_text="« RCS Bobigny 812 345 678 ».")
    tva_intracom = models.CharField("n° de TVA intracommunautaire", max_length=20, blank=True)
    email = models.EmailField("e-mail")
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    # Art. L441-10 of the Commercial Code: at most 60 days after the invoice date.
    delai_paiement_jours = models.PositiveSmallIntegerField(
        "délai de paiement (jours)",
        default=30,
        validators=[MaxValueValidator(60, "60 jours au plus après la date de facture.")],
    )
    penalites = models.CharField(
        "pénalités de retard",
        max_length=300,
        default="Pénalités de retard : trois fois le taux d'intérêt légal en vigueur.",
    )
    mention_exoneration = models.CharField(
        "base légale de l'exonération de TVA (par défaut)",
        max_length=200,
        default="Exonération de TVA – art. 261 D 2° du CGI",
        help_text="Imprimée sur une ligne à 0 % de TVA dont le tarif n'en donne pas.",
    )
    ics = models.CharField(
        "identifiant créancier SEPA (ICS)",
        max_length=35,
        blank=True,
        validators=[valider_ics],
        help_text="Donné par la banque pour prélever : « FR72ZZZ123456 ». Sans lui, pas de "
        "prélèvement.",
    )

    class Meta:
        verbose_name = "coopérative (émetteur des factures)"
        verbose_name_plural = "coopérative (émetteur des factures)"

    def __str__(self):
        return self.raison_sociale


class CompteComptable(models.Model):
    """Le compte que choisit la gestion pour une clé du journal des ventes : les clients,
    la TVA collectée d'un taux, les produits d'un tarif ou d'une origine de ligne
    (`comptes.CLES`). Une clé sans ligne garde son compte par défaut (`comptes.py`)."""

    cle = models.CharField("clé", max_length=60, unique=True)
    numero = models.CharField("numéro de compte", max_length=20)
    libelle = models.CharField("intitulé du compte", max_length=100)

    class Meta:
        verbose_name = "compte du journal des ventes"
        verbose_name_plural = "comptes du journal des ventes"
        ordering = ["cle"]

    def __str__(self):
        return f"{self.numero} {self.libelle}"


class FactureQuerySet(models.QuerySet):
    def emises(self):
        return self.filter(statut=Facture.Statut.EMISE)

    def brouillons(self):
        return self.filter(statut=Facture.Statut.BROUILLON)

    def delete(self):
        if self.filter(statut=Facture.Statut.EMISE).exists():
            raise FactureImmuable("Une facture émise ne s'efface pas : émettez un avoir.")
        return super().delete()

    def update(self, **kwargs):
        if self.filter(statut=Facture.Statut.EMISE).exists():
            raise FactureImmuable("Une facture émise ne se modifie pas : émettez un avoir.")
        return super().update(**kwargs)


class FactureImmuable(Exception):
    """Une écriture visait une facture (ou un avoir) émise."""


class Facture(models.Model):
    class Type(models.TextChoices):
        FACTURE = "facture", "Facture"
        AVOIR = "avoir", "Avoir"

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", "Brouillon"
        EMISE = "emise", "Émise"

    type = models.CharField("type", max_length=10, choices=Type.choices, default=Type.FACTURE)
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.BROUILLON
    )
    # The client: a hosted structure, or an outside organisation that rented a room.
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="factures"
    )
    client_externe = models.ForeignKey(
        ClientExterne, on_delete=models.PROTECT, null=True, blank=True, related_name="factures"
    )
    mois = models.DateField("mois facturé", help_text="Son premier jour.")
    periode_debut = models.DateField("période du")
    periode_fin = models.DateField("au (inclus)")
    # Legal number, given at issue: "F2015-0001" (serie "F", year 2015, rang 1).
    serie = models.CharField("série", max_length=5, blank=True)
    annee = models.PositiveSmallIntegerField("année", null=True, blank=True)
    rang = models.PositiveIntegerField("rang", null=True, blank=True)
    numero = models.CharField("numéro", max_length=20, null=True, blank=True, unique=True)
    date_emission = models.DateField("émise le", null=True, blank=True)
    date_echeance = models.DateField("échéance", null=True, blank=True)
    facture_origine = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avoirs",
        verbose_name="facture corrigée",
    )
    motif = models.CharField("motif de l'avoir", max_length=300, blank=True)
    # Frozen at issue (documents.Partie as a dict): the invoice says what was true that day.
    vendeur = models.JSONField("vendeur", default=dict, blank=True)
    acheteur = models.JSONField("acheteur", default=dict, blank=True)
    total_ht = models.DecimalField("total HT", max_digits=12, decimal_places=2, default=0)
    total_tva = models.DecimalField("TVA", max_digits=12, decimal_places=2, default=0)
    total_ttc = models.DecimalField("total TTC", max_digits=12, decimal_places=2, default=0)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    emise_le = models.DateTimeField("émise (horodatage)", null=True, blank=True)
    emise_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = FactureQuerySet.as_manager()

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-mois", "numero", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(structure__isnull=False, client_externe__isnull=True)
                | Q(structure__isnull=True, client_externe__isnull=False),
                name="facture_un_seul_client",
            ),
            models.CheckConstraint(
                condition=Q(periode_fin__gte=F("periode_debut")),
                name="facture_periode_ordonnee",
            ),
            models.CheckConstraint(
                condition=Q(statut="brouillon")
                | Q(
                    numero__isnull=False,
                    rang__isnull=False,
                    annee__isnull=False,
                    date_emission__isnull=False,
                    date_echeance__isnull=False,
                ),
                name="facture_emise_numerotee",
            ),
            models.CheckConstraint(
                condition=Q(type="facture", facture_origine__isnull=True)
                | Q(type="avoir", facture_origine__isnull=False),
                name="facture_avoir_cite_sa_facture",
            ),
            models.UniqueConstraint(
                "serie",
                "annee",
                "rang",
                condition=Q(rang__isnull=False),
                name="facture_rang_unique",
            ),
            # One draft invoice per client and month: the monthly run rebuilds it.
            models.UniqueConstraint(
                "structure",
                "mois",
                condition=Q(statut="brouillon", type="facture", structure__isnull=False),
                name="facture_un_brouillon_par_structure_et_mois",
            ),
            models.UniqueConstraint(
                "client_externe",
                "mois",
                condition=Q(statut="brouillon", type="facture", client_externe__isnull=False),
                name="facture_un_brouillon_par_client_et_mois",
            ),
        ]
        indexes = [models.Index(fields=["statut", "mois"])]

    def __str__(self):
        if self.numero:
            return f"{self.get_type_display()} {self.numero}"
        return f"{self.get_type_display()} (brouillon) — {self.client} — {self.nom_du_mois}"

    def save(self, *args, **kwargs):
        # The status the row had when read or last saved: no query per save. A stale draft
        # issued meanwhile elsewhere is still refused, by the database's trigger.
        if getattr(self, "_statut_lu", None) == self.Statut.EMISE:
            raise FactureImmuable("Une facture émise ne se modifie pas : émettez un avoir.")
        super().save(*args, **kwargs)
        self._statut_lu = self.statut

    def delete(self, *args, **kwargs):
        if self.est_emise or Facture.objects.filter(pk=self.pk, statut=self.Statut.EMISE):
            raise FactureImmuable("Une facture émise ne s'efface pas : émettez un avoir.")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._statut_lu = instance.__dict__.get("statut")
        return instance

    @property
    def est_emise(self) -> bool:
        return self.statut == self.Statut.EMISE

    @property
    def est_avoir(self) -> bool:
        return self.type == self.Type.AVOIR

    @property
    def client(self):
        return self.structure or self.client_externe

    @property
    def client_nom(self) -> str:
        if self.acheteur:
            return self.acheteur.get("nom", "")
        return str(self.client)

    @property
    def nom_du_mois(self) -> str:
        return dates.mois_annee(self.mois)


class LigneFacture(models.Model):
    class Origine(models.TextChoices):
        CONVENTION = "convention", "Convention d'occupation"
        RESERVATION = "reservation", "Réservation"
        CONSOMMATION = "consommation", "Consommation"
        EMPLOI = "emploi", "Emploi mutualisé"
        MANUELLE = "manuelle", "Saisie manuelle"
        AVOIR = "avoir", "Correction (avoir)"

    class Unite(models.TextChoices):
        # UN/ECE recommendation 20 codes, as Factur-X wants them.
        UNITE = "C62", "unité"
        MOIS = "MON", "mois"
        HEURE = "HUR", "heure"
        JOUR = "DAY", "jour"

    facture = models.ForeignKey(Facture, on_delete=models.CASCADE, related_name="lignes")
    rang = models.PositiveSmallIntegerField("n°", default=0)
    origine = models.CharField("origine", max_length=15, choices=Origine.choices)
    libelle = models.CharField("désignation", max_length=300)
    quantite = models.DecimalField(
        "quantité",
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unite = models.CharField("unité", max_length=3, choices=Unite.choices, default=Unite.UNITE)
    prix_unitaire_ht = models.DecimalField(
        "prix unitaire HT",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    montant_ht = models.DecimalField("montant HT", max_digits=12, decimal_places=2)
    taux_tva = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    montant_tva = models.DecimalField("TVA", max_digits=12, decimal_places=2)
    exoneration = models.CharField("base légale de l'exonération", max_length=200, blank=True)
    code_tarif = models.CharField("tarif", max_length=30, blank=True)
    periode_debut = models.DateField("du", null=True, blank=True)
    periode_fin = models.DateField("au (inclus)", null=True, blank=True)
    # Where the line comes from: a source is billed once (unique), never twice.
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reservation = models.ForeignKey(
        Reservation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consommation = models.ForeignKey(
        Consommation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The share of a mutualised job it bills (habitants.projets, cited by name), one month.
    part_emploi = models.ForeignKey(
        "projets.PartEmploi", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ligne_origine = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        ordering = ["facture", "rang", "pk"]
        constraints = [
            models.UniqueConstraint(
                "reservation",
                condition=Q(reservation__isnull=False),
                name="ligne_reservation_facturee_une_fois",
            ),
            models.UniqueConstraint(
                "consommation",
                condition=Q(consommation__isnull=False),
                name="ligne_consommation_facturee_une_fois",
            ),
            models.UniqueConstraint(
                "convention",
                "periode_debut",
                condition=Q(convention__isnull=False),
                name="ligne_loyer_facture_une_fois_par_mois",
            ),
            models.UniqueConstraint(
                "part_emploi",
                "periode_debut",
                condition=Q(part_emploi__isnull=False),
                name="ligne_part_emploi_facturee_une_fois_par_mois",
            ),
            models.CheckConstraint(
                condition=Q(montant_ht__gte=0) & Q(montant_tva__gte=0) & Q(quantite__gt=0),
                name="ligne_montants_positifs",
            ),
        ]

    def __str__(self):
        return self.libelle

    @property
    def montant_ttc(self) -> Decimal:
        return self.montant_ht + self.montant_tva

    @property
    def categorie_tva(self) -> str:
        return "E" if self.taux_tva == 0 else "S"


class DocumentPdf(models.Model):
    """Le PDF Factur-X d'une facture émise, tel qu'envoyé : octets et empreinte SHA-256."""

    facture = models.OneToOneField(Facture, on_delete=models.PROTECT, related_name="document")
    contenu = models.BinaryField("contenu")
    sha256 = models.CharField("SHA-256", max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "PDF de facture"
        verbose_name_plural = "PDF de factures"

    def __str__(self):
        return f"PDF {self.facture}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise FactureImmuable("Le PDF d'une facture émise ne change pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FactureImmuable("Le PDF d'une facture émise ne s'efface pas.")


class Paiement(models.Model):
    """Un règlement reçu d'un client, imputé sur une ou plusieurs de ses factures.

    Le reste dû d'une facture se calcule toujours depuis ces enregistrements (jamais saisi).
    Un paiement enregistré par erreur s'annule (date, auteur, motif) : il reste visible et
    ne compte plus.
    """

    class Moyen(models.TextChoices):
        VIREMENT = "virement", "Virement"
        CHEQUE = "cheque", "Chèque"
        ESPECES = "especes", "Espèces"
        PRELEVEMENT = "prelevement", "Prélèvement SEPA"

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="paiements"
    )
    client_externe = models.ForeignKey(
        ClientExterne, on_delete=models.PROTECT, null=True, blank=True, related_name="paiements"
    )
    date = models.DateField("reçu le")
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)
    moyen = models.CharField("moyen", max_length=12, choices=Moyen.choices)
    reference = models.CharField(
        "référence", max_length=140, blank=True, help_text="N° de chèque, libellé du virement…"
    )
    enregistre_le = models.DateTimeField("enregistré le", auto_now_add=True)
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    annule_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)

    class Meta:
        verbose_name = "paiement"
        verbose_name_plural = "paiements"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(structure__isnull=False, client_externe__isnull=True)
                | Q(structure__isnull=True, client_externe__isnull=False),
                name="paiement_un_seul_client",
            ),
            models.CheckConstraint(condition=Q(montant__gt=0), name="paiement_montant_positif"),
        ]

    def __str__(self):
        return f"Paiement du {self.date:%d/%m/%Y} — {self.client}"

    @property
    def client(self):
        return self.structure or self.client_externe

    @property
    def est_annule(self) -> bool:
        return self.annule_le is not None


class Imputation(models.Model):
    """La part d'un paiement qui règle une facture."""

    paiement = models.ForeignKey(Paiement, on_delete=models.CASCADE, related_name="imputations")
    facture = models.ForeignKey(Facture, on_delete=models.PROTECT, related_name="imputations")
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "imputation"
        verbose_name_plural = "imputations"
        ordering = ["paiement", "facture"]
        constraints = [
            models.UniqueConstraint("paiement", "facture", name="imputation_unique"),
            models.CheckConstraint(condition=Q(montant__gt=0), name="imputation_positive"),
        ]

    def __str__(self):
        return f"{self.montant} € sur {self.facture}"


# --- Prélèvement SEPA ---------------------------------------------------------------------


class MandatSepa(models.Model):
    """Le mandat de prélèvement SEPA (Core) signé par une structure : la coopérative peut
    prélever ses factures sur ce compte. Un mandat actif par structure au plus ; un mandat
    révoqué reste dans l'historique (les remises passées le citent). Un changement de compte
    se fait par un nouveau mandat (nouvelle RUM), pas en modifiant celui-ci."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="mandats_sepa")
    reference = models.CharField(
        "référence unique du mandat (RUM)", max_length=35, validators=[valider_rum]
    )
    date_signature = models.DateField("signé le")
    titulaire = models.CharField("titulaire du compte", max_length=70)
    iban = models.CharField("IBAN", max_length=34, validators=[valider_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[valider_bic])
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoque_le = models.DateField("révoqué le", null=True, blank=True)
    revoque_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "mandat de prélèvement SEPA"
        verbose_name_plural = "mandats de prélèvement SEPA"
        ordering = ["structure__nom", "-date_signature", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "structure",
                condition=Q(revoque_le__isnull=True),
                name="mandat_un_actif_par_structure",
                violation_error_message="Cette structure a déjà un mandat actif : "
                "révoquez-le d'abord.",
            ),
            # Banks compare references without regard to case: "rum-1" and "RUM-1" are one.
            models.UniqueConstraint(
                Upper("reference"),
                name="mandat_reference_unique",
                violation_error_message="Cette référence de mandat (RUM) est déjà prise.",
            ),
            models.CheckConstraint(
                condition=Q(revoque_le__isnull=True) | Q(revoque_le__gte=F("date_signature")),
                name="mandat_revoque_apres_signature",
            ),
        ]

    def __str__(self):
        return f"Mandat {self.reference} — {self.structure}"

    @property
    def est_actif(self) -> bool:
        return self.revoque_le is None

    @property
    def iban_masque(self) -> str:
        """« FR76 •••• •••• 0189 » : assez pour reconnaître son compte, pas pour le recopier."""
        return f"{self.iban[:4]} •••• •••• {self.iban[-4:]}" if self.iban else ""


class Prelevement(models.Model):
    """Une remise de prélèvements : le fichier pain.008 d'une date d'échéance, gardé tel
    qu'il a été téléchargé (texte et SHA-256). Tant qu'elle est générée, ses factures sont
    « présentées » ; encaissée, chacune a reçu son paiement ; annulée, elles redeviennent
    dues."""

    class Statut(models.TextChoices):
        GENEREE = "generee", "Générée"
        ENCAISSEE = "encaissee", "Encaissée"
        ANNULEE = "annulee", "Annulée"

    date_prelevement = models.DateField("date de prélèvement")
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.GENEREE
    )
    message_id = models.CharField("identifiant du message", max_length=35, unique=True)
    sequence = models.CharField("type de séquence", max_length=4, default="RCUR")
    xml = models.TextField("fichier pain.008.001.02")
    sha256 = models.CharField("SHA-256", max_length=64)
    total = models.DecimalField("total", max_digits=12, decimal_places=2)
    nombre = models.PositiveIntegerField("nombre de prélèvements")
    cree_le = models.DateTimeField("générée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cloturee_le = models.DateTimeField("encaissée ou annulée le", null=True, blank=True)
    cloturee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)

    class Meta:
        verbose_name = "remise de prélèvements"
        verbose_name_plural = "remises de prélèvements"
        ordering = ["-date_prelevement", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gt=0) & Q(nombre__gt=0), name="prelevement_non_vide"
            ),
            models.CheckConstraint(
                condition=Q(statut="generee", cloturee_le__isnull=True)
                | Q(statut__in=["encaissee", "annulee"], cloturee_le__isnull=False),
                name="prelevement_statut_date",
            ),
        ]

    def __str__(self):
        return f"Remise du {dates.date_courte(self.date_prelevement)}"

    @property
    def est_ouverte(self) -> bool:
        return self.statut == self.Statut.GENEREE

    @property
    def nom_fichier(self) -> str:
        return f"prelevement-{self.date_prelevement:%Y-%m-%d}-{self.pk}.xml"


class LignePrelevement(models.Model):
    """Une facture dans une remise : son reste dû le jour de la génération, le mandat qui
    l'autorise. `ouverte` suit la remise (vraie tant qu'elle est générée) : une facture n'est
    que dans une remise ouverte à la fois, la base le garantit."""

    prelevement = models.ForeignKey(Prelevement, on_delete=models.CASCADE, related_name="lignes")
    facture = models.ForeignKey(
        Facture, on_delete=models.PROTECT, related_name="lignes_prelevement"
    )
    mandat = models.ForeignKey(MandatSepa, on_delete=models.PROTECT, related_name="lignes")
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2)
    reference = models.CharField("référence de bout en bout", max_length=35)
    ouverte = models.BooleanField("remise en cours", default=True)
    # Set when the batch is cashed: the payment this line became (cancelled if rejected).
    paiement = models.OneToOneField(
        Paiement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ligne_prelevement",
    )

    class Meta:
        verbose_name = "ligne de prélèvement"
        verbose_name_plural = "lignes de prélèvement"
        ordering = ["prelevement", "pk"]
        constraints = [
            models.UniqueConstraint(
                "facture",
                condition=Q(ouverte=True),
                name="prelevement_une_remise_ouverte_par_facture",
                violation_error_message="Cette facture est déjà présentée au prélèvement.",
            ),
            models.CheckConstraint(condition=Q(montant__gt=0), name="prelevement_montant_positif"),
        ]

    def __str__(self):
        return f"{self.montant} € sur {self.facture}"


class Relance(models.Model):
    """Un e-mail de relance envoyé pour une facture en retard (une ligne par facture)."""

    facture = models.ForeignKey(Facture, on_delete=models.PROTECT, related_name="relances")
    envoyee_le = models.DateTimeField("envoyée le", auto_now_add=True)
    destinataires = models.CharField("destinataires", max_length=500)
    reste_du = models.DecimalField("reste dû ce jour-là", max_digits=12, decimal_places=2)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        ordering = ["-envoyee_le", "-pk"]

    def __str__(self):
        return f"Relance {self.facture} du {self.envoyee_le:%d/%m/%Y}"


class LotQuerySet(models.QuerySet):
    def en_cours(self):
        """Pas encore fini : en attente d'un processus de fond, ou en cours."""
        return self.filter(statut__in=Lot.STATUTS_EN_COURS)


class Lot(models.Model):
    """Un travail long lancé depuis une page et suivi par elle (émettre les brouillons d'un
    mois…) : une tâche de fond le fait avancer, la page lit ses compteurs. `faites` compte
    ce qui a réussi, `erreurs` dit en français ce qui n'a pas pu se faire, et pourquoi."""

    class Nature(models.TextChoices):
        EMISSION = "emission", "Émission des brouillons"
        RELANCES = "relances", "Relance des impayés"

    # What the page and the journal count, by nature: done (singular, plural), what the
    # progress bar counts, done in the journal.
    MOTS = {
        "emission": ("émise", "émises", "Brouillons traités", "facture(s) émise(s)"),
        "relances": (
            "client relancé",
            "clients relancés",
            "Clients traités",
            "client(s) relancé(s)",
        ),
    }

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHOUE = "echoue", "Échoué"

    STATUTS_EN_COURS = (Statut.EN_ATTENTE, Statut.EN_COURS)
    # A step (one invoice) takes a second or so: ten minutes without news means the worker
    # that ran it is gone (killed, machine restarted); launching again takes over.
    SANS_NOUVELLES = datetime.timedelta(minutes=10)

    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    mois = models.DateField("mois", null=True, blank=True, help_text="Son premier jour.")
    statut = models.CharField(
        "statut", max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    total = models.PositiveIntegerField("à traiter", default=0)
    faites = models.PositiveIntegerField("faites", default=0)
    erreurs = models.JSONField("erreurs", default=list, blank=True)
    lance_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lancé par",
    )
    # The request that launched it: the journal entries the task writes point back to it.
    request_id = models.CharField("requête", max_length=64, blank=True)
    cree_le = models.DateTimeField("lancé le", auto_now_add=True)
    debut = models.DateTimeField("commencé le", null=True, blank=True)
    fin = models.DateTimeField("fini le", null=True, blank=True)
    # Each step writes it: a lot without news for a while has lost its worker.
    maj_le = models.DateTimeField("dernière nouvelle", null=True, blank=True)
    tache_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)

    objects = LotQuerySet.as_manager()

    class Meta:
        verbose_name = "lot (travail de fond)"
        verbose_name_plural = "lots (travaux de fond)"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            # Two clicks (two tabs, two people) do not start the same work twice.
            models.UniqueConstraint(
                "nature",
                "mois",
                condition=Q(statut__in=["en_attente", "en_cours"], mois__isnull=False),
                name="lot_un_seul_en_cours_par_nature_et_mois",
            ),
            models.UniqueConstraint(
                "nature",
                condition=Q(statut__in=["en_attente", "en_cours"], mois__isnull=True),
                name="lot_un_seul_en_cours_par_nature_sans_mois",
            ),
            models.CheckConstraint(
                condition=Q(faites__lte=F("total")), name="lot_faites_au_plus_total"
            ),
        ]

    def __str__(self):
        return self.libelle

    @property
    def libelle(self) -> str:
        quoi = self.get_nature_display()
        return f"{quoi} de {dates.mois_annee(self.mois)}" if self.mois else quoi

    @property
    def est_fini(self) -> bool:
        return self.statut not in self.STATUTS_EN_COURS

    @property
    def mot_fait(self) -> str:
        singulier, pluriel, *_ = self.MOTS[self.nature]
        return singulier if self.faites == 1 else pluriel

    @property
    def mot_traites(self) -> str:
        return self.MOTS[self.nature][2]

    @property
    def mot_journal(self) -> str:
        return self.MOTS[self.nature][3]

    @property
    def sans_nouvelles(self) -> bool:
        derniere = self.maj_le or self.cree_le
        return (
            not self.est_fini
            and derniere is not None
            and timezone.now() - derniere > self.SANS_NOUVELLES
        )

    @property
    def traites(self) -> int:
        """Réussis ou refusés : ce que la barre d'avancement compte."""
        return self.faites + len(self.erreurs)

    @property
    def etat(self) -> str:
        """Ce que la page a déjà affiché : rien de neuf, rien à renvoyer."""
        muet = "-muet" if self.sans_nouvelles else ""
        return f"{self.statut}-{self.total}-{self.faites}-{len(self.erreurs)}{muet}"
