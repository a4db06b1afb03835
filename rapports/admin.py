"""Administration technique (superutilisateurs) ; l'équipe travaille dans l'application.
Les éditions s'y lisent seulement : publiées, elles ne changent plus (models.py)."""

from django.contrib import admin

from .models import Edition, Redaction


@admin.register(Redaction)
class RedactionAdmin(admin.ModelAdmin):
    list_display = ["annee", "public", "modifiee_le", "modifiee_par"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["annee", "version", "statut", "publiee_le", "publiee_par", "sha256"]
    list_filter = ["statut", "annee"]
    exclude = ["pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
