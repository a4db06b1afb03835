"""Demandes publiques de salle (organisations extérieures, sans compte) et décision de
l'équipe.

Une demande en attente ne tient pas le créneau : habitants et équipe peuvent réserver
par-dessus ; l'équipe la voit dans les plannings et, en l'acceptant, le créneau est vérifié
à nouveau (la base refuse un chevauchement). Un formulaire anonyme ne peut donc plus
bloquer les salles ; il reste borné pour ne pas noyer l'équipe sous les demandes :
par adresse e-mail, par adresse IP (son empreinte), par salle et par jour, et en tout.
Ces bornes se vérifient puis se consomment sous un seul verrou.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from phares.lib import dates, emails, journal, reseau, temps
from phares.lib.acteur import Acteur, exiger
from phares.lib.verrous import verrouiller

from .. import notifications
from ..models import Reservation, Ressource
from ._erreurs import ConflitError, EspacesError, enregistrer
from .modifications import modifier_reservation
from .reservations import (
    Organisation,
    conflit,
    creer,
    creer_client,
    creneau_tenu,
    decrire,
    est_gestion,
    journaliser_creation,
    pour_qui,
    prevenir,
    verifier_regles,
    verrouiller_ressource,
)

Statut = Reservation.Statut

# A request waits at most 7 days for the team, and never past its start.
DELAI_DEMANDE = datetime.timedelta(days=7)
DEMANDES_MAX_PAR_EMAIL = 3  # pending at once
DEMANDES_MAX_PAR_IP = 5  # sent within FENETRE_IP, whatever became of them
FENETRE_IP = datetime.timedelta(hours=24)
DEMANDES_MAX_PAR_SALLE_ET_JOUR = 5  # pending at once
DEMANDES_MAX_EN_ATTENTE = 100  # pending at once, everyone together
VERROU = "demandes-publiques"


def _contact() -> str:
    return settings.PHARES_CONTACT["email"]


def _verifier_bornes(
    ressource: Ressource, debut: datetime.datetime, email: str, empreinte_ip: str, now
) -> None:
    """Lève EspacesError si une borne est atteinte. Sous le verrou VERROU."""
    en_attente = Reservation.objects.demandes_en_attente(now)
    if en_attente.filter(externe__email__iexact=email).count() >= DEMANDES_MAX_PAR_EMAIL:
        raise EspacesError(
            f"Vous avez déjà {DEMANDES_MAX_PAR_EMAIL} demandes en attente : l'équipe vous répond "
            "avant d'en enregistrer d'autres."
        )
    recentes = Reservation.objects.filter(empreinte_ip=empreinte_ip, cree_le__gt=now - FENETRE_IP)
    if recentes.count() >= DEMANDES_MAX_PAR_IP:
        raise EspacesError(
            f"{DEMANDES_MAX_PAR_IP} demandes sont déjà parties de cette connexion en 24 heures : "
            f"pour en faire d'autres, écrivez à l'équipe du PHARES ({_contact()})."
        )
    jour = temps.jour(debut)
    d, f = temps.day_bounds(jour)
    meme_jour = en_attente.filter(ressource=ressource, debut__gte=d, debut__lt=f).count()
    if meme_jour >= DEMANDES_MAX_PAR_SALLE_ET_JOUR:
        raise EspacesError(
            f"{ressource} a déjà {meme_jour} demandes en attente le "
            f"{dates.date_courte(jour, jour=True)} : "
            f"choisissez un autre jour, ou écrivez à l'équipe du PHARES ({_contact()})."
        )
    if en_attente.count() >= DEMANDES_MAX_EN_ATTENTE:
        raise EspacesError(
            "Trop de demandes sont en attente en ce moment : écrivez directement à l'équipe "
            f"du PHARES ({_contact()})."
        )


def _marquer_expirees(now: datetime.datetime, par: Acteur) -> int:
    """Les demandes restées sans réponse au-delà de leur date limite passent « expirées »
    en base (leur version aussi : les agendas les retirent). Les pages n'attendent pas ce
    marquage pour les dire expirées (Reservation.statut_effectif). Au nom du système
    (l'expiration n'est le fait de personne), avec l'identifiant de la requête qui l'a
    constatée."""
    n = Reservation.objects.a_marquer_expirees(now).update(
        statut=Statut.EXPIREE, sequence=F("sequence") + 1
    )
    if n:
        journal.journaliser(
            par=Acteur(user=None, origine="expiration", request_id=par.request_id),
            operation="demande.expirer",
            libelle=f"{n} demande{'s' * (n > 1)} de salle expirée{'s' * (n > 1)} sans réponse",
        )
    return n


def demander_salle(
    *,
    ressource: Ressource,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str,
    nb_personnes: int,
    organisation: Organisation,
    ip: str,
    par: Acteur,
    message: str = "",
    now: datetime.datetime | None = None,
) -> Reservation:
    """Une organisation extérieure demande une salle : le client et la demande en attente,
    valable jusqu'à la décision de l'équipe, au plus 7 jours et jamais au-delà du début.
    `ip` : l'adresse du visiteur (phares.lib.reseau.adresse_client) ; seule son empreinte
    est gardée. `message` : ce que l'organisation veut dire à l'équipe (facultatif)."""
    par = exiger(par)
    now = now or timezone.now()
    message = _message_de_la_demande(message)
    # The slot's own rules first: a refused slot takes no lock and uses no quota.
    verifier_regles(ressource, debut, fin, nb_personnes, now=now, externe=True)
    empreinte_ip = reseau.empreinte(ip)
    with transaction.atomic():
        # The room first, as every booking operation takes it (before any row lock).
        verrouiller_ressource(ressource)
        # One lock for all the bounds: checked and consumed together, or two requests at
        # once would both see the last free place.
        verrouiller(VERROU)
        _marquer_expirees(now, par)
        _verifier_bornes(ressource, debut, organisation.email.strip(), empreinte_ip, now)
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
            statut=Statut.EN_ATTENTE,
            expire_le=min(debut, now + DELAI_DEMANDE),
            empreinte_ip=empreinte_ip,
            message=message,
        )
        journaliser_creation(r, par, f"Demande de {decrire(r)}", operation="demande.creer")
        prevenir(r, "demande")
        emails.apres_validation(
            lambda: notifications.prevenir_equipe(r), quoi=f"alerte de la demande {r.pk}"
        )
    return r


MESSAGE_MAX = Reservation._meta.get_field("message").max_length


def _message_de_la_demande(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise EspacesError(f"Le message tient en {MESSAGE_MAX} caractères au plus.")
    return message


def _pris_entre_temps(r: Reservation, other: Reservation | None) -> str:
    """Pour l'équipe : qui tient le créneau, pour qu'elle puisse en parler à l'organisation."""
    if other is None:
        return f"{r.ressource} vient d'être réservée sur ce créneau : la demande reste en attente."
    qui = pour_qui(other)
    if other.par_id:
        qui += f" ({other.par.display_name})"
    return (
        f"{r.ressource} a été réservée entre-temps par {qui}, {creneau_tenu(other)} : la "
        f"demande reste en attente. Proposez un autre créneau à {r.externe.nom} ou refusez "
        "la demande."
    )


