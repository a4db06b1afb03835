"""Projets collectifs et leur journal : créer et modifier un projet, tenir ses participants
(au moins une structure porteuse, toujours) et ses étapes datées (jalons).

Chaque opération écrit au journal des opérations avec la structure concernée : la porteuse
principale pour le projet et ses étapes, la structure ajoutée, retirée ou changée de rôle
pour les participations (elle retrouve ainsi l'opération sur sa fiche)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from phares.lib import journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.slugs import slug_libre

from .. import roles
from ..models import Jalon, Partenaire, Participation, Projet
from ._erreurs import ProjetsError

CHAMPS_PROJET = ("nom", "axe", "resume", "description", "statut", "debut", "fin", "public")
CHAMPS_JALON = ("date", "titre", "texte", "dans_le_rapport")
# Fixed pages under /projets/ that a project's slug must not hide.
SLUGS_RESERVES = frozenset({"nouveau"})

PORTEUR = Participation.Role.PORTEUR
PARTENAIRE = Participation.Role.PARTENAIRE

MSG_FIN = "La fin du projet ne peut pas précéder son début."
MSG_PORTEUR = "Un projet garde au moins une structure porteuse."


def _verifier_dates(projet: Projet) -> None:
    if projet.fin is not None and projet.debut is not None and projet.fin < projet.debut:
        raise ProjetsError(MSG_FIN)


def _verifier_public(projet: Projet, par: Acteur, *, avant: bool) -> None:
    # Only gestion decides what the public site shows.
    if projet.public != avant and not roles.is_gestion(par.user):
        raise ProjetsError("Seule la gestion rend un projet visible sur le site public.")


def _porteur_principal(projet: Projet):
    p = projet.participations.filter(role=PORTEUR).select_related("structure").first()
    return p.structure if p else None


def _verrouiller(projet: Projet) -> Projet:
    """Relit le projet verrouillé : deux retraits de porteurs en même temps passent l'un
    après l'autre, et le second voit qu'il ne reste plus qu'un porteur."""
    return Projet.objects.select_for_update().get(pk=projet.pk)


def _liste(objets: Iterable) -> str:
    return ", ".join(sorted(str(o) for o in objets)) or "—"


def creer_projet(
    *,
    projet: Projet,
    porteurs: Iterable,
    structures_partenaires: Iterable = (),
    partenaires: Iterable[Partenaire] = (),
    par: Acteur,
) -> Projet:
    """Crée `projet` (une instance non enregistrée, issue d'un formulaire validé) avec ses
    structures porteuses, ses structures partenaires et ses partenaires extérieurs."""
    par = exiger(par)
    porteurs = list(dict.fromkeys(porteurs))
    structures_partenaires = list(dict.fromkeys(structures_partenaires))
    partenaires = list(dict.fromkeys(partenaires))
    if projet.pk is not None:
        raise ValueError("creer_projet() attend un projet non enregistré.")
    _verifier_dates(projet)
    _verifier_public(projet, par, avant=False)
    if not porteurs:
        raise ProjetsError("Choisissez au moins une structure porteuse.")
    if set(porteurs) & set(structures_partenaires):
        raise ProjetsError(
            "Une structure est porteuse ou partenaire du projet, pas les deux : "
            f"{_liste(set(porteurs) & set(structures_partenaires))}."
        )
    if not roles.is_gestion(par.user):
        miennes = roles.structures_referent(par.user) if par.user else set()
        if not any(s.pk in miennes for s in porteurs):
            raise ProjetsError(
                "Une des structures dont vous êtes référent·e doit porter le projet."
            )
    with transaction.atomic():
        projet.slug = slug_libre(
            projet.nom,
            defaut="projet",
            pris=lambda s: s in SLUGS_RESERVES or Projet.objects.filter(slug=s).exists(),
        )
        projet.cree_par = par.user
        try:
            with transaction.atomic():
                projet.save()
        except IntegrityError as exc:  # another project took the same slug meanwhile
            raise ProjetsError(
                "Un autre projet du même nom vient d'être créé : enregistrez de nouveau."
            ) from exc
        projet.partenaires.set(partenaires)
        for structure in porteurs:
            Participation.objects.create(projet=projet, structure=structure, role=PORTEUR)
        for structure in structures_partenaires:
            Participation.objects.create(projet=projet, structure=structure, role=PARTENAIRE)
        changements = journal.creation(projet, CHAMPS_PROJET)
        changements.update(
            {
                "structures porteuses": ("—", _liste(porteurs)),
                "structures partenaires": ("—", _liste(structures_partenaires)),
                "partenaires extérieurs": ("—", _liste(partenaires)),
            }
        )
        journal.journaliser(
            par=par,
            operation="projet.creer",
            libelle=f"Projet créé : {projet.nom}",
            objet=projet,
            structure=porteurs[0],
            changements=changements,
        )
        # Each other structure finds the project in its own history too.
        for structure in [*porteurs[1:], *structures_partenaires]:
            role = "porteuse" if structure in porteurs else "partenaire"
            journal.journaliser(
                par=par,
                operation="projet.participant.ajouter",
                libelle=f"{structure} {role} du projet « {projet.nom} »",
                objet=projet,
                structure=structure,
            )
    return projet


