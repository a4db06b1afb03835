"""Ce que le rapport annuel écrit : la rédaction d'une année (textes éditoriaux, sélection
des paroles et des photos) et ses éditions publiées, figées.

Une édition publiée ne change plus : ses octets, leur SHA-256 et ses chiffres sont gardés
tels quels, et le téléchargement rend exactement ces octets, quoi que deviennent les données
(le modèle refuse, et la base aussi : migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .donnees import Textes

# The editorial texts of a year, in the order of the form and of the report.
CHAMPS_TEXTES = (
    "introduction",
    "mission",
    "habitants",
    "partage",
    "partenaires",
    "gouvernance",
    "ressources_humaines",
    "axe_1",
    "axe_2",
    "axe_3",
    "perspectives",
)
AXES = (1, 2, 3)


class EditionImmuable(Exception):
    """Une édition publiée ne se modifie pas et ne s'efface pas."""


class Redaction(models.Model):
    """Les textes et la sélection du rapport d'une année, que l'équipe tient avant de
    publier. Une par année ; créée préremplie des textes de l'année précédente."""

    annee = models.PositiveSmallIntegerField("année", unique=True)
    introduction = models.TextField("introduction", blank=True)
    mission = models.TextField(
        "mission", blank=True, help_text="La phrase de « Aujourd'hui, le PHARES, c'est »."
    )
    habitants = models.TextField("les habitants du PHARES (introduction)", blank=True)
    partage = models.TextField(
        "tous partagent", blank=True, help_text="Une ligne par élément de la liste."
    )
    partenaires = models.TextField("les partenaires du PHARES", blank=True)
    gouvernance = models.TextField("gouvernance", blank=True)
    ressources_humaines = models.TextField("ressources humaines", blank=True)
    axe_1 = models.TextField("introduction de l'axe 1", blank=True)
    axe_2 = models.TextField("introduction de l'axe 2", blank=True)
    axe_3 = models.TextField("introduction de l'axe 3", blank=True)
    perspectives = models.TextField("perspectives", blank=True)
    # None: the default selection of rassembler() (testimonials marked « dans le rapport »,
    # the year's photos); a list once the team has chosen.
    paroles = models.JSONField("paroles choisies", null=True, blank=True)
    photos = models.JSONField("photos choisies", null=True, blank=True)
    couverture = models.CharField("photo de couverture", max_length=36, blank=True)
    public = models.BooleanField(
        "lisible par les habitants",
        default=False,
        help_text="Les membres des structures hébergées lisent les éditions publiées.",
    )
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )

    class Meta:
        verbose_name = "rédaction du rapport annuel"
        verbose_name_plural = "rédactions du rapport annuel"
        ordering = ["-annee"]

    def __str__(self):
        return f"Rapport annuel {self.annee}"

    def textes(self) -> Textes:
        return textes_de(
            {nom: getattr(self, nom) for nom in CHAMPS_TEXTES},
        )

    def selection(self) -> dict:
        """Ce que rassembler() reçoit en plus des textes."""
        return {
            "paroles": self.paroles,
            "photos": self.photos,
            "couverture": self.couverture or None,
        }


def textes_de(valeurs: dict) -> Textes:
    """Les `Textes` du contrat, depuis les champs à plat (axe_1…) d'une rédaction ou d'une
    édition figée."""
    return Textes(
        **{k: valeurs.get(k, "") for k in CHAMPS_TEXTES if not k.startswith("axe_")},
        axes={n: valeurs.get(f"axe_{n}", "") for n in AXES},
    )


class EditionQuerySet(models.QuerySet):
    def publiees(self):
        return self.filter(statut=Edition.Statut.PUBLIEE)

    def sans_pdf(self):
        # The list pages never need the bytes.
        return self.defer("pdf")


class Edition(models.Model):
    """Une version publiée du rapport d'une année : numérotée (1, 2…) par année, rendue en
    tâche de fond, puis figée."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "Rendu en cours"
        PUBLIEE = "publiee", "Publiée"
        ECHEC = "echec", "Échec"

    annee = models.PositiveSmallIntegerField("année")
    version = models.PositiveIntegerField("version")
    statut = models.CharField(
        "statut", max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    erreur = models.TextField("erreur", blank=True)
    # What was asked at publication (texts and selection), frozen: editing the texts while
    # the task waits does not change this edition.
    textes = models.JSONField("textes", default=dict)
    selection = models.JSONField("sélection", default=dict)
    pdf = models.BinaryField("PDF", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    taille = models.PositiveIntegerField("taille (octets)", default=0)
    chiffres = models.JSONField("chiffres", default=list, blank=True)
    demandee_le = models.DateTimeField("demandée le", auto_now_add=True)
    publiee_le = models.DateTimeField("publiée le", null=True, blank=True)
    publiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publiée par",
    )
    request_id = models.CharField("requête", max_length=64, blank=True)
    tache_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = "édition du rapport annuel"
        verbose_name_plural = "éditions du rapport annuel"
        ordering = ["-annee", "-version"]
        constraints = [
            models.UniqueConstraint("annee", "version", name="rapports_edition_annee_version"),
            models.CheckConstraint(
                condition=~Q(statut="publiee") | (Q(publiee_le__isnull=False) & ~Q(sha256="")),
                name="rapports_edition_publiee_complete",
            ),
        ]

    def __str__(self):
        return f"Rapport annuel {self.annee}, version {self.version}"

    def save(self, *args, **kwargs):
        if self.pk and Edition.objects.filter(pk=self.pk, statut=self.Statut.PUBLIEE).exists():
            raise EditionImmuable("Une édition publiée ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EditionImmuable("Une édition du rapport annuel ne s'efface pas.")

    @property
    def est_finie(self) -> bool:
        return self.statut in (self.Statut.PUBLIEE, self.Statut.ECHEC)

    @property
    def nom_fichier(self) -> str:
        return f"rapport-annuel-{self.annee}-v{self.version}.pdf"

    @property
    def etat(self) -> str:
        """Ce que la page a déjà affiché (htmx : rien de neuf, rien à renvoyer)."""
        return self.statut
