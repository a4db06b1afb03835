from django.urls import path

from .views import (
    batiment,
    calendriers,
    demandes,
    occupation,
    planning,
    plans,
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
    path("espaces/plans/", plans.plans, name="plans"),
    path("espaces/plans/<int:pk>/", plans.plan_etage, name="plan-etage"),
    path("espaces/plans/<int:pk>/placer/", plans.plan_placer, name="plan-placer"),
    path("espaces/occupation/", occupation.occupation_mensuelle, name="occupation-mensuelle"),
    path("espaces/echeances/", occupation.echeances, name="echeances"),
    path("espaces/tarifs/", tarifs.tarif_liste, name="tarif-liste"),
    path("espaces/tarifs/<int:pk>/terminer/", tarifs.tarif_terminer, name="tarif-terminer"),
    path("espaces/tarifs/<int:pk>/remplacer/", tarifs.tarif_remplacer, name="tarif-remplacer"),
    path("espaces/forfaits/", tarifs.forfaits, name="forfaits"),
    path("espaces/consommations/", tarifs.consommation_liste, name="consommation-liste"),
    # Under a prefix of their own: a space's slug never collides with a fixed URL above.
    path("espaces/fiche/<slug:slug>/", batiment.espace_detail, name="espace-detail"),
    path("espaces/fiche/<slug:slug>/modifier/", batiment.espace_modifier, name="espace-modifier"),
    path("espaces/fiche/<slug:slug>/regles/", batiment.espace_regles, name="espace-regles"),
    path("salles/demande/", demandes.demande_publique, name="demande-publique"),
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
]
