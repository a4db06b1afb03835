"""Opérations métier sur les habitants : chacune dans une transaction, chacune
lève HabitantsError avec un message lisible que la vue affiche."""

from __future__ import annotations

import datetime
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from phares.lib import emails

from .models import (
    ANNEE_MAX,
    ANNEE_MIN,
    CHIFFRES_FIELDS,
    ChiffresAnnuels,
    Invitation,
    Membre,
    Structure,
    hash_token,
)

User = get_user_model()


class HabitantsError(Exception):
    """Refus métier, avec un message destiné à la personne."""


def archiver_structure(*, structure: Structure, par) -> Structure:
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if structure.archivee:
            raise HabitantsError("Cette structure est déjà archivée.")
        structure.archivee = True
        structure.archivee_le = timezone.now()
        structure.save(update_fields=["archivee", "archivee_le", "modifiee_le"])
        Invitation.objects.filter(structure=structure).en_attente().update(
            annulee_le=timezone.now()
        )
    return structure


def restaurer_structure(*, structure: Structure, par) -> Structure:
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if not structure.archivee:
            raise HabitantsError("Cette structure n'est pas archivée.")
        structure.archivee = False
        structure.archivee_le = None
        structure.save(update_fields=["archivee", "archivee_le", "modifiee_le"])
    return structure


@dataclass(frozen=True)
class InvitationEnvoyee:
    invitation: Invitation
    token: str


def inviter(
    *, structure: Structure, email: str, role: str, par, build_url: Callable[[str], str]
) -> InvitationEnvoyee:
    """Invite `email` dans `structure`. Une invitation en attente pour la même
    adresse est remplacée (le lien précédent cesse de fonctionner)."""
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
        Invitation.objects.filter(
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
            invitee_par=par,
            creee_le=now,
            expire_le=now + datetime.timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        context = {
            "invitation": invitation,
            "url": build_url(token),
            "par": par,
            "validite": settings.INVITATION_VALIDITY_DAYS,
            "PHARES_CONTACT": settings.PHARES_CONTACT,
        }
        subject, body = emails.rendre("habitants/email/invitation", context)
        # Sent inside the transaction: if the mail server refuses, nothing is recorded.
        try:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
        except (smtplib.SMTPException, OSError) as exc:
            raise HabitantsError(
                f"L'e-mail n'a pas pu être envoyé à {email} : "
                "vérifiez l'adresse ou réessayez plus tard."
            ) from exc
    return InvitationEnvoyee(invitation=invitation, token=token)


def annuler_invitation(*, invitation: Invitation, par) -> None:
    with transaction.atomic():
        inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if inv.acceptee_le or inv.annulee_le:
            raise HabitantsError("Cette invitation n'est plus en attente.")
        inv.annulee_le = timezone.now()
        inv.save(update_fields=["annulee_le"])


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


def _rejoindre(inv: Invitation, user) -> Membre:
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
    return membre


def accepter_invitation_nouveau_compte(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
):
    """Crée le compte de la personne invitée (l'e-mail est prouvé par le lien)."""
    with transaction.atomic():
        inv = _verifier_invitation(invitation)
        if User.objects.filter(email__iexact=inv.email).exists():
            raise HabitantsError(
                "Un compte existe déjà pour cette adresse : connectez-vous pour accepter."
            )
        try:
            user = User.objects.create_user(
                email=inv.email, password=password, first_name=first_name, last_name=last_name
            )
        except IntegrityError as exc:
            raise HabitantsError("Un compte existe déjà pour cette adresse.") from exc
        EmailAddress.objects.create(user=user, email=inv.email, verified=True, primary=True)
        _rejoindre(inv, user)
    return user


def accepter_invitation_compte_existant(*, invitation: Invitation, user) -> Membre:
    with transaction.atomic():
        inv = _verifier_invitation(invitation)
        if user.email.lower() != inv.email.lower():
            raise HabitantsError(
                f"Cette invitation est adressée à {inv.email} : connectez-vous avec cette adresse."
            )
        return _rejoindre(inv, user)


def retirer_membre(*, membre: Membre, par) -> None:
    """Met fin à l'appartenance (hier inclus : l'accès cesse tout de suite)."""
    today = timezone.localdate()
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=membre.structure_id)
        membre = Membre.objects.select_for_update().get(pk=membre.pk)
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
        if membre.debut >= today:
            # Joined today: no full day of history to keep.
            membre.delete()
        else:
            membre.fin = today - datetime.timedelta(days=1)
            membre.save(update_fields=["fin"])


def annees_declarables(structure: Structure, today: datetime.date | None = None) -> range:
    """Années pour lesquelles la structure peut déclarer ses chiffres : celles où
    elle a été présente dans le lieu, jusqu'à l'année en cours (la plus récente d'abord)."""
    year = (today or timezone.localdate()).year
    first = structure.arrivee.year if structure.arrivee else year
    last = min(year, structure.depart.year) if structure.depart else year
    # The table refuses years outside [ANNEE_MIN, ANNEE_MAX]: never offer them.
    last = min(last, ANNEE_MAX)
    if last < ANNEE_MIN:
        return range(0)
    first = max(min(first, last), ANNEE_MIN)
    return range(last, first - 1, -1)


def declarer_chiffres(
    *, structure: Structure, annee: int, valeurs: dict, par, commentaire: str = ""
) -> ChiffresAnnuels:
    """Déclaration par la structure : crée ou remplace ; repasse en « déclaré »
    si l'équipe avait validé (il faudra revalider)."""
    if annee > timezone.localdate().year:
        raise HabitantsError("On ne déclare pas les chiffres d'une année future.")
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        chiffres, _ = ChiffresAnnuels.objects.update_or_create(
            structure=structure,
            annee=annee,
            defaults={
                **{f: valeurs[f] for f in CHIFFRES_FIELDS},
                "commentaire": commentaire,
                "statut": ChiffresAnnuels.Statut.DECLARE,
                "declare_par": par,
                "declare_le": timezone.now(),
                "valide_par": None,
                "valide_le": None,
            },
        )
    return chiffres


def valider_chiffres(
    *, structure: Structure, annee: int, valeurs: dict, par, commentaire: str = ""
) -> ChiffresAnnuels:
    """Validation (et correction éventuelle) par l'équipe."""
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        now = timezone.now()
        chiffres = ChiffresAnnuels.objects.filter(structure=structure, annee=annee).first()
        if chiffres is None:
            chiffres = ChiffresAnnuels(
                structure=structure, annee=annee, declare_par=par, declare_le=now
            )
        for f in CHIFFRES_FIELDS:
            setattr(chiffres, f, valeurs[f])
        chiffres.commentaire = commentaire
        chiffres.statut = ChiffresAnnuels.Statut.VALIDE
        chiffres.valide_par = par
        chiffres.valide_le = now
        chiffres.save()
    return chiffres
