"""Le bâtiment et son économie : étages, espaces, conventions d'occupation,
ressources réservables (salles, vélos), réservations, tarifs.

Règle des périodes : les dates (conventions, tarifs) sont incluses aux deux bornes ;
les créneaux horaires (réservations) sont [début, fin[ et stockés en UTC.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from habitants.models import Structure
from phares.lib import dates, temps


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
    equipements = models.TextField("équipements", blank=True)
    accessible_pmr = models.BooleanField("accessible en fauteuil roulant", default=False)
    accessibilite = models.TextField("accessibilité (précisions)", blank=True)
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
    notes = models.TextField("notes", blank=True)
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


class Ressource(models.Model):
    """Ce qui se réserve : une salle partagée (liée à un espace) ou un vélo du parc."""

    class Categorie(models.TextChoices):
        SALLE = "salle", "Salle"
        VELO = "velo", "Vélo"

    categorie = models.CharField("catégorie", max_length=10, choices=Categorie.choices)
    nom = models.CharField("nom", max_length=120)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    espace = models.OneToOneField(
        Espace, on_delete=models.PROTECT, null=True, blank=True, related_name="ressource"
    )
    active = models.BooleanField("réservable", default=True)
    ouverte_aux_externes = models.BooleanField(
        "réservable par des organisations extérieures", default=False
    )
    # Booking rules, set by staff.
    heure_ouverture = models.TimeField("ouverture", default=datetime.time(8, 0))
    heure_fermeture = models.TimeField("fermeture", default=datetime.time(20, 0))
    jours_ouverture = models.CharField(
        "jours d'ouverture",
        max_length=7,
        default="12345",
        help_text="Chiffres des jours ouverts : 1 = lundi … 7 = dimanche.",
    )
    duree_min_minutes = models.PositiveIntegerField("durée minimale (min)", default=30)
    duree_max_minutes = models.PositiveIntegerField("durée maximale (min)", default=600)
    delai_max_jours = models.PositiveIntegerField(
        "réservable jusqu'à (jours à l'avance)", default=180
    )
    preavis_annulation_heures = models.PositiveIntegerField(
        "préavis d'annulation (heures)", default=0
    )
    battement_minutes = models.PositiveIntegerField(
        "battement entre deux réservations (min)",
        default=0,
        help_text="Temps de ménage ou d'installation après chaque réservation.",
    )

    class Meta:
        verbose_name = "ressource réservable"
        verbose_name_plural = "ressources réservables"
        ordering = ["categorie", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(heure_fermeture__gt=F("heure_ouverture")),
                name="ressource_fermeture_apres_ouverture",
                violation_error_message="La fermeture doit suivre l'ouverture.",
            ),
            models.CheckConstraint(
                condition=Q(duree_max_minutes__gte=F("duree_min_minutes")),
                name="ressource_duree_max_apres_min",
                violation_error_message="La durée maximale doit dépasser la durée minimale.",
            ),
            models.CheckConstraint(
                condition=~Q(categorie="salle") | Q(espace__isnull=False),
                name="ressource_salle_a_un_espace",
            ),
        ]

    def __str__(self):
        return self.nom

    @property
    def capacite(self) -> int | None:
        return self.espace.capacite if self.espace_id else None

    def jours(self) -> set[int]:
        return {int(c) for c in self.jours_ouverture if c.isdigit()}


class ClientExterne(models.Model):
    """Organisation extérieure qui loue une salle (assemblée générale, séminaire…)."""

    nom = models.CharField("organisation", max_length=200)
    contact = models.CharField("personne de contact", max_length=200, blank=True)
    email = models.EmailField("e-mail")
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    adresse_facturation = models.TextField("adresse de facturation")

    class Meta:
        verbose_name = "client extérieur"
        verbose_name_plural = "clients extérieurs"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class ReservationQuerySet(models.QuerySet):
    def bloquantes(self):
        return self.filter(statut__in=Reservation.STATUTS_BLOQUANTS)

    def tenant_le_creneau(self, now: datetime.datetime):
        """Bloquantes à l'instant `now` : une demande en attente dont la date limite est
        passée ne tient plus le créneau (reserver la marque expirée au passage)."""
        return self.bloquantes().exclude(statut=Reservation.Statut.EN_ATTENTE, expire_le__lte=now)

    def demandes_en_attente(self, now: datetime.datetime):
        """Demandes extérieures qui attendent encore la décision de l'équipe."""
        return self.filter(statut=Reservation.Statut.EN_ATTENTE, expire_le__gt=now)

    def chevauchant(self, debut: datetime.datetime, fin: datetime.datetime):
        """Réservations dont le créneau bloqué [debut, fin_bloquee[ croise [debut, fin[."""
        return self.filter(debut__lt=fin, fin_bloquee__gt=debut)


