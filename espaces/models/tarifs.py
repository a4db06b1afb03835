"""Les tarifs datés, les forfaits d'heures de salle et les consommations (affranchissement,
impression).

Les dates sont incluses aux deux bornes (fin vide = en cours).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from habitants.models import Structure
from phares.lib.money import format_prix_unitaire, round_cents

from .reservations import Ressource


class Tarif(models.Model):
    """Prix HT daté. Un tarif peut viser une ressource précise (salle) ou valoir pour toutes."""

    class Code(models.TextChoices):
        BUREAU_M2_MOIS = "bureau_m2_mois", "Bureau privatif, par m² et par mois"
        POSTE_COTRAVAIL_MOIS = "poste_cotravail_mois", "Poste de co-travail, par mois"
        SALLE_HEURE = "salle_heure", "Salle, à l'heure"
        SALLE_DEMI_JOURNEE = "salle_demi_journee", "Salle, à la demi-journée"
        SALLE_JOURNEE = "salle_journee", "Salle, à la journée"
        SALLE_HABITANT_HEURE = (
            "salle_habitant_heure",
            "Salle, à l'heure au-delà du forfait habitant",
        )
        VELO_HEURE = "velo_heure", "Vélo, à l'heure"
        AFFRANCHISSEMENT = "affranchissement", "Affranchissement, à l'unité"
        IMPRESSION = "impression", "Impression, à la page"
        # Only its VAT rate (and exemption) is read: the price is each share of the position.
        EMPLOI_MUTUALISE = (
            "emploi_mutualise",
            "Emploi mutualisé refacturé (TVA seulement : le prix est la part du poste)",
        )

    code = models.CharField("tarif", max_length=30, choices=Code.choices)
    ressource = models.ForeignKey(
        Ressource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tarifs",
        help_text="Vide : vaut pour toutes les ressources.",
    )
    montant_ht = models.DecimalField(
        "montant HT", max_digits=12, decimal_places=4, validators=[MinValueValidator(0)]
    )
    taux_tva = models.DecimalField(
        "taux de TVA (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    debut = models.DateField("valable du")
    fin = models.DateField("au (inclus)", null=True, blank=True)
    # Printed on every invoice line at 0 % VAT billed under this tariff (French law asks
    # for the legal basis of an exemption); empty: the cooperative's default mention.
    mention_exoneration = models.CharField(
        "base légale de l'exonération de TVA",
        max_length=200,
        blank=True,
        help_text="Si le taux est 0 % : « Exonération de TVA – art. 261 D 2° du CGI ».",
    )

    class Meta:
        verbose_name = "tarif"
        verbose_name_plural = "tarifs"
        ordering = ["code", "-debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="tarif_fin_apres_debut",
                violation_error_message="La fin ne peut pas précéder le début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_code_display()} : {format_prix_unitaire(self.montant_ht)} HT"


class ForfaitSalles(models.Model):
    """Heures de salle incluses par mois pour une structure, partagées par ses membres."""

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="forfaits_salles"
    )
    heures_par_mois = models.PositiveIntegerField(
        "heures incluses par mois", help_text="0 = illimité."
    )
    debut = models.DateField("du")
    fin = models.DateField("au (inclus)", null=True, blank=True)

    class Meta:
        verbose_name = "forfait de salles"
        verbose_name_plural = "forfaits de salles"
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="forfait_fin_apres_debut",
            ),
        ]

    def __str__(self):
        return f"{self.structure} : {self.heures_par_mois} h/mois"


class Consommation(models.Model):
    """Service mutualisé consommé (affranchissement, impression), à facturer."""

    class Service(models.TextChoices):
        AFFRANCHISSEMENT = "affranchissement", "Affranchissement"
        IMPRESSION = "impression", "Impression"

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="consommations")
    service = models.CharField("service", max_length=20, choices=Service.choices)
    date = models.DateField("date")
    quantite = models.PositiveIntegerField("quantité", validators=[MinValueValidator(1)])
    prix_unitaire_ht = models.DecimalField("prix unitaire HT", max_digits=12, decimal_places=4)
    taux_tva = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    tarif = models.ForeignKey(
        Tarif, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commentaire = models.CharField("commentaire", max_length=200, blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saisi_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "consommation"
        verbose_name_plural = "consommations"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.structure} — {self.quantite} × {self.get_service_display()}"

    @property
    def montant_ht(self) -> Decimal:
        """Quantité × prix unitaire figé, arrondi au centime (comme une ligne de facture)."""
        return round_cents(self.quantite * self.prix_unitaire_ht)
