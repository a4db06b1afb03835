"""Associés et mandats : saisis ici par un superutilisateur, avant les pages de gouvernance."""

from django.contrib import admin

from phares.admin import LectureSeule

from .models import (
    Action,
    Associe,
    College,
    Decision,
    DocumentPv,
    Mandat,
    Participant,
    Point,
    Seance,
    VoteCollege,
)


@admin.register(Associe)
class AssocieAdmin(admin.ModelAdmin):
    list_display = ["__str__", "categorie", "entree", "sortie"]
    list_filter = ["categorie"]


@admin.register(Mandat)
class MandatAdmin(admin.ModelAdmin):
    list_display = ["personne", "fonction", "debut", "fin"]


# --- Séances, décisions, collèges : en lecture seule --------------------------------------
# Ils s'écrivent par leurs pages et leurs services (verrou, journal, règles de vote,
# procès-verbal approuvé immuable) ; ici on les lit seulement.


class LectureSeuleAdmin(LectureSeule, admin.ModelAdmin):
    pass


class ParticipantInline(LectureSeule, admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["nom", "presence", "mandataire", "representant", "college"]


class DecisionInline(LectureSeule, admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["reference", "titre", "categorie", "mode", "pour", "contre", "abstention", "resultat"]


@admin.register(Seance)
class SeanceAdmin(LectureSeuleAdmin):
    list_display = ["titre", "type", "debut", "statut", "numero"]
    list_filter = ["type", "statut"]
    search_fields = ["titre", "numero"]
    inlines = [ParticipantInline, DecisionInline]


@admin.register(Decision)
class DecisionAdmin(LectureSeuleAdmin):
    list_display = ["__str__", "categorie", "resultat", "seance"]
    list_filter = ["categorie", "resultat", "mode"]
    search_fields = ["reference", "titre", "texte"]


@admin.register(Action)
class ActionAdmin(LectureSeuleAdmin):
    list_display = ["libelle", "responsable", "echeance", "statut"]
    list_filter = ["statut"]


for _model in (College, Point, VoteCollege, DocumentPv):
    admin.site.register(_model, LectureSeuleAdmin)
