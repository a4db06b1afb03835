"""Associés et mandats : saisis ici par un superutilisateur, avant les pages de gouvernance."""

from django.contrib import admin

from .models import Associe, Mandat


@admin.register(Associe)
class AssocieAdmin(admin.ModelAdmin):
    list_display = ["__str__", "categorie", "entree", "sortie"]
    list_filter = ["categorie"]


@admin.register(Mandat)
class MandatAdmin(admin.ModelAdmin):
    list_display = ["personne", "fonction", "debut", "fin"]
