"""Prélèvement SEPA (Core) : les mandats signés par les structures, et les remises — un
fichier pain.008.001.02 (écrit par sepaxml, vérifié contre le XSD qu'il embarque) pour les
factures dues choisies, gardé tel quel avec son SHA-256.

Une remise générée « présente » ses factures : on ne les paie plus à la main, on ne les
relance plus, on ne les met dans aucune autre remise (la base le garantit, et les factures
sont verrouillées comme pour un paiement). Marquée encaissée, elle enregistre un paiement
« prélèvement » par facture, par reglements.enregistrer_paiement, dans la même transaction ;
annulée, ses factures redeviennent dues. Un prélèvement rejeté après l'encaissement se
traite en annulant le paiement de sa facture (motif « rejet »).

Séquence : RCUR pour tout prélèvement. Depuis le recueil de règles de l'EPC de novembre
2016, le premier prélèvement d'un mandat peut être présenté en RCUR (FRST est facultatif) :
pas d'état « premier passage » à tenir ni à défaire quand une remise est annulée.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from sepaxml import SepaDD
from sepaxml.validation import ValidationError as SepaValidationError
from text_unidecode import unidecode

from phares.lib import dates, journal
from phares.lib.acteur import Acteur
from phares.lib.money import format_euros

from . import reglements, selectors
from .models import (
    HORS_JEU_SEPA,
    Cooperative,
    Facture,
    LignePrelevement,
    MandatSepa,
    Paiement,
    Prelevement,
    valider_bic,
    valider_iban,
    valider_rum,
)
from .services import FacturationError, cooperative_ou_erreur, exiger_staff

SCHEMA = "pain.008.001.02"
SEQUENCE = "RCUR"
# The largest amount a SEPA transaction carries (EPC implementation guidelines).
MONTANT_MAX_SEPA = Decimal("999999999.99")


def _valider(validateur, valeur) -> None:
    try:
        validateur(valeur)
    except ValidationError as exc:
        raise FacturationError(" ".join(exc.messages)) from exc


def compacter_iban(valeur: str) -> str:
    """« fr76 3000 6000 … » -> « FR7630006000… », ou un refus lisible."""
    _valider(valider_iban, valeur or "")
    return IBAN(valeur).compact


def bic_du_compte(iban: str, bic: str = "") -> str:
    """Le BIC saisi (vérifié), sinon celui que la banque de l'IBAN publie, sinon rien : un
    prélèvement SEPA se passe du BIC du débiteur (« IBAN only »)."""
    bic = (bic or "").replace(" ", "").upper()
    if bic:
        _valider(valider_bic, bic)
        return bic
    try:
        deduit = IBAN(iban).bic
    except iban_errors.SchwiftyException:
        return ""
    return str(deduit) if deduit else ""


def texte_sepa(texte: str, longueur: int) -> str:
    """Un texte que toutes les banques transmettent : translittéré (« Équipe » -> « Equipe »),
    les autres caractères devenus des espaces."""
    propre = HORS_JEU_SEPA.sub(" ", unidecode(texte or ""))
    return " ".join(propre.split())[:longueur].strip()


# --- Mandats --------------------------------------------------------------------------------


def creer_mandat(
    *,
    structure,
    reference: str,
    date_signature: datetime.date,
    iban: str,
    bic: str = "",
    titulaire: str = "",
    par: Acteur,
) -> MandatSepa:
    """Enregistre le mandat signé par `structure`. Refusé si elle en a déjà un actif, si la
    RUM est prise (majuscules et minuscules confondues) ou hors du jeu de caractères SEPA."""
    par = exiger_staff(par)
    reference = (reference or "").strip()
    _valider(valider_rum, reference)
    iban = compacter_iban(iban)
    if date_signature > timezone.localdate():
        raise FacturationError("Un mandat ne se signe pas dans le futur.")
    if structure.archivee:
        raise FacturationError(f"{structure} est archivée : pas de nouveau mandat.")
    titulaire = " ".join((titulaire or "").split())[:70] or structure.nom[:70]
    if not texte_sepa(titulaire, 70):
        raise FacturationError(
            "Le nom du titulaire du compte s'écrit avec des lettres ou des chiffres."
        )
    mandat = MandatSepa(
        structure=structure,
        reference=reference,
        date_signature=date_signature,
        titulaire=titulaire,
        iban=iban,
        bic=bic_du_compte(iban, bic),
        cree_par=par.user,
    )
    with transaction.atomic():
        _refus_doublon(mandat)
        try:
            # The database decides between two tabs: the loser gets the same message.
            with transaction.atomic():
                mandat.save()
        except IntegrityError as exc:
            _refus_doublon(mandat)
            raise FacturationError("Ce mandat n'a pas pu être enregistré : réessayez.") from exc
        journal.journaliser(
            par=par,
            operation="mandat_sepa.creer",
            libelle=f"Mandat de prélèvement {mandat.reference} de {structure} enregistré "
            f"(signé le {dates.date_courte(date_signature)}, compte {mandat.iban_masque})",
            objet=mandat,
            structure=structure,
        )
    return mandat


def _refus_doublon(mandat: MandatSepa) -> None:
    actifs = MandatSepa.objects.filter(structure=mandat.structure, revoque_le__isnull=True)
    if actifs.exists():
        raise FacturationError(
            f"{mandat.structure} a déjà un mandat actif ({actifs.first().reference}) : "
            "révoquez-le d'abord."
        )
    if MandatSepa.objects.filter(reference__iexact=mandat.reference).exists():
        raise FacturationError(
            f"La référence {mandat.reference} est déjà celle d'un autre mandat : une RUM ne "
            "sert qu'une fois."
        )


def revoquer_mandat(*, mandat: MandatSepa, par: Acteur) -> MandatSepa:
    """Le mandat ne sert plus à partir d'aujourd'hui ; il reste dans l'historique. Une remise
    déjà générée avec lui n'est pas touchée (la banque la rejettera si la structure a
    révoqué le mandat chez elle : on l'annule alors)."""
    par = exiger_staff(par)
    with transaction.atomic():
        m = MandatSepa.objects.select_for_update().filter(pk=mandat.pk).first()
        if m is None:
            raise FacturationError("Ce mandat n'existe pas.")
        if not m.est_actif:
            raise FacturationError("Ce mandat est déjà révoqué.")
        m.revoque_le = max(timezone.localdate(), m.date_signature)
        m.revoque_par = par.user
        m.save(update_fields=["revoque_le", "revoque_par"])
        journal.journaliser(
            par=par,
            operation="mandat_sepa.revoquer",
            libelle=f"Mandat de prélèvement {m.reference} de {m.structure} révoqué",
            objet=m,
            structure=m.structure,
            changements={"revoque_le": ("—", dates.date_courte(m.revoque_le))},
        )
    return m


