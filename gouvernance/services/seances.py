"""Les séances de la SCIC : les ouvrir (inscrits, ordre du jour prérempli, salle réservée),
les convoquer (e-mail et .ics), noter les présences et procurations, tenir l'ordre du jour,
les actions de suivi et le procès-verbal, puis l'approuver (numéro, références des
décisions, PDF gardé avec son empreinte, envoi aux associé·es). Approuvé, le procès-verbal
ne change plus.

Chaque opération sur une séance la relit sous verrou de ligne (`brouillon_verrouille`) :
approuver et modifier depuis deux sessions se suivent, la seconde est refusée avec un
message si la première a approuvé.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone

from espaces import services as espaces_services
from phares.lib import dates, emails, journal, numerotation, temps
from phares.lib.acteur import Acteur

from .. import notifications, regles, rendu, selectors
from ..models import Action, Decision, DocumentPv, Participant, Point, Seance
from ._commun import (
    GouvernanceError,
    brouillon_verrouille,
    exiger_lecteur,
    exiger_redacteur,
    messages_de,
    texte,
)
from .decisions import verifier_voix

SERIE_PV = "PV"
# Art. R223-20 of the Commercial Code: a SARL's associates are convened 15 days ahead.
DELAI_CONVOCATION_AG = datetime.timedelta(days=15)
Presence = Participant.Presence


def titre_par_defaut(type_seance: str, debut: datetime.datetime) -> str:
    jour = temps.jour(debut)
    if type_seance == Seance.Type.COGERANCE:
        mois = dates.mois_annee(jour)
        return f"Cogérance {'d’' if mois[0] in 'aeiou' else 'de '}{mois}"
    return f"{Seance.Type(type_seance).label} du {dates.date_longue(jour)}"


def _points_suivants(seance: Seance) -> int:
    return (seance.points.aggregate(m=Max("rang"))["m"] or 0) + 1


# --- Ouvrir une séance ----------------------------------------------------------------------


@dataclass(frozen=True)
class Salle:
    """Une salle du bâtiment à réserver pour la séance, au nom d'une structure."""

    ressource: object  # espaces' Ressource, chosen from espaces.services.salles()
    structure: object  # the structure the booking is made for


def creer_seance(
    *,
    type: str,
    debut: datetime.datetime,
    fin: datetime.datetime | None,
    lieu: str,
    par: Acteur,
    titre: str = "",
    convocation: int = Seance.Convocation.PREMIERE,
    salle: Salle | None = None,
) -> Seance:
    """Ouvre une séance : ses inscrits (cogérant·es en cogérance, sinon associé·es, à la date
    de la séance), et pour une cogérance un ordre du jour prérempli (actions de suivi
    ouvertes, points proposés depuis). `salle` : réservée par espaces.services, dans la même
    transaction (refusée, rien n'est créé)."""
    par = exiger_redacteur(par)
    if type not in Seance.Type.values:
        raise GouvernanceError("Type de séance inconnu.")
    if timezone.is_naive(debut) or (fin is not None and timezone.is_naive(fin)):
        raise GouvernanceError("Heure sans fuseau : précisez la date et l'heure.")
    if fin is not None and fin <= debut:
        raise GouvernanceError("La fin de la séance suit son début.")
    if convocation == Seance.Convocation.SECONDE and type not in (Seance.Type.AGO, Seance.Type.AGE):
        raise GouvernanceError("Une seconde convocation ne concerne qu'une assemblée générale.")
    lieu = texte(lieu, quoi="le lieu", max_length=300)
    titre = texte(titre, quoi="le titre", max_length=200, requis=False) or titre_par_defaut(
        type, debut
    )
    with transaction.atomic():
        seance = Seance(
            type=type,
            titre=titre,
            debut=debut,
            fin=fin,
            lieu=lieu,
            convocation=convocation,
            cree_par=par.user,
        )
        try:
            seance.full_clean(exclude=["reservation", "cree_par"])
        except ValidationError as exc:
            raise GouvernanceError(messages_de(exc)) from exc
        seance.save()
        inscrits = _inscrire(seance)
        ordre_du_jour = _preremplir(seance) if type == Seance.Type.COGERANCE else 0
        if salle is not None:
            seance.reservation = _reserver(seance, salle, par)
            seance.save(update_fields=["reservation"])
        journal.journaliser(
            par=par,
            operation="seance.creer",
            libelle=f"Séance ouverte : {seance.titre}, {temps.creneau_lisible(debut, fin)}, "
            f"{seance.lieu} ({inscrits} inscrit·es, {ordre_du_jour} point(s) à l'ordre du jour)",
            objet=seance,
        )
    return seance


