"""Gouvernance dans l'administration technique : en lecture seule. Les écritures passent par
les pages et leurs services (règles, journal) ; le grand livre du capital ne se modifie
jamais."""

from django.contrib import admin

from phares.admin import LectureSeule

from .models import Associe, DemandeRetrait, Mandat, MouvementCapital, PosteDedie


@admin.register(Associe)
class AssocieAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["__str__", "categorie", "entree", "sortie", "decision_admission_ref"]
    list_filter = ["categorie"]


@admin.register(Mandat)
class MandatAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["personne", "fonction", "debut", "fin", "designe_par"]
    list_filter = ["fonction"]


@admin.register(MouvementCapital)
class MouvementCapitalAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["date", "associe", "type", "parts", "souscrit", "libere", "reference"]
    list_filter = ["type"]


@admin.register(DemandeRetrait)
class DemandeRetraitAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["date", "associe", "parts", "annulee_le"]


@admin.register(PosteDedie)
class PosteDedieAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["intitule", "fonction", "employeur", "etp", "debut", "fin"]