def modifier_projet(
    *, projet: Projet, partenaires: Iterable[Partenaire] | None = None, par: Acteur
) -> Projet:
    """Enregistre les champs modifiés de `projet` (issu d'un formulaire validé) et, si
    `partenaires` est donné, la liste de ses partenaires extérieurs. L'identifiant d'URL ne
    change pas avec le nom : les liens déjà donnés restent bons."""
    par = exiger(par)
    _verifier_dates(projet)
    with transaction.atomic():
        ancien = _verrouiller(projet)
        _verifier_public(projet, par, avant=ancien.public)
        changements = journal.ecarts(
            journal.instantane(ancien, CHAMPS_PROJET), journal.instantane(projet, CHAMPS_PROJET)
        )
        if partenaires is not None:
            avant, apres = set(ancien.partenaires.all()), set(partenaires)
            if avant != apres:
                changements["partenaires extérieurs"] = (_liste(avant), _liste(apres))
                projet.partenaires.set(apres)
        if not changements:
            return projet
        projet.slug = ancien.slug
        projet.save()
        journal.journaliser(
            par=par,
            operation="projet.modifier",
            libelle=f"Projet modifié : {projet.nom}",
            objet=projet,
            structure=_porteur_principal(projet),
            changements=changements,
        )
    return projet


def ajouter_participant(*, projet: Projet, structure, role: str, par: Acteur) -> Participation:
    par = exiger(par)
    if role not in Participation.Role.values:
        raise ProjetsError("Choisissez le rôle de la structure : porteuse ou partenaire.")
    with transaction.atomic():
        projet = _verrouiller(projet)
        if projet.participations.filter(structure=structure).exists():
            raise ProjetsError(f"{structure} participe déjà au projet.")
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    projet=projet, structure=structure, role=role
                )
        except IntegrityError as exc:  # a concurrent request added it first
            raise ProjetsError(f"{structure} participe déjà au projet.") from exc
        journal.journaliser(
            par=par,
            operation="projet.participant.ajouter",
            libelle=f"{structure} ajoutée au projet « {projet.nom} » "
            f"({participation.get_role_display().lower()})",
            objet=projet,
            structure=structure,
            changements={"participation": ("—", participation.get_role_display())},
        )
    return participation