def _inscrire(seance: Seance) -> int:
    electeurs = selectors.electeurs(seance.type, le=temps.jour(seance.debut))
    Participant.objects.bulk_create(
        Participant(
            seance=seance,
            associe=e.associe,
            personne=e.personne,
            nom=e.nom[:200],
            college_id=e.college_id,
            rang=i,
        )
        for i, e in enumerate(electeurs, start=1)
    )
    return len(electeurs)


def _preremplir(seance: Seance) -> int:
    """Les actions de suivi encore ouvertes, puis les points proposés en attente."""
    rang = 0
    suivis = []
    for action in selectors.actions_ouvertes().order_by("echeance", "pk"):
        rang += 1
        suivis.append(
            Point(
                seance=seance,
                rang=rang,
                titre=f"Suivi : {action.libelle}"[:200],
                description=f"{action.responsable.display_name}, échéance le "
                f"{dates.date_courte(action.echeance)}",
                action=action,
            )
        )
    Point.objects.bulk_create(suivis)
    proposes = list(selectors.propositions_en_attente().order_by("propose_le", "pk"))
    for point in proposes:
        rang += 1
        point.seance, point.rang = seance, rang
    Point.objects.bulk_update(proposes, ["seance", "rang"])
    return rang


def _reserver(seance: Seance, salle: Salle, par: Acteur):
    if seance.fin is None:
        raise GouvernanceError("Pour réserver une salle, indiquez l'heure de fin de la séance.")
    try:
        # The meeting is announced free: a booking beyond the structure's monthly allowance
        # is refused (PrixError) rather than billed without anyone seeing the price.
        return espaces_services.reserver(
            ressource=salle.ressource,
            debut=seance.debut,
            fin=seance.fin,
            titre=seance.titre[:200],
            structure=salle.structure,
            par=par,
            prix_accepte=Decimal("0.00"),
        )
    except espaces_services.EspacesError as exc:
        raise GouvernanceError(f"La salle n'est pas réservée : {exc}") from exc


# --- Modifier la séance et le procès-verbal ---------------------------------------------------

CHAMPS_SEANCE = ("titre", "debut", "fin", "lieu", "convocation")
CHAMPS_PV = ("president", "secretaire", "invites", "documents", "debats")


def modifier_seance(*, seance: Seance, par: Acteur, **champs) -> tuple[Seance, bool]:
    """Date, lieu, titre, convocation ; présidence, secrétariat, invité·es, documents, résumé
    des débats. Rend (séance, reconvoquer) : vrai si la date ou le lieu d'une séance déjà
    convoquée ont changé (la convocation est à renvoyer)."""
    par = exiger_redacteur(par)
    inconnus = set(champs) - set(CHAMPS_SEANCE) - set(CHAMPS_PV)
    if inconnus:
        raise GouvernanceError(f"Champs inconnus : {', '.join(sorted(inconnus))}.")
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        noms = [n for n in (*CHAMPS_SEANCE, *CHAMPS_PV) if n in champs]
        avant = journal.instantane(s, noms)
        for nom, valeur in champs.items():
            setattr(s, nom, valeur.strip() if isinstance(valeur, str) else valeur)
        if not s.titre:
            s.titre = titre_par_defaut(s.type, s.debut)
        if s.convocation == Seance.Convocation.SECONDE and not s.est_assemblee:
            raise GouvernanceError("Une seconde convocation ne concerne qu'une assemblée générale.")
        try:
            s.full_clean(exclude=["reservation", "cree_par", "approuvee_par"])
        except ValidationError as exc:
            raise GouvernanceError(messages_de(exc)) from exc
        changements = journal.ecarts(avant, journal.instantane(s, noms))
        if not changements:
            return s, False
        if "convocation" in champs and s.decisions.exists():
            _verifier_quorum_des_decisions(s, list(s.participants.all()))
        s.save()
        reconvoquer = s.convoquee_le is not None and any(
            str(s._meta.get_field(n).verbose_name) in changements for n in ("debut", "fin", "lieu")
        )
        journal.journaliser(
            par=par,
            operation="seance.modifier",
            libelle=f"Séance modifiée : {s.titre}",
            objet=s,
            changements=changements,
        )
    return s, reconvoquer


