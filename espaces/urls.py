from django.urls import path

from .views import (
    batiment,
    calendriers,
    clients,
    demandes,
    planning,
    reservations,
    suivi,
    tarifs,
)

app_name = "espaces"
urlpatterns = [
    path("espaces/", batiment.batiment, name="batiment"),
    path("espaces/nouveau/", batiment.espace_nouveau, name="espace-nouveau"),
    path("espaces/batiment/", batiment.batiment_modifier, name="batiment-modifier"),
    path("espaces/conventions/", batiment.convention_liste, name="convention-liste"),
    path("espaces/conventions/nouvelle/", batiment.convention_nouvelle, name="convention-nouvelle"),
    path(
        "espaces/conventions/<int:pk>/terminer/",
        batiment.convention_terminer,
        name="convention-terminer",
    ),
    path("espaces/tarifs/", tarifs.tarif_liste, name="tarif-liste"),
    path("espaces/tarifs/<int:pk>/terminer/", tarifs.tarif_terminer, name="tarif-terminer"),
    path("espaces/tarifs/<int:pk>/remplacer/", tarifs.tarif_remplacer, name="tarif-remplacer"),
    path("espaces/forfaits/", tarifs.forfaits, name="forfaits"),
    path("espaces/consommations/", tarifs.consommation_liste, name="consommation-liste"),
    # Under a prefix of their own: a space's slug never collides with a fixed URL above.
    path("espaces/fiche/<slug:slug>/", batiment.espace_detail, name="espace-detail"),
    path("espaces/fiche/<slug:slug>/modifier/", batiment.espace_modifier, name="espace-modifier"),
    path("espaces/fiche/<slug:slug>/regles/", batiment.espace_regles, name="espace-regles"),
    path("espaces/clients/", clients.client_liste, name="client-liste"),
    path("espaces/clients/<int:pk>/", clients.client_detail, name="client-detail"),
    path("espaces/clients/<int:pk>/modifier/", clients.client_modifier, name="client-modifier"),
    path("salles/demande/", demandes.demande_publique, name="demande-publique"),
    path(
        "salles/demande/disponibilites/",
        demandes.demande_disponibilites,
        name="demande-disponibilites",
    ),
    path("reservations/", reservations.reservation_liste, name="reservation-liste"),
    path("reservations/jour/", planning.jour, name="jour"),
    path("reservations/velos/", reservations.velos, name="velos"),
    path("reservations/velos/regles/", reservations.velos_regles, name="velos-regles"),
    path("reservations/salles/<slug:slug>/", planning.semaine, name="semaine"),
    path("reservations/salles/<slug:slug>/reserver/", reservations.reserver, name="reserver"),
    path(
        "reservations/salles/<slug:slug>/estimation/",
        reservations.estimation,
        name="reserver-estimation",
    ),
    path(
        "reservations/salles/<slug:slug>/externe/",
        reservations.reserver_externe,
        name="reserver-externe",
    ),
    path("reservations/calendriers/", calendriers.calendriers_page, name="calendriers"),
    path("calendriers/<str:token>/salles/<slug:slug>.ics", calendriers.ics_salle, name="ics-salle"),
    path(
        "calendriers/<str:token>/structures/<slug:slug>.ics",
        calendriers.ics_structure,
        name="ics-structure",
    ),
    path("calendriers/<str:token>/moi.ics", calendriers.ics_personne, name="ics-personne"),
    path("reservations/<int:pk>/", suivi.reservation_detail, name="reservation-detail"),
    path(
        "reservations/<int:pk>/annuler/",
        suivi.reservation_annuler,
        name="reservation-annuler",
    ),
    path(
        "reservations/<int:pk>/modifier/",
        suivi.reservation_modifier,
        name="reservation-modifier",
    ),
    path(
        "reservations/<int:pk>/deplacer/",
        suivi.reservation_deplacer,
        name="reservation-deplacer",
    ),
    path(
        "reservations/<int:pk>/decider/",
        suivi.reservation_decider,
        name="reservation-decider",
    ),
    # Answering a request from its page, each with an e-mail the staff wrote.
    path("reservations/<int:pk>/accepter/", suivi.demande_accepter, name="demande-accepter"),
    path("reservations/<int:pk>/refuser/", suivi.demande_refuser, name="demande-refuser"),
    path("reservations/<int:pk>/proposer/", suivi.demande_proposer, name="demande-proposer"),
]
