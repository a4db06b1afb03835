"""Le bâtiment et ses espaces : bâtiment et niveaux, fiche d'un espace (et la ressource
réservable d'une salle), règles de réservation d'une salle ou du parc de vélos.

Chaque opération est une transaction et une entrée du journal avec « avant → après ».
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.slugs import slug_libre

from ..models import TYPES_OCCUPES, Batiment, Espace, Etage, Ressource
from ._erreurs import EspacesError

# What the journal shows of a space, before → after.
CHAMPS_ESPACE = (
    "nom",
    "etage",
    "type",
    "surface_m2",
    "capacite",
    "nb_postes",
    "equipements",
    "accessible_pmr",
    "accessibilite",
    "photo",
    "archive",
)
RESERVABLE = "réservable"
EXTERNES = "réservable par des organisations extérieures"


def _slug_libre(espace: Espace) -> str:
    """Un identifiant libre parmi les espaces et les ressources : la ressource d'une salle
    prend le même, et les vélos ont les leurs."""
    ressources = Ressource.objects.all()
    espaces = Espace.objects.all()
    if espace.pk:
        ressources = ressources.exclude(espace_id=espace.pk)
        espaces = espaces.exclude(pk=espace.pk)
    return slug_libre(
        espace.nom,
        defaut="espace",
        pris=lambda slug: (
            espaces.filter(slug=slug).exists() or ressources.filter(slug=slug).exists()
        ),
    )


def _reservation(ressource: Ressource | None) -> dict[str, str]:
    actif = ressource is not None and ressource.active
    return {
        RESERVABLE: journal.affichable(actif),
        EXTERNES: journal.affichable(actif and ressource.ouverte_aux_externes),
    }


def enregistrer_espace(
    *, espace: Espace, reservable: bool, ouverte_aux_externes: bool, par: Acteur
) -> Espace:
    """Crée l'espace (sans `pk`) ou enregistre sa fiche, avec la ressource réservable d'une
    salle : créée à la première coche « réservable », désactivée (jamais supprimée : son
    historique de réservations reste) quand on la décoche. `espace` vient d'un formulaire
    validé (`form.save(commit=False)`)."""
    par = exiger(par)
    if reservable and espace.type in TYPES_OCCUPES:
        raise EspacesError("Un bureau ou le co-travail se loue par convention, pas à l'heure.")
    creation = espace.pk is None
    with transaction.atomic():
        if creation:
            avant: dict[str, str] = {}
            espace.slug = _slug_libre(espace)
        else:
            actuel = Espace.objects.select_for_update().get(pk=espace.pk)
            avant = {
                **journal.instantane(actuel, CHAMPS_ESPACE),
                **_reservation(Ressource.objects.filter(espace=actuel).first()),
            }
        try:
            with transaction.atomic():
                espace.save()
        except IntegrityError as exc:
            # The slug was free a moment ago: another space of the same name was just created.
            raise EspacesError(
                f"Un espace « {espace.nom} » vient d'être créé : rechargez la page."
            ) from exc
        ressource = _ressource_de_salle(espace, reservable, ouverte_aux_externes)
        apres = {**journal.instantane(espace, CHAMPS_ESPACE), **_reservation(ressource)}
        changements = journal.ecarts(avant, apres)
        if creation or changements:
            journal.journaliser(
                par=par,
                operation="espace.creer" if creation else "espace.modifier",
                libelle=f"Espace {'créé' if creation else 'modifié'} : {espace.nom}",
                objet=espace,
                changements=changements,
            )
    return espace


def _ressource_de_salle(espace: Espace, reservable: bool, externes: bool) -> Ressource | None:
    ressource = Ressource.objects.select_for_update().filter(espace=espace).first()
    if ressource is None:
        if not reservable:
            return None
        try:
            with transaction.atomic():
                return Ressource.objects.create(
                    categorie=Ressource.Categorie.SALLE,
                    nom=espace.nom,
                    slug=espace.slug,
                    espace=espace,
                    ouverte_aux_externes=externes,
                )
        except IntegrityError as exc:
            # Its slug is the space's: a bike created since may hold it.
            raise EspacesError(
                f"L'identifiant « {espace.slug} » est déjà celui d'une autre ressource "
                "réservable (un vélo ?)."
            ) from exc
    ressource.active = reservable
    ressource.ouverte_aux_externes = externes
    ressource.nom = espace.nom
    ressource.save(update_fields=["active", "ouverte_aux_externes", "nom"])
    return ressource


# --- Règles de réservation -----------------------------------------------------------

MINUTES_PAR_JOUR = 24 * 60

CHAMPS_REGLES = (
    "heure_ouverture",
    "heure_fermeture",
    "jours_ouverture",
    "duree_min_minutes",
    "duree_max_minutes",
    "delai_max_jours",
    "preavis_annulation_heures",
    "battement_minutes",
)


def _verifier_regles(regles: dict[str, Any]) -> None:
    if set(regles) != set(CHAMPS_REGLES):
        raise EspacesError("Règles de réservation incomplètes.")
    ouverture: datetime.time = regles["heure_ouverture"]
    if regles["heure_fermeture"] <= ouverture:
        raise EspacesError("La fermeture doit suivre l'ouverture.")
    if regles["duree_max_minutes"] < regles["duree_min_minutes"]:
        raise EspacesError("La durée maximale doit dépasser la durée minimale.")
    # A booking fits in a day, its battement too: together they stay within what the
    # overlap lookups assume (models.DUREE_BLOQUEE_MAX); the form says the same.
    for champ, nom in (
        ("duree_max_minutes", "La durée maximale"),
        ("battement_minutes", "Le battement"),
    ):
        if regles[champ] > MINUTES_PAR_JOUR:
            raise EspacesError(f"{nom} est de 24 heures au plus ({MINUTES_PAR_JOUR} min).")


def _appliquer(ressources: Iterable[Ressource], regles: dict[str, Any]) -> None:
    for r in ressources:
        for name, value in regles.items():
            setattr(r, name, value)
        r.save(update_fields=list(regles))


def enregistrer_regles(*, ressource: Ressource, regles: dict[str, Any], par: Acteur) -> Ressource:
    """Les règles de réservation d'une salle (horaires, jours, durées, délai, préavis,
    battement). Les réservations déjà faites restent telles quelles."""
    par = exiger(par)
    _verifier_regles(regles)
    with transaction.atomic():
        ressource = (
            Ressource.objects.select_for_update(of=("self",))
            .select_related("espace")
            .get(pk=ressource.pk)
        )
        avant = journal.instantane(ressource, CHAMPS_REGLES)
        _appliquer([ressource], regles)
        changements = journal.ecarts(avant, journal.instantane(ressource, CHAMPS_REGLES))
        if changements:
            journal.journaliser(
                par=par,
                operation="ressource.regles",
                libelle=f"Règles de réservation modifiées : {ressource.nom}",
                objet=ressource.espace or ressource,
                changements=changements,
            )
    return ressource


def enregistrer_regles_velos(*, regles: dict[str, Any], par: Acteur) -> list[Ressource]:
    """Les vélos du parc partagent les mêmes règles : toutes modifiées d'un coup."""
    par = exiger(par)
    _verifier_regles(regles)
    with transaction.atomic():
        velos = list(
            Ressource.objects.select_for_update()
            .filter(categorie=Ressource.Categorie.VELO)
            .order_by("nom")
        )
        if not velos:
            raise EspacesError("Aucun vélo dans le parc.")
        avant = journal.instantane(velos[0], CHAMPS_REGLES)
        _appliquer(velos, regles)
        changements = journal.ecarts(avant, journal.instantane(velos[0], CHAMPS_REGLES))
        if changements:
            n = len(velos)
            journal.journaliser(
                par=par,
                operation="velos.regles",
                libelle=f"Règles de réservation des vélos modifiées ({n} vélo{'s' * (n > 1)})",
                changements=changements,
            )
    return velos