# --- Remises --------------------------------------------------------------------------------


def cooperative_creanciere() -> Cooperative:
    """La coopérative, si elle peut prélever : ICS, IBAN et BIC (le BIC du créancier est
    obligatoire dans pain.008.001.02)."""
    coop = cooperative_ou_erreur()
    manque = [
        nom
        for nom, valeur in (
            ("l'identifiant créancier SEPA (ICS)", coop.ics),
            ("l'IBAN", coop.iban),
            ("le BIC", coop.bic),
        )
        if not valeur
    ]
    if manque:
        liste = " et ".join([", ".join(manque[:-1]), manque[-1]] if len(manque) > 1 else manque)
        raise FacturationError(
            f"Pour prélever, la coopérative doit avoir {liste} : renseignez-"
            f"{'les' if len(manque) > 1 else 'le'} dans ses coordonnées (équipe de gestion)."
        )
    return coop


def generer_remise(
    *,
    factures: list[Facture],
    date_prelevement: datetime.date,
    par: Acteur,
    aujourd_hui: datetime.date | None = None,
) -> Prelevement:
    """Le fichier pain.008 qui prélève, à `date_prelevement`, le reste dû de chacune des
    `factures` sur le compte du mandat actif de sa structure. Tout ou rien : une facture
    qui n'est pas due, déjà présentée ou sans mandat fait tout refuser, avec son numéro.
    (`aujourd_hui` : pour la démonstration, qui rejoue 2015.)"""
    par = exiger_staff(par)
    aujourd_hui = aujourd_hui or timezone.localdate()
    if not factures:
        raise FacturationError("Cochez au moins une facture à prélever.")
    if date_prelevement < aujourd_hui:
        raise FacturationError(
            "La date de prélèvement est passée : choisissez aujourd'hui ou plus tard (votre "
            "banque demande en général le fichier un jour ouvré avant)."
        )
    coop = cooperative_creanciere()
    pks = sorted({f.pk for f in factures})
    with transaction.atomic():
        # The same lock as a payment: a payment, a credit note or another batch on these
        # invoices waits for this one, then sees them presented.
        reglements.verrouiller_factures(pks)
        lignes = _lignes_a_prelever(pks)
        ids, xml = fichier_pain008(coop=coop, lignes=lignes, date_prelevement=date_prelevement)
        total = sum((ligne.montant for ligne in lignes), Decimal("0.00"))
        remise = Prelevement.objects.create(
            date_prelevement=date_prelevement,
            message_id=ids,
            sequence=SEQUENCE,
            xml=xml,
            sha256=hashlib.sha256(xml.encode("utf-8")).hexdigest(),
            total=total,
            nombre=len(lignes),
            cree_par=par.user,
        )
        for ligne in lignes:
            ligne.prelevement = remise
        try:
            with transaction.atomic():
                LignePrelevement.objects.bulk_create(lignes)
        except IntegrityError as exc:  # a batch that did not lock (the constraint is the net)
            raise FacturationError(
                "Une des factures vient d'être présentée dans une autre remise : rechargez la page."
            ) from exc
        journal.journaliser(
            par=par,
            operation="prelevement.generer",
            libelle=f"Remise de prélèvements du {dates.date_courte(date_prelevement)} "
            f"générée : {len(lignes)} facture(s), {format_euros(total)} — "
            + ", ".join(ligne.facture.numero for ligne in lignes),
            objet=remise,
        )
    return remise


