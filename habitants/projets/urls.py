"""Adresses de la vie du pôle, par sous-domaine (une section chacun)."""

from django.urls import path

from .views import emplois as _emplois
from .views import evenements, financements
from .views import paroles as vues_paroles
from .views import photos as vues_photos
from .views import projets as projets_views
from .views import public as vue_publique

app_name = "projets"

urlpatterns = []

# --- Projets collectifs et leur journal (views/projets.py) ---------------------------------
# "nouveau" is never a project's slug (services.projets.SLUGS_RESERVES).

PROJET = "projets/<slug:slug>/"
urlpatterns += [
    path("projets/", projets_views.projet_liste, name="projet-liste"),
    path("projets/nouveau/", projets_views.projet_nouveau, name="projet-nouveau"),
    path(PROJET, projets_views.projet_detail, name="projet-detail"),
    path(PROJET + "modifier/", projets_views.projet_modifier, name="projet-modifier"),
    path(PROJET + "participants/", projets_views.projet_participants, name="projet-participants"),
    path(
        PROJET + "participants/<int:pk>/role/",
        projets_views.participation_role,
        name="participation-role",
    ),
    path(
        PROJET + "participants/<int:pk>/retirer/",
        projets_views.participation_retirer,
        name="participation-retirer",
    ),
    path(PROJET + "jalons/nouveau/", projets_views.jalon_nouveau, name="jalon-nouveau"),
    path(PROJET + "jalons/<int:pk>/modifier/", projets_views.jalon_modifier, name="jalon-modifier"),
    path(
        PROJET + "jalons/<int:pk>/supprimer/",
        projets_views.jalon_supprimer,
        name="jalon-supprimer",
    ),
]


# --- Partenaires et subventions (views/financements.py) -----------------------------------

urlpatterns += [
    path("partenaires/", financements.partenaire_liste, name="partenaire-liste"),
    path("partenaires/nouveau/", financements.partenaire_nouveau, name="partenaire-nouveau"),
    path("partenaires/<int:pk>/", financements.partenaire_detail, name="partenaire-detail"),
    path(
        "partenaires/<int:pk>/modifier/",
        financements.partenaire_modifier,
        name="partenaire-modifier",
    ),
    path(
        "partenaires/<int:pk>/archiver/",
        financements.partenaire_archiver,
        name="partenaire-archiver",
    ),
    path(
        "partenaires/<int:pk>/restaurer/",
        financements.partenaire_restaurer,
        name="partenaire-restaurer",
    ),
    path("subventions/", financements.subvention_liste, name="subvention-liste"),
    path("subventions/nouvelle/", financements.subvention_nouvelle, name="subvention-nouvelle"),
    path("subventions/bilan/", financements.subvention_bilan, name="subvention-bilan"),
    path("subventions/<int:pk>/", financements.subvention_detail, name="subvention-detail"),
    path(
        "subventions/<int:pk>/modifier/",
        financements.subvention_modifier,
        name="subvention-modifier",
    ),
]


# --- Emplois mutualisés et engagements (views/emplois.py) ---------------------------------

urlpatterns += [
    path("emplois-mutualises/", _emplois.emploi_liste, name="emploi-liste"),
    path("emplois-mutualises/nouveau/", _emplois.emploi_nouveau, name="emploi-nouveau"),
    path("emplois-mutualises/<int:pk>/", _emplois.emploi_detail, name="emploi-detail"),
    path(
        "emplois-mutualises/<int:pk>/modifier/",
        _emplois.emploi_modifier,
        name="emploi-modifier",
    ),
    path("engagements/", _emplois.engagement_liste, name="engagement-liste"),
    path("engagements/nouveau/", _emplois.engagement_nouveau, name="engagement-nouveau"),
    path(
        "engagements/<int:pk>/modifier/",
        _emplois.engagement_modifier,
        name="engagement-modifier",
    ),
]


# --- Photos, paroles d'habitants, événements, page publique (views/vie.py …) -------------

urlpatterns += [
    path("photos/", vues_photos.photo_liste, name="photo-liste"),
    path("photos/nouvelle/", vues_photos.photo_nouvelle, name="photo-nouvelle"),
    path("photos/<uuid:cle>/", vues_photos.photo_detail, name="photo-detail"),
    path("photos/<uuid:cle>/modifier/", vues_photos.photo_modifier, name="photo-modifier"),
    path("photos/<uuid:cle>/supprimer/", vues_photos.photo_supprimer, name="photo-supprimer"),
    # The image itself: impression, web or vignette (anything else is a 404).
    path("photos/<uuid:cle>/<str:taille>/", vues_photos.photo_fichier, name="photo-fichier"),
    path("paroles/", vues_paroles.parole_liste, name="parole-liste"),
    path("paroles/nouvelle/", vues_paroles.parole_nouvelle, name="parole-nouvelle"),
    path("paroles/<int:pk>/modifier/", vues_paroles.parole_modifier, name="parole-modifier"),
    path("paroles/<int:pk>/supprimer/", vues_paroles.parole_supprimer, name="parole-supprimer"),
    path("vie-du-pole/", vue_publique.vie_publique, name="vie-publique"),
]

# Événements (views/evenements.py)
urlpatterns += [
    path("evenements/", evenements.evenement_liste, name="evenement-liste"),
    path("evenements/nouveau/", evenements.evenement_nouveau, name="evenement-nouveau"),
    path("evenements/<int:pk>/", evenements.evenement_detail, name="evenement-detail"),
    path("evenements/<int:pk>/modifier/", evenements.evenement_modifier, name="evenement-modifier"),
    path(
        "evenements/<int:pk>/supprimer/", evenements.evenement_supprimer, name="evenement-supprimer"
    ),
]
