"""Le bâtiment : étages, espaces, conventions d'occupation des bureaux et du co-travail.

Les dates des conventions sont incluses aux deux bornes (fin vide = sans terme).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from habitants.models import Structure
from phares.lib import dates


class Batiment(models.Model):
    nom = models.CharField("nom", max_length=200)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    surface_m2 = models.DecimalField(
        "surface totale (m²)", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = "bâtiment"
        verbose_name_plural = "bâtiments"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Etage(models.Model):
    batiment = models.ForeignKey(Batiment, on_delete=models.PROTECT, related_name="etages")
    niveau = models.SmallIntegerField(
        "niveau", help_text="0 = rez-de-chaussée, -1 = rez-de-chaussée bas…"
    )
    nom = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "étage"
        verbose_name_plural = "étages"
        ordering = ["batiment", "niveau"]
        constraints = [
            models.UniqueConstraint(fields=["batiment", "niveau"], name="etage_niveau_unique"),
        ]

    def __str__(self):
        return self.nom


class TypeEspace(models.TextChoices):
    BUREAU = "bureau", "Bureau privatif"
    SALLE_REUNION = "salle_reunion", "Salle de réunion"
    SALLE_FORMATION = "salle_formation", "Salle de formation"
    COTRAVAIL = "cotravail", "Espace de co-travail"
    REFECTOIRE = "refectoire", "Réfectoire"
    CAFETERIA = "cafeteria", "Cafétéria"
    ATELIER = "atelier", "Atelier"
    STOCKAGE = "stockage", "Stockage"
    VESTIAIRE = "vestiaire", "Vestiaire"
    BOUTIQUE = "boutique", "Boutique"


# Free text (equipment, accessibility, notes): a page of text is plenty, and a form that took
# megabytes would fill the database and every page that shows it.
TEXTE_MAX = 2000

# Spaces that are held under an occupancy agreement (rent), not booked by the hour.
TYPES_OCCUPES = (TypeEspace.BUREAU, TypeEspace.COTRAVAIL)


class Espace(models.Model):
    etage = models.ForeignKey(Etage, on_delete=models.PROTECT, related_name="espaces")
    nom = models.CharField("nom", max_length=120)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    type = models.CharField("type", max_length=20, choices=TypeEspace.choices)
    surface_m2 = models.DecimalField(
        "surface (m²)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    capacite = models.PositiveSmallIntegerField("capacité (personnes)", null=True, blank=True)
    nb_postes = models.PositiveSmallIntegerField(
        "nombre de postes",
        null=True,
        blank=True,
        help_text="Pour un espace de co-travail.",
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    equipements = models.TextField("équipements", max_length=TEXTE_MAX, blank=True)
    accessible_pmr = models.BooleanField("accessible en fauteuil roulant", default=False)
    accessibilite = models.TextField("accessibilité (précisions)", max_length=TEXTE_MAX, blank=True)
    photo = models.ImageField("photo", upload_to="espaces/", blank=True)
    archive = models.BooleanField("archivé", default=False)

    class Meta:
        verbose_name = "espace"
        verbose_name_plural = "espaces"
        ordering = ["etage__niveau", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="cotravail") | Q(nb_postes__gte=1),
                name="espace_cotravail_a_des_postes",
                violation_error_message="Un espace de co-travail a au moins un poste.",
            ),
        ]

    def __str__(self):
        return self.nom

    @property
    def est_occupe_par_convention(self) -> bool:
        return self.type in TYPES_OCCUPES


class Convention(models.Model):
    """Convention d'occupation : une structure tient un bureau, ou un poste du co-travail,
    du `debut` à la `fin` (incluse ; vide = sans terme)."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="conventions")
    espace = models.ForeignKey(Espace, on_delete=models.PROTECT, related_name="conventions")
    # 0 for a private office (one holder); 1..nb_postes for a coworking desk. The
    # PostgreSQL exclusion constraint (migration 0002) forbids two overlapping
    # agreements on the same (espace, poste): no double holder, never more than N desks.
    poste = models.PositiveSmallIntegerField("poste", default=0)
    debut = models.DateField("début")
    fin = models.DateField("fin (incluse)", null=True, blank=True)
    montant_mensuel_ht = models.DecimalField(
        "loyer mensuel HT", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    taux_tva = models.DecimalField(
        "taux de TVA (%)", max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    notes = models.TextField("notes", max_length=TEXTE_MAX, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "convention d'occupation"
        verbose_name_plural = "conventions d'occupation"
        ordering = ["espace__nom", "poste", "debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="convention_fin_apres_debut",
                violation_error_message="La fin ne peut pas précéder le début.",
            ),
        ]

    def __str__(self):
        poste = f", poste {self.poste}" if self.poste else ""
        return f"{self.structure} — {self.espace}{poste}"

    def est_active(self, le: datetime.date) -> bool:
        return dates.is_active(self.debut, self.fin, le)