def changer_role(*, participation: Participation, role: str, par: Acteur) -> Participation:
    par = exiger(par)
    if role not in Participation.Role.values:
        raise ProjetsError("Choisissez le rôle de la structure : porteuse ou partenaire.")
    with transaction.atomic():
        projet = _verrouiller(participation.projet)
        participation = Participation.objects.select_related("structure").get(pk=participation.pk)
        if participation.role == role:
            return participation
        if participation.role == PORTEUR and _seul_porteur(projet, participation):
            raise ProjetsError(
                f"{MSG_PORTEUR} Désignez d'abord une autre porteuse avant de rendre "
                f"{participation.structure} partenaire."
            )
        avant = participation.get_role_display()
        participation.role = role
        participation.save(update_fields=["role"])
        journal.journaliser(
            par=par,
            operation="projet.participant.role",
            libelle=f"Rôle de {participation.structure} dans « {projet.nom} » : "
            f"{participation.get_role_display().lower()}",
            objet=projet,
            structure=participation.structure,
            changements={"participation": (avant, participation.get_role_display())},
        )
    return participation


def retirer_participant(*, participation: Participation, par: Acteur) -> None:
    par = exiger(par)
    with transaction.atomic():
        projet = _verrouiller(participation.projet)
        participation = Participation.objects.select_related("structure").get(pk=participation.pk)
        if participation.role == PORTEUR and _seul_porteur(projet, participation):
            raise ProjetsError(
                f"{MSG_PORTEUR} {participation.structure} est la seule : "
                "ajoutez-en une autre avant de la retirer."
            )
        avant = participation.get_role_display()
        participation.delete()
        journal.journaliser(
            par=par,
            operation="projet.participant.retirer",
            libelle=f"{participation.structure} retirée du projet « {projet.nom} »",
            objet=projet,
            structure=participation.structure,
            changements={"participation": (avant, "—")},
        )


def _seul_porteur(projet: Projet, participation: Participation) -> bool:
    return not projet.participations.filter(role=PORTEUR).exclude(pk=participation.pk).exists()


def enregistrer_jalon(*, jalon: Jalon, par: Acteur) -> Jalon:
    """Ajoute ou modifie une étape datée du journal d'un projet (`jalon` vient d'un
    formulaire validé, son projet déjà posé)."""
    par = exiger(par)
    if not jalon.titre.strip():
        raise ProjetsError("Donnez un titre à l'action ou à l'étape.")
    if not isinstance(jalon.date, datetime.date):
        raise ProjetsError("Donnez la date de l'action ou de l'étape.")
    with transaction.atomic():
        projet = _verrouiller(jalon.projet)
        structure = _porteur_principal(projet)
        if jalon.pk is None:
            jalon.cree_par = par.user
            jalon.save()
            journal.journaliser(
                par=par,
                operation="projet.jalon.ajouter",
                libelle=f"Étape ajoutée au projet « {projet.nom} » : {jalon.titre}",
                objet=jalon,
                structure=structure,
                changements=journal.creation(jalon, CHAMPS_JALON),
            )
            return jalon
        ancien = Jalon.objects.get(pk=jalon.pk, projet=projet)
        changements = journal.ecarts(
            journal.instantane(ancien, CHAMPS_JALON), journal.instantane(jalon, CHAMPS_JALON)
        )
        if changements:
            jalon.save()
            journal.journaliser(
                par=par,
                operation="projet.jalon.modifier",
                libelle=f"Étape du projet « {projet.nom} » modifiée : {jalon.titre}",
                objet=jalon,
                structure=structure,
                changements=changements,
            )
    return jalon


def supprimer_jalon(*, jalon: Jalon, par: Acteur) -> None:
    par = exiger(par)
    with transaction.atomic():
        projet = _verrouiller(jalon.projet)
        changements = journal.ecarts(journal.instantane(jalon, CHAMPS_JALON), {})
        titre = jalon.titre
        journal.journaliser(
            par=par,
            operation="projet.jalon.supprimer",
            libelle=f"Étape du projet « {projet.nom} » retirée : {titre}",
            objet=jalon,
            structure=_porteur_principal(projet),
            changements=changements,
        )
        jalon.delete()
