"""Gouvernance dans l'administration technique : en lecture seule. Les écritures passent par
les pages et leurs services (règles, journal, procès-verbal approuvé immuable) ; le grand
livre du capital ne se modifie jamais."""

from django.contrib import admin

from phares.admin import LectureSeule

from .models import (
    Action,
    Associe,
    College,
    Decision,
    DemandeRetrait,
    DocumentPv,
    Mandat,
    MouvementCapital,
    Participant,
    Point,
    PosteDedie,
    Seance,
    VoteCollege,
)


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
