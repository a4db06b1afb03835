"""Démonstration de la facturation : la coopérative (SCIC PHARES, coordonnées inventées mais
valides : SIREN à clé, IBAN à clé) et les factures 2015 des habitants, préparées depuis les
conventions, les réservations et les consommations de la démonstration, puis émises par le
service comme l'aurait fait la comptabilité (PDF Factur-X gardés).

Chaque mois de `MOIS_EMIS` est facturé le 5 du mois suivant (le jour ouvré suivant si le 5
tombe un week-end). Relancer la démo ne refacture rien : un mois déjà émis n'a plus de source
nouvelle.

Deux structures ont signé un mandat de prélèvement SEPA en janvier 2015 : leurs factures sont
prélevées chaque mois (une remise encaissée par mois) ; celles de décembre, facturées en
janvier 2016, sont dans une remise générée, pas encore encaissée.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from . import selectors
from .models import Cooperative, Facture, LigneFacture, MandatSepa, Paiement
from .reglements import emettre_avoir, enregistrer_paiement
from .sepa import creer_mandat, encaisser_remise, generer_remise
from .services import emettre_brouillons, preparer_mois

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

ANNEE = 2015
MOIS_EMIS = tuple(range(1, 13))

COOPERATIVE = {
    "raison_sociale": "SCIC PHARES",
    "forme": "SCIC SARL à capital variable",
    "capital": "variable (15 000 € souscrits au 31 décembre 2015)",
    "adresse": "6 rue Arnold Géraux",
    "code_postal": "93450",
    "ville": "L'Île-Saint-Denis",
    "siren": "732829320",
    "siret": "73282932000074",
    "rcs": "RCS Bobigny 732 829 320",
    "tva_intracom": "FR44732829320",
    "email": "compta@lacitephares.test",
    "telephone": "01 48 00 00 00",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
    "ics": "FR72ZZZ123456",
}

# (structure, RUM, signed on, debtor's IBAN): invented accounts with valid keys.
MANDATS = [
    ("halage", "PHARES-HALAGE-2015-01", datetime.date(2015, 1, 5), "FR1420041010050500013M02606"),
    (
        "novaedia",
        "PHARES-NOVAEDIA-2015-01",
        datetime.date(2015, 1, 12),
        "FR7610107001011234567890129",
    ),
]
# A batch is collected ten days after the invoices are issued (next working day).
DELAI_PRELEVEMENT = datetime.timedelta(days=10)


def jour_ouvre(jour: datetime.date) -> datetime.date:
    while jour.weekday() >= 5:
        jour += datetime.timedelta(days=1)
    return jour


def date_facturation(annee: int, mois: int) -> datetime.date:
    return jour_ouvre(datetime.date(annee + mois // 12, mois % 12 + 1, 5))


def load(ctx: DemoContext) -> None:
    # One row: the demo's details, or whatever gestion typed since (kept on a rerun).
    if not Cooperative.objects.exists():
        ctx.upsert(
            Cooperative,
            {"raison_sociale": COOPERATIVE["raison_sociale"]},
            {k: v for k, v in COOPERATIVE.items() if k != "raison_sociale"},
        )
    avant = Facture.objects.emises().count()
    if MOIS_EMIS and ctx.verbosity >= 1:
        ctx.stdout.write("Factures 2015 : préparation et émission (PDF Factur-X), mois par mois…")
    for mois in MOIS_EMIS:
        debut = datetime.date(ANNEE, mois, 1)
        if not preparer_mois(mois=debut, par=ctx.acteur).brouillons:
            continue
        _, erreurs = emettre_brouillons(
            mois=debut, par=ctx.acteur, le=date_facturation(ANNEE, mois)
        )
        if erreurs:
            raise RuntimeError("Démo : émission refusée — " + " ; ".join(erreurs))
    ctx.stats["created"] += Facture.objects.emises().count() - avant
    _mandats(ctx)
    if MOIS_EMIS and not Paiement.objects.exists():
        _reglements(ctx)


def _mandats(ctx: DemoContext) -> None:
    for slug, reference, signe_le, iban in MANDATS:
        structure = ctx.structures.get(slug)
        if structure is None or MandatSepa.objects.filter(reference=reference).exists():
            continue
        creer_mandat(
            structure=structure,
            reference=reference,
            date_signature=signe_le,
            iban=iban,
            par=ctx.acteur,
        )
        ctx.stats["created"] += 1


def _reglements(ctx: DemoContext) -> None:
    """Un grand livre vivant : un avoir (une réservation annulée après facturation), la
    plupart des factures payées 3 semaines après leur émission (virement, ou chèque pour
    une structure sur trois), la dernière d'une structure avant décembre payée à moitié,
    et les factures de décembre d'une structure sur deux encore dues (en retard)."""
    factures = list(
        Facture.objects.emises()
        .filter(type=Facture.Type.FACTURE)
        .select_related("structure", "client_externe")
        .order_by("date_emission", "rang")
    )
    ligne = (
        LigneFacture.objects.filter(facture__in=factures, origine=LigneFacture.Origine.RESERVATION)
        .select_related("facture")
        .order_by("facture__date_emission", "facture__rang", "rang")
        .first()
    )
    if ligne is not None:
        emettre_avoir(
            facture=ligne.facture,
            lignes=[ligne],
            motif="Réservation annulée après facturation",
            par=ctx.acteur,
            le=ligne.facture.date_emission + datetime.timedelta(days=6),
        )
    # What each invoice still owes after the credit note, read once: each payment below
    # settles its own invoice and changes no other.
    restes = {
        f.pk: selectors.reste(f)
        for f in selectors.avec_soldes(Facture.objects.filter(pk__in=[f.pk for f in factures]))
    }
    # Structures that signed a mandate pay by direct debit (below), the others by hand.
    preleves = set(
        MandatSepa.objects.filter(revoque_le__isnull=True).values_list("structure", flat=True)
    )
    # The latest invoice of a structure before December: paid half.
    a_moitie = next(
        (
            f
            for f in reversed(factures)
            if f.structure_id and f.mois.month != 12 and f.structure_id not in preleves
        ),
        None,
    )
    for f in factures:
        if f.structure_id in preleves:
            continue
        client = f.structure or f.client_externe
        if f.mois.month == 12 and f.structure_id and f.structure_id % 2 == 0:
            continue  # still due: the overdue list has something to chase
        reste = restes[f.pk]
        if reste <= 0:
            continue
        if f == a_moitie:
            reste = (reste / 2).quantize(reste)
        enregistrer_paiement(
            structure=f.structure,
            client_externe=f.client_externe,
            factures=[f],
            date=f.date_emission + datetime.timedelta(days=21),
            montant=reste,
            moyen=Paiement.Moyen.CHEQUE if client.pk % 3 == 0 else Paiement.Moyen.VIREMENT,
            reference=f"Règlement {f.numero}",
            par=ctx.acteur,
        )
    _prelevements(ctx, [f for f in factures if f.structure_id in preleves])


def _prelevements(ctx: DemoContext, factures: list[Facture]) -> None:
    """Une remise par mois facturé, prélevée dix jours après l'émission et encaissée ; celle
    des factures de décembre reste générée (présentée, à encaisser)."""
    par_mois: dict[datetime.date, list[Facture]] = {}
    for f in factures:
        par_mois.setdefault(f.mois, []).append(f)
    for mois, groupe in sorted(par_mois.items()):
        dues = [f.pk for f in selectors.dues(Facture.objects.filter(pk__in=[f.pk for f in groupe]))]
        if not dues:
            continue
        emises_le = max(f.date_emission for f in groupe)
        remise = generer_remise(
            factures=[f for f in groupe if f.pk in dues],
            date_prelevement=jour_ouvre(emises_le + DELAI_PRELEVEMENT),
            par=ctx.acteur,
            aujourd_hui=emises_le,
        )
        if mois.month != 12:
            encaisser_remise(remise=remise, par=ctx.acteur)
