"""Les réservations : ressources réservables (salles, vélos) et leurs règles, clients
extérieurs, séries, réservations.

Les créneaux sont [début, fin[ et stockés en UTC.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from habitants.models import Structure
from phares.lib import temps
from phares.lib.money import Montant

from .batiment import Espace


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
    # Bounded: the anonymous request form took 4.9 MB here. Django checks a TextField's
    # max_length in forms only: the validator makes full_clean() (the services) check it.
    adresse_facturation = models.TextField(
        "adresse de facturation", max_length=500, validators=[MaxLengthValidator(500)]
    )

    class Meta:
        verbose_name = "client extérieur"
        verbose_name_plural = "clients extérieurs"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


# The longest slot one booking may block, battement included: a booking fits in one day
# (at most 24 h by the rooms' rules, RegleForm.MAXIMA) and its battement is at most 24 h.
# Written down so that an overlap lookup is bounded on both sides of `debut`: whatever
# blocks part of [a, b[ starts after a - DUREE_BLOQUEE_MAX, so the lookup is a range scan
# on the (ressource, debut) or (debut) index, the same cost at 1,000 or 100,000 bookings
# (docs/decisions.md, « Disponibilités qui ne grandissent pas avec l'historique »).
# The services refuse more (EspacesError), and so does the database (constraint below).
DUREE_BLOQUEE_MAX = datetime.timedelta(hours=48)


class SecondesBloquees(Func):
    """fin_bloquee - debut en secondes, écrit avec les fonctions natives de chaque base :
    sur SQLite, l'écriture de Django (une fonction Python qu'il déclare à chaque connexion)
    ferait refuser toute écriture dans la table à un autre client (sqlite3, une
    restauration) ; strftime('%s') est natif et déterministe, permis dans un CHECK."""

    output_field = IntegerField()

    def __init__(self, **extra):
        super().__init__(F("debut"), F("fin_bloquee"), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        debut, params_debut = compiler.compile(self.source_expressions[0])
        fin, params_fin = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = (
                f"(CAST(strftime('%%s', {fin}) AS INTEGER)"
                f" - CAST(strftime('%%s', {debut}) AS INTEGER))"
            )
        else:
            sql = f"EXTRACT(EPOCH FROM ({fin} - {debut}))"
        return sql, (*params_fin, *params_debut)


def _echues(now: datetime.datetime) -> Q:
    """Demandes en attente dont la date limite est passée à `now` (Reservation.est_expiree,
    en base)."""
    return Q(statut=Reservation.Statut.EN_ATTENTE, expire_le__lte=now)


class ReservationQuerySet(models.QuerySet):
    def confirmees(self):
        """Ce qui tient un créneau : seules les réservations confirmées (une demande en
        attente ne retient rien, voir docs/decisions.md, « Demandes extérieures »)."""
        return self.filter(statut=Reservation.Statut.CONFIRMEE)

    def actives(self):
        """Confirmées ou en attente : ce qui peut encore être annulé ou décidé."""
        return self.filter(statut__in=Reservation.STATUTS_ACTIFS)

    def demandes_en_attente(self, now: datetime.datetime):
        """Demandes extérieures qui attendent encore la décision de l'équipe à `now` (pas
        les échues, même non marquées : voir Reservation.statut_effectif)."""
        return self.filter(statut=Reservation.Statut.EN_ATTENTE).exclude(_echues(now))

    def expirees(self, now: datetime.datetime):
        """Demandes expirées à `now` : marquées, ou échues et pas encore marquées."""
        return self.filter(Q(statut=Reservation.Statut.EXPIREE) | _echues(now))

    def a_marquer_expirees(self, now: datetime.datetime):
        """Demandes échues que rien n'a encore marquées « expirées »."""
        return self.filter(_echues(now))

    def de_statut(self, statut: str, now: datetime.datetime):
        """Au statut effectif `statut` à `now` (Reservation.statut_effectif) : le filtre des
        listes dit ce que disent les lignes et les fiches."""
        Statut = Reservation.Statut
        if statut == Statut.EN_ATTENTE:
            return self.demandes_en_attente(now)
        if statut == Statut.EXPIREE:
            return self.expirees(now)
        return self.filter(statut=statut)

    def chevauchant(self, debut: datetime.datetime, fin: datetime.datetime):
        """Réservations dont le créneau bloqué [debut, fin_bloquee[ croise [debut, fin[ (en
        mémoire : Reservation.chevauche). Borné des deux côtés sur `debut` (voir
        DUREE_BLOQUEE_MAX) : un parcours d'index, quelle que soit la taille de l'historique."""
        return self.filter(
            debut__lt=fin, debut__gt=debut - DUREE_BLOQUEE_MAX, fin_bloquee__gt=debut
        )

    def pas_finies(self, now: datetime.datetime):
        """Pas encore finies à `now` (une réunion en cours aussi), bornées comme
        `chevauchant` : une réservation qui finit après `now` a commencé après
        now - DUREE_BLOQUEE_MAX."""
        return self.filter(fin__gt=now, debut__gt=now - DUREE_BLOQUEE_MAX)

    def en_cours(self, now: datetime.datetime):
        """Commencées à `now` et pas finies : les premières des « pas finies », avant les
        `a_venir`, dans la fenêtre bornée de `pas_finies`."""
        return self.pas_finies(now).filter(debut__lte=now)

    def a_venir(self, now: datetime.datetime):
        """Pas encore commencées : les « pas finies » qui suivent les `en_cours`. Une seule
        borne, sur `debut` : la base l'estime bien et lit l'index (debut) dans l'ordre (avec
        `fin > now` en plus, elle croyait n'en trouver que quelques-unes et les triait
        toutes)."""
        return self.filter(debut__gt=now)

    def finies(self, now: datetime.datetime):
        """Finies à `now` ; la borne redite sur `debut` (début < fin ≤ now) fait partir le
        parcours de l'index (debut) de `now`, pas des réservations à venir."""
        return self.filter(fin__lte=now, debut__lt=now)

    def a_venir_puis_passees(self, now: datetime.datetime):
        """L'ordre des listes : à venir (pas encore finies) de la plus proche à la plus
        lointaine, puis passées de la plus récente à la plus ancienne ; à début égal, par
        clé, pour qu'une page ne change pas d'ordre d'un affichage à l'autre."""
        a_venir = Q(fin__gt=now)
        return self.annotate(
            _passee=Case(When(a_venir, then=Value(0)), default=Value(1)),
            _debut_a_venir=Case(When(a_venir, then=F("debut"))),
            _debut_passe=Case(When(~a_venir, then=F("debut"))),
        ).order_by("_passee", F("_debut_a_venir").asc(), F("_debut_passe").desc(), "pk")


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
    # Empty when the system created it (a command).
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
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

    STATUTS_ACTIFS = (Statut.CONFIRMEE, Statut.EN_ATTENTE)

    ressource = models.ForeignKey(
        Ressource,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name="salle ou vélo",
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    # fin + buffer at booking time: the slot the booking really blocks. The
    # PostgreSQL exclusion constraint (migrations 0002, 0004) works on [debut, fin_bloquee[
    # of confirmed bookings.
    fin_bloquee = models.DateTimeField(editable=False)
    statut = models.CharField(
        "statut", max_length=12, choices=Statut.choices, default=Statut.CONFIRMEE
    )
    expire_le = models.DateTimeField("demande valable jusqu'au", null=True, blank=True)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name="structure",
    )
    externe = models.ForeignKey(
        ClientExterne,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name="organisation extérieure",
    )
    titre = models.CharField("objet", max_length=200)
    # A public request's words to the team (set-up, equipment, arrival time…). Bounded like
    # every free text of the anonymous form; the validator makes full_clean() check it too.
    message = models.TextField(
        "message", max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    nb_personnes = models.PositiveSmallIntegerField("nombre de personnes", default=1)
    serie = models.ForeignKey(
        SerieReservations,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
    )
    # Empty for a public request (no account) or a booking made by the system.
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name="réservée par",
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    annulee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annulée par",
    )
    # Public requests: keyed hash of the visitor's IP address (phares.lib.reseau), never
    # the address, to bound the requests of one connection.
    empreinte_ip = models.CharField(max_length=64, blank=True, editable=False)
    # What billing needs, frozen at booking time.
    tarif = models.ForeignKey(
        "Tarif",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tarif",
    )
    minutes_facturables = models.PositiveIntegerField("minutes facturables", default=0)
    montant_ht = models.DecimalField(
        "montant HT", max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    taux_tva = models.DecimalField(
        "taux de TVA (%)", max_digits=5, decimal_places=2, default=Decimal("0.00")
    )
    # iCalendar SEQUENCE: +1 on every change (moved, cancelled, decided, expired), so that a
    # calendar which imported the event replaces it instead of keeping the old version.
    sequence = models.PositiveIntegerField("version", default=0, editable=False)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["debut"]
        # Each ordering and filter of the lists has its index, the key as the tie-break of
        # equal starts (ordered pages); the overlap lookups use the first three (see
        # DUREE_BLOQUEE_MAX). Plans at 100,000 bookings: bench/plans/.
        indexes = [
            models.Index(fields=["ressource", "debut", "id"], name="reservation_ressource_debut"),
            models.Index(fields=["structure", "debut", "id"], name="reservation_structure_debut"),
            models.Index(fields=["debut", "id"], name="reservation_debut"),
            models.Index(fields=["statut", "debut", "id"], name="reservation_statut_debut"),
            # The pending requests (dashboard count, the list to decide): a few rows, never
            # the whole table.
            models.Index(
                fields=["expire_le", "id"],
                condition=Q(statut="en_attente"),
                name="reservation_en_attente",
            ),
            models.Index(fields=["empreinte_ip", "cree_le"], name="reservation_empreinte_ip"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=F("debut")), name="reservation_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=Q(fin_bloquee__gte=F("fin")), name="reservation_battement_positif"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    SecondesBloquees(), int(DUREE_BLOQUEE_MAX.total_seconds())
                ),
                name="reservation_duree_bloquee_bornee",
                violation_error_message=(
                    "Une réservation bloque 48 heures au plus, battement compris."
                ),
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
        return self.statut in self.STATUTS_ACTIFS

    def est_expiree(self, now: datetime.datetime | None = None) -> bool:
        """Expirée à `now` (maintenant par défaut, pour les gabarits) : marquée, ou demande
        en attente dont la date limite est passée. Le marquage attend la demande ou la
        décision suivante (une page lue n'écrit rien) : d'ici là, c'est ceci qui le dit."""
        if self.statut == self.Statut.EXPIREE:
            return True
        now = now or timezone.now()
        return (
            self.statut == self.Statut.EN_ATTENTE
            and self.expire_le is not None
            and self.expire_le <= now
        )

    def statut_effectif(self, now: datetime.datetime | None = None) -> "Reservation.Statut":
        """Le statut à `now`, tel que le montrent les pages (`.label`) et que le filtre des
        listes le cherche (ReservationQuerySet.de_statut)."""
        if self.est_expiree(now):
            return self.Statut.EXPIREE
        return self.Statut(self.statut)

    def refus_changement(
        self, now: datetime.datetime, *, pour: str = "modifiée ni annulée"
    ) -> str | None:
        """Pourquoi elle ne peut plus être `pour` (modifiée, annulée) : demande expirée,
        réservation annulée, refusée ou passée ; None si elle peut encore changer. La seule
        écriture de la règle (services, fiche, pages de modification et d'annulation) ; le
        préavis et qui agit sont à part."""
        if self.est_expiree(now):
            return "Cette demande a expiré : elle n'attend plus de réponse."
        if self.statut == self.Statut.ANNULEE and pour == "annulée":  # a second click
            return "Cette réservation est déjà annulée : elle n'est plus active."
        if not self.est_active:
            return (
                f"Cette réservation est {self.get_statut_display().lower()} : "
                f"elle ne peut plus être {pour}."
            )
        if self.fin <= now:
            return f"Cette réservation est passée : elle ne peut plus être {pour}."
        return None

    def chevauche(self, debut: datetime.datetime, fin: datetime.datetime) -> bool:
        """Son créneau bloqué [debut, fin_bloquee[ croise [debut, fin[ : la règle de
        ReservationQuerySet.chevauchant, pour des réservations déjà lues."""
        return self.debut < fin and self.fin_bloquee > debut

    @property
    def montant(self) -> Montant:
        """HT, TVA et TTC figés à la réservation."""
        return Montant.depuis_ht(self.montant_ht, self.taux_tva)

    @property
    def duree_minutes(self) -> int:
        return temps.minutes(self.fin - self.debut)

    def dans_le_preavis(self, now: datetime.datetime) -> bool:
        """Trop tard pour annuler ou déplacer sans l'équipe : le début est plus proche que
        le préavis d'annulation de la ressource. La seule écriture de la règle (services,
        page de confirmation)."""
        preavis = datetime.timedelta(hours=self.ressource.preavis_annulation_heures)
        return self.debut - now < preavis
