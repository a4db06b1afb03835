"""Administration technique (superutilisateurs), en lecture seule : factures, avoirs, PDF,
paiements, relances, mandats et remises de prélèvements ne s'écrivent que par les services
(numéro, journal, verrous, immuabilité), la coopérative et les comptes par leur page."""

from django.contrib import admin

from espaces.admin import LectureSeuleAdmin
from phares.admin import LectureSeule

from .models import (
    CompteComptable,
    Cooperative,
    DocumentPdf,
    Facture,
    Imputation,
    LigneFacture,
    LignePrelevement,
    Lot,
    MandatSepa,
    Paiement,
    Prelevement,
    Relance,
)


class LigneInline(LectureSeule, admin.TabularInline):
    model = LigneFacture
    extra = 0
    fields = [
        "rang",
        "origine",
        "libelle",
        "quantite",
        "prix_unitaire_ht",
        "taux_tva",
        "montant_ht",
    ]


@admin.register(Facture)
class FactureAdmin(LectureSeuleAdmin):
    list_display = ["__str__", "statut", "mois", "date_emission", "total_ttc"]
    list_filter = ["type", "statut"]
    search_fields = ["numero", "structure__nom", "client_externe__nom"]
    inlines = [LigneInline]


admin.site.register(Cooperative, LectureSeuleAdmin)
admin.site.register(CompteComptable, LectureSeuleAdmin)
admin.site.register(DocumentPdf, LectureSeuleAdmin)


class ImputationInline(LectureSeule, admin.TabularInline):
    model = Imputation
    extra = 0
    fields = ["facture", "montant"]


@admin.register(MandatSepa)
class MandatSepaAdmin(LectureSeuleAdmin):
    list_display = ["reference", "structure", "date_signature", "revoque_le"]
    search_fields = ["reference", "structure__nom"]


class LignePrelevementInline(LectureSeule, admin.TabularInline):
    model = LignePrelevement
    extra = 0
    fields = ["facture", "mandat", "montant", "reference", "ouverte", "paiement"]


@admin.register(Prelevement)
class PrelevementAdmin(LectureSeuleAdmin):
    list_display = ["__str__", "statut", "nombre", "total", "cree_le"]
    list_filter = ["statut"]
    exclude = ["xml"]
    inlines = [LignePrelevementInline]


@admin.register(Paiement)
class PaiementAdmin(LectureSeuleAdmin):
    list_display = ["__str__", "montant", "moyen", "annule_le"]
    list_filter = ["moyen"]
    search_fields = ["reference", "structure__nom", "client_externe__nom"]
    inlines = [ImputationInline]


admin.site.register(Relance, LectureSeuleAdmin)


@admin.register(Lot)
class LotAdmin(LectureSeuleAdmin):
    list_display = ["__str__", "statut", "faites", "total", "cree_le"]
    list_filter = ["nature", "statut"]
