"""Démo des tarifs 2015, des forfaits d'heures de salle et des consommations
(affranchissement, impression)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from phares.lib import dates, temps

from ..models import Consommation, ForfaitSalles, Tarif
from ._commun import ANNEE, DEBUT_ANNEE, HABITANTS, D, d, t
from .agenda import jours_ouvres

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext


# --- Tarifs 2015 -----------------------------------------------------------------

C = Tarif.Code
TARIFS = (
    # code                   € HT        TVA %
    (C.BUREAU_M2_MOIS,       D("16.00"), D("20.00")),  # the report: 16 €/m²/mois
    (C.POSTE_COTRAVAIL_MOIS, D("120.00"), D("20.00")),  # the report: 120 €/mois
    (C.SALLE_HEURE,          D("25.00"), D("20.00")),
    (C.SALLE_DEMI_JOURNEE,   D("80.00"), D("20.00")),
    (C.SALLE_JOURNEE,        D("140.00"), D("20.00")),
    (C.SALLE_HABITANT_HEURE, D("10.00"), D("20.00")),
    (C.VELO_HEURE,           D("0.00"), D("20.00")),
    (C.AFFRANCHISSEMENT,     D("0.80"), D("0.00")),  # postage: no VAT
    (C.IMPRESSION,           D("0.05"), D("20.00")),
    (C.EMPLOI_MUTUALISE,     D("0.00"), D("20.00")),  # staff provision: standard rate
)  # fmt: skip

# Room hours included each month for every hosted structure.
FORFAIT_HEURES = 10

# Postage and printing, entered by the front desk.
DEBUT_AFFRANCHISSEMENT = d(ANNEE, 4, 1)  # a service set up in 2015
USAGERS_IMPRESSION = (
    "halage", "etudes-et-chantiers-idf", "unarec", "chantier-ecole-idf", "mode-estime",
    "sfmad", "la-firme-93", "metropop", "novaedia", "femasif",
)  # fmt: skip
USAGERS_AFFRANCHISSEMENT = (
    "halage", "etudes-et-chantiers-idf", "unarec", "chantier-ecole-idf", "sfmad", "errc",
)  # fmt: skip


# --- Vérifications ---------------------------------------------------------------


def check_tarifs() -> list[str]:
    codes = [code for code, _, _ in TARIFS]
    if sorted(codes) != sorted(Tarif.Code.values):
        return ["TARIFS doit donner chaque tarif une fois et une seule"]
    return []


# --- Écriture --------------------------------------------------------------------


def load_tarifs(ctx: DemoContext) -> dict[str, Tarif]:
    return {
        code: ctx.upsert(
            Tarif,
            {"code": code, "ressource": None, "debut": DEBUT_ANNEE},
            {"montant_ht": montant, "taux_tva": tva},
            a_la_creation={"fin": None},
        )
        for code, montant, tva in TARIFS
    }


def load_forfaits(ctx: DemoContext) -> None:
    for slug, h in HABITANTS.items():
        if h.depart is not None and h.depart < DEBUT_ANNEE:
            continue
        ctx.upsert(
            ForfaitSalles,
            {"structure": ctx.structures[slug], "debut": max(h.arrivee, DEBUT_ANNEE)},
            {"heures_par_mois": FORFAIT_HEURES},
            a_la_creation={"fin": h.depart},
        )


def load_consommations(ctx: DemoContext, tarifs, gestion) -> int:
    rng = random.Random(ANNEE + 2)
    jours = jours_ouvres()
    services_ = (
        (Consommation.Service.IMPRESSION, C.IMPRESSION, USAGERS_IMPRESSION, DEBUT_ANNEE,
         "Relevé du copieur", lambda: 10 * rng.randint(5, 80)),
        (Consommation.Service.AFFRANCHISSEMENT, C.AFFRANCHISSEMENT, USAGERS_AFFRANCHISSEMENT,
         DEBUT_AFFRANCHISSEMENT, "Courrier déposé à l'accueil", lambda: rng.randint(5, 60)),
    )  # fmt: skip
    count = 0
    for mois in range(1, 13):
        du_mois = [j for j in jours if j.month == mois]
        for service, code, usagers, depuis, commentaire, quantite in services_:
            for slug in usagers:
                h = HABITANTS[slug]
                possibles = [
                    j for j in du_mois if j >= depuis and dates.is_active(h.arrivee, h.depart, j)
                ]
                if not possibles:
                    continue
                jour = rng.choice(possibles)
                tarif = tarifs[code]
                ctx.upsert(
                    Consommation,
                    {"structure": ctx.structures[slug], "service": service, "date": jour},
                    {
                        "quantite": quantite(),
                        "prix_unitaire_ht": tarif.montant_ht,
                        "taux_tva": tarif.taux_tva,
                        "tarif": tarif,
                        "commentaire": commentaire,
                        "saisi_par": gestion,
                        "saisi_le": temps.aware(jour, t(17)),
                    },
                )
                count += 1
    return count
