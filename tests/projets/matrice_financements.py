"""Matrice des permissions de la vie du pôle : financements (lignes et morceau de `world`).

Partenaires : toute personne connectée les lit, la gestion les tient. Subventions : l'équipe
les lit (la comptabilité aussi), la gestion les tient ; les autres ont 403."""

import datetime
from decimal import Decimal

from tests.matrice import Row, everyone, gestion_only, signed_in, staff_read  # noqa: F401

ROWS: list[Row] = [
    # --- partenaires ------------------------------------------------------------------------
    Row("projets:partenaire-liste", expected=signed_in(200)),
    Row("projets:partenaire-detail", ("$partenaire_pk",), expected=signed_in(200)),
    Row(
        "projets:partenaire-detail",
        ("$partenaire_archive_pk",),
        expected=signed_in(200),
        label="partenaire-detail-archive",
    ),
    Row(
        "projets:partenaire-detail",
        (999999,),
        expected=signed_in(404),
        label="partenaire-detail-inconnu",
    ),
    Row("projets:partenaire-nouveau", expected=gestion_only(200)),
    Row(
        "projets:partenaire-nouveau",
        method="post",
        expected=gestion_only(200),
        label="partenaire-nouveau-post-vide",
    ),
    Row("projets:partenaire-modifier", ("$partenaire_pk",), expected=gestion_only(200)),
    Row(
        "projets:partenaire-modifier",
        ("$partenaire_pk",),
        method="post",
        expected=gestion_only(200),
        label="partenaire-modifier-post-vide",
    ),
    Row(
        "projets:partenaire-archiver",
        ("$partenaire_pk",),
        method="post",
        expected=gestion_only(302),
    ),
    Row(
        "projets:partenaire-archiver",
        ("$partenaire_pk",),
        expected=signed_in(403, gestion=405),
        label="partenaire-archiver-get",
    ),
    Row(
        "projets:partenaire-restaurer",
        ("$partenaire_archive_pk",),
        method="post",
        expected=gestion_only(302),
    ),
    Row(
        "projets:partenaire-restaurer",
        ("$partenaire_archive_pk",),
        expected=signed_in(403, gestion=405),
        label="partenaire-restaurer-get",
    ),
    # --- subventions ------------------------------------------------------------------------
    Row("projets:subvention-liste", expected=staff_read(200)),
    Row(
        "projets:subvention-liste",
        expected=staff_read(200),
        query="?annee=2015&statut=accordee&financeur=$partenaire_pk&objet=pole",
        label="subvention-liste-filtree",
    ),
    Row(
        "projets:subvention-liste",
        expected=staff_read(200),
        query="?annee=12,5,0&financeur=abc",
        label="subvention-liste-filtres-invalides",
    ),
    Row("projets:subvention-bilan", expected=staff_read(200)),
    Row("projets:subvention-detail", ("$subvention_pk",), expected=staff_read(200)),
    Row(
        "projets:subvention-detail",
        (999999,),
        expected=staff_read(404),
        label="subvention-detail-inconnue",
    ),
    Row("projets:subvention-nouvelle", expected=gestion_only(200)),
    Row(
        "projets:subvention-nouvelle",
        method="post",
        expected=gestion_only(200),
        label="subvention-nouvelle-post-vide",
    ),
    Row("projets:subvention-modifier", ("$subvention_pk",), expected=gestion_only(200)),
    Row(
        "projets:subvention-modifier",
        ("$subvention_pk",),
        method="post",
        expected=gestion_only(200),
        label="subvention-modifier-post-vide",
    ),
]


def monde(personas, structure_a, structure_b) -> dict:
    """Les objets que ces lignes citent par « $clé » : un financeur partenaire de Halage,
    sa subvention de trois ans, et un partenaire archivé."""
    from habitants.projets.models import Partenaire, Subvention

    region = Partenaire.objects.create(nom="Région Île-de-France", categorie="region")
    region.structures.add(structure_a)
    ancien = Partenaire.objects.create(nom="Ancien mécène", categorie="entreprise", archive=True)
    subvention = Subvention.objects.create(
        financeur=region,
        intitule="Fonctionnement du PTCE",
        statut=Subvention.Statut.ACCORDEE,
        montant_demande=Decimal(90000),
        montant_accorde=Decimal(90000),
        montant_recu=Decimal(30000),
        debut=datetime.date(2014, 1, 1),
        fin=datetime.date(2016, 12, 31),
    )
    return {
        "partenaire_pk": region.pk,
        "partenaire_archive_pk": ancien.pk,
        "subvention_pk": subvention.pk,
    }