# --- Le bâtiment et ses niveaux ----------------------------------------------------------

CHAMPS_BATIMENT = ("nom", "adresse", "surface_m2")
NIVEAU_PRIS = (
    "Un autre niveau porte déjà ce numéro (ajouté entre-temps ?). Rechargez la page ; pour "
    "échanger deux numéros, passez d'abord par un numéro libre."
)


def _niveaux(batiment: Batiment) -> dict[str, str]:
    if batiment.pk is None:
        return {}
    return {
        f"niveau {niveau}": nom
        for niveau, nom in Etage.objects.filter(batiment=batiment)
        .order_by("niveau")
        .values_list("niveau", "nom")
    }


def enregistrer_batiment(*, batiment: Batiment, etages: Iterable[Etage], par: Acteur) -> Batiment:
    """Le bâtiment (un seul par instance) et ses niveaux ajoutés ou renommés (`etages` :
    ceux du formulaire qui ont changé, `formset.save(commit=False)`)."""
    par = exiger(par)
    creation = batiment.pk is None
    with transaction.atomic():
        if creation:
            avant: dict[str, str] = {}
        else:
            actuel = Batiment.objects.select_for_update().get(pk=batiment.pk)
            avant = {**journal.instantane(actuel, CHAMPS_BATIMENT), **_niveaux(actuel)}
        batiment.save()
        try:
            # The form does not check (batiment, niveau) against the table: a level added
            # meanwhile in another tab, or two levels swapping numbers, end up here.
            with transaction.atomic():
                for etage in etages:
                    etage.batiment = batiment
                    etage.save()
        except IntegrityError as exc:
            raise EspacesError(NIVEAU_PRIS) from exc
        apres = {**journal.instantane(batiment, CHAMPS_BATIMENT), **_niveaux(batiment)}
        changements = journal.ecarts(avant, apres)
        if creation or changements:
            journal.journaliser(
                par=par,
                operation="batiment.creer" if creation else "batiment.modifier",
                libelle=f"Bâtiment {'créé' if creation else 'modifié'} : {batiment.nom}",
                objet=batiment,
                changements=changements,
            )
    return batiment