def _lignes_a_prelever(pks: list[int]) -> list[LignePrelevement]:
    """Relit les factures verrouillées et dit tout ce qui empêche de les prélever."""
    factures = list(
        selectors.avec_soldes(Facture.objects.filter(pk__in=pks))
        .select_related("structure")
        .order_by("structure__nom", "date_emission", "rang")
    )
    if len(factures) != len(pks):
        raise FacturationError("Une des factures choisies n'existe plus : rechargez la page.")
    mandats = {
        m.structure_id: m
        for m in MandatSepa.objects.filter(
            structure__in=[f.structure_id for f in factures if f.structure_id],
            revoque_le__isnull=True,
        )
    }
    deja = LignePrelevement.objects.filter(facture__in=pks)
    passages = dict(deja.values("facture").annotate(n=Count("pk")).values_list("facture", "n"))
    refus, lignes = [], []
    for f in factures:
        raison = _raison_de_refus(f, mandats)
        if raison:
            refus.append(raison)
            continue
        lignes.append(
            LignePrelevement(
                facture=f,
                mandat=mandats[f.structure_id],
                montant=selectors.reste(f),
                # EndToEndId: the invoice, and which presentation of it (after a cancelled
                # batch or a rejection, the next one gets a new reference).
                reference=f"{f.numero}-{passages.get(f.pk, 0) + 1}",
            )
        )
    if refus:
        raise FacturationError(" ".join(refus))
    return lignes


def _raison_de_refus(f: Facture, mandats: dict[int, MandatSepa]) -> str:
    nom = f.numero or "Un brouillon"
    if not f.est_emise or f.est_avoir or not f.structure_id:
        return f"{nom} : seule une facture émise d'une structure se prélève."
    if f.presentee:
        remise = selectors.remise_de(f)
        return (
            f"{nom} est déjà présentée au prélèvement (remise du "
            f"{dates.date_courte(remise.date_prelevement)})."
        )
    if selectors.reste(f) <= 0:
        return f"{nom} : plus rien à payer."
    if f.structure_id not in mandats:
        return f"{nom} : {f.structure} n'a pas de mandat de prélèvement actif."
    if selectors.reste(f) > MONTANT_MAX_SEPA:
        return f"{nom} : au-delà de ce qu'un prélèvement SEPA peut porter."
    return ""


