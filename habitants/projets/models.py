"""La vie du pôle : projets collectifs, partenaires et subventions, emplois mutualisés,
engagements (services civiques…), paroles d'habitants, photos et événements.

Tout est daté (début, fin incluse, année, jour) : la vue d'une année est une requête, pas
une copie. Les structures viennent de `habitants` ; une réservation de salle d'`espaces`
est citée par son nom de modèle (aucun import, voir les contrats de couches).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from habitants.models import Structure

MONTANT = {"max_digits": 12, "decimal_places": 2}


def _fin_apres_debut(nom: str, debut: str = "debut", fin: str = "fin") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{fin}__isnull": True}) | Q(**{f"{fin}__gte": F(debut)}),
        name=nom,
        violation_error_message="La fin ne peut pas précéder le début.",
    )


class Axe(models.Model):
    """Un des axes du projet du pôle (« 1 – Accueillir et soutenir les habitants »…).
    Les trois axes du PHARES sont créés par la migration ; un autre lieu les renomme."""

    numero = models.PositiveSmallIntegerField("numéro", unique=True)
    titre = models.CharField("titre", max_length=200)
    titre_court = models.CharField("titre court", max_length=80)
    description = models.TextField("présentation", max_length=5000, blank=True)

    class Meta:
        verbose_name = "axe"
        verbose_name_plural = "axes"
        ordering = ["numero"]

    def __str__(self):
        return f"{self.numero} – {self.titre}"


class Partenaire(models.Model):
    """Un partenaire du pôle ou de ses habitants : pouvoir public, entreprise, association,
    collectif, citoyen… ; les financeurs en sont (leurs subventions)."""

    class Categorie(models.TextChoices):
        ETAT = "etat", "État et établissements publics (CDC…)"
        REGION = "region", "Région"
        DEPARTEMENT = "departement", "Département"
        COMMUNE = "commune", "Commune, intercommunalité"
        ENTREPRISE = "entreprise", "Entreprise"
        FONDATION = "fondation", "Fondation"
        ASSOCIATION = "association", "Association, réseau"
        COLLECTIF = "collectif", "Collectif"
        RECHERCHE = "recherche", "Université, recherche"
        CITOYEN = "citoyen", "Citoyen·ne"
        AUTRE = "autre", "Autre"

    POUVOIRS_PUBLICS = (Categorie.ETAT, Categorie.REGION, Categorie.DEPARTEMENT, Categorie.COMMUNE)

    nom = models.CharField("nom", max_length=200)
    sigle = models.CharField("sigle", max_length=40, blank=True)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    site_web = models.URLField("site web", blank=True)
    logo = models.ImageField("logo", upload_to="partenaires/", blank=True)
    description = models.TextField("description", max_length=3000, blank=True)
    du_pole = models.BooleanField(
        "partenaire du pôle",
        default=True,
        help_text="Partenaire du projet collectif (et pas seulement d'un habitant).",
    )
    structures = models.ManyToManyField(
        Structure,
        verbose_name="habitants partenaires",
        related_name="partenaires",
        blank=True,
    )
    archive = models.BooleanField("archivé", default=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                Lower("nom"),
                name="partenaire_nom_unique_ci",
                violation_error_message="Un partenaire porte déjà ce nom.",
            ),
        ]

    def __str__(self):
        return self.nom


class Projet(models.Model):
    """Un projet collectif : porté par des habitants, avec des partenaires, daté."""

    class Statut(models.TextChoices):
        IDEE = "idee", "Idée"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ABANDONNE = "abandonne", "Abandonné"

    nom = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    axe = models.ForeignKey(
        Axe, verbose_name="axe", on_delete=models.PROTECT, related_name="projets"
    )
    resume = models.CharField(
        "résumé",
        max_length=300,
        blank=True,
        help_text="Une phrase, reprise dans les listes et le rapport annuel.",
    )
    description = models.TextField("description", max_length=10000, blank=True)
    statut = models.CharField(
        "état", max_length=12, choices=Statut.choices, default=Statut.EN_COURS
    )
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True, help_text="Dernier jour (inclus).")
    partenaires = models.ManyToManyField(
        Partenaire, verbose_name="partenaires extérieurs", related_name="projets", blank=True
    )
    public = models.BooleanField(
        "visible sur le site public",
        default=False,
        help_text="Le projet, ses étapes et ses photos publiques paraissent sur la page de la "
        "vie du pôle.",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "projet collectif"
        verbose_name_plural = "projets collectifs"
        ordering = ["-debut", "nom"]
        constraints = [_fin_apres_debut("projet_fin_apres_debut")]
        indexes = [models.Index(fields=["axe", "debut"], name="projet_axe_debut")]

    def __str__(self):
        return self.nom


class Participation(models.Model):
    """Une structure du pôle dans un projet : porteuse ou partenaire."""

    class Role(models.TextChoices):
        PORTEUR = "porteur", "Porteur"
        PARTENAIRE = "partenaire", "Partenaire"

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="participations")
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="participations_projets"
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices, default=Role.PARTENAIRE)

    class Meta:
        verbose_name = "participation"
        verbose_name_plural = "participations"
        ordering = ["role", "structure__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "structure"],
                name="participation_unique",
                violation_error_message="Cette structure participe déjà au projet.",
            ),
        ]

    def __str__(self):
        return f"{self.structure} ({self.get_role_display()}) — {self.projet}"


class Jalon(models.Model):
    """Une action ou une étape datée du journal d'un projet (« Accueil du Tour Tandem
    Alternatiba », « Lancement de la marque de T-shirt »)."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="jalons")
    date = models.DateField("date")
    titre = models.CharField("action ou étape", max_length=300)
    texte = models.TextField("détails", max_length=5000, blank=True)
    dans_le_rapport = models.BooleanField(
        "dans le rapport annuel",
        default=True,
        help_text="Citée dans la liste de l'année de l'axe du projet.",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="écrit par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "étape de projet"
        verbose_name_plural = "étapes de projet"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["projet", "date"], name="jalon_projet_date")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.titre}"


