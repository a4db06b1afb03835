"""Événements du pôle : repas des habitants, AG et séminaires accueillis, formations,
interventions, recherche… La gestion les tient ; les référent·es d'une structure qui
participe à un projet tiennent les événements de ce projet.

Un événement créé depuis une réservation de salle la cite : **la réservation est la source
de vérité** de sa date et de son lieu. Tant qu'il y est lié, chaque enregistrement recopie
le jour (heure de Paris) et le nom de la salle, et le formulaire ne les propose pas ; pour
les changer, on déplace la réservation (puis on réenregistre l'événement) ou on détache
l'événement de sa réservation.

La réservation est lue par le modèle que cite la clé étrangère (`related_model`) : projets
n'importe ni les modèles ni les sélecteurs d'espaces (contrats de couches)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from phares.lib import journal, temps
from phares.lib.acteur import Acteur, exiger

from .. import roles
from ..models import Evenement, Projet
from ._erreurs import ProjetsError

CHAMPS = (
    "titre",
    "type",
    "axe",
    "projet",
    "date",
    "date_fin",
    "lieu",
    "reservation",
    "description",
    "public",
)

REFUS = "Vous ne pouvez pas modifier les événements de ce projet."


def modele_reservation():
    return Evenement._meta.get_field("reservation").related_model


# --- Qui peut quoi ------------------------------------------------------------------------


def peut_creer(user) -> bool:
    """La gestion ; un·e référent·e, pour un projet où sa structure participe."""
    return roles.peut_creer_projet(user)


def peut_modifier(user, evenement: Evenement) -> bool:
    """La gestion ; les référent·es d'une structure qui participe au projet de l'événement
    (un événement sans projet est à la gestion)."""
    if roles.is_gestion(user):
        return True
    return evenement.projet_id is not None and roles.peut_modifier_projet(user, evenement.projet)


def projets_modifiables(user) -> QuerySet[Projet]:
    """Les projets auxquels `user` peut rattacher un événement."""
    qs = Projet.objects.select_related("axe").order_by("nom")
    if roles.is_gestion(user):
        return qs
    return qs.filter(participations__structure_id__in=roles.structures_referent(user)).distinct()


def reservations_liables(user) -> QuerySet:
    """Les réservations confirmées d'où `user` peut créer un événement : toutes pour la
    gestion, celles des structures dont il ou elle est référent·e sinon."""
    Reservation = modele_reservation()
    qs = Reservation.objects.select_related("ressource", "structure", "externe").filter(
        statut=Reservation.Statut.CONFIRMEE
    )
    if roles.is_gestion(user):
        return qs
    return qs.filter(structure_id__in=roles.structures_referent(user))


# --- Opérations ----------------------------------------------------------------------------


def copier_reservation(evenement: Evenement, reservation) -> None:
    """La date et le lieu de l'événement, pris à sa réservation."""
    evenement.date = temps.jour(reservation.debut)
    evenement.date_fin = None
    evenement.lieu = reservation.ressource.nom[:200]


def _verifier(evenement: Evenement, user, *, ancien: Evenement | None) -> None:
    if user is not None:
        if ancien is not None and not peut_modifier(user, ancien):
            raise ProjetsError(REFUS)
        if not peut_modifier(user, evenement):
            if evenement.projet_id is None:
                raise ProjetsError("Choisissez un projet auquel votre structure participe.")
            raise ProjetsError(REFUS)
    if evenement.date_fin is not None and evenement.date_fin < evenement.date:
        raise ProjetsError("Le dernier jour ne peut pas précéder le premier.")
    if evenement.date_fin == evenement.date:
        evenement.date_fin = None


def _lier(evenement: Evenement, user, *, ancien: Evenement | None) -> None:
    """Vérifie un lien nouveau à une réservation, et recopie date et lieu de la réservation
    liée (nouvelle ou non)."""
    if evenement.reservation_id is None:
        return
    Reservation = modele_reservation()
    deja_liee = ancien is not None and ancien.reservation_id == evenement.reservation_id
    qs = Reservation.objects.select_related("ressource")
    if not deja_liee:
        qs = reservations_liables(user) if user is not None else qs
        autre = Evenement.objects.filter(reservation_id=evenement.reservation_id)
        if evenement.pk is not None:
            autre = autre.exclude(pk=evenement.pk)
        if autre.exists():
            raise ProjetsError("Cette réservation a déjà son événement.")
    reservation = qs.filter(pk=evenement.reservation_id).first()
    if reservation is None:
        raise ProjetsError("Cette réservation n'existe pas ou ne vous est pas accessible.")
    copier_reservation(evenement, reservation)


def enregistrer_evenement(
    *, evenement: Evenement, structures=None, par: Acteur, cree_par=None
) -> Evenement:
    """Crée ou modifie un événement (`evenement` vient d'un formulaire validé) ; `structures`
    (les habitants impliqués) remplace la liste si donnée."""
    par = exiger(par)
    user = par.user
    with transaction.atomic():
        ancien = None
        if evenement.pk is not None:
            ancien = (
                Evenement.objects.select_for_update(of=("self",))
                .select_related("projet")
                .get(pk=evenement.pk)
            )
        _verifier(evenement, user, ancien=ancien)
        _lier(evenement, user, ancien=ancien)
        structures = None if structures is None else sorted(structures, key=lambda s: s.pk)
        if ancien is None:
            evenement.cree_par = user
            evenement.save()
            if structures is not None:
                evenement.structures.set(structures)
            changements = journal.creation(evenement, CHAMPS)
            if structures:
                changements["habitants impliqués"] = ("—", _noms(structures))
            journal.journaliser(
                par=par,
                operation="evenement.creer",
                libelle=f"Événement ajouté : {evenement.titre} ({evenement.date:%d/%m/%Y})",
                objet=evenement,
                changements=changements,
            )
            return evenement
        changements = journal.ecarts(
            journal.instantane(ancien, CHAMPS), journal.instantane(evenement, CHAMPS)
        )
        avant_structures = _noms(ancien.structures.order_by("pk"))
        if structures is not None and _noms(structures) != avant_structures:
            changements["habitants impliqués"] = (avant_structures, _noms(structures))
            evenement.structures.set(structures)
        if changements:
            evenement.save()
            journal.journaliser(
                par=par,
                operation="evenement.modifier",
                libelle=f"Événement modifié : {evenement.titre}",
                objet=evenement,
                changements=changements,
            )
    return evenement


def supprimer_evenement(*, evenement: Evenement, par: Acteur) -> None:
    par = exiger(par)
    with transaction.atomic():
        evenement = (
            Evenement.objects.select_for_update(of=("self",))
            .select_related("projet")
            .get(pk=evenement.pk)
        )
        if par.user is not None and not peut_modifier(par.user, evenement):
            raise ProjetsError(REFUS)
        journal.journaliser(
            par=par,
            operation="evenement.supprimer",
            libelle=f"Événement supprimé : {evenement.titre} ({evenement.date:%d/%m/%Y})",
            objet=evenement,
            changements=journal.ecarts(journal.instantane(evenement, CHAMPS), {}),
        )
        evenement.delete()


def _noms(structures) -> str:
    return ", ".join(s.nom for s in structures) or "—"
