"""Matrice des permissions de la vie du pôle : projets (lignes et morceau de `world`).

Le monde : « Jardin partagé » est porté par Halage (structure_a) avec pour partenaire
« Les Voisins », une troisième structure sans membre parmi les personas ; « Atelier vélo »
est porté par Halage seule. Mode Estime (structure_b) ne participe à aucun projet : le monde
est partagé avec les autres sous-domaines, et une référente partenaire d'un projet pourrait
l'illustrer (photos, matrice_vie.py) ; le cas d'une référente partenaire qui modifie le
projet est dans tests/projets/test_projets_pages.py.

Toute personne connectée lit les projets ; les modifient la gestion et les référent·es
d'une structure participante (ici referent_a) ; habitant_b, référente d'une autre
structure, reçoit 403 ; membre_a et le cogérant (simples membres) aussi. Créer : la
gestion et tout·e référent·e (referent_a, habitant_b).
"""

import datetime

from tests.matrice import Row, everyone, gestion_only, signed_in, staff_read  # noqa: F401


def editeurs(ok) -> dict:
    """Un projet où participe Halage : gestion et referent_a ; 403 pour les autres."""
    return signed_in(403, gestion=ok, referent_a=ok)


def createurs(ok) -> dict:
    """Créer un projet : la gestion et les référent·es (de Halage, de Mode Estime)."""
    return signed_in(403, gestion=ok, referent_a=ok, habitant_b=ok)


J = ("$projet_slug",)
ROWS: list[Row] = [
    Row("projets:projet-liste", expected=signed_in(200)),
    Row(
        "projets:projet-liste",
        query="?annee=2015&axe=$projet_axe_pk&statut=en_cours&structure=$structure_a_pk&q=jardin",
        expected=signed_in(200),
        label="projet-liste-filtree",
    ),
    Row(
        "projets:projet-liste",
        query="?annee=99999999999999999999&axe=x&page=abc",
        expected=signed_in(200),
        label="projet-liste-filtres-invalides",
    ),
    Row("projets:projet-nouveau", expected=createurs(200)),
    Row(
        "projets:projet-nouveau",
        method="post",
        expected=createurs(200),
        label="projet-nouveau-post",
    ),
    Row("projets:projet-detail", J, expected=signed_in(200)),
    Row(
        "projets:projet-detail",
        ("inconnu",),
        expected=signed_in(404),
        label="projet-detail-inconnu",
    ),
    Row("projets:projet-modifier", J, expected=editeurs(200)),
    Row(
        "projets:projet-modifier",
        J,
        method="post",
        expected=editeurs(200),
        label="projet-modifier-post",
    ),
    Row(
        "projets:projet-modifier",
        ("$projet_seul_slug",),
        expected=editeurs(200),
        label="projet-modifier-seul",
    ),
    Row(
        "projets:projet-modifier",
        ("inconnu",),
        expected=signed_in(404),
        label="projet-modifier-inconnu",
    ),
    Row("projets:projet-participants", J, expected=editeurs(200)),
    Row(
        "projets:projet-participants",
        J,
        method="post",
        expected=editeurs(200),
        label="projet-participants-post",
    ),
    Row(
        "projets:participation-role",
        (*J, "$participation_voisins_pk"),
        method="post",
        expected=editeurs(302),
    ),
    Row(
        "projets:participation-retirer",
        (*J, "$participation_voisins_pk"),
        expected=editeurs(200),
        label="participation-retirer-confirmation",
    ),
    Row(
        "projets:participation-retirer",
        (*J, "$participation_voisins_pk"),
        method="post",
        expected=editeurs(302),
    ),
    Row(
        # A participation of another project, through this project's URL.
        "projets:participation-retirer",
        (*J, "$participation_seul_pk"),
        method="post",
        expected=editeurs(404),
        label="participation-retirer-autre-projet",
    ),
    Row("projets:jalon-nouveau", J, expected=editeurs(200)),
    Row(
        "projets:jalon-nouveau",
        J,
        method="post",
        expected=editeurs(200),
        label="jalon-nouveau-post",
    ),
    Row("projets:jalon-modifier", (*J, "$jalon_pk"), expected=editeurs(200)),
    Row(
        "projets:jalon-modifier",
        (*J, "$jalon_pk"),
        method="post",
        expected=editeurs(200),
        label="jalon-modifier-post",
    ),
    Row(
        "projets:jalon-modifier",
        (*J, "$jalon_seul_pk"),
        expected=editeurs(404),
        label="jalon-modifier-autre-projet",
    ),
    Row(
        "projets:jalon-supprimer",
        (*J, "$jalon_pk"),
        expected=editeurs(200),
        label="jalon-supprimer-confirmation",
    ),
    Row("projets:jalon-supprimer", (*J, "$jalon_pk"), method="post", expected=editeurs(302)),
]


def monde(personas, structure_a, structure_b) -> dict:
    """Les objets que ces lignes citent par « $clé »."""
    from habitants.models import Structure
    from habitants.projets.models import Axe, Jalon, Participation, Projet

    axe = Axe.objects.get_or_create(
        numero=2,
        defaults={"titre": "Encourager des projets issus de la coopération", "titre_court": "2"},
    )[0]
    jardin = Projet.objects.create(
        nom="Jardin partagé", slug="jardin-partage", axe=axe, debut=datetime.date(2015, 3, 1)
    )
    Participation.objects.create(projet=jardin, structure=structure_a, role="porteur")
    voisins = Structure.objects.create(
        nom="Les Voisins", slug="les-voisins", arrivee=datetime.date(2014, 1, 1)
    )
    participation_voisins = Participation.objects.create(
        projet=jardin, structure=voisins, role="partenaire"
    )
    jalon = Jalon.objects.create(
        projet=jardin, date=datetime.date(2015, 4, 18), titre="Premières plantations"
    )
    seul = Projet.objects.create(
        nom="Atelier vélo", slug="atelier-velo", axe=axe, debut=datetime.date(2015, 1, 1)
    )
    participation_seul = Participation.objects.create(
        projet=seul, structure=structure_a, role="porteur"
    )
    jalon_seul = Jalon.objects.create(
        projet=seul, date=datetime.date(2015, 5, 2), titre="Premier atelier"
    )
    return {
        "projet_slug": jardin.slug,
        "projet_axe_pk": axe.pk,
        "projet_seul_slug": seul.slug,
        "participation_voisins_pk": participation_voisins.pk,
        "participation_seul_pk": participation_seul.pk,
        "jalon_pk": jalon.pk,
        "jalon_seul_pk": jalon_seul.pk,
    }