def fichier_pain008(
    *, coop: Cooperative, lignes: list[LignePrelevement], date_prelevement: datetime.date
) -> tuple[str, str]:
    """(identifiant du message, XML pain.008.001.02) ; sepaxml le vérifie contre son XSD."""
    sepa = SepaDD(
        {
            "name": texte_sepa(coop.raison_sociale, 70),
            "IBAN": coop.iban,
            "BIC": coop.bic,
            "batch": True,
            "creditor_id": coop.ics,
            "currency": "EUR",
        },
        schema=SCHEMA,
    )
    for ligne in lignes:
        f, mandat = ligne.facture, ligne.mandat
        paiement = {
            "name": texte_sepa(mandat.titulaire, 70),
            "IBAN": mandat.iban,
            "amount": int((ligne.montant * 100).to_integral_value()),
            "type": SEQUENCE,
            "collection_date": date_prelevement,
            "mandate_id": mandat.reference,
            "mandate_date": mandat.date_signature,
            "description": texte_sepa(
                f"Facture {f.numero} du {f.date_emission:%d/%m/%Y} - {coop.raison_sociale}", 140
            ),
            "endtoend_id": ligne.reference,
        }
        if mandat.bic:
            paiement["BIC"] = mandat.bic
        sepa.add_payment(paiement)
    try:
        contenu = sepa.export(validate=True, pretty_print=True)
    except SepaValidationError as exc:
        raise FacturationError(
            "Le fichier de prélèvement ne respecte pas le schéma pain.008 : vérifiez les "
            "coordonnées de la coopérative et les mandats."
        ) from exc
    return sepa.msg_id, contenu.decode("utf-8")


def _remise_verrouillee(remise: Prelevement) -> Prelevement:
    r = Prelevement.objects.select_for_update().filter(pk=remise.pk).first()
    if r is None:
        raise FacturationError("Cette remise n'existe pas.")
    if not r.est_ouverte:
        raise FacturationError(f"Cette remise est déjà {r.get_statut_display().lower()}.")
    return r


def encaisser_remise(*, remise: Prelevement, par: Acteur) -> list[Paiement]:
    """La banque a crédité la remise : un paiement « prélèvement » par facture, du montant
    prélevé, daté du jour du prélèvement. Tout ou rien."""
    par = exiger_staff(par)
    with transaction.atomic():
        r = _remise_verrouillee(remise)
        if r.date_prelevement > timezone.localdate():
            raise FacturationError(
                f"Cette remise est prévue le {dates.date_courte(r.date_prelevement)} : elle "
                "se marque encaissée à partir de ce jour-là."
            )
        lignes = list(r.lignes.select_related("facture__structure", "mandat").order_by("pk"))
        # Closed first: its invoices are no longer "presented", so they can be paid.
        _cloturer(r, Prelevement.Statut.ENCAISSEE, par)
        paiements = []
        for ligne in lignes:
            ligne.paiement = reglements.enregistrer_paiement(
                structure=ligne.facture.structure,
                factures=[ligne.facture],
                date=r.date_prelevement,
                montant=ligne.montant,
                moyen=Paiement.Moyen.PRELEVEMENT,
                reference=f"Prélèvement {ligne.reference}, mandat {ligne.mandat.reference}",
                par=par,
            )
            paiements.append(ligne.paiement)
        LignePrelevement.objects.bulk_update(lignes, ["paiement"])
        journal.journaliser(
            par=par,
            operation="prelevement.encaisser",
            libelle=f"{r} encaissée : {len(paiements)} paiement(s), {format_euros(r.total)}",
            objet=r,
            changements={"statut": ("Générée", "Encaissée")},
        )
    return paiements


def annuler_remise(*, remise: Prelevement, motif: str, par: Acteur) -> Prelevement:
    """La remise n'est pas partie (ou la banque l'a refusée) : ses factures redeviennent
    dues ; aucun paiement n'est écrit. Le fichier reste lisible dans l'historique."""
    par = exiger_staff(par)
    motif = " ".join((motif or "").split())
    if not motif:
        raise FacturationError("Dites pourquoi cette remise est annulée.")
    with transaction.atomic():
        r = _remise_verrouillee(remise)
        r.motif_annulation = motif[:300]
        _cloturer(r, Prelevement.Statut.ANNULEE, par)
        journal.journaliser(
            par=par,
            operation="prelevement.annuler",
            libelle=f"{r} annulée ({r.nombre} facture(s), {format_euros(r.total)}) : {motif}",
            objet=r,
            changements={"statut": ("Générée", "Annulée")},
        )
    return r


def _cloturer(r: Prelevement, statut: str, par: Acteur) -> None:
    r.lignes.update(ouverte=False)
    r.statut = statut
    r.cloturee_le = timezone.now()
    r.cloturee_par = par.user
    r.save(update_fields=["statut", "cloturee_le", "cloturee_par", "motif_annulation"])
