"""SCIC La Cité PHARES : qui est associé et qui est cogérant (daté), les collèges de vote,
les séances (cogérance mensuelle, assemblées, plénières, réunions thématiques), leurs
présences et procurations, leurs décisions et leurs actions de suivi, le procès-verbal.

Un procès-verbal approuvé ne change plus : la séance, ses présences, son ordre du jour, ses
décisions et leurs votes refusent toute écriture (modèles, gestionnaires, administration en
lecture seule, déclencheurs de la base — migration 0005). On corrige une décision par une
nouvelle décision qui la cite (`Decision.corrige`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

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
    # Optional weighted voting colleges (art. 19 octies of the 1947 law): see College.
    college = models.ForeignKey(
        "College",
        verbose_name="collège de vote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="associes",
    )

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


# --- Collèges de vote ---------------------------------------------------------------------


class College(models.Model):
    """Un collège de vote (facultatif) : les voix des associés d'un collège pèsent `poids` %
    du total en assemblée générale. L'ensemble des collèges se définit d'un coup
    (services.colleges.definir_colleges) : chacun entre 10 et 50 %, somme 100 %."""

    nom = models.CharField("nom", max_length=100)
    poids = models.DecimalField("poids (% des voix)", max_digits=5, decimal_places=2)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    # A college that left the configuration stays, inactive, for the votes it took part in.
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "collège de vote"
        verbose_name_plural = "collèges de vote"
        ordering = ["-actif", "ordre", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poids__gt=0) & Q(poids__lte=100), name="college_poids_pourcentage"
            ),
            models.UniqueConstraint(
                Lower("nom"), condition=Q(actif=True), name="college_nom_unique_parmi_actifs"
            ),
        ]

    def __str__(self):
        return self.nom


# --- Séances --------------------------------------------------------------------------------


class Immuable(Exception):
    """Une écriture visait un procès-verbal approuvé (ou une de ses parties)."""


MESSAGE_IMMUABLE = (
    "Ce procès-verbal est approuvé : il ne se modifie plus. Une correction est une nouvelle "
    "décision, dans une prochaine séance, qui cite celle qu'elle corrige."
)


class SeanceQuerySet(models.QuerySet):
    def approuvees(self):
        return self.filter(statut=Seance.Statut.APPROUVEE)

    def brouillons(self):
        return self.filter(statut=Seance.Statut.BROUILLON)

    def update(self, **kwargs):
        if self.filter(statut=Seance.Statut.APPROUVEE).exists():
            raise Immuable(MESSAGE_IMMUABLE)
        return super().update(**kwargs)

    def delete(self):
        if self.filter(statut=Seance.Statut.APPROUVEE).exists():
            raise Immuable(MESSAGE_IMMUABLE)
        return super().delete()


class Seance(models.Model):
    """Une réunion de la SCIC et, une fois approuvé, son procès-verbal numéroté."""

    class Type(models.TextChoices):
        COGERANCE = "cogerance", "Cogérance mensuelle"
        AGO = "ago", "Assemblée générale ordinaire"
        AGE = "age", "Assemblée générale extraordinaire"
        PLENIERE = "pleniere", "Réunion plénière"
        THEMATIQUE = "thematique", "Réunion thématique"

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", "Procès-verbal en cours"
        APPROUVEE = "approuvee", "Procès-verbal approuvé"

    class Convocation(models.IntegerChoices):
        PREMIERE = 1, "Première convocation"
        SECONDE = 2, "Seconde convocation"

    type = models.CharField("type de séance", max_length=12, choices=Type.choices)
    titre = models.CharField("titre", max_length=200)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin", null=True, blank=True)
    lieu = models.CharField("lieu", max_length=300)
    # A room booked through espaces.services when the meeting is held in the building.
    reservation = models.ForeignKey(
        "espaces.Reservation",
        verbose_name="salle réservée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    convocation = models.PositiveSmallIntegerField(
        "convocation", choices=Convocation.choices, default=Convocation.PREMIERE
    )
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="présidence de séance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    secretaire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="secrétaire de séance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invites = models.TextField("invité·es (sans droit de vote)", max_length=2000, blank=True)
    documents = models.TextField(
        "documents présentés", max_length=5000, blank=True, help_text="Un document par ligne."
    )
    debats = models.TextField("résumé des débats", max_length=20000, blank=True)
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.BROUILLON
    )
    convoquee_le = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    # iCalendar SEQUENCE of the convocation: +1 each time it is sent again after a change.
    sequence = models.PositiveIntegerField("version de la convocation", default=0)
    # Minutes number, given at approval: "PV2015-0007" (year of the meeting, rank).
    annee_pv = models.PositiveSmallIntegerField("année du procès-verbal", null=True, blank=True)
    rang_pv = models.PositiveIntegerField("rang du procès-verbal", null=True, blank=True)
    numero = models.CharField("numéro", max_length=20, null=True, blank=True, unique=True)
    approuvee_le = models.DateTimeField("approuvé le", null=True, blank=True)
    approuvee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SeanceQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-debut", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gt=F("debut")),
                name="seance_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=Q(statut="brouillon")
                | Q(
                    numero__isnull=False,
                    annee_pv__isnull=False,
                    rang_pv__isnull=False,
                    approuvee_le__isnull=False,
                ),
                name="seance_approuvee_numerotee",
            ),
            models.UniqueConstraint(
                "annee_pv", "rang_pv", condition=Q(rang_pv__isnull=False), name="seance_rang_pv"
            ),
        ]
        indexes = [models.Index(fields=["statut", "debut"])]

    def __str__(self):
        return self.titre

    def save(self, *args, **kwargs):
        # The status read from the database (or last saved): a stale copy of a meeting
        # approved meanwhile elsewhere is refused by the database's trigger.
        if getattr(self, "_statut_lu", None) == self.Statut.APPROUVEE:
            raise Immuable(MESSAGE_IMMUABLE)
        super().save(*args, **kwargs)
        self._statut_lu = self.statut

    def delete(self, *args, **kwargs):
        if self.est_approuvee or Seance.objects.filter(pk=self.pk).approuvees().exists():
            raise Immuable(MESSAGE_IMMUABLE)
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._statut_lu = instance.__dict__.get("statut")
        return instance

    @property
    def est_approuvee(self) -> bool:
        return self.statut == self.Statut.APPROUVEE

    @property
    def est_assemblee(self) -> bool:
        return self.type in (self.Type.AGO, self.Type.AGE)

    @property
    def entre_cogerants(self) -> bool:
        """La cogérance réunit les cogérant·es ; les autres séances, les associé·es."""
        return self.type == self.Type.COGERANCE


class PartieQuerySet(models.QuerySet):
    """Ce qui appartient à une séance (présences, points, décisions) : figé avec elle."""

    chemin_statut = "seance__statut"

    def _touche_approuvee(self) -> bool:
        return self.filter(**{self.chemin_statut: Seance.Statut.APPROUVEE}).exists()

    def update(self, **kwargs):
        if self._touche_approuvee():
            raise Immuable(MESSAGE_IMMUABLE)
        return super().update(**kwargs)

    def delete(self):
        if self._touche_approuvee():
            raise Immuable(MESSAGE_IMMUABLE)
        return super().delete()


class VoteQuerySet(PartieQuerySet):
    chemin_statut = "decision__seance__statut"


class PartieDeSeance(models.Model):
    """Refuse save() et delete() quand la séance est approuvée (une requête par écriture : ces
    écritures sont rares et passent par les services)."""

    chemin_seance = "seance_id"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._verifier()
        if self.pk:
            # Moving an item out of an approved meeting is refused too.
            ancien = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list(self.chemin_seance.replace("_id", "") + "__statut", flat=True)
            )
            if Seance.Statut.APPROUVEE in ancien:
                raise Immuable(MESSAGE_IMMUABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._verifier()
        return super().delete(*args, **kwargs)

    def _seance_id(self):
        return getattr(self, self.chemin_seance)

    def _verifier(self):
        seance_id = self._seance_id()
        if seance_id and Seance.objects.filter(pk=seance_id).approuvees().exists():
            raise Immuable(MESSAGE_IMMUABLE)


class Participant(PartieDeSeance):
    """Une ligne de la feuille de présence : un·e cogérant·e (cogérance) ou un·e associé·e
    (assemblées, plénières, réunions thématiques), présent·e, représenté·e par un·e autre
    (procuration), excusé·e ou absent·e."""

    class Presence(models.TextChoices):
        PRESENT = "present", "Présent·e"
        REPRESENTE = "represente", "Représenté·e"
        EXCUSE = "excuse", "Excusé·e"
        ABSENT = "absent", "Absent·e"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="participants")
    associe = models.ForeignKey(
        Associe, on_delete=models.PROTECT, null=True, blank=True, related_name="presences"
    )
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presences_gouvernance",
    )
    # As printed in the minutes (a structure or a person), frozen with them.
    nom = models.CharField("nom", max_length=200)
    college = models.ForeignKey(
        College,
        verbose_name="collège",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presences",
    )
    presence = models.CharField(
        "présence", max_length=12, choices=Presence.choices, default=Presence.ABSENT
    )
    mandataire = models.ForeignKey(
        "self",
        verbose_name="procuration donnée à",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="procurations",
    )
    representant = models.CharField(
        "représenté·e sur place par",
        max_length=200,
        blank=True,
        help_text="Pour une structure : la personne qui la représente.",
    )
    rang = models.PositiveSmallIntegerField("ordre", default=0)

    objects = PartieQuerySet.as_manager()

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["seance", "rang", "nom", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(associe__isnull=False, personne__isnull=True)
                | Q(associe__isnull=True, personne__isnull=False),
                name="participant_associe_ou_personne",
            ),
            models.CheckConstraint(
                condition=Q(presence="represente", mandataire__isnull=False)
                | (~Q(presence="represente") & Q(mandataire__isnull=True)),
                name="participant_procuration_si_represente",
            ),
            models.CheckConstraint(
                condition=~Q(mandataire=F("pk")), name="participant_pas_sa_propre_procuration"
            ),
            models.UniqueConstraint(
                "seance",
                "associe",
                condition=Q(associe__isnull=False),
                name="participant_associe_unique",
            ),
            models.UniqueConstraint(
                "seance",
                "personne",
                condition=Q(personne__isnull=False),
                name="participant_personne_unique",
            ),
        ]

    def __str__(self):
        return f"{self.nom} — {self.get_presence_display()}"

    @property
    def compte(self) -> bool:
        """Présent·e ou représenté·e : compte pour le quorum et peut voter."""
        return self.presence in (self.Presence.PRESENT, self.Presence.REPRESENTE)


class Point(PartieDeSeance):
    """Un point de l'ordre du jour. Sans séance : proposé par un·e associé·e ou un·e
    cogérant·e, il attend la prochaine cogérance, qui le reprend."""

    seance = models.ForeignKey(
        Seance, on_delete=models.CASCADE, null=True, blank=True, related_name="points"
    )
    rang = models.PositiveSmallIntegerField("ordre", default=0)
    titre = models.CharField("point", max_length=200)
    description = models.TextField("précisions", max_length=2000, blank=True)
    # A follow-up item: the open action it reviews.
    action = models.ForeignKey(
        "Action", on_delete=models.RESTRICT, null=True, blank=True, related_name="suivis"
    )
    propose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="proposé par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    propose_le = models.DateTimeField("proposé le", null=True, blank=True)

    objects = PartieQuerySet.as_manager()

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "rang", "pk"]

    def __str__(self):
        return self.titre


class Decision(PartieDeSeance):
    """Une décision de séance : son texte, sa catégorie, son mode (consensus ou vote) et son
    résultat. Sa référence (« 2015-07-D03 ») est donnée à l'approbation du procès-verbal."""

    class Categorie(models.TextChoices):
        BATIMENT = "batiment", "Bâtiment"
        FINANCES = "finances", "Finances"
        RH = "rh", "Ressources humaines"
        PROJETS = "projets", "Projets"
        HABITANTS = "habitants", "Habitants"
        TARIFS = "tarifs", "Tarifs"
        GOUVERNANCE = "gouvernance", "Gouvernance"
        AUTRE = "autre", "Autre"

    class Mode(models.TextChoices):
        CONSENSUS = "consensus", "Consensus"
        VOTE = "vote", "Vote"

    class Resultat(models.TextChoices):
        ADOPTEE = "adoptee", "Adoptée"
        REJETEE = "rejetee", "Rejetée"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="decisions")
    rang = models.PositiveSmallIntegerField("ordre dans la séance", default=0)
    # "2015-07-D03": year and month of the meeting, rank in that month (all meetings).
    reference = models.CharField("référence", max_length=20, null=True, blank=True, unique=True)
    rang_mois = models.PositiveSmallIntegerField("rang dans le mois", null=True, blank=True)
    titre = models.CharField("intitulé", max_length=200)
    texte = models.TextField("texte de la décision", max_length=5000)
    categorie = models.CharField("catégorie", max_length=12, choices=Categorie.choices)
    mode = models.CharField("mode", max_length=10, choices=Mode.choices)
    resultat = models.CharField("résultat", max_length=10, choices=Resultat.choices)
    # Totals (one associate or cogérant, one vote); empty for a consensus.
    pour = models.PositiveIntegerField("pour", null=True, blank=True)
    contre = models.PositiveIntegerField("contre", null=True, blank=True)
    abstention = models.PositiveIntegerField("abstentions", null=True, blank=True)
    # Weighted by college (assemblies with colleges): share of "pour", in % of the weight
    # of the colleges that expressed a vote.
    pour_pondere = models.DecimalField(
        "pour (pondéré, %)", max_digits=7, decimal_places=4, null=True, blank=True
    )
    corrige = models.ForeignKey(
        "self",
        verbose_name="corrige la décision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    cree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    objects = PartieQuerySet.as_manager()

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["seance", "rang", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    mode="consensus",
                    pour__isnull=True,
                    contre__isnull=True,
                    abstention__isnull=True,
                    resultat="adoptee",
                )
                | Q(
                    mode="vote", pour__isnull=False, contre__isnull=False, abstention__isnull=False
                ),
                name="decision_vote_ou_consensus",
            ),
            models.CheckConstraint(
                condition=Q(reference__isnull=True) | Q(rang_mois__isnull=False),
                name="decision_reference_rang",
            ),
            models.CheckConstraint(
                condition=Q(corrige__isnull=True) | ~Q(corrige=F("pk")),
                name="decision_ne_se_corrige_pas_elle_meme",
            ),
        ]

    def __str__(self):
        return f"{self.reference or 'Décision'} — {self.titre}"

    @property
    def est_adoptee(self) -> bool:
        return self.resultat == self.Resultat.ADOPTEE

    @property
    def votants(self) -> int:
        return (self.pour or 0) + (self.contre or 0) + (self.abstention or 0)


