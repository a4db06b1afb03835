"""Administration technique (superutilisateurs) ; l'équipe travaille dans l'application."""

from django.contrib import admin

from .models import (
    Axe,
    EmploiMutualise,
    Engagement,
    Evenement,
    Jalon,
    Parole,
    PartEmploi,
    Partenaire,
    Participation,
    Photo,
    Projet,
    Subvention,
)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0


class JalonInline(admin.TabularInline):
    model = Jalon
    extra = 0


@admin.register(Projet)
class ProjetAdmin(admin.ModelAdmin):
    list_display = ["nom", "axe", "statut", "debut", "fin", "public"]
    list_filter = ["axe", "statut", "public"]
    search_fields = ["nom"]
    inlines = [ParticipationInline, JalonInline]


class PartEmploiInline(admin.TabularInline):
    model = PartEmploi
    extra = 0


@admin.register(EmploiMutualise)
class EmploiMutualiseAdmin(admin.ModelAdmin):
    list_display = ["intitule", "employeur", "etp", "debut", "fin"]
    inlines = [PartEmploiInline]


@admin.register(Subvention)
class SubventionAdmin(admin.ModelAdmin):
    list_display = ["intitule", "financeur", "statut", "montant_accorde", "debut", "fin"]
    list_filter = ["statut", "financeur"]


@admin.register(Partenaire)
class PartenaireAdmin(admin.ModelAdmin):
    list_display = ["nom", "categorie", "du_pole", "archive"]
    list_filter = ["categorie", "du_pole", "archive"]
    search_fields = ["nom", "sigle"]


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    list_display = ["titre", "type", "axe", "date", "public"]
    list_filter = ["type", "axe", "public"]


admin.site.register(Axe)
admin.site.register(Engagement)
admin.site.register(Parole)


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Les fichiers ne s'envoient que par /photos/nouvelle/ (vérifiés, ré-encodés, nommés par
    leur clé) et se retirent par la fiche de la photo (qui efface les fichiers) : ici, ni
    ajout, ni remplacement de fichier, ni suppression."""

    list_display = ["legende", "date", "projet", "evenement", "axe", "publique"]
    list_filter = ["publique", "axe"]
    readonly_fields = ["cle", "impression", "web", "vignette", "largeur", "hauteur"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
