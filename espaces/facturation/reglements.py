"""Opérations sur les factures émises : paiements (imputés sur une ou plusieurs factures),
annulation d'un paiement saisi par erreur, avoirs (la facture entière ou des lignes
choisies), relances par e-mail avec les PDF.

Chaque opération tient dans une transaction, verrouille les factures qu'elle touche (deux
onglets qui règlent la même facture ne la règlent pas deux fois) et écrit le journal. Le
reste dû n'est jamais saisi : il se calcule depuis les avoirs et les paiements
(selectors.avec_soldes).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from espaces import selectors as espaces_selectors
from habitants import selectors as habitants_selectors
from phares.lib import dates, emails, journal, liens
from phares.lib.acteur import Acteur
from phares.lib.money import format_euros

from . import selectors
from .models import Facture, Imputation, LigneFacture, Lot, Paiement, Relance
from .services import (
    MONTANT_MAX,
    FacturationError,
    LotEnCours,
    _abandonner_lot_muet,
    _mettre_en_file,
    emettre,
    exiger_staff,
)

Origine = LigneFacture.Origine
# Two clicks (or two tabs) do not send two reminders: one per client per day at most.
INTERVALLE_RELANCES = datetime.timedelta(hours=20)


def verrouiller_factures(pks) -> None:
    """Verrouille les factures `pks` dans l'ordre des clés (pas d'interblocage entre deux
    opérations qui en touchent plusieurs)."""
    list(Facture.objects.select_for_update().filter(pk__in=pks).order_by("pk").values("pk"))


# --- Paiements ----------------------------------------------------------------------------


def enregistrer_paiement(
    *,
    structure=None,
    client_externe=None,
    factures: list[Facture],
    date: datetime.date,
    montant: Decimal,
    moyen: str,
    reference: str = "",
    par: Acteur,
) -> Paiement:
    """Un règlement reçu, imputé sur les `factures` choisies du client, la plus ancienne
    d'abord ; la dernière peut n'être payée qu'en partie. Refusé s'il dépasse ce qu'elles
    doivent encore (un trop-perçu ne s'enregistre pas en paiement)."""
    par = exiger_staff(par)
    _verifier_saisie(structure, client_externe, factures, date, montant, moyen)
    with transaction.atomic():
        verrouiller_factures([f.pk for f in factures])
        client = Facture.objects.filter(structure=structure, client_externe=client_externe)
        a_regler = list(
            selectors.avec_soldes(client.emises().filter(type=Facture.Type.FACTURE))
            .filter(pk__in=[f.pk for f in factures])
            .order_by("date_emission", "rang")
        )
        if len(a_regler) != len({f.pk for f in factures}):
            raise FacturationError(
                "Une des factures choisies n'est pas une facture émise de ce client."
            )
        du = sum((selectors.reste(f) for f in a_regler), Decimal("0.00"))
        presentees = [f.numero for f in a_regler if f.presentee]
        if presentees:
            raise FacturationError(
                f"{', '.join(presentees)} : présentée(s) au prélèvement ; le paiement "
                "s'enregistre quand la remise est marquée encaissée (ou annulez la remise)."
            )
        soldees = [f.numero for f in a_regler if selectors.reste(f) <= 0]
        if soldees:
            raise FacturationError(
                f"{', '.join(soldees)} : déjà réglée(s), rien à y imputer (un autre onglet ?)."
            )
        if montant > du:
            raise FacturationError(
                f"Le montant ({format_euros(montant)}) dépasse le reste dû des factures "
                f"choisies ({format_euros(du)}). Un trop-perçu ne s'enregistre pas ici."
            )
        paiement = Paiement.objects.create(
            structure=structure,
            client_externe=client_externe,
            date=date,
            montant=montant,
            moyen=moyen,
            reference=reference.strip(),
            enregistre_par=par.user,
        )
        imputations, reliquat = [], montant
        for f in a_regler:
            part = min(reliquat, selectors.reste(f))
            if part <= 0:
                break
            imputations.append(Imputation(paiement=paiement, facture=f, montant=part))
            reliquat -= part
        Imputation.objects.bulk_create(imputations)
        journal.journaliser(
            par=par,
            operation="paiement.enregistrer",
            libelle=f"Paiement de {paiement.client} reçu le {dates.date_courte(date)} "
            f"({paiement.get_moyen_display().lower()}) : {format_euros(montant)}, imputé sur "
            + ", ".join(f"{i.facture.numero} ({format_euros(i.montant)})" for i in imputations),
            objet=paiement,
            structure=structure,
        )
    return paiement


def _verifier_saisie(structure, client_externe, factures, date, montant, moyen) -> None:
    if (structure is None) == (client_externe is None):
        raise FacturationError("Un paiement vient d'un client : une structure ou un extérieur.")
    if montant is None or montant <= 0:
        raise FacturationError("Le montant d'un paiement est positif.")
    if montant > MONTANT_MAX:
        raise FacturationError(f"Le montant dépasse {format_euros(MONTANT_MAX)}.")
    if date > timezone.localdate():
        raise FacturationError("Un paiement ne se reçoit pas dans le futur.")
    if moyen not in Paiement.Moyen.values:
        raise FacturationError("Choisissez un moyen de paiement de la liste.")
    if not factures:
        raise FacturationError("Choisissez au moins une facture à régler.")


def annuler_paiement(*, paiement: Paiement, motif: str, par: Acteur) -> Paiement:
    """Un paiement saisi par erreur (chèque rejeté, mauvais client) : il reste dans
    l'historique, marqué annulé, et ne règle plus rien."""
    par = exiger_staff(par)
    motif = (motif or "").strip()
    if not motif:
        raise FacturationError("Dites pourquoi ce paiement est annulé.")
    with transaction.atomic():
        p = Paiement.objects.select_for_update().filter(pk=paiement.pk).first()
        if p is None:
            raise FacturationError("Ce paiement n'existe pas.")
        if p.est_annule:
            raise FacturationError("Ce paiement est déjà annulé.")
        p.annule_le = timezone.now()
        p.annule_par = par.user
        p.motif_annulation = motif[:300]
        p.save(update_fields=["annule_le", "annule_par", "motif_annulation"])
        journal.journaliser(
            par=par,
            operation="paiement.annuler",
            libelle=f"Paiement de {p.client} du {dates.date_courte(p.date)} "
            f"({format_euros(p.montant)}) annulé : {motif}",
            objet=p,
            structure=p.structure,
        )
    return p


# --- Avoirs -------------------------------------------------------------------------------


def lignes_creditables(facture: Facture) -> list[LigneFacture]:
    """Les lignes de `facture` qu'aucun avoir n'a encore corrigées."""
    return list(facture.lignes.exclude(corrections__isnull=False).order_by("rang", "pk").distinct())


def emettre_avoir(
    *,
    facture: Facture,
    lignes: list[LigneFacture],
    motif: str,
    par: Acteur,
    le: datetime.date | None = None,
) -> Facture:
    """Corrige une facture émise par un avoir (série A, type 381, qui la cite) reprenant
    les `lignes` choisies en entier. Une ligne ne se corrige qu'une fois. L'avoir est émis
    aussitôt (numéro, PDF Factur-X) : tout ou rien."""
    par = exiger_staff(par)
    motif = (motif or "").strip()
    if not motif:
        raise FacturationError("Donnez le motif de l'avoir : il est imprimé et transmis.")
    if not lignes:
        raise FacturationError("Choisissez au moins une ligne à corriger.")
    le = le or timezone.localdate()
    with transaction.atomic():
        verrouiller_factures([facture.pk])
        f = Facture.objects.select_related("structure", "client_externe").get(pk=facture.pk)
        if not f.est_emise or f.est_avoir:
            raise FacturationError("Seule une facture émise se corrige par un avoir.")
        if f.lignes_prelevement.filter(ouverte=True).exists():
            raise FacturationError(
                f"{f.numero} est présentée au prélèvement : annulez la remise avant de la "
                "corriger (ou émettez l'avoir après l'encaissement, puis remboursez)."
            )
        if le < f.date_emission:
            raise FacturationError(
                f"Un avoir ne précède pas la facture qu'il corrige (émise le "
                f"{dates.date_courte(f.date_emission)})."
            )
        possibles = {ligne.pk: ligne for ligne in lignes_creditables(f)}
        choisies = sorted({ligne.pk for ligne in lignes})
        if any(pk not in possibles for pk in choisies):
            raise FacturationError(
                "Une des lignes choisies est déjà corrigée par un avoir (ou n'est pas sur "
                "cette facture)."
            )
        avoir = Facture.objects.create(
            type=Facture.Type.AVOIR,
            structure=f.structure,
            client_externe=f.client_externe,
            mois=f.mois,
            periode_debut=f.periode_debut,
            periode_fin=f.periode_fin,
            facture_origine=f,
            motif=motif[:300],
        )
        LigneFacture.objects.bulk_create(
            [
                LigneFacture(
                    facture=avoir,
                    rang=rang,
                    origine=Origine.AVOIR,
                    libelle=possibles[pk].libelle,
                    quantite=possibles[pk].quantite,
                    unite=possibles[pk].unite,
                    prix_unitaire_ht=possibles[pk].prix_unitaire_ht,
                    montant_ht=possibles[pk].montant_ht,
                    taux_tva=possibles[pk].taux_tva,
                    montant_tva=possibles[pk].montant_tva,
                    exoneration=possibles[pk].exoneration,
                    code_tarif=possibles[pk].code_tarif,
                    periode_debut=possibles[pk].periode_debut,
                    periode_fin=possibles[pk].periode_fin,
                    ligne_origine=possibles[pk],
                )
                for rang, pk in enumerate(choisies, start=1)
            ]
        )
        avoir = emettre(facture=avoir, par=par, le=le)
        journal.journaliser(
            par=par,
            operation="facture.avoir",
            libelle=f"Avoir {avoir.numero} sur la facture {f.numero} "
            f"({format_euros(avoir.total_ttc)} TTC) : {motif}",
            objet=avoir,
            structure=f.structure,
        )
    return avoir


# --- Relances -----------------------------------------------------------------------------


def destinataires_relance(client) -> list[str]:
    """Le contact de facturation du client ; à défaut (structure), son contact, puis ses
    référent·es."""
    if not hasattr(client, "email_facturation"):  # an outside organisation
        return [client.email] if client.email else []
    adresse = client.email_facturation or client.email_contact
    return [adresse] if adresse else habitants_selectors.emails_des_referents(client)


def relancer(*, structure=None, client_externe=None, par: Acteur) -> list[Relance]:
    """Envoie au client un e-mail qui liste ses factures en retard, PDF joints, et le
    note sur chacune. L'envoi fait partie de l'opération : s'il échoue, rien n'est noté."""
    par = exiger_staff(par)
    client = structure or client_externe
    aujourd_hui = timezone.localdate()
    qs = Facture.objects.filter(structure=structure, client_externe=client_externe)
    with transaction.atomic():
        verrouiller_factures(
            list(selectors.en_retard(qs, aujourd_hui).values_list("pk", flat=True))
        )
        factures = list(
            selectors.en_retard(qs, aujourd_hui)
            .select_related("document")
            .order_by("date_echeance", "rang")
        )
        if not factures:
            raise FacturationError(f"{client} n'a aucune facture en retard.")
        recente = (
            Relance.objects.filter(
                facture__in=factures, envoyee_le__gt=timezone.now() - INTERVALLE_RELANCES
            )
            .order_by("-envoyee_le")
            .first()
        )
        if recente:
            raise FacturationError(
                f"{client} a déjà été relancé·e aujourd'hui "
                f"({timezone.localtime(recente.envoyee_le):%H:%M}) : une relance par jour au plus."
            )
        to = destinataires_relance(client)
        if not to:
            raise FacturationError(
                f"{client} n'a pas d'e-mail de facturation : renseignez-en un sur sa fiche."
            )
        for f in factures:
            f.jours = selectors.jours_de_retard(f, aujourd_hui)
            f.reste_du = selectors.reste(f)
        total = sum((f.reste_du for f in factures), Decimal("0.00"))
        Relance.objects.bulk_create(
            [
                Relance(
                    facture=f,
                    destinataires=", ".join(to)[:500],
                    reste_du=f.reste_du,
                    par=par.user,
                )
                for f in factures
            ]
        )
        journal.journaliser(
            par=par,
            operation="facture.relancer",
            libelle=f"Relance envoyée à {client} ({', '.join(to)}) : "
            + ", ".join(f.numero for f in factures)
            + f", {format_euros(total)} en retard",
            structure=structure,
        )
        _envoyer_relance(client, factures, total, to)
    return factures


def relancer_client(*, structure_id=None, client_externe_id=None, par: Acteur) -> list[Relance]:
    """`relancer`, le client donné par sa clé (depuis une tâche de fond)."""
    if structure_id is not None:
        structure = habitants_selectors.toutes_structures().filter(pk=structure_id).first()
        if structure is None:
            raise FacturationError("Cette structure n'existe plus.")
        return relancer(structure=structure, par=par)
    externe = espaces_selectors.clients_externes().filter(pk=client_externe_id).first()
    if externe is None:
        raise FacturationError("Cette organisation n'existe plus.")
    return relancer(client_externe=externe, par=par)


def _envoyer_relance(client, factures: list[Facture], total: Decimal, to: list[str]) -> None:
    coop = factures[0].vendeur
    subject, body = emails.rendre(
        "facturation/email/relance",
        {
            "client": client,
            "factures": factures,
            "total": total,
            "coop": coop,
            "url": liens.vers("facturation:liste") if factures[0].structure_id else "",
        },
    )
    message = EmailMessage(subject=subject, body=body, to=to, reply_to=[coop.get("email")])
    for f in factures:
        message.attach(f"{f.numero}.pdf", bytes(f.document.contenu), "application/pdf")
    message.send()


def lancer_relances(*, par: Acteur) -> Lot:
    """Relance en tâche de fond chaque client qui a des factures en retard (taches.relancer_lot),
    un e-mail par client ; la page du lot suit l'avancement. Un seul lot de relances à la
    fois : le second clic lève LotEnCours, qui porte le premier."""
    par = exiger_staff(par)
    nature = Lot.Nature.RELANCES
    with transaction.atomic():
        _abandonner_lot_muet(nature=nature, mois=None, par=par)
    with transaction.atomic():
        total = len(selectors.impayes_par_client(timezone.localdate()))
        if not total:
            raise FacturationError("Aucune facture en retard : personne à relancer.")
        lot = Lot(
            nature=nature,
            total=total,
            lance_par=par.user,
            request_id=par.request_id[:64],
            maj_le=timezone.now(),
        )
        try:
            with transaction.atomic():
                lot.save()
        except IntegrityError:
            en_cours = Lot.objects.en_cours().filter(nature=nature, mois=None).first()
            raise LotEnCours(
                "La relance des impayés est déjà lancée : voici son avancement.", en_cours
            ) from None
        journal.journaliser(
            par=par,
            operation="facturation.lancer_relances",
            libelle=f"Relance des impayés lancée en tâche de fond : {total} client(s) en retard",
            objet=lot,
        )
        transaction.on_commit(partial(_mettre_en_file, lot.pk, "relancer_lot"), robust=True)
    return lot