class VoteCollege(PartieDeSeance):
    """Le vote d'un collège sur une décision (assemblées avec collèges) ; le nom et le poids du
    collège sont figés avec le procès-verbal."""

    chemin_seance = "decision__seance_id"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes_colleges")
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="votes")
    college_nom = models.CharField("collège", max_length=100)
    poids = models.DecimalField("poids (%)", max_digits=5, decimal_places=2)
    pour = models.PositiveIntegerField("pour", default=0)
    contre = models.PositiveIntegerField("contre", default=0)
    abstention = models.PositiveIntegerField("abstentions", default=0)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = "vote d'un collège"
        verbose_name_plural = "votes des collèges"
        ordering = ["decision", "-poids", "college_nom"]
        constraints = [
            models.UniqueConstraint("decision", "college", name="vote_college_unique"),
        ]

    def __str__(self):
        return f"{self.college_nom} : {self.pour} pour, {self.contre} contre"

    def save(self, *args, **kwargs):
        self._verifier()
        super(PartieDeSeance, self).save(*args, **kwargs)

    def _seance_id(self):
        return (
            Decision._base_manager.filter(pk=self.decision_id)
            .values_list("seance_id", flat=True)
            .first()
        )


class Action(models.Model):
    """Une action de suivi décidée en séance : qui, pour quand, où elle en est. Son statut
    évolue après l'approbation du procès-verbal ; son libellé, son ou sa responsable et son
    échéance restent ceux du procès-verbal."""

    class Statut(models.TextChoices):
        A_FAIRE = "a_faire", "À faire"
        FAIT = "fait", "Fait"
        ABANDONNE = "abandonne", "Abandonné"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(
        Decision,
        verbose_name="décision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="actions",
    )
    libelle = models.CharField("action", max_length=300)
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        on_delete=models.PROTECT,
        related_name="actions_gouvernance",
    )
    echeance = models.DateField("échéance")
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.A_FAIRE
    )
    statut_le = models.DateTimeField("statut changé le", null=True, blank=True)
    statut_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commentaire = models.CharField("commentaire", max_length=500, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "action de suivi"
        verbose_name_plural = "actions de suivi"
        ordering = ["echeance", "pk"]
        indexes = [models.Index(fields=["statut", "echeance"])]

    def __str__(self):
        return self.libelle

    @property
    def est_ouverte(self) -> bool:
        return self.statut == self.Statut.A_FAIRE


class DocumentPv(models.Model):
    """Le PDF du procès-verbal approuvé, tel qu'envoyé : octets et empreinte SHA-256."""

    seance = models.OneToOneField(Seance, on_delete=models.PROTECT, related_name="document")
    contenu = models.BinaryField("contenu")
    sha256 = models.CharField("SHA-256", max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "PDF de procès-verbal"
        verbose_name_plural = "PDF de procès-verbaux"

    def __str__(self):
        return f"PDF {self.seance.numero or self.seance}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise Immuable("Le PDF d'un procès-verbal approuvé ne change pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immuable("Le PDF d'un procès-verbal approuvé ne s'efface pas.")
