import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from phares.lib import dates
from phares.lib.jetons import hash_token as hash_token  # re-exported: habitants.services


def validate_siren(value: str) -> None:
    if value and not stdnum_siren.is_valid(value):
        raise ValidationError("Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle).")


def validate_siret(value: str) -> None:
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError("Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle).")


class Domaine(models.Model):
    """Domaine d'activité (liste modifiable par l'équipe)."""

    nom = models.CharField("nom", max_length=120, unique=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "domaine d'activité"
        verbose_name_plural = "domaines d'activité"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


class FormeJuridique(models.TextChoices):
    ASSOCIATION = "association", "Association loi 1901"
    SCOP = "scop", "SCOP"
    SCIC = "scic", "SCIC"
    SARL = "sarl", "SARL"
    SAS = "sas", "SAS / SASU"
    SA = "sa", "SA"
    ENTREPRENEUR = "entrepreneur", "Entrepreneur individuel"
    INTERNATIONALE = "internationale", "Organisation internationale"
    AUTRE = "autre", "Autre"


class StructureQuerySet(models.QuerySet):
    def actives(self):
        """Non archivées."""
        return self.filter(archivee=False)

    def presentes(self, le: datetime.date):
        """Hébergées le jour `le` (arrivée et départ inclus)."""
        return self.filter(dates.active_on(le, "arrivee", "depart"))

    def presentes_entre(self, debut: datetime.date, fin: datetime.date):
        """Hébergées au moins un jour entre `debut` et `fin` (inclus)."""
        return self.filter(arrivee__isnull=False).filter(
            dates.overlapping(debut, fin, "arrivee", "depart")
        )

    def parties(self, le: datetime.date):
        """Plus physiquement dans les locaux au jour `le`."""
        return self.filter(depart__lt=le)


class Structure(models.Model):
    """Une organisation hébergée aujourd'hui ou par le passé (un « habitant »)."""

    nom = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    sigle_developpe = models.CharField("nom développé", max_length=300, blank=True)
    forme_juridique = models.CharField(
        "forme juridique",
        max_length=20,
        choices=FormeJuridique.choices,
        default=FormeJuridique.ASSOCIATION,
    )
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(
        "SIRET du siège ou de l'établissement",
        max_length=14,
        blank=True,
        validators=[validate_siret],
    )
    domaine = models.ForeignKey(
        Domaine,
        verbose_name="domaine d'activité",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
    )
    description = models.TextField("description", max_length=5000, blank=True)
    site_web = models.URLField("site web", blank=True)
    logo = models.ImageField("logo", upload_to="logos/", blank=True)
    email_contact = models.EmailField("e-mail de contact", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    adresse_facturation = models.TextField("adresse de facturation", max_length=500, blank=True)
    email_facturation = models.EmailField("e-mail de facturation", blank=True)
    arrivee = models.DateField("arrivée dans le lieu", null=True, blank=True)
    depart = models.DateField(
        "départ du lieu",
        null=True,
        blank=True,
        help_text="Dernier jour de présence (inclus). Vide si la structure est toujours là.",
    )
    archivee = models.BooleanField("archivée", default=False)
    archivee_le = models.DateTimeField("archivée le", null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depart__isnull=True)
                | Q(arrivee__isnull=False, depart__gte=F("arrivee")),
                name="structure_depart_apres_arrivee",
                violation_error_message="Le départ ne peut pas précéder l'arrivée.",
            ),
            models.UniqueConstraint(
                "siret",
                condition=~Q(siret=""),
                name="structure_siret_unique",
                violation_error_message="Une autre structure porte déjà ce SIRET.",
            ),
            models.UniqueConstraint(
                Lower("nom"),
                name="structure_nom_unique_ci",
                violation_error_message="Une structure porte déjà ce nom.",
            ),
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        super().clean()
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise ValidationError(
                {"siret": "Le SIRET doit commencer par le SIREN de la structure."}
            )

    def est_presente(self, le: datetime.date | None = None) -> bool:
        return dates.is_active(self.arrivee, self.depart, le or timezone.localdate())

    def est_partie(self, le: datetime.date | None = None) -> bool:
        """« ne sont plus physiquement dans les locaux » : dérivé du départ."""
        return self.depart is not None and self.depart < (le or timezone.localdate())

    @property
    def periode(self) -> str:
        return dates.periode(self.arrivee, self.depart)


class MembreQuerySet(models.QuerySet):
    def actifs(self, le: datetime.date | None = None):
        return self.filter(dates.active_on(le or timezone.localdate()))


class Membre(models.Model):
    """Appartenance datée d'une personne à une structure."""

    class Role(models.TextChoices):
        REFERENT = "referent", "Référent·e"
        MEMBRE = "membre", "Membre"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.PROTECT,
        related_name="appartenances",
    )
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.PROTECT, related_name="membres"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.MEMBRE)
    fonction = models.CharField("fonction", max_length=120, blank=True)
    debut = models.DateField("début", default=timezone.localdate)
    fin = models.DateField("fin (incluse)", null=True, blank=True)

    objects = MembreQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["structure__nom", "user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="membre_fin_apres_debut",
            ),
            models.UniqueConstraint(
                fields=["user", "structure"],
                condition=Q(fin__isnull=True),
                name="membre_une_appartenance_ouverte",
                violation_error_message="Cette personne est déjà membre de cette structure.",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.structure}, {self.get_role_display()})"

    @property
    def est_referent(self) -> bool:
        return self.role == self.Role.REFERENT


class InvitationQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(
            acceptee_le__isnull=True, annulee_le__isnull=True, expire_le__gt=timezone.now()
        )


class Invitation(models.Model):
    """Invitation par e-mail à rejoindre une structure. Le jeton n'est stocké que haché."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse e-mail")
    role = models.CharField(
        "rôle", max_length=10, choices=Membre.Role.choices, default=Membre.Role.MEMBRE
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_envoyees"
    )
    creee_le = models.DateTimeField(default=timezone.now)
    expire_le = models.DateTimeField()
    acceptee_le = models.DateTimeField(null=True, blank=True)
    acceptee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_acceptees",
    )
    annulee_le = models.DateTimeField(null=True, blank=True)
    # Set when the mail server refused the e-mail (sent after commit): the page offers to resend.
    envoi_echoue_le = models.DateTimeField("échec de l'envoi", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-creee_le"]
        constraints = [
            models.UniqueConstraint(
                "structure",
                Lower("email"),
                condition=Q(acceptee_le__isnull=True, annulee_le__isnull=True),
                name="invitation_une_seule_en_attente",
            ),
        ]

    def __str__(self):
        return f"Invitation de {self.email} dans {self.structure}"

    @property
    def est_valide(self) -> bool:
        return (
            self.acceptee_le is None and self.annulee_le is None and self.expire_le > timezone.now()
        )


# Years a declaration may cover (the chiffres_annee_plausible constraint).
ANNEE_MIN, ANNEE_MAX = 1990, 2100
# The yearly figures the report sums, in the order forms and tables show them.
CHIFFRES_FIELDS = ("emplois_permanents", "salaries_insertion", "services_civiques", "benevoles")


class ChiffresAnnuels(models.Model):
    """Effectifs déclarés par une structure pour une année civile."""

    class Statut(models.TextChoices):
        DECLARE = "declare", "Déclaré"
        VALIDE = "valide", "Validé"

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="chiffres")
    annee = models.PositiveSmallIntegerField("année")
    emplois_permanents = models.PositiveIntegerField("emplois permanents")
    salaries_insertion = models.PositiveIntegerField("salariés en insertion")
    services_civiques = models.PositiveIntegerField("volontaires en service civique")
    benevoles = models.PositiveIntegerField("bénévoles")
    commentaire = models.TextField("commentaire", max_length=2000, blank=True)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.DECLARE)
    declare_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declare_le = models.DateTimeField("déclaré le", default=timezone.now)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valide_le = models.DateTimeField("validé le", null=True, blank=True)

    class Meta:
        verbose_name = "chiffres annuels"
        verbose_name_plural = "chiffres annuels"
        ordering = ["structure__nom", "-annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "annee"],
                name="chiffres_un_par_structure_et_annee",
                violation_error_message="Les chiffres de cette année sont déjà déclarés.",
            ),
            models.CheckConstraint(
                condition=Q(annee__gte=ANNEE_MIN, annee__lte=ANNEE_MAX),
                name="chiffres_annee_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.structure} — {self.annee}"
