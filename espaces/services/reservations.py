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

import bisect
import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, emails, journal, temps
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import format_euros
from phares.lib.verrous import verrouiller
from phares.roles import is_gestion

from .. import notifications, selectors
from ..models import (
    DUREE_BLOQUEE_MAX,
    ClientExterne,
    Reservation,
    Ressource,
    SerieReservations,
)
from ._erreurs import ConflitError, EspacesError, PrixError, inserer
from .tarifs import verrouiller_forfaits

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
    verifier_duree_bloquee(ressource, debut, fin)


def verifier_duree_bloquee(ressource: Ressource, debut, fin) -> None:
    """Le créneau bloqué (battement compris) tient dans DUREE_BLOQUEE_MAX : ce que les
    recherches de chevauchement supposent pour rester bornées (la base le refuse aussi).
    Les règles des salles le garantissent déjà ; ceci couvre une règle écrite avant elles."""
    if fin_bloquee(ressource, fin) - debut > DUREE_BLOQUEE_MAX:
        heures = int(DUREE_BLOQUEE_MAX.total_seconds()) // 3600
        raise EspacesError(
            f"Ce créneau bloquerait {ressource} plus de {heures} heures, battement compris : "
            f"une réservation bloque {heures} heures au plus. Raccourcissez-la, ou demandez "
            "à l'équipe de réduire le battement de la salle."
        )


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


# --- Créneau pris ---------------------------------------------------------------------


def _confirmees_sur(
    ressource: Ressource, debut, fin, *, exclure_pk: int | None = None
) -> QuerySet[Reservation]:
    """Les réservations confirmées qui tiennent une partie de [debut, fin[, dans l'ordre."""
    qs = Reservation.objects.confirmees().filter(ressource=ressource).chevauchant(debut, fin)
    if exclure_pk is not None:
        qs = qs.exclude(pk=exclure_pk)
    return qs.select_related("structure", "externe", "par").order_by("debut")


class Occupation:
    """Les réservations confirmées d'une ressource sur une période, lues une fois : une série
    teste chacune de ses occurrences en mémoire (pas une requête par occurrence), et ce
    qu'elle réserve y entre avant l'occurrence suivante."""

    def __init__(self, prises: list[Reservation]):
        self.prises = prises

    @classmethod
    def lire(cls, ressource: Ressource, creneaux, *, exclure_pk: int | None = None) -> Occupation:
        """Celles qui tiennent une partie des `creneaux` (couples début, fin, non vide),
        battement compris : une requête sur [premier début, dernière fin bloquée[. Sans
        `exclure_pk` (la réservation qu'on déplace)."""
        debut = min(d for d, _ in creneaux)
        fin = max(fin_bloquee(ressource, f) for _, f in creneaux)
        return cls(list(_confirmees_sur(ressource, debut, fin, exclure_pk=exclure_pk)))

    def conflit(self, debut, fin_bloquee) -> Reservation | None:
        """La première réservation qui tient déjà une partie de [debut, fin_bloquee[."""
        return next((r for r in self.prises if r.chevauche(debut, fin_bloquee)), None)

    def ajouter(self, r: Reservation) -> None:
        bisect.insort(self.prises, r, key=lambda x: x.debut)


def conflit(
    ressource: Ressource, debut, fin_bloquee, *, exclure_pk: int | None = None
) -> Reservation | None:
    """La réservation confirmée qui tient déjà une partie de [debut, fin_bloquee[."""
    return _confirmees_sur(ressource, debut, fin_bloquee, exclure_pk=exclure_pk).first()


def fin_bloquee(ressource: Ressource, fin: datetime.datetime) -> datetime.datetime:
    return fin + datetime.timedelta(minutes=ressource.battement_minutes)


def creneau_tenu(other: Reservation) -> str:
    """Le créneau que tient `other`, battement compris, et dit comme tel : « de 09:00 à
    10:15 le mar. 10 mars 2026 (battement compris) »."""
    d, f = temps.paris(other.debut), temps.paris(other.fin_bloquee)
    battement = " (battement compris)" if other.fin_bloquee > other.fin else ""
    jour = dates.date_courte(temps.jour(other.debut), jour=True)
    return f"de {d:%H:%M} à {f:%H:%M} le {jour}{battement}"


def message_conflit(ressource, other: Reservation | None) -> str:
    """Sans dire qui : une personne ne voit pas les réservations des autres structures."""
    if other is None:
        return f"{ressource} vient d'être réservée sur ce créneau par quelqu'un d'autre."
    return f"{ressource} est déjà réservée {creneau_tenu(other)} : choisissez un autre créneau."


def motif_de_refus(
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    nb_personnes: int,
    *,
    now: datetime.datetime,
    externe: bool,
    occupation: Occupation,
) -> str | None:
    """Pourquoi [debut, fin[ ne peut pas être réservé (règles, ou créneau pris parmi ceux de
    `occupation`), ou None."""
    try:
        verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe)
    except EspacesError as exc:
        return str(exc)
    other = occupation.conflit(debut, fin_bloquee(ressource, fin))
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
            f"{structure} n'est pas hébergée au PHARES le {dates.date_courte(jour, jour=True)} : "
            "elle ne peut pas réserver pour ce jour-là."
        )


