"""Administration technique (superutilisateurs) ; l'équipe travaille dans l'application.

Le bâtiment, les conventions, les tarifs, les forfaits et les consommations ont leurs pages et
leurs services, qui vérifient (chevauchements, prix figés) et écrivent le journal : ici on les
lit seulement, pour qu'aucune écriture n'échappe à ces règles."""

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


for model in (Batiment, Etage, Espace, Convention, Tarif, ForfaitSalles, Consommation):
    admin.site.register(model, LectureSeule)

for model in (Ressource, ClientExterne):
    admin.site.register(model)


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["ressource", "debut", "fin", "statut", "structure", "externe", "titre"]
    list_filter = ["statut", "ressource"]
    date_hierarchy = "debut"
