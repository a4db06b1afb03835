"""Réservations de salles et de vélos : règles des ressources, qui réserve pour qui,
réservation (pour une structure, pour une organisation extérieure). Annuler et modifier
une réservation faite : `modifications`.

Chaque opération prend l'acteur (`par`, un phares.lib.acteur.Acteur), tient dans une
transaction, écrit une entrée au journal et programme ses e-mails pour après la validation.

Double réservation impossible : sur PostgreSQL une contrainte d'exclusion refuse tout
chevauchement de deux réservations confirmées (la vérification préalable ne sert qu'à
donner un message clair) ; sur SQLite chaque transaction commence par BEGIN IMMEDIATE,
donc vérification et insertion sont sérialisées. Une demande extérieure en attente ne tient
pas le créneau (voir `demandes`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, emails, journal, temps
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import format_euros
from phares.roles import is_gestion

from .. import notifications, selectors
from ..models import ClientExterne, Reservation, Ressource, SerieReservations
from ._erreurs import ConflitError, EspacesError, PrixError, inserer
from .tarifs import prix_reservation, verrouiller_forfaits

# What the journal shows of a new booking.
CHAMPS_JOURNAL = (
    "ressource",
    "debut",
    "fin",
    "titre",
    "nb_personnes",
    "structure",
    "externe",
    "statut",
    "expire_le",
    "minutes_facturables",
    "montant_ht",
    "taux_tva",
)


# --- Règles des ressources ----------------------------------------------------------


def verifier_regles(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    nb_personnes: int,
    *,
    now: datetime.datetime,
    externe: bool = False,
) -> None:
    """Règles de la ressource, dans l'heure de Paris. Lève EspacesError au premier écart."""
    if timezone.is_naive(debut) or timezone.is_naive(fin):
        raise EspacesError("Heure sans fuseau : précisez la date et l'heure.")
    if not ressource.active:
        raise EspacesError(f"{ressource} n'est pas réservable en ce moment.")
    if externe and not ressource.ouverte_aux_externes:
        raise EspacesError(f"{ressource} n'est pas proposée aux organisations extérieures.")
    if fin <= debut:
        raise EspacesError("La fin doit suivre le début.")
    if debut < now:
        raise EspacesError("Ce créneau est dans le passé.")
    if debut > now + datetime.timedelta(days=ressource.delai_max_jours):
        raise EspacesError(
            f"On ne peut réserver {ressource} que {ressource.delai_max_jours} jours à l'avance."
        )
    _verifier_horaires(ressource, debut, fin)
    _verifier_duree_et_capacite(ressource, debut, fin, nb_personnes)


def _verifier_horaires(ressource: Ressource, debut, fin) -> None:
    d, f = temps.paris(debut), temps.paris(fin)
    if d.date() != f.date():
        raise EspacesError("Une réservation commence et finit le même jour.")
    if d.isoweekday() not in ressource.jours():
        raise EspacesError(f"{ressource} n'est pas ouverte ce jour-là.")
    if d.time() < ressource.heure_ouverture or f.time() > ressource.heure_fermeture:
        raise EspacesError(
            f"{ressource} est ouverte de {ressource.heure_ouverture:%H:%M} à "
            f"{ressource.heure_fermeture:%H:%M}."
        )


def _verifier_duree_et_capacite(ressource: Ressource, debut, fin, nb_personnes: int) -> None:
    minutes = temps.minutes(fin - debut)
    if minutes < ressource.duree_min_minutes:
        raise EspacesError(f"Durée minimale : {dates.duree(ressource.duree_min_minutes)}.")
    if minutes > ressource.duree_max_minutes:
        raise EspacesError(f"Durée maximale : {dates.duree(ressource.duree_max_minutes)}.")
    verifier_capacite(ressource, nb_personnes)


def verifier_capacite(ressource: Ressource, nb_personnes: int) -> None:
    if nb_personnes < 1:
        raise EspacesError("Indiquez au moins une personne.")
    capacite = ressource.capacite
    if capacite is not None and nb_personnes > capacite:
        raise EspacesError(f"{ressource} accueille {capacite} personnes au plus.")


# --- Créneau pris --------------------------------------------------------------------


