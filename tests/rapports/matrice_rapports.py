"""Matrice des permissions du rapport annuel (lignes et morceau de `world`).

- rédiger, aperçu, brouillon, publier : la gestion seule ;
- lire les éditions publiées : la gestion, les cogérant·es, les associé·es ; les habitants
  pour les années rendues lisibles (2014 ici, pas 2015) ;
- la comptabilité n'a pas de rôle dans le rapport : 403.
"""

import hashlib

from rapports.models import Edition, Redaction
from tests.matrice import Row, gestion_only, signed_in

HABITANTS = ("referent_a", "membre_a", "habitant_b")
LECTEURS = signed_in(403, gestion=200, cogerant=200, associe=200)
# cogerant is a member of Mode Estime too: a habitant, as well as a reader through the SCIC.
LECTEURS_ET_HABITANTS = {**LECTEURS, **dict.fromkeys(HABITANTS, 200)}

ROWS: list[Row] = [
    Row("rapports:index", expected=LECTEURS_ET_HABITANTS),
    Row("rapports:annee", (2015,), expected=LECTEURS),
    Row("rapports:annee", (2014,), expected=LECTEURS_ET_HABITANTS, label="annee-publique"),
    Row("rapports:annee", (2999,), expected=signed_in(404, comptable=403), label="annee-a-venir"),
    Row("rapports:textes", (2015,), expected=gestion_only(200)),
    # An empty form: refused (the introduction is required), the page says why.
    Row(
        "rapports:textes",
        (2015,),
        method="post",
        expected=gestion_only(200),
        label="textes-post",
    ),
    Row("rapports:brouillon-pdf", (2015,), expected=gestion_only(200)),
    Row(
        "rapports:publier",
        (2015,),
        expected=gestion_only(200),
        label="publier-confirmation",
    ),
    Row("rapports:publier", (2015,), method="post", expected=gestion_only(302)),
    Row("rapports:edition", (2015, 1), expected=LECTEURS),
    Row("rapports:edition", (2014, 1), expected=LECTEURS_ET_HABITANTS, label="edition-publique"),
    # A render under way: gestion follows it; for readers it does not exist yet.
    Row(
        "rapports:edition",
        (2015, 2),
        expected=signed_in(403, gestion=200, cogerant=404, associe=404),
        label="edition-en-cours",
    ),
    Row("rapports:edition-pdf", (2015, 1), expected=LECTEURS),
    Row(
        "rapports:edition-pdf",
        (2014, 1),
        expected=LECTEURS_ET_HABITANTS,
        label="edition-pdf-publique",
    ),
    Row(
        "rapports:edition-pdf",
        (2015, 2),
        expected=signed_in(403, gestion=404, cogerant=404, associe=404),
        label="edition-pdf-en-cours",
    ),
]


def _publiee(annee: int, version: int) -> Edition:
    contenu = f"%PDF rapport {annee} v{version}".encode()
    return Edition.objects.create(
        annee=annee,
        version=version,
        statut=Edition.Statut.PUBLIEE,
        pdf=contenu,
        sha256=hashlib.sha256(contenu).hexdigest(),
        taille=len(contenu),
        publiee_le="2016-03-01T10:00:00Z",
    )


def monde(personas, structure_a, structure_b) -> dict:
    """2015 : rédigée, non lisible par les habitants, une version publiée et une en cours ;
    2014 : lisible par les habitants, une version publiée."""
    Redaction.objects.create(annee=2015, introduction="Le PHARES en 2015.")
    Redaction.objects.create(annee=2014, public=True)
    _publiee(2015, 1)
    Edition.objects.create(annee=2015, version=2, statut=Edition.Statut.EN_COURS)
    _publiee(2014, 1)
    return {}
