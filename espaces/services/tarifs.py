"""Tarifs datés (ajout, fin, remplacement), verrou du forfait d'heures de salle sous lequel
les réservations figent leur prix (la règle du prix est dans `selectors.tarifs`), forfaits et
consommations (affranchissement, impression)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.lib import dates, journal
from phares.lib.acteur import Acteur, exiger
from phares.lib.money import format_prix_unitaire as prix
from phares.lib.verrous import verrouiller

from ..models import Consommation, ForfaitSalles, Tarif
from ..selectors import facture_au_forfait, structures_saisie_consommation, tarif_en_vigueur
from ._erreurs import EspacesError

# --- Tarifs ---------------------------------------------------------------------

CHAMPS_TARIF = ("code", "ressource", "montant_ht", "taux_tva", "debut", "fin")
CHEVAUCHEMENT = (
    "Un autre tarif du même type est déjà en vigueur sur cette période : terminez-le ou "
    "remplacez-le (liste des tarifs), ou changez les dates."
)


def _tarifs_se_chevauchent(tarif: Tarif) -> bool:
    return (
        Tarif.objects.filter(code=tarif.code, ressource=tarif.ressource)
        .exclude(pk=tarif.pk)
        .filter(dates.overlapping(tarif.debut, tarif.fin))
        .exists()
    )


def _inserer_tarif(tarif: Tarif) -> Tarif:
    """Vérifie puis enregistre, dans la transaction en cours. La vérification donne le
    message ; la contrainte d'exclusion de PostgreSQL (migration 0004) refuse ce qui lui
    échapperait, et son refus devient le même message. Sur SQLite, BEGIN IMMEDIATE sérialise."""
    # Two overlapping inserts at once each find the other's row under an exclusion
    # constraint and wait for it: PostgreSQL breaks that with "deadlock detected", not the
    # constraint's error. Serialising the writes of one tariff type avoids it.
    verrouiller(f"tarif:{tarif.code}:{tarif.ressource_id or 0}")
    if _tarifs_se_chevauchent(tarif):
        raise EspacesError(CHEVAUCHEMENT)
    try:
        with transaction.atomic():
            tarif.save()
    except IntegrityError as exc:
        raise EspacesError(CHEVAUCHEMENT) from exc
    return tarif


def _nom_tarif(tarif: Tarif) -> str:
    pour = f" ({tarif.ressource.nom})" if tarif.ressource_id else ""
    return f"{tarif.get_code_display()}{pour}"


def enregistrer_tarif(*, tarif: Tarif, par: Acteur) -> Tarif:
    """Ajoute un tarif daté (`tarif` vient d'un formulaire validé, sans `pk`)."""
    par = exiger(par)
    if tarif.pk is not None:
        raise EspacesError("Un tarif enregistré ne se modifie pas : terminez-le ou remplacez-le.")
    if tarif.fin is not None and tarif.fin < tarif.debut:
        raise EspacesError("La fin ne peut pas précéder le début.")
    with transaction.atomic():
        _inserer_tarif(tarif)
        fin = f" au {tarif.fin:%d/%m/%Y}" if tarif.fin else ""
        journal.journaliser(
            par=par,
            operation="tarif.creer",
            libelle=f"Tarif ajouté : {_nom_tarif(tarif)}, {prix(tarif.montant_ht)} HT "
            f"du {tarif.debut:%d/%m/%Y}{fin}",
            objet=tarif,
            changements=journal.creation(tarif, CHAMPS_TARIF),
        )
    return tarif


def verifier_fin_tarif(tarif: Tarif, fin: datetime.date | None) -> None:
    """On avance la fin d'un tarif (dernier jour inclus), on ne la repousse pas ; vide (en
    cours) ne se remet pas."""
    if fin is not None and fin < tarif.debut:
        raise EspacesError(
            f"La fin ne peut pas précéder le début du tarif ({tarif.debut:%d/%m/%Y})."
        )
    if tarif.fin is not None and (fin is None or tarif.fin <= fin):
        raise EspacesError(
            f"Ce tarif se termine déjà le {tarif.fin:%d/%m/%Y} : pour le prolonger, "
            "ajoutez un nouveau tarif."
        )


def terminer_tarif(*, tarif: Tarif, fin: datetime.date, par: Acteur) -> Tarif:
    """Dernier jour (inclus) d'un tarif. Les prix déjà figés (réservations, consommations,
    conventions) ne changent pas ; on avance une fin, on ne la repousse pas."""
    par = exiger(par)
    with transaction.atomic():
        tarif = (
            Tarif.objects.select_for_update(of=("self",))
            .select_related("ressource")
            .get(pk=tarif.pk)
        )
        verifier_fin_tarif(tarif, fin)
        avant = journal.instantane(tarif, ["fin"])
        tarif.fin = fin
        tarif.save(update_fields=["fin"])
        journal.journaliser(
            par=par,
            operation="tarif.terminer",
            libelle=f"Tarif terminé : {_nom_tarif(tarif)}, {prix(tarif.montant_ht)} HT "
            f"jusqu'au {fin:%d/%m/%Y} inclus",
            objet=tarif,
            changements=journal.ecarts(avant, journal.instantane(tarif, ["fin"])),
        )
    return tarif


def remplacer_tarif(
    *,
    tarif: Tarif,
    a_partir_du: datetime.date,
    montant_ht: Decimal,
    taux_tva: Decimal,
    par: Acteur,
    mention_exoneration: str = "",
) -> Tarif:
    """Nouveau prix à partir du jour D : le tarif en cours s'arrête la veille (D − 1) et le
    nouveau prend sa suite jusqu'à la fin qu'avait l'ancien (vide = en cours), d'un seul
    coup. Renvoie le nouveau tarif. Les prix déjà figés ne changent pas."""
    par = exiger(par)
    if montant_ht < 0:
        raise EspacesError("Le montant ne peut pas être négatif.")
    if not Decimal(0) <= taux_tva <= Decimal(100):
        raise EspacesError("Le taux de TVA est compris entre 0 et 100 %.")
    with transaction.atomic():
        ancien = (
            Tarif.objects.select_for_update(of=("self",))
            .select_related("ressource")
            .get(pk=tarif.pk)
        )
        if a_partir_du <= ancien.debut:
            raise EspacesError(
                f"Le nouveau prix commence après le début du tarif en cours "
                f"({ancien.debut:%d/%m/%Y})."
            )
        veille = a_partir_du - datetime.timedelta(days=1)
        if ancien.fin is not None and ancien.fin < a_partir_du:
            raise EspacesError(
                f"Ce tarif se termine le {ancien.fin:%d/%m/%Y} : ajoutez plutôt un nouveau "
                "tarif à la date voulue."
            )
        avant = journal.instantane(ancien, ["montant_ht", "taux_tva", "debut", "fin"])
        fin_nouveau = ancien.fin
        ancien.fin = veille
        ancien.save(update_fields=["fin"])
        nouveau = _inserer_tarif(
            Tarif(
                code=ancien.code,
                ressource=ancien.ressource,
                montant_ht=montant_ht,
                taux_tva=taux_tva,
                mention_exoneration=mention_exoneration if taux_tva == 0 else "",
                debut=a_partir_du,
                fin=fin_nouveau,
            )
        )
        apres = journal.instantane(nouveau, ["montant_ht", "taux_tva", "debut", "fin"])
        journal.journaliser(
            par=par,
            operation="tarif.remplacer",
            libelle=f"Tarif remplacé : {_nom_tarif(ancien)}, {prix(ancien.montant_ht)} "
            f"→ {prix(nouveau.montant_ht)} HT à partir du {a_partir_du:%d/%m/%Y}",
            objet=nouveau,
            changements={
                **journal.ecarts(avant, apres),
                "fin de l'ancien tarif": (journal.affichable(fin_nouveau), f"{veille:%d/%m/%Y}"),
            },
        )
    return nouveau


# --- Prix des réservations, figés au moment de réserver -------------------------
# The rule is read-only and lives with the selectors (the booking page estimates a price with
# it); the booking services call it under the allowance lock below.


def verrouiller_forfaits(ressource, structure, jours) -> None:
    """Si `ressource` réservée par `structure` se paie sur son forfait (sinon, rien), tient
    jusqu'à la fin de la transaction le forfait de `structure` pour les mois de `jours` :
    lire les minutes déjà consommées puis réserver au-delà se fait sans qu'une réservation
    simultanée de la même structure lise le même reste (huit réservations parallèles de 3 h
    avec 10 h incluses en obtenaient quatre gratuites). À prendre avant de lire les minutes
    consommées ; les clés sont prises dans l'ordre croissant des mois."""
    if facture_au_forfait(ressource, structure):
        verrouiller(*{f"forfait:{structure.pk}:{jour:%Y-%m}" for jour in jours})


# --- Consommations (affranchissement, impression) ---------------------------------

CHAMPS_CONSOMMATION = ("service", "date", "quantite", "prix_unitaire_ht", "taux_tva", "commentaire")


def enregistrer_consommation(
    *,
    structure,
    service: str,
    date: datetime.date,
    quantite: int,
    par: Acteur,
    commentaire: str = "",
) -> Consommation:
    """Une consommation au tarif en vigueur à sa date, figé sur la ligne."""
    par = exiger(par)
    # A line records who entered it: a person, never the system.
    if par.user is None or not structures_saisie_consommation(par.user).filter(pk=structure.pk):
        raise EspacesError(
            "Seuls l'équipe de gestion et les membres de la structure enregistrent ses "
            "consommations."
        )
    if not structure.est_presente(date):
        raise EspacesError(
            f"{structure.nom} n'était pas hébergée au PHARES le {dates.date_courte(date)} : "
            "on n'y enregistre pas de consommation."
        )
    if quantite < 1:
        raise EspacesError("La quantité est d'au moins 1.")
    if date > timezone.localdate():
        raise EspacesError("On enregistre une consommation passée ou du jour, pas à venir.")
    code = {
        Consommation.Service.AFFRANCHISSEMENT: Tarif.Code.AFFRANCHISSEMENT,
        Consommation.Service.IMPRESSION: Tarif.Code.IMPRESSION,
    }.get(service)
    if code is None:
        raise EspacesError("Service inconnu.")
    tarif = tarif_en_vigueur(code, date)
    if tarif is None:
        raise EspacesError("Aucun tarif n'est en vigueur pour ce service à cette date.")
    with transaction.atomic():
        consommation = Consommation.objects.create(
            structure=structure,
            service=service,
            date=date,
            quantite=quantite,
            prix_unitaire_ht=tarif.montant_ht,
            taux_tva=tarif.taux_tva,
            tarif=tarif,
            commentaire=commentaire,
            saisi_par=par.user,
        )
        journal.journaliser(
            par=par,
            operation="consommation.enregistrer",
            libelle=f"{consommation.get_service_display()} : {quantite} × "
            f"{prix(tarif.montant_ht)} HT pour {structure.nom} le {date:%d/%m/%Y}",
            objet=consommation,
            structure=structure,
            changements=journal.creation(consommation, CHAMPS_CONSOMMATION),
        )
    return consommation


# --- Forfaits d'heures de salle ---------------------------------------------------


def _heures(n: int) -> str:
    return "illimité" if n == 0 else f"{n} h par mois"


def definir_forfait(
    *, structure, heures_par_mois: int, debut: datetime.date, par: Acteur
) -> ForfaitSalles:
    """Nouveau forfait mensuel à partir de `debut` : le précédent s'arrête la veille."""
    par = exiger(par)
    if heures_par_mois < 0:
        raise EspacesError("Le nombre d'heures ne peut pas être négatif.")
    with transaction.atomic():
        # Two allowances set at once for one structure would both end the same current one.
        habitants_selectors.verrouiller_structure(structure)
        # Every allowance still running on `debut` or later, ended ones included: a new
        # one must not overlap an allowance that stops before today's end of time.
        suivants = list(
            ForfaitSalles.objects.filter(
                dates.overlapping(debut, None), structure=structure
            ).order_by("debut")
        )
        plus_tard = [f for f in suivants if f.debut > debut]
        if plus_tard:
            raise EspacesError(
                f"Un forfait commence déjà le {plus_tard[0].debut:%d/%m/%Y} : choisissez une "
                "date après."
            )
        courant = suivants[0] if suivants else None
        avant = _heures(courant.heures_par_mois) if courant else "—"
        if courant and courant.debut == debut and courant.heures_par_mois == heures_par_mois:
            return courant  # nothing changes, nothing to journal
        if courant and courant.debut == debut:
            forfait = courant
            forfait.heures_par_mois = heures_par_mois
            forfait.save(update_fields=["heures_par_mois"])
        else:
            fin = courant.fin if courant else None  # the new one keeps the planned end
            if courant:
                courant.fin = debut - datetime.timedelta(days=1)
                courant.save(update_fields=["fin"])
            forfait = ForfaitSalles.objects.create(
                structure=structure, heures_par_mois=heures_par_mois, debut=debut, fin=fin
            )
        journal.journaliser(
            par=par,
            operation="forfait.definir",
            libelle=f"Forfait de salles de {structure.nom} : {_heures(heures_par_mois)} "
            f"à partir du {debut:%d/%m/%Y}",
            objet=forfait,
            structure=structure,
            changements={"heures incluses par mois": (avant, _heures(heures_par_mois))},
        )
    return forfait
