from django.urls import path

from .views import capital, mandats, postes, registre

app_name = "gouvernance"
urlpatterns = [
    # Registre des associés
    path("associes/", registre.registre, name="registre"),
    path("associes/nouveau/", registre.associe_nouveau, name="associe-nouveau"),
    path("associes/<int:pk>/", registre.associe_detail, name="associe-detail"),
    path("associes/<int:pk>/modifier/", registre.associe_modifier, name="associe-modifier"),
    path("associes/<int:pk>/sortie/", registre.associe_sortie, name="associe-sortie"),
    # Capital
    path("capital/", capital.capital, name="capital"),
    path("capital/etat/<int:annee>/", capital.etat_annuel, name="capital-etat"),
    path("associes/<int:pk>/souscrire/", capital.souscrire, name="souscrire"),
    path("associes/<int:pk>/liberer/", capital.liberer, name="liberer"),
    path("associes/<int:pk>/retrait/", capital.demander_retrait, name="retrait-demander"),
    path("capital/retraits/<int:pk>/rembourser/", capital.rembourser, name="rembourser"),
    path("capital/retraits/<int:pk>/annuler/", capital.demande_annuler, name="retrait-annuler"),
    path(
        "capital/mouvements/<int:pk>/contre-passer/",
        capital.contre_passer,
        name="contre-passer",
    ),
    # Mandats
    path("mandats/", mandats.mandats, name="mandats"),
    path("mandats/nouveau/", mandats.mandat_nouveau, name="mandat-nouveau"),
    path("mandats/<int:pk>/terminer/", mandats.mandat_terminer, name="mandat-terminer"),
    # Postes dédiés au pôle
    path("postes/", postes.postes, name="postes"),
    path("postes/nouveau/", postes.poste_nouveau, name="poste-nouveau"),
    path("postes/<int:pk>/", postes.poste_modifier, name="poste-modifier"),
]
