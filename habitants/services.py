"""Opérations métier sur les habitants : chacune dans une transaction, chacune prend
l'acteur (`par`), écrit le journal et lève HabitantsError avec un message lisible que la vue
affiche. Les e-mails partent après la validation (phares.lib.emails.apres_validation)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from phares.lib import annulables, emails, journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.slugs import slug_libre

from .models import (
    CHIFFRES_FIELDS,
    ChiffresAnnuels,
    Domaine,
    Invitation,
    Membre,
    Structure,
    hash_token,
)

User = get_user_model()


class HabitantsError(Exception):
    """Refus métier, avec un message destiné à la personne."""


# --- Structures -----------------------------------------------------------------------

# What the journal shows of a structure, before → after.
CHAMPS_STRUCTURE = (
    "nom",
    "sigle_developpe",
    "forme_juridique",
    "siren",
    "siret",
    "domaine",
    "description",
    "site_web",
    "logo",
    "email_contact",
    "telephone",
    "adresse_facturation",
    "email_facturation",
    "arrivee",
    "depart",
)
CHAMPS_PROFIL = ("description", "site_web", "logo", "email_contact", "telephone")


def _slug_libre(nom: str) -> str:
    return slug_libre(
        nom, defaut="structure", pris=lambda slug: Structure.objects.filter(slug=slug).exists()
    )


def enregistrer_structure(*, structure: Structure, par: Acteur) -> Structure:
    """Crée la structure (sans `pk`) ou enregistre ses modifications (fiche complète, par
    l'équipe). `structure` vient d'un formulaire validé (`form.save(commit=False)`)."""
    return _enregistrer(structure, par, CHAMPS_STRUCTURE, profil=False)


def enregistrer_profil(*, structure: Structure, par: Acteur) -> Structure:
    """Le profil public qu'une structure tient elle-même (description, logo, contacts)."""
    if structure.pk is None:
        raise HabitantsError("Structure inconnue.")
    return _enregistrer(structure, par, CHAMPS_PROFIL, profil=True)


def _enregistrer(structure: Structure, par: Acteur, champs, *, profil: bool) -> Structure:
    par = exiger(par)
    creation = structure.pk is None
    with transaction.atomic():
        if creation:
            avant = {}
            structure.slug = _slug_libre(structure.nom)
        else:
            actuelle = Structure.objects.select_for_update().get(pk=structure.pk)
            if actuelle.archivee and profil:
                raise HabitantsError("Cette structure est archivée.")
            avant = journal.instantane(actuelle, champs)
        try:
            with transaction.atomic():
                structure.save()
        except IntegrityError as exc:
            # The form checked the name; a concurrent save of the same name lands here.
            raise HabitantsError("Une structure porte déjà ce nom ou ce SIRET.") from exc
        changements = journal.ecarts(avant, journal.instantane(structure, champs))
        if creation:
            libelle = f"Structure créée : {structure.nom}"
        elif profil:
            libelle = f"Profil public de {structure.nom} modifié par la structure"
        else:
            libelle = f"Fiche de {structure.nom} modifiée"
        if creation or changements:
            journal.journaliser(
                par=par,
                operation="structure.creer" if creation else "structure.modifier",
                libelle=libelle,
                objet=structure,
                structure=structure,
                changements=changements,
            )
    return structure


def archiver_structure(*, structure: Structure, par: Acteur) -> Structure:
    par = exiger(par)
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if structure.archivee:
            raise HabitantsError("Cette structure est déjà archivée.")
        now = timezone.now()
        structure.archivee = True
        structure.archivee_le = now
        structure.save(update_fields=["archivee", "archivee_le", "modifiee_le"])
        # The same instant on both: undoing the archiving finds these invitations by it.
        annulees = Invitation.objects.filter(structure=structure).en_attente()
        n = annulees.update(annulee_le=now)
        journal.journaliser(
            par=par,
            operation="structure.archiver",
            libelle=f"Structure archivée : {structure.nom}"
            + (f" ({n} invitation{'s' * (n > 1)} en attente annulée{'s' * (n > 1)})" if n else ""),
            objet=structure,
            structure=structure,
            changements={"archivée": ("non", "oui")},
        )
    return structure


def restaurer_structure(*, structure: Structure, par: Acteur) -> Structure:
    par = exiger(par)
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if not structure.archivee:
            raise HabitantsError("Cette structure n'est pas archivée.")
        structure.archivee = False
        structure.archivee_le = None
        structure.save(update_fields=["archivee", "archivee_le", "modifiee_le"])
        journal.journaliser(
            par=par,
            operation="structure.restaurer",
            libelle=f"Structure restaurée : {structure.nom}",
            objet=structure,
            structure=structure,
            changements={"archivée": ("oui", "non")},
        )
    return structure


ARCHIVAGE = "structure.archiver"


def proposer_restauration(*, structure: Structure, par: Acteur) -> annulables.Offre:
    """Après `archiver_structure` : le bouton qui la défait pendant quelques minutes."""
    return annulables.proposer(
        par=par,
        operation=ARCHIVAGE,
        donnees={"structure": structure.pk, "archivee_le": structure.archivee_le.isoformat()},
    )


def annuler_archivage(*, operation, par: Acteur) -> Structure:
    """Défait un archivage (`operation` : l'offre de `proposer_restauration`) : la structure
    redevient active et les invitations que l'archivage avait annulées, encore valables,
    attendent de nouveau. Refusé si la structure a été restaurée (ou réarchivée) depuis."""
    par = exiger(par)
    now = timezone.now()
    with transaction.atomic():
        op = annulables.prendre(operation, attendue=ARCHIVAGE, par=par, now=now)
        structure = Structure.objects.select_for_update().get(pk=op.donnees["structure"])
        archivee_le = datetime.datetime.fromisoformat(op.donnees["archivee_le"])
        if not structure.archivee or structure.archivee_le != archivee_le:
            raise HabitantsError(
                f"« {structure.nom} » a changé depuis (restaurée ou archivée de nouveau) : "
                "rien n'a changé."
            )
        structure.archivee = False
        structure.archivee_le = None
        structure.save(update_fields=["archivee", "archivee_le", "modifiee_le"])
        n = Invitation.objects.filter(
            structure=structure,
            annulee_le=archivee_le,
            acceptee_le__isnull=True,
            expire_le__gt=now,
        ).update(annulee_le=None)
        journal.journaliser(
            par=par,
            operation="structure.restaurer",
            libelle=f"Archivage annulé, structure de nouveau active : {structure.nom}"
            + (f" ({n} invitation{'s' * (n > 1)} de nouveau en attente)" if n else ""),
            objet=structure,
            structure=structure,
            changements={"archivée": ("oui", "non")},
        )
        annulables.marquer_defaite(op, par=par, now=now)
    return structure


def enregistrer_domaine(*, domaine: Domaine, par: Acteur) -> Domaine:
    par = exiger(par)
    creation = domaine.pk is None
    with transaction.atomic():
        avant = (
            {}
            if creation
            else journal.instantane(
                Domaine.objects.select_for_update().get(pk=domaine.pk), ["nom", "ordre"]
            )
        )
        try:
            with transaction.atomic():
                domaine.save()
        except IntegrityError as exc:
            raise HabitantsError("Un domaine porte déjà ce nom.") from exc
        changements = journal.ecarts(avant, journal.instantane(domaine, ["nom", "ordre"]))
        if creation or changements:  # saving an unchanged form is not an operation
            journal.journaliser(
                par=par,
                operation="domaine.creer" if creation else "domaine.modifier",
                libelle=f"Domaine d'activité {'ajouté' if creation else 'modifié'} : {domaine.nom}",
                objet=domaine,
                changements=changements,
            )
    return domaine


# --- Invitations ------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationEnvoyee:
    invitation: Invitation
    token: str


def inviter(
    *, structure: Structure, email: str, role: str, par: Acteur, build_url: Callable[[str], str]
) -> InvitationEnvoyee:
    """Invite `email` dans `structure`. Une invitation en attente pour la même
    adresse est remplacée (le lien précédent cesse de fonctionner). L'e-mail part après la
    validation ; s'il ne part pas, l'invitation le dit et propose de le renvoyer."""
    par = exiger(par)
    email = email.strip().lower()
    if structure.archivee:
        raise HabitantsError("On ne peut pas inviter dans une structure archivée.")
    if role not in Membre.Role.values:
        raise HabitantsError("Rôle inconnu.")
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        if Membre.objects.actifs().filter(structure=structure, user__email__iexact=email).exists():
            raise HabitantsError(f"{email} est déjà membre de {structure.nom}.")
        remplacees = Invitation.objects.filter(
            structure=structure,
            email__iexact=email,
            acceptee_le__isnull=True,
            annulee_le__isnull=True,
        ).update(annulee_le=now)
        invitation = Invitation.objects.create(
            structure=structure,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invitee_par=par.user,
            creee_le=now,
            expire_le=now + datetime.timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        journal.journaliser(
            par=par,
            operation="invitation.envoyer",
            libelle=f"Invitation de {email} ({invitation.get_role_display().lower()}) "
            f"dans {structure.nom}" + (" (remplace la précédente)" if remplacees else ""),
            objet=invitation,
            structure=structure,
        )
        _envoyer_invitation(invitation, build_url(token), par)
    return InvitationEnvoyee(invitation=invitation, token=token)


def _envoyer_invitation(invitation: Invitation, url: str, par: Acteur) -> None:
    context = {
        "invitation": invitation,
        "url": url,
        "par": par.user,
        "validite": settings.INVITATION_VALIDITY_DAYS,
        "PHARES_CONTACT": settings.PHARES_CONTACT,
    }
    subject, body = emails.rendre("habitants/email/invitation", context)

    def echec():
        # The invitation exists and its link works: say so on the page, offer to resend.
        Invitation.objects.filter(pk=invitation.pk).update(envoi_echoue_le=timezone.now())

    emails.apres_validation(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[invitation.email]
        ),
        quoi=f"invitation {invitation.pk}",
        si_echec=echec,
    )


def annuler_invitation(*, invitation: Invitation, par: Acteur) -> None:
    par = exiger(par)
    with transaction.atomic():
        inv = (
            Invitation.objects.select_for_update().select_related("structure").get(pk=invitation.pk)
        )
        if inv.acceptee_le or inv.annulee_le:
            raise HabitantsError("Cette invitation n'est plus en attente.")
        inv.annulee_le = timezone.now()
        inv.save(update_fields=["annulee_le"])
        journal.journaliser(
            par=par,
            operation="invitation.annuler",
            libelle=f"Invitation de {inv.email} dans {inv.structure.nom} annulée",
            objet=inv,
            structure=inv.structure,
        )


def invitation_par_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("structure", "invitee_par")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _verifier_invitation(invitation: Invitation) -> Invitation:
    inv = Invitation.objects.select_for_update().select_related("structure").get(pk=invitation.pk)
    if inv.acceptee_le:
        raise HabitantsError("Cette invitation a déjà été acceptée. Connectez-vous.")
    if inv.annulee_le:
        raise HabitantsError("Cette invitation a été annulée. Demandez-en une nouvelle.")
    if inv.expire_le <= timezone.now():
        raise HabitantsError("Cette invitation a expiré. Demandez-en une nouvelle.")
    if inv.structure.archivee:
        raise HabitantsError("Cette structure n'est plus active.")
    return inv


def _rejoindre(inv: Invitation, user, par: Acteur) -> Membre:
    # An appartenance that ends today cannot reopen today: close then reopen is
    # the same day, so reuse it rather than violate the one-open rule.
    membre = Membre.objects.actifs().filter(user=user, structure=inv.structure).first()
    if membre is None:
        membre = Membre.objects.create(
            user=user, structure=inv.structure, role=inv.role, debut=timezone.localdate()
        )
    inv.acceptee_le = timezone.now()
    inv.acceptee_par = user
    inv.save(update_fields=["acceptee_le", "acceptee_par"])
    journal.journaliser(
        par=par,
        operation="invitation.accepter",
        libelle=f"{user.display_name} rejoint {inv.structure.nom} "
        f"({membre.get_role_display().lower()})",
        objet=membre,
        structure=inv.structure,
    )
    return membre


def accepter_invitation_nouveau_compte(
    *, invitation: Invitation, first_name: str, last_name: str, password: str, par: Acteur
):
    """Crée le compte de la personne invitée (l'e-mail est prouvé par le lien)."""
    par = exiger(par)
    with transaction.atomic():
        inv = _verifier_invitation(invitation)
        if User.objects.filter(email__iexact=inv.email).exists():
            raise HabitantsError(
                "Un compte existe déjà pour cette adresse : connectez-vous pour accepter."
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=inv.email, password=password, first_name=first_name, last_name=last_name
                )
        except IntegrityError as exc:
            raise HabitantsError("Un compte existe déjà pour cette adresse.") from exc
        EmailAddress.objects.create(user=user, email=inv.email, verified=True, primary=True)
        # From here on the person acts as themselves (same request).
        _rejoindre(inv, user, Acteur.personne(user, request_id=par.request_id))
    return user


def accepter_invitation_compte_existant(*, invitation: Invitation, par: Acteur) -> Membre:
    par = exiger(par)
    user = par.user
    if user is None:
        raise HabitantsError("Connectez-vous pour accepter cette invitation.")
    with transaction.atomic():
        inv = _verifier_invitation(invitation)
        if user.email.lower() != inv.email.lower():
            raise HabitantsError(
                f"Cette invitation est adressée à {inv.email} : connectez-vous avec cette adresse."
            )
        return _rejoindre(inv, user, par)


# --- Membres ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Retrait:
    """Ce que `retirer_membre` a fait, de quoi le défaire."""

    membre_id: int | None  # None: the membership began that day and was deleted
    user_id: int
    structure_id: int
    role: str
    fonction: str
    debut: datetime.date
    fin_avant: datetime.date | None
    nom: str


def retirer_membre(*, membre: Membre, par: Acteur) -> Retrait:
    """Met fin à l'appartenance (hier inclus : l'accès cesse tout de suite)."""
    par = exiger(par)
    today = timezone.localdate()
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=membre.structure_id)
        membre = Membre.objects.select_for_update().select_related("user").get(pk=membre.pk)
        if membre.fin is not None and membre.fin < today:
            raise HabitantsError("Cette personne ne fait déjà plus partie de la structure.")
        if membre.role == Membre.Role.REFERENT:
            autres = (
                Membre.objects.actifs()
                .filter(structure_id=membre.structure_id, role=Membre.Role.REFERENT)
                .exclude(pk=membre.pk)
            )
            if not autres.exists():
                raise HabitantsError(
                    "C'est le dernier référent de la structure : nommez-en un autre avant."
                )
        nom = membre.user.display_name
        retrait = Retrait(
            membre_id=None if membre.debut >= today else membre.pk,
            user_id=membre.user_id,
            structure_id=structure.pk,
            role=membre.role,
            fonction=membre.fonction,
            debut=membre.debut,
            fin_avant=membre.fin,
            nom=nom,
        )
        if membre.debut >= today:
            # Joined today: no full day of history to keep.
            changements = {}
            membre.delete()
        else:
            fin = today - datetime.timedelta(days=1)
            changements = {"fin (incluse)": ("—", journal.affichable(fin))}
            membre.fin = fin
            membre.save(update_fields=["fin"])
        journal.journaliser(
            par=par,
            operation="membre.retirer",
            libelle=f"{nom} ne fait plus partie de {structure.nom}",
            objet=membre if membre.pk else None,
            structure=structure,
            changements=changements,
        )
    return retrait