def supprimer_seance(*, seance: Seance, par: Acteur) -> str:
    """Retire une séance dont le procès-verbal n'est pas approuvé (ouverte par erreur) ; les
    points proposés retournent en attente, la salle réservée est libérée. Rend un message."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        titre = s.titre
        Point.objects.filter(seance=s, propose_par__isnull=False).update(seance=None, rang=0)
        reservation = s.reservation
        try:
            with transaction.atomic():
                s.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise GouvernanceError(
                "Une action de cette séance est suivie à l'ordre du jour d'une autre séance : "
                "retirez d'abord ce point de suivi."
            ) from exc
        message = f"La séance « {titre} » est retirée."
        if reservation is not None and reservation.statut == "confirmee":
            try:
                espaces_services.annuler(reservation=reservation, par=par)
                message += " Sa salle est libérée."
            except espaces_services.EspacesError as exc:
                message += f" Sa salle reste réservée : {exc}"
        journal.journaliser(
            par=par, operation="seance.supprimer", libelle=f"Séance retirée : {titre}"
        )
    return message


# --- Présences et procurations ------------------------------------------------------------


@dataclass(frozen=True)
class LignePresence:
    participant_id: int
    presence: str
    mandataire_id: int | None = None
    representant: str = ""


def _appliquer(participants: dict[int, Participant], lignes: list[LignePresence]) -> None:
    for ligne in lignes:
        p = participants.get(ligne.participant_id)
        if p is None:
            raise GouvernanceError("Cette personne n'est pas inscrite à la séance.")
        if ligne.presence not in Presence.values:
            raise GouvernanceError(f"{p.nom} : présence inconnue.")
        p.presence = ligne.presence
        p.mandataire_id = ligne.mandataire_id if ligne.presence == Presence.REPRESENTE else None
        p.representant = texte(
            ligne.representant, quoi=f"qui représente {p.nom}", max_length=200, requis=False
        )
        if p.associe_id:
            # Colleges may have been set since the meeting was opened (never after approval).
            p.college_id = p.associe.college_id


def _verifier_procurations(participants: dict[int, Participant]) -> None:
    maximum = regles.procurations_max()
    portees: dict[int, list[Participant]] = {}
    for p in participants.values():
        if p.presence != Presence.REPRESENTE:
            continue
        if p.mandataire_id is None:
            raise GouvernanceError(f"{p.nom} est représenté·e : par qui (procuration) ?")
        if p.mandataire_id == p.pk:
            raise GouvernanceError(f"{p.nom} ne se donne pas procuration à soi-même.")
        mandataire = participants.get(p.mandataire_id)
        if mandataire is None:
            raise GouvernanceError(
                f"{p.nom} : une procuration se donne à un·e autre inscrit·e de la séance "
                "(associé·e, ou cogérant·e en cogérance)."
            )
        if mandataire.presence != Presence.PRESENT:
            raise GouvernanceError(
                f"{p.nom} donne procuration à {mandataire.nom}, qui doit être présent·e."
            )
        portees.setdefault(mandataire.pk, []).append(p)
    for pk, represente in portees.items():
        if len(represente) > maximum:
            raise GouvernanceError(
                f"{participants[pk].nom} porterait {len(represente)} procurations "
                f"({', '.join(r.nom for r in represente)}) : {maximum} au plus selon les statuts."
            )


def _verifier_quorum_des_decisions(s: Seance, participants: list[Participant]) -> None:
    q = selectors.quorum(s, participants)
    if not q.atteint:
        raise GouvernanceError(
            f"Des décisions sont enregistrées : le quorum ({q.regle}) ne serait plus atteint "
            f"avec {q.comptes} présent·es ou représenté·es."
        )


def enregistrer_presences(
    *, seance: Seance, lignes: list[LignePresence], par: Acteur
) -> selectors.Quorum:
    """La feuille de présence : présent·e, représenté·e (procuration à un·e inscrit·e
    présent·e, dans la limite des statuts), excusé·e, absent·e. Refusée si elle laisserait un
    vote déjà noté au-delà des présent·es et représenté·es, ou une décision sans quorum."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        participants = {p.pk: p for p in s.participants.select_related("associe")}
        avant = {
            pk: (p.presence, p.mandataire_id, p.representant) for pk, p in participants.items()
        }
        _appliquer(participants, lignes)
        _verifier_procurations(participants)
        liste = list(participants.values())
        decisions = list(s.decisions.prefetch_related("votes_colleges"))
        if decisions:
            _verifier_quorum_des_decisions(s, liste)
        for d in decisions:
            verifier_voix(s, d, liste)
        Participant.objects.bulk_update(
            liste, ["presence", "mandataire", "representant", "college"]
        )
        q = selectors.quorum(s, liste)
        changes = [
            p
            for pk, p in participants.items()
            if avant[pk] != (p.presence, p.mandataire_id, p.representant)
        ]
        journal.journaliser(
            par=par,
            operation="seance.presences",
            libelle=f"Présences de « {s.titre} » : {q.presents} présent·es, {q.representes} "
            f"représenté·es sur {q.inscrits} ({len(changes)} ligne(s) changée(s))",
            objet=s,
            changements={
                p.nom: (
                    Presence(avant[p.pk][0]).label,
                    p.get_presence_display()
                    + (f" par {participants[p.mandataire_id].nom}" if p.mandataire_id else ""),
                )
                for p in changes
            },
        )
    return q