def conflit(
    ressource: Ressource, debut, fin_bloquee, *, exclure_pk: int | None = None
) -> Reservation | None:
    """La réservation confirmée qui tient déjà une partie de [debut, fin_bloquee[."""
    qs = (
        Reservation.objects.confirmees().filter(ressource=ressource).chevauchant(debut, fin_bloquee)
    )
    if exclure_pk is not None:
        qs = qs.exclude(pk=exclure_pk)
    return qs.select_related("structure", "externe", "par").order_by("debut").first()


def jour_lisible(moment: datetime.datetime | datetime.date) -> str:
    """« mar. 10 mars 2026 » : le jour d'un créneau (à Paris) dans les messages des pages."""
    if isinstance(moment, datetime.datetime):
        moment = temps.paris(moment).date()
    return dates.date_courte(moment, jour=True)


def message_conflit(ressource, other: Reservation | None) -> str:
    """Sans dire qui : une personne ne voit pas les réservations des autres structures."""
    if other is None:
        return f"{ressource} vient d'être réservée sur ce créneau par quelqu'un d'autre."
    d, f = temps.paris(other.debut), temps.paris(other.fin_bloquee)
    battement = " (battement compris)" if other.fin_bloquee > other.fin else ""
    return (
        f"{ressource} est déjà réservée de {d:%H:%M} à {f:%H:%M} le {jour_lisible(d)}{battement} : "
        "choisissez un autre créneau."
    )


def motif_de_refus(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    nb_personnes: int,
    *,
    now: datetime.datetime,
    externe: bool,
) -> str | None:
    """Pourquoi [debut, fin[ ne peut pas être réservé (règles ou créneau pris), ou None."""
    try:
        verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe)
    except EspacesError as exc:
        return str(exc)
    fin_bloquee = fin + datetime.timedelta(minutes=ressource.battement_minutes)
    other = conflit(ressource, debut, fin_bloquee)
    return None if other is None else message_conflit(ressource, other)


# --- Qui agit pour qui ---------------------------------------------------------------


def est_gestion(par: Acteur) -> bool:
    """L'équipe de gestion, ou le système (une commande) : ils agissent pour tous."""
    return par.est_systeme or (par.user is not None and is_gestion(par.user))


def verifier_droit(par: Acteur, *, structure=None, externe=None) -> None:
    """Une personne agit pour les structures dont elle est membre ; l'équipe de gestion et
    le système pour toutes, et seuls eux pour une organisation extérieure. Les pages le
    vérifient déjà (choix proposés, 403) : ceci protège les autres appelants."""
    if est_gestion(par):
        return
    if externe is not None or structure is None:
        raise EspacesError("Seule l'équipe de gestion réserve pour une organisation extérieure.")
    membre = (
        par.user is not None
        and habitants_selectors.structures_of_member(par.user).filter(pk=structure.pk).exists()
    )
    if not membre:
        raise EspacesError(
            f"Vous n'êtes pas membre de {structure} : vous ne pouvez pas agir pour elle."
        )


def verifier_beneficiaire(structure, externe) -> None:
    if (structure is None) == (externe is None):
        raise EspacesError(
            "Une réservation est faite pour une structure ou pour un client extérieur."
        )
    if structure is not None and structure.archivee:
        raise EspacesError("Cette structure est archivée.")


# --- Écriture ------------------------------------------------------------------------

TITRE_MAX = Reservation._meta.get_field("titre").max_length


def titre_valide(titre: str) -> str:
    titre = (titre or "").strip()
    if not titre:
        raise EspacesError("Donnez un objet à la réservation.")
    if len(titre) > TITRE_MAX:
        raise EspacesError(f"L'objet tient en {TITRE_MAX} caractères au plus.")
    return titre


def verifier_presence(structure, jour: datetime.date) -> None:
    if structure is not None and not structure.est_presente(jour):
        # Booking is for the building's residents: not before arrival, not after departure.
        raise EspacesError(
            f"{structure} n'est pas hébergée au PHARES le {jour_lisible(jour)} : "
            "elle ne peut pas réserver pour ce jour-là."
        )


