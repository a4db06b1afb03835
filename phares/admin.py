from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Compteur, EntreeJournal, OperationAnnulable, User


class LectureSeule:
    """Mixin d'administration (ModelAdmin ou inline) : on y lit, on n'y ajoute, ne modifie
    ni n'efface rien ; les écritures passent par les services (journal, règles)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "telephone"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(EntreeJournal)
class EntreeJournalAdmin(LectureSeule, admin.ModelAdmin):
    """Lecture seule : personne, superutilisateur compris, ne modifie ni n'efface le journal."""

    list_display = ["le", "par_libelle", "libelle", "structure_nom", "request_id"]
    list_filter = ["origine", "objet_type"]
    search_fields = ["libelle", "objet_repr", "structure_nom", "request_id"]
    date_hierarchy = "le"


@admin.register(Compteur)
class CompteurAdmin(LectureSeule, admin.ModelAdmin):
    """Lecture seule : un numéro se prend en émettant un document, jamais à la main."""

    list_display = ["serie", "annee", "dernier"]


@admin.register(OperationAnnulable)
class OperationAnnulableAdmin(LectureSeule, admin.ModelAdmin):
    """Lecture seule : une offre « Annuler » naît de son opération et se défait par son bouton."""

    list_display = ["le", "operation", "par", "expire_le", "defaite_le"]
    list_filter = ["operation"]
    date_hierarchy = "le"
