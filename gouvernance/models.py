"""SCIC La Cité PHARES : registre des associés (datés, avec leur catégorie), capital en parts
sociales (grand livre en ajout seul), mandats datés (cogérance, conseil…), postes dédiés au
pôle (ETP), collèges de vote, séances (cogérance mensuelle, assemblées, plénières, réunions
thématiques), leurs présences et procurations, leurs décisions et leurs actions de suivi, le
procès-verbal.

Un procès-verbal approuvé ne change plus : la séance, ses présences, son ordre du jour, ses
décisions et leurs votes refusent toute écriture (modèles, gestionnaires, administration en
lecture seule, déclencheurs de la base). On corrige une décision par une nouvelle décision
qui la cite (`Decision.corrige`). La décision qui admet un associé est une référence en texte
(`decision_admission_ref`, « 2015-07-D03 »), celle du registre des décisions.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from habitants.models import Structure


class Associe(models.Model):
    """Qualité d'associé de la SCIC, datée : une structure (hébergée ou partenaire,
    représentée par une personne), une personne inscrite, ou une personne nommée sans compte."""

    class Categorie(models.TextChoices):
        # Art. 19 septies of the 1947 law: salariés and bénéficiaires are mandatory.
        SALARIES = "salaries", "Salariés"
        BENEFICIAIRES = "beneficiaires", "Bénéficiaires"
        PARTENAIRES = "partenaires", "Partenaires"
        COLLECTIVITES = "collectivites", "Collectivités publiques"
        AUTRES = "autres", "Autres"

    class MotifSortie(models.TextChoices):
        DEMISSION = "demission", "Démission"
        PERTE_QUALITE = (
            "perte_qualite",
            "Perte de la qualité requise (départ du lieu, fin de contrat…)",
        )
        EXCLUSION = "exclusion", "Exclusion"
        DECES_DISSOLUTION = "deces_dissolution", "Décès ou dissolution"
        AUTRE = "autre", "Autre motif"

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
    # A natural person without an account (a founder, a partner's volunteer…).
    nom = models.CharField("nom (personne sans compte)", max_length=200, blank=True)
    representant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representations_associe",
        verbose_name="représentant·e",
    )
    representant_nom = models.CharField("représentant·e (nom)", max_length=200, blank=True)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    entree = models.DateField("entrée")
    sortie = models.DateField("sortie (incluse)", null=True, blank=True)
    motif_sortie = models.CharField(
        "motif de sortie", max_length=20, choices=MotifSortie.choices, blank=True
    )
    precisions_sortie = models.CharField("précisions sur la sortie", max_length=500, blank=True)
    # Until meetings and decisions are linked here: "2015-07-D03".
    decision_admission_ref = models.CharField("décision d'admission", max_length=40, blank=True)
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
                condition=(Q(structure__isnull=False) & Q(personne__isnull=True) & Q(nom=""))
                | (Q(structure__isnull=True) & Q(personne__isnull=False) & Q(nom=""))
                | (Q(structure__isnull=True) & Q(personne__isnull=True) & ~Q(nom="")),
                name="associe_une_seule_identite",
                violation_error_message=(
                    "Un associé est une structure, une personne inscrite ou un nom : un seul."
                ),
            ),
            models.CheckConstraint(
                condition=Q(structure__isnull=False)
                | (Q(representant__isnull=True) & Q(representant_nom="")),
                name="associe_representant_d_une_structure",
                violation_error_message="Seule une structure a un·e représentant·e.",
            ),
            models.CheckConstraint(
                condition=Q(representant__isnull=True) | Q(representant_nom=""),
                name="associe_un_seul_representant",
                violation_error_message=(
                    "Une personne inscrite ou un nom pour le représentant, pas les deux."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sortie__isnull=True) | Q(sortie__gte=F("entree")),
                name="associe_sortie_apres_entree",
            ),
            models.CheckConstraint(
                condition=(Q(sortie__isnull=True) & Q(motif_sortie=""))
                | (Q(sortie__isnull=False) & ~Q(motif_sortie="")),
                name="associe_motif_de_sortie",
                violation_error_message="Une sortie a un motif, et seulement une sortie.",
            ),
        ]

    def __str__(self):
        if self.structure_id:
            return str(self.structure)
        if self.personne_id:
            return self.personne.display_name
        return self.nom

    @property
    def representant_libelle(self) -> str:
        if self.representant_id:
            return self.representant.display_name
        return self.representant_nom

    def est_associe_le(self, le) -> bool:
        return self.entree <= le and (self.sortie is None or self.sortie >= le)


class Mandat(models.Model):
    """Mandat daté d'une personne dans la SCIC. Un mandat de cogérant·e en cours donne les
    droits de la gouvernance (gouvernance.roles.is_cogerant)."""

    class Fonction(models.TextChoices):
        COGERANT = "cogerant", "Cogérant·e"
        PRESIDENT = "president", "Président·e"
        VICE_PRESIDENT = "vice_president", "Vice-président·e"
        TRESORIER = "tresorier", "Trésorier·e"
        SECRETAIRE = "secretaire", "Secrétaire"
        MEMBRE_CONSEIL = "membre_conseil", "Membre du conseil"

    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mandats"
    )
    fonction = models.CharField(
        "fonction", max_length=20, choices=Fonction.choices, default=Fonction.COGERANT
    )
    debut = models.DateField("début")
    fin = models.DateField("fin (incluse)", null=True, blank=True)
    # Until decisions are linked here: "AG du 12 juin 2014, décision 2014-06-D02".
    designe_par = models.CharField("désigné·e par", max_length=200, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=200, blank=True)

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


# --- Capital -------------------------------------------------------------------------


class DemandeRetrait(models.Model):
    """Demande de remboursement de parts d'un associé (retrait partiel, ou sortie). Elle
    attend son remboursement (un mouvement du grand livre qui la cite) ou son annulation."""

    associe = models.ForeignKey(
        Associe, on_delete=models.PROTECT, related_name="demandes_retrait", verbose_name="associé"
    )
    date = models.DateField("reçue le")
    parts = models.PositiveIntegerField("parts à rembourser")
    motif = models.CharField("motif", max_length=500, blank=True)
    annulee_le = models.DateField("annulée le", null=True, blank=True)
    motif_annulation = models.CharField("motif de l'annulation", max_length=500, blank=True)
    enregistree_le = models.DateTimeField("enregistrée le", default=timezone.now)
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "demande de retrait"
        verbose_name_plural = "demandes de retrait"
        constraints = [
            models.CheckConstraint(condition=Q(parts__gt=0), name="demande_retrait_parts"),
            models.CheckConstraint(
                condition=Q(annulee_le__isnull=True) | ~Q(motif_annulation=""),
                name="demande_retrait_annulation_motivee",
            ),
        ]

    def __str__(self):
        return f"Retrait de {self.parts} part(s) — {self.associe}"


class Immuable(Exception):
    """Une écriture visait ce qui ne change plus : le grand livre du capital, ou un
    procès-verbal approuvé (ou une de ses parties)."""


class MouvementCapitalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Immuable("Un mouvement de capital ne se modifie pas : contre-passez-le.")

    def delete(self):
        raise Immuable("Un mouvement de capital ne s'efface pas : contre-passez-le.")


class MouvementCapital(models.Model):
    """Une ligne du grand livre des parts sociales, en ajout seul. Chaque ligne porte ses
    variations signées (parts, capital souscrit, capital libéré) : le capital d'un jour est
    leur somme jusqu'à ce jour. Une erreur se corrige par une contre-passation (mêmes
    variations de signe opposé, à la même date d'effet, avec un motif)."""

    class Type(models.TextChoices):
        SOUSCRIPTION = "souscription", "Souscription"
        LIBERATION = "liberation", "Libération"
        REMBOURSEMENT = "remboursement", "Remboursement"
        CONTRE_PASSATION = "contre_passation", "Contre-passation"

    associe = models.ForeignKey(
        Associe, on_delete=models.PROTECT, related_name="mouvements_capital", verbose_name="associé"
    )
    type = models.CharField("type", max_length=20, choices=Type.choices)
    date = models.DateField("date d'effet")
    parts = models.IntegerField("parts (variation)")
    souscrit = models.DecimalField("capital souscrit (variation)", max_digits=12, decimal_places=2)
    libere = models.DecimalField("capital libéré (variation)", max_digits=12, decimal_places=2)
    contre_passe = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contre_passation",
        verbose_name="mouvement contre-passé",
    )
    demande = models.ForeignKey(
        DemandeRetrait,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mouvements",
        verbose_name="demande de retrait",
    )
    reference = models.CharField("référence (chèque, virement…)", max_length=100, blank=True)
    motif = models.CharField("motif", max_length=500, blank=True)
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MouvementCapitalQuerySet.as_manager()

    class Meta:
        verbose_name = "mouvement de capital"
        verbose_name_plural = "mouvements de capital"
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(type="souscription", parts__gt=0, souscrit__gt=0, libere=0)
                    | Q(type="liberation", parts=0, souscrit=0, libere__gt=0)
                    | Q(type="remboursement", parts__lt=0, souscrit__lt=0, libere__lte=0)
                    | Q(type="contre_passation")
                ),
                name="mouvement_capital_signes_du_type",
            ),
            models.CheckConstraint(
                condition=(
                    Q(type="contre_passation") & Q(contre_passe__isnull=False) & ~Q(motif="")
                )
                | (~Q(type="contre_passation") & Q(contre_passe__isnull=True)),
                name="mouvement_capital_contre_passation_motivee",
            ),
            models.CheckConstraint(
                condition=Q(type="remboursement") | Q(demande__isnull=True),
                name="mouvement_capital_demande_d_un_remboursement",
            ),
        ]
        indexes = [models.Index(fields=["associe", "date"], name="mouvement_capital_associe")]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y} — {self.associe}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immuable("Un mouvement de capital ne se modifie pas : contre-passez-le.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immuable("Un mouvement de capital ne s'efface pas : contre-passez-le.")


# --- Postes dédiés au pôle --------------------------------------------------------------


class PosteDedie(models.Model):
    """Un poste consacré au PHARES (« 2,5 équivalents temps plein dédiés ») : une personne
    ou un libellé, son employeur, sa quotité en ETP, daté."""

    class Fonction(models.TextChoices):
        DEVELOPPEMENT = "developpement", "Chargé·e de développement"
        TECHNIQUE = "technique", "Assistance technique"
        COMPTABILITE = "comptabilite", "Support comptable"
        RH = "rh", "Support ressources humaines"
        ACCUEIL = "accueil", "Accueil"
        AUTRE = "autre", "Autre"

    fonction = models.CharField("fonction", max_length=20, choices=Fonction.choices)
    intitule = models.CharField("intitulé du poste", max_length=200)
    personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="postes_dedies",
    )
    personne_nom = models.CharField("personne (nom)", max_length=200, blank=True)
    employeur = models.CharField("employeur", max_length=200)
    etp = models.DecimalField("ETP", max_digits=4, decimal_places=2)
    debut = models.DateField("début")
    fin = models.DateField("fin (incluse)", null=True, blank=True)
    notes = models.CharField("notes", max_length=500, blank=True)

    class Meta:
        verbose_name = "poste dédié"
        verbose_name_plural = "postes dédiés"
        constraints = [
            models.CheckConstraint(
                condition=Q(etp__gt=0) & Q(etp__lte=10), name="poste_dedie_etp_positif"
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="poste_dedie_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=Q(personne__isnull=True) | Q(personne_nom=""),
                name="poste_dedie_une_personne",
            ),
        ]

    def __str__(self):
        return self.intitule

    @property
    def titulaire(self) -> str:
        if self.personne_id:
            return self.personne.display_name
        return self.personne_nom


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