class Subvention(models.Model):
    """Une subvention demandée ou obtenue, pour le pôle dans son ensemble (`projet` vide)
    ou pour un projet ; sa période (début et fin incluses) dit quand elle s'arrête."""

    class Statut(models.TextChoices):
        DEMANDEE = "demandee", "Demandée"
        ACCORDEE = "accordee", "Accordée"
        REFUSEE = "refusee", "Refusée"
        SOLDEE = "soldee", "Soldée"

    financeur = models.ForeignKey(
        Partenaire, verbose_name="financeur", on_delete=models.PROTECT, related_name="subventions"
    )
    projet = models.ForeignKey(
        Projet,
        verbose_name="projet financé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subventions",
        help_text="Vide : le pôle dans son ensemble.",
    )
    intitule = models.CharField("objet", max_length=300)
    reference = models.CharField("référence du dossier", max_length=80, blank=True)
    statut = models.CharField(
        "état", max_length=10, choices=Statut.choices, default=Statut.DEMANDEE
    )
    montant_demande = models.DecimalField("montant demandé (€)", **MONTANT)
    montant_accorde = models.DecimalField("montant accordé (€)", null=True, blank=True, **MONTANT)
    montant_recu = models.DecimalField("montant reçu (€)", default=0, **MONTANT)
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période", help_text="Dernier jour (inclus).")
    date_demande = models.DateField("déposée le", null=True, blank=True)
    date_decision = models.DateField("décision le", null=True, blank=True)
    notes = models.TextField("notes", max_length=3000, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "subvention"
        verbose_name_plural = "subventions"
        ordering = ["-debut", "financeur__nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gte=F("debut")),
                name="subvention_fin_apres_debut",
                violation_error_message="La fin de la période ne peut pas précéder son début.",
            ),
            models.CheckConstraint(
                condition=Q(montant_demande__gte=0)
                & (Q(montant_accorde__isnull=True) | Q(montant_accorde__gte=0))
                & Q(montant_recu__gte=0),
                name="subvention_montants_positifs",
                violation_error_message="Un montant ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(montant_accorde__isnull=True, montant_recu=0)
                | Q(montant_accorde__isnull=False, montant_recu__lte=F("montant_accorde")),
                name="subvention_recu_dans_accorde",
                violation_error_message="Le montant reçu ne peut pas dépasser le montant accordé.",
            ),
        ]
        indexes = [models.Index(fields=["fin"], name="subvention_fin")]

    def __str__(self):
        return f"{self.financeur} — {self.intitule}"


