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

for model in (
    Batiment,
    Etage,
    Espace,
    Convention,
    Ressource,
    ClientExterne,
    Tarif,
    ForfaitSalles,
    Consommation,
):
    admin.site.register(model)


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["ressource", "debut", "fin", "statut", "structure", "externe", "titre"]
    list_filter = ["statut", "ressource"]
    date_hierarchy = "debut"
