from django.urls import path

from . import views

app_name = "habitants"
# A structure's pages sit under /habitants/fiche/<slug>/: no slug can shadow a fixed URL.
FICHE = "habitants/fiche/<slug:slug>/"

urlpatterns = [
    path("annuaire/", views.annuaire, name="annuaire"),
    path("annuaire/<slug:slug>/", views.annuaire_detail, name="annuaire-detail"),
    path("habitants/", views.structure_liste, name="structure-liste"),
    path("habitants/nouvelle/", views.structure_nouvelle, name="structure-nouvelle"),
    path("habitants/chiffres/", views.chiffres_liste, name="chiffres-liste"),
    path("habitants/domaines/", views.domaine_liste, name="domaine-liste"),
    path("habitants/domaines/<int:pk>/", views.domaine_modifier, name="domaine-modifier"),
    path(FICHE, views.structure_detail, name="structure-detail"),
    path(FICHE + "modifier/", views.structure_modifier, name="structure-modifier"),
    path(FICHE + "archiver/", views.structure_archiver, name="structure-archiver"),
    path(
        FICHE + "restaurer/",
        views.structure_restaurer,
        name="structure-restaurer",
    ),
    path(FICHE + "inviter/", views.structure_inviter, name="structure-inviter"),
    path(
        FICHE + "membres/<int:pk>/retirer/",
        views.structure_membre_retirer,
        name="structure-membre-retirer",
    ),
    path(
        FICHE + "invitations/<int:pk>/renvoyer/",
        views.structure_invitation_renvoyer,
        name="structure-invitation-renvoyer",
    ),
    path(
        FICHE + "invitations/<int:pk>/annuler/",
        views.structure_invitation_annuler,
        name="structure-invitation-annuler",
    ),
    path(
        FICHE + "chiffres/<int:annee>/",
        views.structure_chiffres,
        name="structure-chiffres",
    ),
    path("mon-espace/", views.mon_espace_index, name="mon-espace-index"),
    path("mon-espace/<slug:slug>/", views.mon_espace, name="mon-espace"),
    path("mon-espace/<slug:slug>/profil/", views.mon_espace_profil, name="mon-espace-profil"),
    path(
        "mon-espace/<slug:slug>/chiffres/<int:annee>/",
        views.mon_espace_chiffres,
        name="mon-espace-chiffres",
    ),
    path("mon-espace/<slug:slug>/inviter/", views.mon_espace_inviter, name="mon-espace-inviter"),
    path(
        "mon-espace/<slug:slug>/membres/<int:pk>/retirer/",
        views.mon_espace_membre_retirer,
        name="mon-espace-membre-retirer",
    ),
    path(
        "mon-espace/<slug:slug>/invitations/<int:pk>/renvoyer/",
        views.mon_espace_invitation_renvoyer,
        name="mon-espace-invitation-renvoyer",
    ),
    path(
        "mon-espace/<slug:slug>/invitations/<int:pk>/annuler/",
        views.mon_espace_invitation_annuler,
        name="mon-espace-invitation-annuler",
    ),
    path("invitation/<str:token>/", views.invitation_accepter, name="invitation-accepter"),
]
