"""Administration technique (superutilisateurs) ; l'équipe travaille dans l'application.

Tout ce qu'espaces tient a ses pages et ses services, qui vérifient (chevauchements, règles
bornées, prix figés) et écrivent le journal : ici on le lit seulement, pour qu'aucune écriture
n'échappe à ces règles (une règle de salle sans borne saisie ici faisait tomber la page de
réservation)."""

from django.contrib import admin

from phares.admin import LectureSeule

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


class LectureSeuleAdmin(LectureSeule, admin.ModelAdmin):
    pass


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
    admin.site.register(model, LectureSeuleAdmin)


@admin.register(Reservation)
class ReservationAdmin(LectureSeuleAdmin):
    list_display = ["ressource", "debut", "fin", "statut", "structure", "externe", "titre"]
    list_filter = ["statut", "ressource"]
    date_hierarchy = "debut"
