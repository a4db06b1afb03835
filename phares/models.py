from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """Une personne qui se connecte : l'e-mail sert d'identifiant.

    Les rôles ne sont pas des champs : voir phares/roles.py.
    """

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Compteur(models.Model):
    """Dernier numéro attribué d'une série légale (factures, avoirs, procès-verbaux) pour une
    année. Ne s'utilise que par phares.lib.numerotation, dans la transaction de l'émission."""

    serie = models.CharField("série", max_length=20)
    annee = models.PositiveSmallIntegerField("année")
    dernier = models.PositiveIntegerField("dernier numéro attribué", default=0)

    class Meta:
        verbose_name = "compteur de numérotation"
        verbose_name_plural = "compteurs de numérotation"
        constraints = [
            models.UniqueConstraint(fields=["serie", "annee"], name="compteur_serie_annee_unique"),
        ]

    def __str__(self):
        return f"{self.serie} {self.annee} : {self.dernier}"


class JournalImmuable(Exception):
    """Une entrée du journal ne se modifie pas et ne s'efface pas."""


class EntreeJournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmuable("Le journal ne se modifie pas.")

    def delete(self):
        raise JournalImmuable("Le journal ne s'efface pas.")


class EntreeJournal(models.Model):
    """Une opération métier : qui, quand, quoi (opération, objet, avant → après), d'où.

    Écrite par phares.lib.journal.journaliser dans la transaction de l'opération, jamais
    modifiée ni effacée : ni par ce modèle, ni par son gestionnaire, ni par l'administration ;
    sur PostgreSQL un déclencheur le refuse aussi (migration 0004).
    """

    # Indexed with the key in Meta.indexes (journal_le), as are `par` and the filters.
    le = models.DateTimeField("le", default=timezone.now)
    par = models.ForeignKey(
        "User",
        verbose_name="par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # journal_par starts with it
    )
    # Frozen: the journal keeps the name a person had when they acted.
    par_libelle = models.CharField("auteur", max_length=200)
    origine = models.CharField("origine", max_length=40)
    request_id = models.CharField("requête", max_length=64, blank=True)
    operation = models.CharField("opération", max_length=80, db_index=True)
    libelle = models.CharField("action", max_length=300)
    objet_type = models.CharField("type d'objet", max_length=100, blank=True)
    objet_id = models.CharField("identifiant de l'objet", max_length=40, blank=True)
    objet_repr = models.CharField("objet", max_length=200, blank=True)
    # The structure concerned, if any. No foreign key: the kernel does not depend on the
    # habitants app, and structures are never deleted (archived).
    structure_id = models.PositiveBigIntegerField("structure concernée", null=True, blank=True)
    structure_nom = models.CharField("structure", max_length=200, blank=True)
    changements = models.JSONField("avant → après", default=dict, blank=True)

    objects = EntreeJournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"
        ordering = ["-le", "-pk"]
        # The page (phares.journal) reads by keys in the order (-le, -id), filtered or not:
        # each filter has an index that ends with that order, so a page is a walk of LIMIT
        # entries whatever the size of the journal; their first column also gives the
        # filters' choices by a skip scan (phares.journal.filters).
        indexes = [
            models.Index(fields=["-le", "-id"], name="journal_le"),
            models.Index(fields=["objet_type", "objet_id"], name="journal_objet"),
            models.Index(fields=["objet_type", "-le", "-id"], name="journal_type"),
            models.Index(fields=["structure_id", "-le", "-id"], name="journal_structure"),
            models.Index(fields=["par", "-le", "-id"], name="journal_par"),
        ]

    def __str__(self):
        return f"{self.le:%d/%m/%Y %H:%M} {self.par_libelle} : {self.libelle}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalImmuable("Le journal ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuable("Le journal ne s'efface pas.")


class OperationAnnulable(models.Model):
    """Une opération qu'on peut défaire quelques minutes (le bouton « Annuler » de son message) :
    annuler une réservation, retirer un membre, archiver une structure.

    Écrite par phares.lib.annulables.proposer juste après l'opération ; défaite une seule fois
    (`defaite_le`), par qui l'a faite ou par la gestion, avant `expire_le`. Ce que l'app doit
    savoir pour défaire (identifiants, valeurs d'avant) est dans `donnees`. Le bouton porte
    la clé signée (django.core.signing) : une clé inventée ou retouchée n'atteint rien.
    """

    operation = models.CharField("opération", max_length=80)
    donnees = models.JSONField("données pour défaire", default=dict)
    par = models.ForeignKey(
        "User", verbose_name="faite par", on_delete=models.PROTECT, related_name="+"
    )
    le = models.DateTimeField("faite le", default=timezone.now)
    expire_le = models.DateTimeField("annulable jusqu'au")
    defaite_le = models.DateTimeField("défaite le", null=True, blank=True)
    defaite_par = models.ForeignKey(
        "User",
        verbose_name="défaite par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "opération annulable"
        verbose_name_plural = "opérations annulables"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expire_le__gt=models.F("le")),
                name="operation_annulable_delai_positif",
            ),
        ]

    def __str__(self):
        return f"{self.operation} ({self.le:%d/%m/%Y %H:%M})"


class ImportEnAttente(models.Model):
    """Un fichier téléversé, lu et analysé, qui attend d'être confirmé : l'aperçu se relit
    sans renvoyer le fichier. Une personne en a au plus un par type de liste (un nouvel envoi
    remplace le précédent) ; il s'efface à la confirmation, ou au bout d'un jour
    (phares.echanges.views). Sa taille suit celle du fichier, bornée par
    phares.lib.tableurs.TAILLE_MAX et LIGNES_MAX."""

    jeton = models.CharField(max_length=64, unique=True)
    type = models.CharField("liste", max_length=40)
    par = models.ForeignKey("User", on_delete=models.CASCADE, related_name="+")
    cree_le = models.DateTimeField("téléversé le", default=timezone.now)
    nom_fichier = models.CharField("fichier", max_length=200)
    format = models.CharField("format lu", max_length=100)
    colonnes = models.JSONField("colonnes présentes", default=list)
    # [[row number, {column key: text}], …]: what the confirmation analyses again.
    lignes = models.JSONField("lignes", default=list)
    # Erreurs de lecture (formules, en-têtes) : elles ne se recalculent pas sans le fichier.
    erreurs_lecture = models.JSONField("erreurs de lecture", default=list)
    apercu = models.JSONField("aperçu", default=dict)

    class Meta:
        verbose_name = "import en attente"
        verbose_name_plural = "imports en attente"
        constraints = [
            models.UniqueConstraint(fields=["par", "type"], name="import_un_par_personne_et_type"),
        ]

    def __str__(self):
        return f"{self.nom_fichier} ({self.type})"