# --- Ordre du jour et propositions ----------------------------------------------------------


def ajouter_point(*, seance: Seance, titre: str, description: str = "", par: Acteur) -> Point:
    par = exiger_redacteur(par)
    titre = texte(titre, quoi="le point", max_length=200)
    description = texte(description, quoi="les précisions", max_length=2000, requis=False)
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        point = Point.objects.create(
            seance=s, rang=_points_suivants(s), titre=titre, description=description
        )
        journal.journaliser(
            par=par,
            operation="seance.ajouter_point",
            libelle=f"Point ajouté à l'ordre du jour de « {s.titre} » : {titre}",
            objet=s,
        )
    return point


def retirer_point(*, point: Point, par: Acteur) -> None:
    """Retire un point de l'ordre du jour (un point proposé retourne en attente)."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        s = brouillon_verrouille(point.seance)
        point = s.points.filter(pk=point.pk).first()
        if point is None:
            raise GouvernanceError("Ce point n'est plus à l'ordre du jour.")
        if point.propose_par_id:
            point.seance, point.rang = None, 0
            point.save(update_fields=["seance", "rang"])
            quoi = "reporté (il attend la prochaine cogérance)"
        else:
            point.delete()
            quoi = "retiré"
        journal.journaliser(
            par=par,
            operation="seance.retirer_point",
            libelle=f"Point {quoi} de l'ordre du jour de « {s.titre} » : {point.titre}",
            objet=s,
        )


def proposer_point(*, titre: str, description: str = "", par: Acteur) -> Point:
    """Toute personne qui lit la gouvernance propose un point : il rejoint l'ordre du jour de
    la prochaine cogérance déjà ouverte, sinon il attend qu'on l'ouvre."""
    par = exiger_lecteur(par)
    titre = texte(titre, quoi="le point proposé", max_length=200)
    description = texte(description, quoi="les précisions", max_length=2000, requis=False)
    with transaction.atomic():
        prochaine = (
            Seance.objects.select_for_update()
            .brouillons()
            .filter(type=Seance.Type.COGERANCE, debut__gte=timezone.now())
            .order_by("debut", "pk")
            .first()
        )
        point = Point.objects.create(
            seance=prochaine,
            rang=_points_suivants(prochaine) if prochaine else 0,
            titre=titre,
            description=description,
            propose_par=par.user,
            propose_le=timezone.now(),
        )
        ou = f"à l'ordre du jour de « {prochaine.titre} »" if prochaine else "en attente"
        journal.journaliser(
            par=par,
            operation="seance.proposer_point",
            libelle=f"Point proposé {ou} : {titre}",
            objet=prochaine,
        )
    point.seance = prochaine
    return point


# --- Actions de suivi --------------------------------------------------------------------------


def ajouter_action(
    *,
    seance: Seance,
    libelle: str,
    responsable,
    echeance: datetime.date,
    par: Acteur,
    decision: Decision | None = None,
) -> Action:
    par = exiger_redacteur(par)
    libelle = texte(libelle, quoi="l'action", max_length=300)
    if responsable is None:
        raise GouvernanceError("Indiquez qui porte l'action.")
    if echeance is None:
        raise GouvernanceError("Indiquez l'échéance de l'action.")
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        if decision is not None and not s.decisions.filter(pk=decision.pk).exists():
            raise GouvernanceError("Cette décision n'est pas de cette séance.")
        action = Action.objects.create(
            seance=s,
            decision=decision,
            libelle=libelle,
            responsable=responsable,
            echeance=echeance,
        )
        journal.journaliser(
            par=par,
            operation="action.creer",
            libelle=f"Action de suivi décidée en « {s.titre} » : {libelle} "
            f"({responsable.display_name}, échéance le {dates.date_courte(echeance)})",
            objet=action,
        )
    return action


def retirer_action(*, action: Action, par: Acteur) -> None:
    """Retire une action d'un procès-verbal pas encore approuvé."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        s = brouillon_verrouille(action.seance)
        action = s.actions.filter(pk=action.pk).first()
        if action is None:
            raise GouvernanceError("Cette action n'est plus à ce procès-verbal.")
        if action.suivis.exists():
            raise GouvernanceError(
                "Cette action est suivie à l'ordre du jour d'une séance : retirez d'abord ce point."
            )
        libelle = action.libelle
        action.delete()
        journal.journaliser(
            par=par,
            operation="action.retirer",
            libelle=f"Action retirée du procès-verbal de « {s.titre} » : {libelle}",
            objet=s,
        )