def verifier_prix_accepte(
    ttc: Decimal, prix_accepte: Decimal | None, *, rien: str = "Rien n'est réservé"
) -> None:
    """Le prix calculé sous le verrou du forfait ne dépasse pas ce que la personne a vu et
    accepté (`prix_accepte`, TTC) ; None : pas de plafond (une commande, la démo : personne
    devant un prix). Les pages passent toujours le montant montré, 0 pour une réservation
    annoncée gratuite."""
    if prix_accepte is None or ttc <= prix_accepte:
        return
    raise PrixError(
        f"{rien} : le prix est maintenant de {format_euros(ttc)} TTC, plus que le montant "
        f"accepté ({format_euros(prix_accepte)} TTC). Le forfait du mois a pu être entamé "
        "entre-temps : vérifiez le prix puis confirmez."
    )


def creer(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    par: Acteur,
    now: datetime.datetime,
    structure=None,
    externe: ClientExterne | None = None,
    nb_personnes: int = 1,
    serie: SerieReservations | None = None,
    statut: str = Reservation.Statut.CONFIRMEE,
    expire_le: datetime.datetime | None = None,
    empreinte_ip: str = "",
) -> Reservation:
    """Écrit une réservation après les règles, le créneau et le prix ; ni journal ni e-mail
    (l'opération qui l'appelle les écrit une fois, pour une série comme pour une seule).
    Pour le sous-domaine seulement : les autres passent par `reserver` et ses voisines."""
    titre = titre_valide(titre)
    verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe is not None)
    jour = temps.paris(debut).date()
    verifier_presence(structure, jour)
    fin_bloquee = fin + datetime.timedelta(minutes=ressource.battement_minutes)
    with transaction.atomic():
        if structure is not None and ressource.categorie == Ressource.Categorie.SALLE:
            # Before reading what the month already used (see verrouiller_forfaits).
            verrouiller_forfaits(structure, [jour])
        other = conflit(ressource, debut, fin_bloquee)
        if other is not None:
            raise ConflitError(message_conflit(ressource, other))
        prix = prix_reservation(
            ressource, debut, fin, structure=structure, externe=externe is not None
        )
        return inserer(
            Reservation,
            message_conflit(ressource, None),
            ressource=ressource,
            debut=debut,
            fin=fin,
            fin_bloquee=fin_bloquee,
            statut=statut,
            expire_le=expire_le,
            structure=structure,
            externe=externe,
            titre=titre,
            nb_personnes=nb_personnes,
            serie=serie,
            par=par.user,
            empreinte_ip=empreinte_ip,
            tarif=prix.tarif,
            minutes_facturables=prix.minutes_facturables,
            montant_ht=prix.montant.ht,
            taux_tva=prix.montant.taux_tva,
            cree_le=now,
        )


def pour_qui(r: Reservation) -> str:
    return r.structure.nom if r.structure_id else f"{r.externe.nom} (extérieur)"


def decrire(r: Reservation) -> str:
    """« Salle A le 10/03/2026 de 09:00 à 10:00 pour Halage »."""
    return f"{r.ressource} {temps.creneau(r.debut, r.fin)} pour {pour_qui(r)}"


def prevenir(
    r: Reservation, evenement: str, *, serie: list[Reservation] | None = None, avant: str = ""
) -> None:
    """L'e-mail de l'événement, après la validation : une opération annulée n'envoie rien,
    un serveur de courrier en panne n'annule pas l'opération (l'échec est dans les logs).
    `avant` : le créneau d'avant une modification, lisible."""
    emails.apres_validation(
        partial(notifications.envoyer, r, evenement, serie=serie, avant=avant),
        quoi=f"e-mail « {evenement} » de la réservation {r.pk}",
    )


def _journaliser_creation(r: Reservation, par: Acteur, libelle: str) -> None:
    journal.journaliser(
        par=par,
        operation="reservation.creer",
        libelle=libelle,
        objet=r,
        structure=r.structure,
        changements=journal.creation(r, CHAMPS_JOURNAL),
    )