def verifier_prix_accepte(
    ttc: Decimal,
    prix_accepte: Decimal | None,
    *,
    rien: str = "Rien n'est réservé",
    cause: str = "Le forfait du mois a pu être entamé entre-temps",
) -> None:
    """Le prix calculé sous le verrou du forfait ne dépasse pas ce que la personne a vu et
    accepté (`prix_accepte`, TTC) ; None : pas de plafond (une commande, la démo : personne
    devant un prix). Les pages passent toujours le montant montré, 0 pour une réservation
    annoncée gratuite."""
    if prix_accepte is None or ttc <= prix_accepte:
        return
    raise PrixError(
        f"{rien} : le prix est maintenant de {format_euros(ttc)} TTC, plus que le montant "
        f"accepté ({format_euros(prix_accepte)} TTC). {cause} : vérifiez le prix puis "
        "confirmez."
    )


@dataclass
class Situation:
    """Ce que `creer` vérifie et facture, lu une fois dans la transaction après le verrou des
    forfaits : les réservations qui tiennent la ressource sur la période et sa tarification.
    Une série la lit pour toutes ses occurrences ; chaque réservation faite y entre avant la
    suivante (son créneau est pris, son temps entame le forfait)."""

    occupation: Occupation
    tarification: selectors.Tarification

    @classmethod
    def lire(
        cls,
        ressource: Ressource,
        creneaux,
        *,
        structure=None,
        externe: bool = False,
        exclure_pk: int | None = None,
    ) -> Situation:
        """Pour `creneaux` (couples début, fin, non vide), dans la transaction : prend le
        verrou des forfaits de leurs mois (s'ils paient sur le forfait), puis lit.
        `exclure_pk` : la réservation qu'on déplace, ni occupante ni déjà décomptée."""
        jours = sorted(temps.jour(d) for d, _ in creneaux)
        # Before reading what the months already used (see verrouiller_forfaits), then what
        # holds the room: always in this order, so two operations never wait on each other.
        verrouiller_forfaits(ressource, structure, jours)
        verrouiller_ressource(ressource)
        return cls(
            Occupation.lire(ressource, creneaux, exclure_pk=exclure_pk),
            selectors.Tarification(
                ressource,
                jours[0],
                jours[-1],
                structure=structure,
                externe=externe,
                exclure_pk=exclure_pk,
            ),
        )

    def ajouter(self, r: Reservation) -> None:
        if r.statut == Reservation.Statut.CONFIRMEE:  # a pending request holds nothing
            self.occupation.ajouter(r)
            self.tarification.compter(r.debut, r.fin)


def verrouiller_ressource(ressource: Ressource) -> None:
    """Tient la ressource jusqu'à la fin de la transaction : vérifier le créneau puis écrire
    se fait sans qu'une autre écriture sur la même salle ou le même vélo s'intercale. La
    contrainte d'exclusion reste le dernier mot ; sans ce verrou, plusieurs insertions
    simultanées sur un créneau finissaient parfois en « deadlock detected » (une erreur, pas
    un refus lisible) au lieu de l'erreur de la contrainte. À prendre après les verrous de
    forfait et avant de verrouiller une ligne de réservation."""
    verrouiller(f"ressource:{ressource.pk}")


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
    message: str = "",
    situation: Situation | None = None,
) -> Reservation:
    """Écrit une réservation après les règles, le créneau et le prix ; ni journal ni e-mail
    (l'opération qui l'appelle les écrit une fois, pour une série comme pour une seule).
    `situation` : celle qu'une série a lue pour toutes ses occurrences (sous ses verrous) ;
    sans elle, celle de ce seul créneau. Pour le sous-domaine seulement : les autres passent
    par `reserver` et ses voisines."""
    titre = titre_valide(titre)
    verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=externe is not None)
    verifier_presence(structure, temps.jour(debut))
    bloquee = fin_bloquee(ressource, fin)
    with transaction.atomic():
        if situation is None:
            situation = Situation.lire(
                ressource, [(debut, fin)], structure=structure, externe=externe is not None
            )
        other = situation.occupation.conflit(debut, bloquee)
        if other is not None:
            raise ConflitError(message_conflit(ressource, other))
        prix = situation.tarification.prix(debut, fin)
        r = inserer(
            Reservation,
            message_conflit(ressource, None),
            ressource=ressource,
            debut=debut,
            fin=fin,
            fin_bloquee=bloquee,
            statut=statut,
            expire_le=expire_le,
            structure=structure,
            externe=externe,
            titre=titre,
            nb_personnes=nb_personnes,
            serie=serie,
            par=par.user,
            empreinte_ip=empreinte_ip,
            message=message,
            tarif=prix.tarif,
            minutes_facturables=prix.minutes_facturables,
            montant_ht=prix.montant.ht,
            taux_tva=prix.montant.taux_tva,
            cree_le=now,
        )
        situation.ajouter(r)
        return r