RETRAIT = "membre.retirer"


def proposer_reintegration(*, retrait: Retrait, par: Acteur) -> annulables.Offre:
    """Après `retirer_membre` : le bouton qui défait le retrait pendant quelques minutes."""
    return annulables.proposer(
        par=par,
        operation=RETRAIT,
        donnees={
            "membre": retrait.membre_id,
            "user": retrait.user_id,
            "structure": retrait.structure_id,
            "role": retrait.role,
            "fonction": retrait.fonction,
            "debut": retrait.debut.isoformat(),
            "fin": retrait.fin_avant.isoformat() if retrait.fin_avant else None,
        },
    )


def reintegrer_membre(*, operation, par: Acteur) -> Membre:
    """Défait un retrait (`operation` : l'offre de `proposer_reintegration`) : l'appartenance
    reprend comme avant (même début, même rôle, même fin prévue). Refusé si la personne est
    revenue entre-temps (invitation acceptée) ou si la structure est archivée."""
    par = exiger(par)
    with transaction.atomic():
        op = annulables.prendre(operation, attendue=RETRAIT, par=par)
        d = op.donnees
        structure = Structure.objects.select_for_update().get(pk=d["structure"])
        user = User.objects.get(pk=d["user"])
        if structure.archivee:
            raise HabitantsError(f"« {structure.nom} » est archivée : rien n'a changé.")
        if Membre.objects.actifs().filter(user=user, structure=structure).exists():
            raise HabitantsError(
                f"{user.display_name} fait déjà de nouveau partie de {structure.nom} : "
                "rien n'a changé."
            )
        fin = datetime.date.fromisoformat(d["fin"]) if d["fin"] else None
        try:
            with transaction.atomic():
                membre, changements = _rouvrir(d, user, structure, fin)
        except (IntegrityError, Membre.DoesNotExist) as exc:
            raise HabitantsError(
                f"L'appartenance de {user.display_name} à {structure.nom} a changé depuis : "
                "rien n'a changé."
            ) from exc
        journal.journaliser(
            par=par,
            operation="membre.reintegrer",
            libelle=f"Retrait annulé : {user.display_name} fait de nouveau partie de "
            f"{structure.nom} ({membre.get_role_display().lower()})",
            objet=membre,
            structure=structure,
            changements=changements,
        )
        annulables.marquer_defaite(op, par=par)
    return membre