def reserver(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    par: Acteur,
    structure=None,
    externe: ClientExterne | None = None,
    nb_personnes: int = 1,
    prix_accepte: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Reservation:
    """Réserve (confirmée) `ressource` sur [debut, fin[ pour une structure habitante ou un
    client extérieur déjà connu. Une demande publique passe par `demander_salle`.
    `prix_accepte` : le TTC que la personne a accepté (voir `verifier_prix_accepte`) ; au-delà,
    PrixError et rien n'est réservé."""
    par = exiger(par)
    now = now or timezone.now()
    verifier_beneficiaire(structure, externe)
    verifier_droit(par, structure=structure, externe=externe)
    with transaction.atomic():
        r = creer(
            ressource=ressource,
            debut=debut,
            fin=fin,
            titre=titre,
            par=par,
            now=now,
            structure=structure,
            externe=externe,
            nb_personnes=nb_personnes,
        )
        # Priced under the allowance lock: raising here rolls the booking back.
        verifier_prix_accepte(r.montant.ttc, prix_accepte)
        _journaliser_creation(r, par, f"Réservation de {decrire(r)}")
        prevenir(r, "confirmee")
    return r


@dataclass(frozen=True)
class Organisation:
    """Une organisation extérieure telle qu'un formulaire la décrit (pas encore en base)."""

    nom: str
    email: str
    adresse_facturation: str
    contact: str = ""
    telephone: str = ""


def creer_client(organisation: Organisation) -> ClientExterne:
    """Le client extérieur, après les bornes des colonnes (les formulaires les posent déjà)."""
    client = ClientExterne(
        nom=organisation.nom.strip(),
        contact=organisation.contact.strip(),
        email=organisation.email.strip(),
        telephone=organisation.telephone.strip(),
        adresse_facturation=organisation.adresse_facturation.strip(),
    )
    for name in ("nom", "contact", "email", "telephone", "adresse_facturation"):
        field = ClientExterne._meta.get_field(name)
        valeur = getattr(client, name)
        if not valeur and not field.blank:
            raise EspacesError(f"Indiquez : {field.verbose_name}.")
        if len(valeur) > field.max_length:
            raise EspacesError(
                f"{field.verbose_name.capitalize()} : {field.max_length} caractères au plus."
            )
    try:
        validate_email(client.email)
    except ValidationError as exc:
        raise EspacesError("Adresse e-mail invalide.") from exc
    client.save()
    return client


def reserver_pour_externe(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    nb_personnes: int,
    organisation: Organisation,
    par: Acteur,
    now: datetime.datetime | None = None,
) -> Reservation:
    """L'équipe réserve (confirmée) pour une organisation extérieure : le client et la
    réservation dans une transaction (une réservation refusée ne laisse pas de client)."""
    par = exiger(par)
    now = now or timezone.now()
    if not est_gestion(par):
        raise EspacesError("Seule l'équipe de gestion réserve pour une organisation extérieure.")
    with transaction.atomic():
        client = creer_client(organisation)
        r = creer(
            ressource=ressource,
            debut=debut,
            fin=fin,
            titre=titre,
            par=par,
            now=now,
            externe=client,
            nb_personnes=nb_personnes,
        )
        _journaliser_creation(r, par, f"Réservation extérieure de {decrire(r)}")
        prevenir(r, "confirmee")
    return r


def reserver_velo(*, debut, fin, titre: str, structure, par: Acteur, now=None) -> Reservation:
    """Prend n'importe quel vélo libre du parc sur le créneau."""
    par = exiger(par)
    now = now or timezone.now()
    verifier_beneficiaire(structure, None)
    verifier_droit(par, structure=structure)
    candidats = selectors.velos_libres(debut, fin)
    if not candidats:
        if not selectors.velos().exists():
            raise EspacesError("Aucun vélo n'est proposé à la réservation.")
        raise ConflitError("Aucun vélo n'est libre sur ce créneau.")
    with transaction.atomic():
        r = None
        for velo in candidats:
            try:
                r = creer(
                    ressource=velo,
                    debut=debut,
                    fin=fin,
                    titre=titre,
                    par=par,
                    now=now,
                    structure=structure,
                )
                break
            except ConflitError:  # taken meanwhile: try the next bike
                continue
        if r is None:
            raise ConflitError("Aucun vélo n'est libre sur ce créneau.")
        _journaliser_creation(r, par, f"Réservation de {decrire(r)}")
        prevenir(r, "confirmee")
    return r