class SerieReservations(models.Model):
    """Une récurrence : quotidienne, hebdomadaire ou mensuelle."""

    class Frequence(models.TextChoices):
        QUOTIDIENNE = "quotidienne", "Chaque jour"
        HEBDOMADAIRE = "hebdomadaire", "Chaque semaine"
        MENSUELLE = "mensuelle", "Chaque mois"

    frequence = models.CharField("fréquence", max_length=15, choices=Frequence.choices)
    intervalle = models.PositiveSmallIntegerField(
        "tous les", default=1, validators=[MinValueValidator(1)]
    )
    jusqu_au = models.DateField("jusqu'au (inclus)", null=True, blank=True)
    occurrences = models.PositiveSmallIntegerField("nombre de fois", null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "série de réservations"
        verbose_name_plural = "séries de réservations"

    def __str__(self):
        return f"{self.get_frequence_display()} (série {self.pk})"


class Reservation(models.Model):
    class Statut(models.TextChoices):
        CONFIRMEE = "confirmee", "Confirmée"
        EN_ATTENTE = "en_attente", "En attente"
        ANNULEE = "annulee", "Annulée"
        REFUSEE = "refusee", "Refusée"
        EXPIREE = "expiree", "Expirée"

    STATUTS_BLOQUANTS = (Statut.CONFIRMEE, Statut.EN_ATTENTE)

    ressource = models.ForeignKey(Ressource, on_delete=models.PROTECT, related_name="reservations")
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    # fin + buffer at booking time: the slot the booking really blocks. The
    # PostgreSQL exclusion constraint (migration 0002) works on [debut, fin_bloquee[.
    fin_bloquee = models.DateTimeField(editable=False)
    statut = models.CharField(max_length=12, choices=Statut.choices, default=Statut.CONFIRMEE)
    expire_le = models.DateTimeField("demande valable jusqu'au", null=True, blank=True)
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="reservations"
    )
    externe = models.ForeignKey(
        ClientExterne, on_delete=models.PROTECT, null=True, blank=True, related_name="reservations"
    )
    titre = models.CharField("objet", max_length=200)
    nb_personnes = models.PositiveSmallIntegerField("nombre de personnes", default=1)
    serie = models.ForeignKey(
        SerieReservations,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
    )
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
    )
    cree_le = models.DateTimeField(default=timezone.now)
    annulee_le = models.DateTimeField(null=True, blank=True)
    annulee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What billing needs, frozen at booking time.
    tarif = models.ForeignKey(
        "Tarif", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_facturables = models.PositiveIntegerField(default=0)
    montant_ht = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    taux_tva = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["debut"]
        indexes = [
            models.Index(fields=["ressource", "debut"]),
            models.Index(fields=["structure", "debut"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=F("debut")), name="reservation_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=Q(fin_bloquee__gte=F("fin")), name="reservation_battement_positif"
            ),
            models.CheckConstraint(
                condition=(Q(structure__isnull=False) & Q(externe__isnull=True))
                | (Q(structure__isnull=True) & Q(externe__isnull=False)),
                name="reservation_structure_ou_externe",
            ),
        ]

    def __str__(self):
        return f"{self.ressource} — {self.titre}"

    @property
    def est_active(self) -> bool:
        return self.statut in self.STATUTS_BLOQUANTS

    @property
    def duree_minutes(self) -> int:
        return temps.minutes(self.fin - self.debut)


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
        return f"{self.get_code_display()} : {self.montant_ht} € HT"


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


class JetonCalendrier(models.Model):
    """Secret des flux iCalendar d'une personne (l'URL vaut identification). Stocké haché ;
    révocable ; un seul jeton actif par personne."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jetons_calendrier"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    cree_le = models.DateTimeField(default=timezone.now)
    revoque_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "jeton de calendrier"
        verbose_name_plural = "jetons de calendrier"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoque_le__isnull=True),
                name="jeton_calendrier_un_actif",
            ),
        ]

    def __str__(self):
        return f"Calendrier de {self.user}"