def _accepter(r: Reservation) -> None:
    """Confirme `r` si son créneau est encore libre, sinon ConflitError (rien d'écrit)."""

    def pris_par():
        return _pris_entre_temps(r, conflit(r.ressource, r.debut, r.fin_bloquee, exclure_pk=r.pk))

    other = conflit(r.ressource, r.debut, r.fin_bloquee, exclure_pk=r.pk)
    if other is not None:
        raise ConflitError(_pris_entre_temps(r, other))
    r.statut = Statut.CONFIRMEE
    r.sequence += 1
    # PostgreSQL: a booking committed after the check above (exclusion constraint); who
    # took the slot is read after the refusal.
    enregistrer(r, pris_par, update_fields=["statut", "sequence"])


# The e-mail the staff write from a request's page: bounded, as every text a page posts.
REPONSE_MAX = 5000
MOTIF_MAX = 500


def texte_de_reponse(texte: str) -> str:
    """L'e-mail que l'équipe a écrit (réponse à une demande), vérifié : ni vide ni démesuré."""
    # Browsers post a textarea's lines with CRLF: the e-mail gets plain line ends.
    texte = (texte or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not texte:
        raise EspacesError("Écrivez l'e-mail à envoyer à l'organisation.")
    if len(texte) > REPONSE_MAX:
        raise EspacesError(f"L'e-mail tient en {REPONSE_MAX} caractères au plus.")
    return texte + "\n"


def _motif_valide(motif: str) -> str:
    motif = " ".join((motif or "").split())
    if not motif:
        raise EspacesError("Donnez le motif du refus : il est noté au journal.")
    if len(motif) > MOTIF_MAX:
        raise EspacesError(f"Le motif tient en {MOTIF_MAX} caractères au plus.")
    return motif


def _trace_de_l_e_mail(r: Reservation, texte: str | None) -> dict[str, tuple[str, str]]:
    """Ce que le journal garde d'un e-mail écrit par l'équipe : à qui, et son début."""
    if texte is None:
        return {}
    return {
        "e-mail à": ("—", ", ".join(notifications.destinataires(r)) or "—"),
        "e-mail": ("—", journal.affichable(texte)),
    }


def decider_demande(
    *,
    reservation: Reservation,
    accepter: bool,
    par: Acteur,
    now=None,
    message: str | None = None,
    motif: str = "",
) -> Reservation:
    """L'équipe accepte ou refuse une demande extérieure en attente. Accepter vérifie que
    le créneau est encore libre : s'il a été réservé entre-temps, la demande reste en
    attente et le message dit par qui.

    `message` : l'e-mail que l'équipe a écrit depuis la fiche (sinon, celui du gabarit, pour
    une décision prise sur place depuis le tableau de bord) ; pour un refus, `motif` est
    alors exigé, noté au journal et mis à la place de « [motif] » dans l'e-mail. L'e-mail
    part après la validation ; un refus ne laisse rien (ni e-mail ni journal) d'une
    décision qui n'a pas eu lieu."""
    par = exiger(par)
    now = now or timezone.now()
    if not est_gestion(par):
        raise EspacesError("Seule l'équipe de gestion décide des demandes.")
    if message is not None:
        message = texte_de_reponse(message)
        if not accepter:
            motif = _motif_valide(motif)
            message = message.replace(notifications.MARQUE_MOTIF, motif)
    with transaction.atomic():
        # The room before any row (the expired requests marked below included), as every
        # booking operation takes them.
        verrouiller_ressource(reservation.ressource)
        _marquer_expirees(now, par)
        # of=self: PostgreSQL locks no row of the nullable side of an outer join (externe).
        r = (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("ressource", "externe", "par")
            .get(pk=reservation.pk)
        )
        expiree = r.est_expiree(now)
        if not expiree:
            if r.statut != Statut.EN_ATTENTE:
                raise EspacesError("Cette demande a déjà été traitée.")
            avant = r.get_statut_display()
            if accepter:
                _accepter(r)
            else:
                r.statut = Statut.REFUSEE
                r.sequence += 1
                r.save(update_fields=["statut", "sequence"])
            changements = {"statut": (avant, r.get_statut_display())}
            if motif and not accepter:
                changements["motif"] = ("—", motif)
            journal.journaliser(
                par=par,
                operation="demande.accepter" if accepter else "demande.refuser",
                libelle=f"Demande {'acceptée' if accepter else 'refusée'} : {decrire(r)}",
                objet=r,
                changements={**changements, **_trace_de_l_e_mail(r, message)},
            )
            prevenir(r, "confirmee" if accepter else "refusee", texte=message)
    # Raised after the commit: raising inside atomic() would roll the expiry back.
    if expiree:
        raise EspacesError(r.refus_changement(now))
    return r


def proposer_creneau(
    *,
    reservation: Reservation,
    debut: datetime.datetime,
    fin: datetime.datetime,
    message: str,
    par: Acteur,
    now: datetime.datetime | None = None,
) -> Reservation:
    """L'équipe propose un autre créneau à une organisation : la demande y est déplacée par
    le service de modification (ses règles : horaires, durée, créneau libre hors elle-même),
    reste en attente (jamais au-delà de son nouveau début) et l'organisation reçoit l'e-mail
    que l'équipe a écrit, « [créneau proposé] » remplacé par le nouveau créneau. Tout ou
    rien, dans une transaction : un créneau pris ne déplace rien, n'écrit rien au journal et
    n'envoie rien ; l'e-mail part après la validation."""
    par = exiger(par)
    now = now or timezone.now()
    if not est_gestion(par):
        raise EspacesError("Seule l'équipe de gestion répond aux demandes.")
    texte = texte_de_reponse(message)
    if reservation.statut != Statut.EN_ATTENTE:
        raise EspacesError("Cette demande a déjà été traitée.")
    if (debut, fin) == (reservation.debut, reservation.fin):
        raise EspacesError(
            "C'est déjà le créneau de la demande : choisissez-en un autre, ou acceptez-la."
        )
    with transaction.atomic():
        creneau_avant = temps.creneau(reservation.debut, reservation.fin)
        r = modifier_reservation(
            reservation=reservation,
            debut=debut,
            fin=fin,
            titre=reservation.titre,
            nb_personnes=reservation.nb_personnes,
            par=par,
            now=now,
            notifier=False,
        )
        # Read under the row lock modifier_reservation took: decided meanwhile, nothing moves.
        if r.statut != Statut.EN_ATTENTE:
            raise EspacesError("Cette demande a déjà été traitée.")
        texte = texte.replace(notifications.MARQUE_CRENEAU, temps.creneau_lisible(r.debut, r.fin))
        journal.journaliser(
            par=par,
            operation="demande.proposer",
            libelle=f"Autre créneau proposé à {r.externe.nom} : {decrire(r)}",
            objet=r,
            changements={
                "créneau": (creneau_avant, temps.creneau(r.debut, r.fin)),
                **_trace_de_l_e_mail(r, texte),
            },
        )
        prevenir(r, "proposition", texte=texte)
    return r
