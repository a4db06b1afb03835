"""Adresses du rapport annuel (montées sous /rapports/)."""

from django.urls import path

from . import views

app_name = "rapports"

ANNEE = "<int:annee>/"
EDITION = ANNEE + "editions/<int:version>/"

urlpatterns = [
    path("", views.index, name="index"),
    path(ANNEE, views.annee, name="annee"),
    path(ANNEE + "textes/", views.textes, name="textes"),
    path(ANNEE + "brouillon.pdf", views.brouillon_pdf, name="brouillon-pdf"),
    path(ANNEE + "publier/", views.publier, name="publier"),
    path(EDITION, views.edition, name="edition"),
    path(EDITION + "pdf/", views.edition_pdf, name="edition-pdf"),
]