def _rouvrir(d: dict, user, structure: Structure, fin: datetime.date | None):
    """L'appartenance d'avant le retrait : la même ligne rouverte, ou recréée si le retrait
    l'avait effacée (commencée le jour même) ; avec ses changements pour le journal."""
    if d["membre"] is None:
        membre = Membre.objects.create(
            user=user,
            structure=structure,
            role=d["role"],
            fonction=d["fonction"],
            debut=datetime.date.fromisoformat(d["debut"]),
            fin=fin,
        )
        return membre, journal.creation(membre, ["role", "debut", "fin"])
    membre = Membre.objects.select_for_update().get(pk=d["membre"], user=user, structure=structure)
    avant = journal.instantane(membre, ["fin"])
    membre.fin = fin
    membre.save(update_fields=["fin"])
    return membre, journal.ecarts(avant, journal.instantane(membre, ["fin"]))


# --- Chiffres annuels -------------------------------------------------------------------


def _chiffres_snapshot(chiffres: ChiffresAnnuels | None) -> dict[str, str]:
    if chiffres is None:
        return {}
    return journal.instantane(chiffres, [*CHIFFRES_FIELDS, "commentaire", "statut"])


def declarer_chiffres(
    *, structure: Structure, annee: int, valeurs: dict, par: Acteur, commentaire: str = ""
) -> ChiffresAnnuels:
    """Déclaration par la structure : crée ou remplace ; repasse en « déclaré »
    si l'équipe avait validé (il faudra revalider)."""
    par = exiger(par)
    if annee > timezone.localdate().year:
        raise HabitantsError("On ne déclare pas les chiffres d'une année future.")
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        avant = _chiffres_snapshot(
            ChiffresAnnuels.objects.filter(structure=structure, annee=annee).first()
        )
        chiffres, _ = ChiffresAnnuels.objects.update_or_create(
            structure=structure,
            annee=annee,
            defaults={
                **{f: valeurs[f] for f in CHIFFRES_FIELDS},
                "commentaire": commentaire,
                "statut": ChiffresAnnuels.Statut.DECLARE,
                "declare_par": par.user,
                "declare_le": timezone.now(),
                "valide_par": None,
                "valide_le": None,
            },
        )
        journal.journaliser(
            par=par,
            operation="chiffres.declarer",
            libelle=f"Chiffres {annee} de {structure.nom} déclarés",
            objet=chiffres,
            structure=structure,
            changements=journal.ecarts(avant, _chiffres_snapshot(chiffres)),
        )
    return chiffres


