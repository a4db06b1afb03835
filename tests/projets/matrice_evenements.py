"""Matrice des permissions de la vie du pôle : événements (lignes et morceau de `world`).

Lire : toute personne connectée. Créer : la gestion et les référent·es (pour un projet de
leur structure). Modifier, supprimer : la gestion et les référent·es d'une structure qui
participe au projet de l'événement. Depuis une réservation : seulement une réservation que
la personne peut lier (la gestion : toutes ; un·e référent·e : celles de sa structure),
sinon 404."""

import datetime

from tests.conftest import axe
from tests.matrice import Row, gestion_only, signed_in

# Halage's référent and Mode Estime's référent may create (for a project of theirs).
CREATEURS = {"gestion": 200, "referent_a": 200, "habitant_b": 200}
# The event belongs to a project Halage carries.
EDITEURS = {"gestion": 200, "referent_a": 200}

ROWS: list[Row] = [
    Row("projets:evenement-liste", expected=signed_in(200)),
    Row(
        "projets:evenement-liste",
        query="?annee=abc&axe=999999999999&type=x&projet=-1&page=zz",
        expected=signed_in(200),
        label="evenement-liste-filtres-invalides",
    ),
    Row("projets:evenement-nouveau", expected=signed_in(403, **CREATEURS)),
    Row(
        "projets:evenement-nouveau",
        method="post",
        expected=signed_in(403, **CREATEURS),
        label="evenement-nouveau-post",
    ),
    Row(
        "projets:evenement-nouveau",
        query="?reservation=$reservation_a_pk",
        expected=signed_in(403, gestion=200, referent_a=200, habitant_b=404),
        label="evenement-nouveau-depuis-reservation-a",
    ),
    Row(
        "projets:evenement-nouveau",
        query="?reservation=$reservation_b_pk",
        expected=signed_in(403, gestion=200, referent_a=404, habitant_b=200),
        label="evenement-nouveau-depuis-reservation-b",
    ),
    Row(
        "projets:evenement-nouveau",
        query="?reservation=99999999999999999999",
        expected=signed_in(403, gestion=404, referent_a=404, habitant_b=404),
        label="evenement-nouveau-depuis-reservation-inconnue",
    ),
    Row("projets:evenement-detail", ("$evenement_pk",), expected=signed_in(200)),
    Row(
        "projets:evenement-detail",
        (999999999,),
        expected=signed_in(404),
        label="evenement-detail-inconnu",
    ),
    Row("projets:evenement-modifier", ("$evenement_pk",), expected=signed_in(403, **EDITEURS)),
    Row(
        "projets:evenement-modifier",
        ("$evenement_pk",),
        method="post",
        expected=signed_in(403, **EDITEURS),
        label="evenement-modifier-post",
    ),
    Row(
        "projets:evenement-modifier",
        ("$evenement_sans_projet_pk",),
        expected=gestion_only(200),
        label="evenement-modifier-sans-projet",
    ),
    Row(
        "projets:evenement-supprimer",
        ("$evenement_pk",),
        expected=signed_in(403, **EDITEURS),
        label="evenement-supprimer-confirmation",
    ),
    Row(
        "projets:evenement-supprimer",
        ("$evenement_pk",),
        method="post",
        expected=signed_in(403, gestion=302, referent_a=302),
    ),
]


def monde(personas, structure_a, structure_b) -> dict:
    """Les objets que ces lignes citent par « $clé »."""
    from habitants.projets.models import Evenement, Participation, Projet

    axe_2 = axe(2)
    projet = Projet.objects.create(
        nom="COMPIC (matrice)", slug="compic-matrice", axe=axe_2, debut=datetime.date(2015, 3, 1)
    )
    Participation.objects.create(
        projet=projet, structure=structure_a, role=Participation.Role.PORTEUR
    )
    evenement = Evenement.objects.create(
        titre="Réunion de lancement", type="rencontre", axe=axe_2, projet=projet,
        date=datetime.date(2015, 3, 12),
    )  # fmt: skip
    sans_projet = Evenement.objects.create(
        titre="Repas mensuel des habitants", type="repas", axe=axe(1),
        date=datetime.date(2015, 3, 12),
    )  # fmt: skip
    return {"evenement_pk": evenement.pk, "evenement_sans_projet_pk": sans_projet.pk}
