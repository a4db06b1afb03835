"""Le bâtiment : étages, espaces, conventions d'occupation des bureaux et du co-travail.

Les dates des conventions sont incluses aux deux bornes (fin vide = sans terme).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
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

# Every floor is drawn on the same grid (a cell is about a metre): positions are checked by
# the database, and the plans of the floors compare at a glance.
PLAN_COLONNES = 40
PLAN_LIGNES = 24


@dataclass(frozen=True)
class Rectangle:
    """La place d'un espace sur le plan de son étage, en cases (colonne et ligne à partir
    de 0, en haut à gauche)."""

    x: int
    y: int
    largeur: int
    hauteur: int

    def chevauche(self, autre: Rectangle) -> bool:
        """Deux espaces qui se touchent par un côté ne se chevauchent pas."""
        return (
            self.x < autre.x + autre.largeur
            and autre.x < self.x + self.largeur
            and self.y < autre.y + autre.hauteur
            and autre.y < self.y + self.hauteur
        )

    @property
    def dans_la_grille(self) -> bool:
        return (
            self.x >= 0
            and self.y >= 0
            and self.largeur >= 1
            and self.hauteur >= 1
            and self.x + self.largeur <= PLAN_COLONNES
            and self.y + self.hauteur <= PLAN_LIGNES
        )


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
    # Its place on the plan of its floor, in grid cells (all four, or none: not placed yet).
    plan_x = models.PositiveSmallIntegerField("colonne sur le plan", null=True, blank=True)
    plan_y = models.PositiveSmallIntegerField("ligne sur le plan", null=True, blank=True)
    plan_largeur = models.PositiveSmallIntegerField("largeur sur le plan", null=True, blank=True)
    plan_hauteur = models.PositiveSmallIntegerField("hauteur sur le plan", null=True, blank=True)

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
            models.CheckConstraint(
                condition=Q(
                    plan_x__isnull=True,
                    plan_y__isnull=True,
                    plan_largeur__isnull=True,
                    plan_hauteur__isnull=True,
                )
                # NULL passes a CHECK: the second branch says "not null" itself.
                | Q(
                    plan_x__isnull=False,
                    plan_y__isnull=False,
                    plan_largeur__isnull=False,
                    plan_hauteur__isnull=False,
                    plan_x__gte=0,
                    plan_y__gte=0,
                    plan_largeur__gte=1,
                    plan_hauteur__gte=1,
                    plan_x__lte=PLAN_COLONNES - F("plan_largeur"),
                    plan_y__lte=PLAN_LIGNES - F("plan_hauteur"),
                ),
                name="espace_plan_dans_la_grille",
                violation_error_message=(
                    f"La place d'un espace sur le plan : quatre nombres (colonne, ligne, largeur, "
                    f"hauteur), dans la grille de {PLAN_COLONNES} × {PLAN_LIGNES} cases."
                ),
            ),
        ]

    def __str__(self):
        return self.nom

    @property
    def est_occupe_par_convention(self) -> bool:
        return self.type in TYPES_OCCUPES

    @property
    def plan(self) -> Rectangle | None:
        if self.plan_x is None:
            return None
        return Rectangle(self.plan_x, self.plan_y, self.plan_largeur, self.plan_hauteur)


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
