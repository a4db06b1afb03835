"""Administration technique (superutilisateurs), en lecture seule : factures, avoirs et PDF
ne s'écrivent que par les services (numéro, journal, immuabilité), la coopérative par sa page."""

from django.contrib import admin

from espaces.admin import LectureSeuleAdmin
from phares.admin import LectureSeule

from .models import Cooperative, DocumentPdf, Facture, LigneFacture, Lot


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
admin.site.register(DocumentPdf, LectureSeuleAdmin)


@admin.register(Lot)
class LotAdmin(LectureSeuleAdmin):
    list_display = ["__str__", "statut", "faites", "total", "cree_le"]
    list_filter = ["nature", "statut"]