def changer_statut_action(
    *, action: Action, statut: str, par: Acteur, commentaire: str = ""
) -> Action:
    """Fait, abandonné, ou de nouveau à faire : le statut d'une action évolue après le
    procès-verbal (son libellé, son ou sa responsable et son échéance, non)."""
    par = exiger_redacteur(par)
    if statut not in Action.Statut.values:
        raise GouvernanceError("Statut inconnu.")
    commentaire = texte(commentaire, quoi="le commentaire", max_length=500, requis=False)
    with transaction.atomic():
        a = Action.objects.select_for_update().filter(pk=action.pk).first()
        if a is None:
            raise GouvernanceError("Cette action n'existe plus.")
        if a.statut == statut and a.commentaire == commentaire:
            return a
        avant = journal.instantane(a, ["statut", "commentaire"])
        a.statut, a.commentaire = statut, commentaire
        a.statut_le, a.statut_par = timezone.now(), par.user
        a.save(update_fields=["statut", "commentaire", "statut_le", "statut_par"])
        journal.journaliser(
            par=par,
            operation="action.statut",
            libelle=f"Action « {a.libelle} » : {a.get_statut_display().lower()}",
            objet=a,
            changements=journal.ecarts(avant, journal.instantane(a, ["statut", "commentaire"])),
        )
    return a


# --- Convocation ---------------------------------------------------------------------------


def convoquer(*, seance: Seance, par: Acteur) -> tuple[int, str]:
    """Envoie la convocation (ordre du jour, lieu, .ics) aux inscrits, après la validation.
    Renvoyée après un changement, elle porte une version plus haute : l'agenda remplace
    l'événement. Rend (nombre d'adresses, avertissement éventuel)."""
    par = exiger_redacteur(par)
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        if s.debut <= timezone.now():
            raise GouvernanceError("Cette séance a commencé : on ne la convoque plus.")
        if not s.points.exists():
            raise GouvernanceError("L'ordre du jour est vide : la convocation le donne.")
        adresses = selectors.emails_participants(s)
        if not adresses:
            raise GouvernanceError("Aucun·e inscrit·e n'a d'adresse e-mail.")
        s.sequence = s.sequence + 1 if s.convoquee_le else 0
        s.convoquee_le = timezone.now()
        s.save(update_fields=["sequence", "convoquee_le"])
        journal.journaliser(
            par=par,
            operation="seance.convoquer",
            libelle=f"Convocation à « {s.titre} » envoyée à {len(adresses)} adresse(s)"
            + (f" (version {s.sequence + 1})" if s.sequence else ""),
            objet=s,
        )
        emails.apres_validation(
            partial(notifications.envoyer_convocation, s.pk, adresses),
            quoi=f"convocation à la séance {s.pk}",
        )
    avertissement = ""
    if s.est_assemblee and s.debut - s.convoquee_le < DELAI_CONVOCATION_AG:
        avertissement = (
            "Attention : une assemblée se convoque au moins 15 jours à l'avance (art. R223-20 du "
            "Code de commerce, sauf délai différent des statuts)."
        )
    return len(adresses), avertissement


