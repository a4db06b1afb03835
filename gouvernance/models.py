"""SCIC La Cité PHARES : registre des associés (datés, avec leur catégorie), capital en parts
sociales (grand livre en ajout seul), mandats datés (cogérance, conseil…) et postes dédiés
au pôle (ETP).

La décision qui admet un associé est pour l'instant une référence en texte
(`decision_admission_ref`), en attendant d'être reliée aux décisions des séances.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    """Le grand livre du capital ne se modifie pas et ne s'efface pas."""


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
