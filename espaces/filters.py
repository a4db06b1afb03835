import django_filters
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from habitants import selectors as habitants_selectors
from phares.forms import ChoixDeModeleFilter, DateBorneeFilter
from phares.lib import dates, recherche, temps
from phares.lib.pagination import Partie

from . import selectors
from .models import (
    TYPES_OCCUPES,
    ClientExterne,
    Consommation,
    Convention,
    Espace,
    Etage,
    Reservation,
    Ressource,
    TypeEspace,
)

JOURS_ECHEANCE = "90"


def _toutes_structures(request):
    """Archivées comprises : l'historique des conventions et des réservations les garde."""
    return habitants_selectors.structures_a_choisir()


class EspaceFilter(django_filters.FilterSet):
    etage = ChoixDeModeleFilter(
        label="Étage", queryset=Etage.objects.all(), empty_label="Tous les étages"
    )
    type = django_filters.ChoiceFilter(
        label="Type", choices=TypeEspace.choices, empty_label="Tous les types"
    )
    occupation = django_filters.ChoiceFilter(
        label="Occupation",
        choices=[("libre", "Libres"), ("occupe", "Occupés")],
        empty_label="Tous",
        method="filter_occupation",
    )
    # Read by filter_occupation; the view fills it with the date the page shows.
    date = DateBorneeFilter(label="Libres ou occupés le", method="_sans_effet")

    class Meta:
        model = Espace
        fields: list[str] = []

    @property
    def qs(self):
        return super().qs.filter(archive=False)

    def _sans_effet(self, queryset, name, value):
        return queryset

    def filter_occupation(self, queryset, name, value):
        """Libre = aucune convention ce jour-là (co-travail : au moins un poste libre)."""
        le = self.form.cleaned_data.get("date") or timezone.localdate()
        actives = Convention.objects.filter(dates.active_on(le))
        loues = queryset.filter(type__in=TYPES_OCCUPES)
        if value == "occupe":
            return loues.filter(Exists(actives.filter(espace=OuterRef("pk"))))
        if value == "libre":
            # A coworking area is free while at least one desk is.
            return loues.annotate(n=Count("conventions", filter=Q(conventions__in=actives))).filter(
                Q(type=TypeEspace.BUREAU, n=0) | Q(type=TypeEspace.COTRAVAIL, n__lt=F("nb_postes"))
            )
        return queryset


class ConventionFilter(django_filters.FilterSet):
    structure = ChoixDeModeleFilter(
        label="Structure", queryset=_toutes_structures, empty_label="Toutes"
    )
    espace = ChoixDeModeleFilter(
        label="Espace",
        queryset=Espace.objects.filter(type__in=TYPES_OCCUPES),
        empty_label="Tous",
    )
    active_le = DateBorneeFilter(label="En cours le", method="filter_active")
    # The dashboard's "voir tout": the agreements to renew or let go.
    echeance = django_filters.ChoiceFilter(
        label="Échéance",
        choices=[(JOURS_ECHEANCE, f"Se terminent dans les {JOURS_ECHEANCE} jours, sans suite")],
        empty_label="Toutes",
        method="filter_echeance",
    )

    class Meta:
        model = Convention
        fields: list[str] = []

    def filter_active(self, queryset, name, value):
        return queryset.filter(dates.active_on(value))

    def filter_echeance(self, queryset, name, value):
        proches = selectors.conventions_se_terminant(
            le=timezone.localdate(), jours=int(JOURS_ECHEANCE)
        )
        return queryset.filter(pk__in=proches.values("pk"))


class ConsommationFilter(django_filters.FilterSet):
    structure = ChoixDeModeleFilter(
        label="Structure", queryset=None, empty_label="Toutes"
    )  # in __init__
    service = django_filters.ChoiceFilter(
        label="Service", choices=Consommation.Service.choices, empty_label="Tous"
    )
    du = DateBorneeFilter(label="Du", field_name="date", lookup_expr="gte")
    au = DateBorneeFilter(label="Au (inclus)", field_name="date", lookup_expr="lte")

    class Meta:
        model = Consommation
        fields: list[str] = []

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        if len(structures[:2]) < 2:
            del self.filters["structure"]  # one structure: nothing to choose
        else:
            self.filters["structure"].queryset = structures


