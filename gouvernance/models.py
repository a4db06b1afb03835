"""SCIC La Cité PHARES : pour l'instant, qui est associé et qui est cogérant, daté.

Les assemblées, décisions et le registre des parts viendront ici.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from habitants.models import Structure


class Associe(models.Model):
    """Qualité d'associé de la SCIC, datée : une structure ou une personne."""

    class Categorie(models.TextChoices):
        # Art. 19 septies of the 1947 law: salariés and bénéficiaires are mandatory.
        SALARIES = "salaries", "Salariés"
        BENEFICIAIRES = "beneficiaires", "Bénéficiaires"
        PARTENAIRES = "partenaires", "Partenaires"
        COLLECTIVITES = "collectivites", "Collectivités publiques"
        AUTRES = "autres", "Autres"

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="qualites_associe"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qualites_associe",
    )
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    entree = models.DateField("entrée")
    sortie = models.DateField("sortie (incluse)", null=True, blank=True)

    class Meta:
        verbose_name = "associé"
        verbose_name_plural = "associés"
        constraints = [
            models.CheckConstraint(
                condition=(Q(structure__isnull=False) & Q(personne__isnull=True))
                | (Q(structure__isnull=True) & Q(personne__isnull=False)),
                name="associe_structure_ou_personne",
                violation_error_message=(
                    "Un associé est une structure ou une personne, pas les deux."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sortie__isnull=True) | Q(sortie__gte=F("entree")),
                name="associe_sortie_apres_entree",
            ),
        ]

    def __str__(self):
        return str(self.structure or self.personne)


class Mandat(models.Model):
    """Mandat daté d'une personne dans la SCIC (cogérance)."""

    class Fonction(models.TextChoices):
        COGERANT = "cogerant", "Cogérant·e"

    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mandats"
    )
    fonction = models.CharField(max_length=20, choices=Fonction.choices, default=Fonction.COGERANT)
    debut = models.DateField("début")
    fin = models.DateField("fin (incluse)", null=True, blank=True)

    class Meta:
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="mandat_fin_apres_debut",
            ),
        ]

    def __str__(self):
        return f"{self.personne} — {self.get_fonction_display()}"
