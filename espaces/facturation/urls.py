from django.urls import path

from . import views

app_name = "facturation"
urlpatterns = [
    path("factures/", views.facture_liste, name="liste"),
    path("factures/preparer/", views.preparer_mois, name="preparer"),
    path("factures/emettre-le-mois/", views.emettre_mois, name="emettre-mois"),
    path("factures/cooperative/", views.cooperative, name="cooperative"),
    path("factures/lots/<int:pk>/", views.lot_detail, name="lot"),
    path("factures/<int:pk>/", views.facture_detail, name="detail"),
    path("factures/<int:pk>/pdf/", views.facture_pdf, name="pdf"),
    path("factures/<int:pk>/lignes/", views.ligne_ajouter, name="ligne-ajouter"),
    path(
        "factures/<int:pk>/lignes/<int:ligne_pk>/retirer/",
        views.ligne_retirer,
        name="ligne-retirer",
    ),
    path("factures/<int:pk>/emettre/", views.facture_emettre, name="emettre"),
    path("factures/<int:pk>/supprimer/", views.brouillon_supprimer, name="supprimer"),
]