class EmploiMutualise(models.Model):
    """Un poste partagé entre plusieurs structures (conseiller en insertion, assistante
    administrative et comptable…) ; chaque part dit qui paie quoi du coût mensuel."""

    intitule = models.CharField("intitulé du poste", max_length=200)
    employeur = models.ForeignKey(
        Structure,
        verbose_name="structure employeuse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emplois_employes",
        help_text="Vide si l'employeur n'est pas un habitant (la coopérative elle-même…).",
    )
    employeur_nom = models.CharField(
        "autre employeur",
        max_length=200,
        blank=True,
        help_text="Si l'employeur n'est pas un habitant.",
    )
    etp = models.DecimalField("quotité (ETP)", max_digits=4, decimal_places=2)
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True, help_text="Dernier jour (inclus).")
    cout_mensuel = models.DecimalField(
        "coût mensuel à répartir (€ HT)",
        null=True,
        blank=True,
        help_text="Salaire chargé et frais, par mois, partagé selon les parts.",
        **MONTANT,
    )
    facture_par_la_cooperative = models.BooleanField(
        "refacturé par la coopérative",
        default=False,
        help_text="Chaque part devient une ligne de la facture mensuelle de la structure.",
    )
    projet = models.ForeignKey(
        Projet,
        verbose_name="projet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emplois",
    )
    description = models.TextField("missions", max_length=3000, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "emploi mutualisé"
        verbose_name_plural = "emplois mutualisés"
        ordering = ["-debut", "intitule"]
        constraints = [
            _fin_apres_debut("emploi_fin_apres_debut"),
            models.CheckConstraint(
                condition=Q(etp__gt=0),
                name="emploi_etp_positif",
                violation_error_message="La quotité doit être supérieure à zéro.",
            ),
            models.CheckConstraint(
                condition=Q(cout_mensuel__isnull=True) | Q(cout_mensuel__gte=0),
                name="emploi_cout_positif",
                violation_error_message="Le coût mensuel ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return self.intitule


class PartEmploi(models.Model):
    """La part d'une structure dans un emploi mutualisé (les parts d'un poste font 100 %,
    vérifié par le service qui les enregistre toutes ensemble)."""

    emploi = models.ForeignKey(EmploiMutualise, on_delete=models.CASCADE, related_name="parts")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="parts_emplois")
    pourcentage = models.DecimalField("part (%)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "part d'un emploi mutualisé"
        verbose_name_plural = "parts d'emplois mutualisés"
        ordering = ["-pourcentage", "structure__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["emploi", "structure"],
                name="part_emploi_unique",
                violation_error_message="Cette structure a déjà une part de ce poste.",
            ),
            models.CheckConstraint(
                condition=Q(pourcentage__gt=0, pourcentage__lte=100),
                name="part_emploi_pourcentage",
                violation_error_message="Une part va de 0,01 % à 100 %.",
            ),
        ]

    def __str__(self):
        return f"{self.structure} : {self.pourcentage} %"


class Engagement(models.Model):
    """Un service civique, un stage ou un autre contrat accueilli par le pôle, au service
    d'une structure ou d'un projet (ou du pôle lui-même si les deux sont vides)."""

    class Type(models.TextChoices):
        SERVICE_CIVIQUE = "service_civique", "Service civique"
        STAGE = "stage", "Stage"
        ALTERNANCE = "alternance", "Alternance, apprentissage"
        INSERTION = "insertion", "Contrat d'insertion"
        AUTRE = "autre", "Autre contrat"

    type = models.CharField("type", max_length=20, choices=Type.choices)
    personne_nom = models.CharField(
        "personne", max_length=120, blank=True, help_text="Prénom, ou vide."
    )
    mission = models.CharField("mission", max_length=300)
    structure = models.ForeignKey(
        Structure,
        verbose_name="structure d'accueil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
    )
    projet = models.ForeignKey(
        Projet, on_delete=models.PROTECT, null=True, blank=True, related_name="engagements"
    )
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True, help_text="Dernier jour (inclus).")
    notes = models.TextField("notes", max_length=2000, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements (services civiques, contrats)"
        ordering = ["-debut"]
        constraints = [_fin_apres_debut("engagement_fin_apres_debut")]

    def __str__(self):
        return f"{self.get_type_display()} — {self.mission}"


class Evenement(models.Model):
    """Un événement du pôle : repas mensuel, AG ou séminaire accueilli, formation donnée,
    intervention dans un colloque, partenariat de recherche… Les listes « en 2015 » de
    chaque axe du rapport en viennent. S'il a lieu dans le bâtiment, il cite sa réservation
    (rien n'est saisi deux fois)."""

    class Type(models.TextChoices):
        REPAS = "repas", "Repas des habitants"
        ACCUEIL = "accueil", "AG, séminaire ou réunion accueillis"
        FORMATION = "formation", "Formation"
        INTERVENTION = "intervention", "Intervention, colloque"
        RECHERCHE = "recherche", "Recherche, étude"
        RENCONTRE = "rencontre", "Rencontre, visite, fête"
        AUTRE = "autre", "Autre"

    titre = models.CharField("titre", max_length=300)
    type = models.CharField("type", max_length=20, choices=Type.choices)
    axe = models.ForeignKey(
        Axe, verbose_name="axe", on_delete=models.PROTECT, related_name="evenements"
    )
    projet = models.ForeignKey(
        Projet,
        verbose_name="projet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evenements",
    )
    date = models.DateField("date")
    date_fin = models.DateField(
        "dernier jour", null=True, blank=True, help_text="Si l'événement dure plusieurs jours."
    )
    lieu = models.CharField("lieu", max_length=200, blank=True)
    reservation = models.ForeignKey(
        "espaces.Reservation",
        verbose_name="réservation de salle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements",
    )
    structures = models.ManyToManyField(
        Structure, verbose_name="habitants impliqués", related_name="evenements", blank=True
    )
    description = models.TextField("description", max_length=5000, blank=True)
    public = models.BooleanField("visible sur le site public", default=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "événement du pôle"
        verbose_name_plural = "événements du pôle"
        ordering = ["-date", "titre"]
        constraints = [_fin_apres_debut("evenement_fin_apres_debut", "date", "date_fin")]
        indexes = [models.Index(fields=["axe", "date"], name="evenement_axe_date")]

    def __str__(self):
        return self.titre


class Parole(models.Model):
    """Une « parole d'habitant » : une citation, de qui (ou anonyme), quand, sur quel axe."""

    texte = models.TextField("citation", max_length=2000)
    auteur = models.CharField(
        "personne", max_length=120, blank=True, help_text="Vide ou anonyme : non signée."
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name="structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paroles",
    )
    anonyme = models.BooleanField(
        "anonyme", default=True, help_text="Ni la personne ni la structure ne sont affichées."
    )
    annee = models.PositiveSmallIntegerField("année")
    axe = models.ForeignKey(
        Axe,
        verbose_name="axe",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paroles",
    )
    dans_le_rapport = models.BooleanField("dans le rapport annuel", default=True)
    rang = models.PositiveSmallIntegerField("ordre", default=0)
    cree_le = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        verbose_name = "parole d'habitant"
        verbose_name_plural = "paroles d'habitants"
        ordering = ["-annee", "axe__numero", "rang", "pk"]

    def __str__(self):
        return self.texte[:60]


def _chemin_photo(instance: Photo, filename: str) -> str:
    # The name never comes from the upload: a fresh uuid per photo, one folder each.
    return f"projets/photos/{instance.cle}/{filename}"


class Photo(models.Model):
    """Une photo téléversée, ré-encodée en trois tailles (impression, web, vignette) ; son
    adresse contient une clé aléatoire et n'est servie qu'à qui peut la voir."""

    cle = models.UUIDField("clé", default=uuid.uuid4, unique=True, editable=False)
    impression = models.ImageField("pour l'impression", upload_to=_chemin_photo, max_length=200)
    web = models.ImageField("pour le web", upload_to=_chemin_photo, max_length=200)
    vignette = models.ImageField("vignette", upload_to=_chemin_photo, max_length=200)
    largeur = models.PositiveIntegerField("largeur (px)", default=0)
    hauteur = models.PositiveIntegerField("hauteur (px)", default=0)
    legende = models.CharField("légende", max_length=300)
    texte_alternatif = models.CharField(
        "description pour qui ne voit pas l'image", max_length=300, blank=True
    )
    date = models.DateField("prise le")
    credit = models.CharField("crédit", max_length=200, blank=True)
    projet = models.ForeignKey(
        Projet, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    evenement = models.ForeignKey(
        Evenement, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    axe = models.ForeignKey(
        Axe, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    publique = models.BooleanField(
        "publique", default=False, help_text="Visible sans compte, sur la page de la vie du pôle."
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("téléversée le", auto_now_add=True)

    class Meta:
        verbose_name = "photo"
        verbose_name_plural = "photos"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.legende
