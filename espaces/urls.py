from django.urls import path

from . import views

app_name = "espaces"
urlpatterns = [
    path("espaces/", views.batiment, name="batiment"),
    path("espaces/nouveau/", views.espace_nouveau, name="espace-nouveau"),
    path("espaces/batiment/", views.batiment_modifier, name="batiment-modifier"),
    path("espaces/conventions/", views.convention_liste, name="convention-liste"),
    path("espaces/conventions/nouvelle/", views.convention_nouvelle, name="convention-nouvelle"),
    path(
        "espaces/conventions/<int:pk>/terminer/",
        views.convention_terminer,
        name="convention-terminer",
    ),
    path("espaces/tarifs/", views.tarif_liste, name="tarif-liste"),
    path("espaces/forfaits/", views.forfaits, name="forfaits"),
    path("espaces/consommations/", views.consommation_liste, name="consommation-liste"),
    path("espaces/<slug:slug>/", views.espace_detail, name="espace-detail"),
    path("espaces/<slug:slug>/modifier/", views.espace_modifier, name="espace-modifier"),
    path("espaces/<slug:slug>/regles/", views.espace_regles, name="espace-regles"),
    path("salles/demande/", views.demande_publique, name="demande-publique"),
    path("reservations/", views.reservation_liste, name="reservation-liste"),
    path("reservations/jour/", views.jour, name="jour"),
    path("reservations/velos/", views.velos, name="velos"),
    path("reservations/velos/regles/", views.velos_regles, name="velos-regles"),
    path("reservations/salles/<slug:slug>/", views.semaine, name="semaine"),
    path("reservations/salles/<slug:slug>/reserver/", views.reserver, name="reserver"),
    path(
        "reservations/salles/<slug:slug>/externe/", views.reserver_externe, name="reserver-externe"
    ),
    path("reservations/calendriers/", views.calendriers_page, name="calendriers"),
    path("calendriers/<str:token>/salles/<slug:slug>.ics", views.ics_salle, name="ics-salle"),
    path(
        "calendriers/<str:token>/structures/<slug:slug>.ics",
        views.ics_structure,
        name="ics-structure",
    ),
    path("calendriers/<str:token>/moi.ics", views.ics_personne, name="ics-personne"),
    path("reservations/<int:pk>/", views.reservation_detail, name="reservation-detail"),
    path("reservations/<int:pk>/annuler/", views.reservation_annuler, name="reservation-annuler"),
    path("reservations/<int:pk>/decider/", views.reservation_decider, name="reservation-decider"),
]