# --- Approbation ------------------------------------------------------------------------------


def _verifier_approbation(s: Seance, participants, decisions) -> None:
    manque = [
        quoi
        for quoi, valeur in (
            ("la présidence de séance", s.president_id),
            ("le ou la secrétaire de séance", s.secretaire_id),
        )
        if not valeur
    ]
    if manque:
        raise GouvernanceError(
            f"Indiquez {' et '.join(manque)} : le procès-verbal les nomme et ils le signent."
        )
    if not any(p.compte for p in participants):
        raise GouvernanceError("Personne n'est noté·e présent·e : cochez les présences d'abord.")
    if decisions:
        _verifier_quorum_des_decisions(s, participants)
        for d in decisions:
            verifier_voix(s, d, participants)


def approuver(
    *,
    seance: Seance,
    par: Acteur,
    le: datetime.datetime | None = None,
    notifier: bool = True,
) -> Seance:
    """Approuve le procès-verbal : numéro sans trou (« PV2015-0007 », année de la séance),
    références des décisions (« 2015-07-D03 »), PDF gardé avec son SHA-256, puis envoi aux
    associé·es. Tout ou rien : si le PDF échoue, aucun numéro n'est pris. Ensuite la séance,
    ses présences, son ordre du jour et ses décisions ne changent plus."""
    par = exiger_redacteur(par)
    le = le or timezone.now()
    if le > timezone.now():
        raise GouvernanceError("Un procès-verbal ne s'approuve pas à une date future.")
    with transaction.atomic():
        s = brouillon_verrouille(seance)
        participants = list(s.participants.all())
        decisions = list(s.decisions.prefetch_related("votes_colleges").order_by("rang", "pk"))
        _verifier_approbation(s, participants, decisions)
        jour = temps.jour(s.debut)
        if temps.jour(le) < jour:
            raise GouvernanceError("Un procès-verbal s'approuve après sa séance.")
        for d in decisions:
            # One counter per month (all meetings of the month): the rank never repeats.
            d.rang_mois = numerotation.prochain_numero(f"DEC{jour.month:02d}", jour.year)
            d.reference = f"{jour:%Y-%m}-D{d.rang_mois:02d}"
        Decision.objects.bulk_update(decisions, ["rang_mois", "reference"])
        s.annee_pv = jour.year
        s.rang_pv = numerotation.prochain_numero(SERIE_PV, jour.year)
        s.numero = numerotation.formater(SERIE_PV, jour.year, s.rang_pv)
        s.statut = Seance.Statut.APPROUVEE
        s.approuvee_le, s.approuvee_par = le, par.user
        pdf = rendu.pv_pdf(rendu.contexte_pv(s, participants=participants, decisions=decisions))
        s.save()
        DocumentPv.objects.create(
            seance=s, contenu=pdf, sha256=hashlib.sha256(pdf).hexdigest(), taille=len(pdf)
        )
        journal.journaliser(
            par=par,
            operation="seance.approuver",
            libelle=f"Procès-verbal {s.numero} approuvé : {s.titre}, {len(decisions)} décision(s)"
            + (f" ({', '.join(d.reference for d in decisions)})" if decisions else ""),
            objet=s,
        )
        if notifier:
            emails.apres_validation(
                partial(notifications.envoyer_pv, s.pk),
                quoi=f"procès-verbal {s.numero} aux associé·es",
            )
    return s
