"""Matrice des permissions de la vie du pôle : emplois (lignes et morceau de `world`).

Emplois mutualisés et engagements : l'équipe lit tout ; un·e référent·e lit ce qui concerne
sa structure (un poste où elle n'a ni part ni emploi : 404) ; un·e simple membre, un·e
associé·e sans structure référente : 403 ; seule la gestion crée et modifie."""

import datetime
from decimal import Decimal

from tests.matrice import Row, everyone, gestion_only, signed_in, staff_read  # noqa: F401

STAFF_ET_REFERENTS = ("gestion", "comptable", "referent_a", "habitant_b")


def referents_et_equipe(ok, **overrides) -> dict:
    """L'équipe et les référent·es (Halage, Mode Estime) : `ok` ; les autres : 403."""
    return signed_in(403, **{**dict.fromkeys(STAFF_ET_REFERENTS, ok), **overrides})


ROWS: list[Row] = [
    Row("projets:emploi-liste", expected=referents_et_equipe(200)),
    Row(
        "projets:emploi-liste",
        query="?annee=2015&structure=$structure_b_pk",
        expected=referents_et_equipe(200),
        label="emploi-liste-filtree",
    ),
    Row("projets:emploi-nouveau", expected=gestion_only(200)),
    # An empty form comes back with its errors (200), nothing written.
    Row(
        "projets:emploi-nouveau",
        method="post",
        expected=gestion_only(200),
        label="emploi-nouveau-post",
    ),
    Row("projets:emploi-detail", ("$emploi_pk",), expected=referents_et_equipe(200)),
    Row(
        "projets:emploi-detail",
        ("$emploi_b_pk",),
        expected=referents_et_equipe(200, referent_a=404),
        label="emploi-detail-de-b",
    ),
    Row(
        "projets:emploi-detail",
        (999999,),
        expected=referents_et_equipe(404),
        label="emploi-detail-inconnu",
    ),
    Row("projets:emploi-modifier", ("$emploi_pk",), expected=gestion_only(200)),
    Row(
        "projets:emploi-modifier",
        ("$emploi_pk",),
        method="post",
        expected=gestion_only(200),
        label="emploi-modifier-post",
    ),
    Row("projets:engagement-liste", expected=referents_et_equipe(200)),
    Row("projets:engagement-nouveau", expected=gestion_only(200)),
    Row(
        "projets:engagement-nouveau",
        method="post",
        expected=gestion_only(200),
        label="engagement-nouveau-post",
    ),
    Row("projets:engagement-modifier", ("$engagement_pk",), expected=gestion_only(200)),
    Row(
        "projets:engagement-modifier",
        ("$engagement_pk",),
        method="post",
        expected=gestion_only(200),
        label="engagement-modifier-post",
    ),
]


def monde(personas, structure_a, structure_b) -> dict:
    """Les objets que ces lignes citent par « $clé » : un poste partagé par Halage (60 %) et
    Mode Estime (40 %), refacturé ; un poste de Mode Estime seule ; un service civique
    accueilli par Halage."""
    from habitants.projets.models import EmploiMutualise, Engagement, PartEmploi

    emploi = EmploiMutualise.objects.create(
        intitule="Conseiller en insertion professionnelle",
        employeur_nom="La Cité PHARES (SCIC)",
        etp=Decimal("1"),
        debut=datetime.date(2015, 1, 1),
        cout_mensuel=Decimal("3000"),
        facture_par_la_cooperative=True,
    )
    PartEmploi.objects.create(emploi=emploi, structure=structure_a, pourcentage=Decimal("60"))
    PartEmploi.objects.create(emploi=emploi, structure=structure_b, pourcentage=Decimal("40"))
    emploi_b = EmploiMutualise.objects.create(
        intitule="Couturière", employeur=structure_b, etp=Decimal("0.5"),
        debut=datetime.date(2015, 3, 1),
    )  # fmt: skip
    PartEmploi.objects.create(emploi=emploi_b, structure=structure_b, pourcentage=Decimal("100"))
    engagement = Engagement.objects.create(
        type=Engagement.Type.SERVICE_CIVIQUE,
        personne_nom="Inès",
        mission="Sensibilisation au réemploi",
        structure=structure_a,
        debut=datetime.date(2015, 9, 1),
        fin=datetime.date(2016, 4, 30),
    )
    return {
        "emploi_pk": emploi.pk,
        "emploi_b_pk": emploi_b.pk,
        "engagement_pk": engagement.pk,
        "structure_b_pk": structure_b.pk,
    }
