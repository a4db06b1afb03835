"""Administration technique (superutilisateurs), en lecture seule : factures, avoirs et PDF
ne s'écrivent que par les services (numéro, journal, immuabilité), la coopérative par sa page."""

from django.contrib import admin

from .models import Cooperative, DocumentPdf, Facture, LigneFacture


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LigneInline(admin.TabularInline):
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Facture)
class FactureAdmin(LectureSeule):
    list_display = ["__str__", "statut", "mois", "date_emission", "total_ttc"]
    list_filter = ["type", "statut"]
    search_fields = ["numero", "structure__nom", "client_externe__nom"]
    inlines = [LigneInline]


admin.site.register(Cooperative, LectureSeule)
admin.site.register(DocumentPdf, LectureSeule)
