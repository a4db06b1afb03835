"""Administration technique (superutilisateurs) ; l'équipe travaille dans l'application."""

from django.contrib import admin

from .models import ChiffresAnnuels, Domaine, Invitation, Membre, Structure


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["nom", "domaine", "arrivee", "depart", "archivee"]
    list_filter = ["domaine", "archivee"]
    search_fields = ["nom", "siret"]


@admin.register(Membre)
class MembreAdmin(admin.ModelAdmin):
    list_display = ["user", "structure", "role", "debut", "fin"]
    list_filter = ["role"]
    search_fields = ["user__email", "structure__nom"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "structure",
        "role",
        "creee_le",
        "expire_le",
        "acceptee_le",
        "annulee_le",
    ]
    readonly_fields = ["token_hash"]


admin.site.register(Domaine)
admin.site.register(ChiffresAnnuels)