def valider_chiffres(
    *, structure: Structure, annee: int, valeurs: dict, par: Acteur, commentaire: str = ""
) -> ChiffresAnnuels:
    """Validation (et correction éventuelle) par l'équipe."""
    par = exiger(par)
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        now = timezone.now()
        chiffres = ChiffresAnnuels.objects.filter(structure=structure, annee=annee).first()
        avant = _chiffres_snapshot(chiffres)
        if chiffres is None:
            chiffres = ChiffresAnnuels(
                structure=structure, annee=annee, declare_par=par.user, declare_le=now
            )
        for f in CHIFFRES_FIELDS:
            setattr(chiffres, f, valeurs[f])
        chiffres.commentaire = commentaire
        chiffres.statut = ChiffresAnnuels.Statut.VALIDE
        chiffres.valide_par = par.user
        chiffres.valide_le = now
        chiffres.save()
        journal.journaliser(
            par=par,
            operation="chiffres.valider",
            libelle=f"Chiffres {annee} de {structure.nom} validés",
            objet=chiffres,
            structure=structure,
            changements=journal.ecarts(avant, _chiffres_snapshot(chiffres)),
        )
    return chiffres


# --- Imports (habitants.echanges analyse, ces services écrivent) -------------------------

PAQUET = 500


def importer_structures(
    *,
    creations: list[Structure],
    modifications: list[tuple[Structure, dict]],
    champs: list[str],
    par: Acteur,
) -> None:
    """Écrit les structures d'un import analysé (habitants.echanges) : créations et
    modifications par paquets, une entrée du journal par structure. Une course perdue
    (même nom ou SIRET enregistré entre-temps) annule tout."""
    par = exiger(par)
    with transaction.atomic():
        pris = set(Structure.objects.values_list("slug", flat=True))
        for structure in creations:
            structure.slug = slug_libre(structure.nom, defaut="structure", pris=pris.__contains__)
            pris.add(structure.slug)
        maintenant = timezone.now()
        for structure, _ in modifications:
            structure.modifiee_le = maintenant
        try:
            with transaction.atomic():
                Structure.objects.bulk_create(creations, batch_size=PAQUET)
                Structure.objects.bulk_update(
                    [s for s, _ in modifications], [*champs, "modifiee_le"], batch_size=PAQUET
                )
        except IntegrityError as exc:
            raise HabitantsError(
                "Une structure porte déjà l'un de ces noms ou SIRET (enregistrée pendant "
                "l'import ?) : relancez l'import."
            ) from exc
        entrees = [
            {
                "operation": "structure.creer",
                "libelle": f"Structure créée par import : {s.nom}",
                "objet": s,
                "structure": s,
                "changements": journal.creation(s, champs),
            }
            for s in creations
        ] + [
            {
                "operation": "structure.modifier",
                "libelle": f"Fiche de {s.nom} modifiée par import",
                "objet": s,
                "structure": s,
                "changements": changements,
            }
            for s, changements in modifications
        ]
        journal.journaliser_lot(par=par, entrees=entrees)


