from django.urls import path

from . import views

app_name = "facturation"
urlpatterns = [
    path("factures/", views.facture_liste, name="liste"),
    path("factures/preparer/", views.preparer_mois, name="preparer"),
    path("factures/emettre-le-mois/", views.emettre_mois, name="emettre-mois"),
    path("factures/cooperative/", views.cooperative, name="cooperative"),
    path("factures/exports/", views.exports_page, name="exports"),
    path("factures/exports/<slug:nom>/", views.export_fichier, name="export-fichier"),
    path("factures/comptes/", views.comptes_page, name="comptes"),
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
urlpatterns += [
    path("factures/<int:pk>/avoir/", views.avoir_nouveau, name="avoir"),
    path("factures/impayes/", views.impayes, name="impayes"),
    path("factures/impayes/relancer/", views.relancer, name="relancer"),
    path("factures/impayes/relancer-tous/", views.relancer_tous, name="relancer-tous"),
    path("factures/paiements/", views.paiement_liste, name="paiements"),
    path("factures/paiements/nouveau/", views.paiement_nouveau, name="paiement-nouveau"),
    path("factures/paiements/<int:pk>/", views.paiement_detail, name="paiement"),
    path("factures/paiements/<int:pk>/annuler/", views.paiement_annuler, name="paiement-annuler"),
]
urlpatterns += [
    path("factures/mandats/", views.mandat_liste, name="mandats"),
    path("factures/mandats/nouveau/", views.mandat_nouveau, name="mandat-nouveau"),
    path("factures/mandats/<int:pk>/revoquer/", views.mandat_revoquer, name="mandat-revoquer"),
    path("factures/prelevements/", views.remise_liste, name="prelevements"),
    path("factures/prelevements/nouveau/", views.remise_nouvelle, name="prelevement-nouveau"),
    path("factures/prelevements/<int:pk>/", views.remise_detail, name="prelevement"),
    path("factures/prelevements/<int:pk>/xml/", views.remise_xml, name="prelevement-xml"),
    path(
        "factures/prelevements/<int:pk>/encaisser/",
        views.remise_encaisser,
        name="prelevement-encaisser",
    ),
    path(
        "factures/prelevements/<int:pk>/annuler/",
        views.remise_annuler,
        name="prelevement-annuler",
    ),
]
