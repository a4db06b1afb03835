"""Administration technique (superutilisateurs) ; l'équipe travaille dans l'application.

Tout ce qu'espaces tient a ses pages et ses services, qui vérifient (chevauchements, règles
bornées, prix figés) et écrivent le journal : ici on le lit seulement, pour qu'aucune écriture
n'échappe à ces règles (une règle de salle sans borne saisie ici faisait tomber la page de
réservation)."""

from django.contrib import admin

from .models import (
    Batiment,
    ClientExterne,
    Consommation,
    Convention,
    Espace,
    Etage,
    ForfaitSalles,
    Reservation,
    Ressource,
    Tarif,
)


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    Batiment,
    Etage,
    Espace,
    Convention,
    Tarif,
    ForfaitSalles,
    Consommation,
    Ressource,
    ClientExterne,
):
    admin.site.register(model, LectureSeule)


@admin.register(Reservation)
class ReservationAdmin(LectureSeule):
    list_display = ["ressource", "debut", "fin", "statut", "structure", "externe", "titre"]
    list_filter = ["statut", "ressource"]
    date_hierarchy = "debut"