def pour_qui(r: Reservation) -> str:
    return r.structure.nom if r.structure_id else f"{r.externe.nom} (extérieur)"


def decrire(r: Reservation) -> str:
    """« Salle A le 10/03/2026 de 09:00 à 10:00 pour Halage »."""
    return f"{r.ressource} {temps.creneau(r.debut, r.fin)} pour {pour_qui(r)}"


def prevenir(
    r: Reservation,
    evenement: str,
    *,
    serie: list[Reservation] | None = None,
    avant: tuple[datetime.datetime, datetime.datetime] | None = None,
    texte: str | None = None,
) -> None:
    """L'e-mail de l'événement, après la validation : une opération annulée n'envoie rien,
    un serveur de courrier en panne n'annule pas l'opération (l'échec est dans les logs).
    `avant` : le créneau (début, fin) d'avant une modification qui l'a déplacée ; `texte` :
    le corps écrit par l'équipe (réponse à une demande), à la place du gabarit."""
    emails.apres_validation(
        partial(notifications.envoyer, r, evenement, serie=serie, avant=avant, texte=texte),
        quoi=f"e-mail « {evenement} » de la réservation {r.pk}",
    )


def journaliser_creation(
    r: Reservation, par: Acteur, libelle: str, *, operation: str = "reservation.creer"
) -> None:
    journal.journaliser(
        par=par,
        operation=operation,
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
        journaliser_creation(r, par, f"Réservation de {decrire(r)}")
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


def refus_du_client(exc: ValidationError) -> EspacesError:
    """Le premier refus de la validation du modèle, dans les mots des autres refus : les
    messages de Django (« Assurez-vous que cette valeur… ») ne disent pas quel champ, et la
    page n'en montre qu'un pour toute l'opération."""
    nom, (erreur, *_) = next(iter(exc.error_dict.items()))
    champ = ClientExterne._meta.get_field(nom)
    if erreur.code in ("blank", "null"):
        return EspacesError(f"Indiquez : {champ.verbose_name}.")
    if erreur.code == "max_length":
        return EspacesError(
            f"{champ.verbose_name.capitalize()} : {champ.max_length} caractères au plus."
        )
    if nom == "email":
        return EspacesError("Adresse e-mail invalide.")
    return EspacesError(f"{champ.verbose_name.capitalize()} : {' '.join(erreur.messages)}")


def creer_client(organisation: Organisation) -> ClientExterne:
    """Le client extérieur, après la validation du modèle (les formulaires la font déjà ;
    ceci protège les autres appelants)."""
    client = ClientExterne(
        nom=organisation.nom.strip(),
        contact=organisation.contact.strip(),
        email=organisation.email.strip(),
        telephone=organisation.telephone.strip(),
        adresse_facturation=organisation.adresse_facturation.strip(),
    )
    try:
        client.full_clean()
    except ValidationError as exc:
        raise refus_du_client(exc) from exc
    client.save()
    return client


def reserver_pour_externe(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    nb_personnes: int,
    par: Acteur,
    organisation: Organisation | None = None,
    client: ClientExterne | None = None,
    now: datetime.datetime | None = None,
) -> Reservation:
    """L'équipe réserve (confirmée) pour une organisation extérieure : un client déjà connu
    (`client`), ou un nouveau (`organisation`), créé dans la même transaction que la
    réservation (une réservation refusée ne laisse pas de client)."""
    par = exiger(par)
    now = now or timezone.now()
    if not est_gestion(par):
        raise EspacesError("Seule l'équipe de gestion réserve pour une organisation extérieure.")
    if (organisation is None) == (client is None):
        raise EspacesError(
            "Choisissez un client extérieur déjà connu, ou décrivez la nouvelle organisation."
        )
    with transaction.atomic():
        if client is None:
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
        journaliser_creation(r, par, f"Réservation extérieure de {decrire(r)}")
        prevenir(r, "confirmee")
    return r


def reserver_velo(
    *,
    debut,
    fin,
    titre: str,
    structure,
    par: Acteur,
    prix_accepte: Decimal | None = None,
    now=None,
) -> Reservation:
    """Prend n'importe quel vélo libre du parc sur le créneau. `prix_accepte` : le TTC que
    la personne a accepté (le tarif du vélo à l'heure) ; au-delà, PrixError et rien n'est
    réservé (voir `verifier_prix_accepte`)."""
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
        # Priced in the transaction: raising here rolls the booking back.
        verifier_prix_accepte(
            r.montant.ttc, prix_accepte, cause="Le tarif des vélos a pu changer entre-temps"
        )
        journaliser_creation(r, par, f"Réservation de {decrire(r)}")
        prevenir(r, "confirmee")
    return r