class ReservationFilter(django_filters.FilterSet):
    """L'ordre (à venir puis passées, `parties_de_la_liste`) est celui de la vue, après les
    filtres : chaque filtre garde la même règle. Chacun a son index (Reservation.Meta)."""

    quand = django_filters.ChoiceFilter(
        label="Quand",
        choices=[("a_venir", "À venir"), ("passees", "Passées")],
        empty_label="Toutes",
        method="filter_quand",
    )
    du = DateBorneeFilter(label="Du", method="filter_du")
    au = DateBorneeFilter(label="Au (inclus)", method="filter_au")
    statut = django_filters.ChoiceFilter(
        label="Statut",
        choices=Reservation.Statut.choices,
        empty_label="Tous",
        method="filter_statut",
    )
    ressource = ChoixDeModeleFilter(
        label="Salle ou vélo", queryset=Ressource.objects.all(), empty_label="Toutes"
    )
    structure = ChoixDeModeleFilter(
        label="Structure", queryset=_toutes_structures, empty_label="Toutes"
    )

    class Meta:
        model = Reservation
        fields: list[str] = []

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.filters["structure"]

    def filter_statut(self, queryset, name, value):
        """Le statut effectif, celui que disent les lignes (Reservation.statut_effectif)."""
        return queryset.de_statut(value, timezone.now())

    def filter_quand(self, queryset, name, value):
        """À venir : pas encore finie (une réunion en cours est à venir) ; passée : finie.
        Rien à filtrer ici : la vue ne lit que les parties de la liste qui y répondent
        (`parties_de_la_liste`), chacune bornée pour son index ; un filtre de plus sur `fin`
        tromperait l'estimation de la base (voir ReservationQuerySet.a_venir)."""
        return queryset

    # Days of Paris, both included: 00:00 of the first to 00:00 after the last.
    def filter_du(self, queryset, name, value):
        return queryset.filter(debut__gte=temps.day_bounds(value)[0])

    def filter_au(self, queryset, name, value):
        return queryset.filter(debut__lt=temps.day_bounds(value)[1])


EN_COURS, A_VENIR, PASSEES = "c", "v", "p"


def parties_de_la_liste(queryset, quand: str | None):
    """Les parties de la liste des réservations pour `pagination.page_par_cles` : pas finies à
    la référence, la plus proche d'abord (en cours, puis à venir : l'ordre (début, clé) se
    suit de l'une à l'autre), puis passées, la plus récente d'abord ; à début égal, par clé.
    Chacune est un parcours borné de l'index (debut, id) ou de celui du filtre (voir
    DUREE_BLOQUEE_MAX) : une page coûte autant à 100 000 réservations qu'à 1 000, sans
    COUNT."""

    def parties(reference):
        liste = []
        if quand != "passees":
            liste.append(Partie(EN_COURS, queryset.en_cours(reference)))
            # ReservationQuerySet.a_venir and .finies, their `debut` bound given as `depart`.
            liste.append(Partie(A_VENIR, queryset, depart=reference))
        if quand != "a_venir":
            passees = queryset.filter(fin__lte=reference)
            liste.append(Partie(PASSEES, passees, decroissant=True, depart=reference))
        return liste

    return parties


class ClientExterneFilter(django_filters.FilterSet):
    """La liste des organisations extérieures : chercher par nom, contact ou e-mail ; ne
    garder que celles qu'une demande ou une réservation à venir occupe."""

    q = django_filters.CharFilter(label="Nom, contact ou e-mail", method="filter_q", max_length=100)
    activite = django_filters.ChoiceFilter(
        label="Activité",
        choices=[
            ("demande", "Une demande en attente"),
            ("a_venir", "Une réservation à venir"),
        ],
        empty_label="Toutes",
        method="filter_activite",
    )

    class Meta:
        model = ClientExterne
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        """Accents et casse ignorés, comme la recherche de l'équipe (« federation » trouve
        « Fédération »)."""
        if not value.strip():
            return queryset
        return recherche.chercher(
            queryset, value, {"nom": "nom", "contact": "contact", "email": "email"}
        )

    def filter_activite(self, queryset, name, value):
        now = timezone.now()
        if value == "demande":
            return selectors.avec_demande_en_attente(queryset, now)
        if value == "a_venir":
            return selectors.avec_reservation_a_venir(queryset, now)
        return queryset