def importer_membres(
    *,
    personnes: list,
    personnes_modifiees: list,
    nouveaux: list[Membre],
    modifies: list[tuple[Membre, dict]],
    par: Acteur,
) -> None:
    """Écrit les personnes et appartenances d'un import analysé (habitants.echanges). Une
    personne nouvelle reçoit un compte sans mot de passe utilisable et son adresse non
    vérifiée : « Mot de passe oublié » lui fait choisir le sien. Aucun e-mail ne part."""
    par = exiger(par)
    with transaction.atomic():
        for user in personnes:
            user.set_unusable_password()
        try:
            with transaction.atomic():
                User.objects.bulk_create(personnes, batch_size=PAQUET)
                EmailAddress.objects.bulk_create(
                    [
                        EmailAddress(user=u, email=u.email, verified=False, primary=True)
                        for u in personnes
                    ],
                    batch_size=PAQUET,
                )
                User.objects.bulk_update(
                    personnes_modifiees, ["first_name", "last_name"], batch_size=PAQUET
                )
                Membre.objects.bulk_create(nouveaux, batch_size=PAQUET)
                Membre.objects.bulk_update(
                    [m for m, _ in modifies], ["role", "fonction", "fin"], batch_size=PAQUET
                )
        except IntegrityError as exc:
            raise HabitantsError(
                "Une de ces personnes ou appartenances a été enregistrée pendant l'import : "
                "relancez l'import."
            ) from exc
        champs = ("debut", "role", "fonction", "fin")
        entrees = (
            [
                {
                    "operation": "personne.creer",
                    "libelle": f"Compte créé par import : {u.email}",
                    "objet": u,
                }
                for u in personnes
            ]
            + [
                {
                    "operation": "personne.modifier",
                    "libelle": f"Nom de {u.email} modifié par import : {u.get_full_name()}",
                    "objet": u,
                }
                for u in personnes_modifiees
            ]
            + [
                {
                    "operation": "membre.ajouter",
                    "libelle": f"{m.user.email} rejoint {m.structure.nom} "
                    f"({m.get_role_display().lower()}) par import",
                    "objet": m,
                    "structure": m.structure,
                    "changements": journal.creation(m, champs),
                }
                for m in nouveaux
            ]
            + [
                {
                    "operation": "membre.modifier",
                    "libelle": f"Appartenance de {m.user.email} à {m.structure.nom} modifiée par "
                    "import",
                    "objet": m,
                    "structure": m.structure,
                    "changements": changements,
                }
                for m, changements in modifies
            ]
        )
        journal.journaliser_lot(par=par, entrees=entrees)
