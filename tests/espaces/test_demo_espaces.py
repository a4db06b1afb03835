"""La démo du bâtiment (espaces/demo/) : les chiffres du rapport 2015, des
conventions et un agenda sans chevauchement, des prix cohérents avec le service,
et un chargement qui peut être relancé."""

import datetime
import io
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from espaces import demo as espaces_demo
from espaces import selectors
from espaces.models import (
    Batiment,
    ClientExterne,
    Consommation,
    Convention,
    Espace,
    Etage,
    ForfaitSalles,
    Reservation,
    Ressource,
    SerieReservations,
    Tarif,
    TypeEspace,
)
from habitants.models import Structure
from phares.lib import dates, temps
from phares.lib.money import round_cents

# The 2015 demo, loaded once for the module (tests.conftest.demo_2015).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_2015")]

d = datetime.date
MODELES = (
    Batiment, Etage, Espace, Ressource, Tarif, ClientExterne, Convention, ForfaitSalles,
    SerieReservations, Reservation, Consommation,
)  # fmt: skip


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def compte(*types) -> int:
    return Espace.objects.filter(type__in=types, archive=False).count()


def test_the_building_of_the_report():
    batiment = Batiment.objects.get()
    assert batiment.surface_m2 == Decimal(1350)
    assert list(batiment.etages.values_list("niveau", "nom")) == [
        (-1, "Rez-de-chaussée bas"),
        (0, "Rez-de-chaussée"),
        (1, "1er étage"),
    ]
    assert compte(TypeEspace.BUREAU) == 16
    assert compte(TypeEspace.SALLE_REUNION, TypeEspace.SALLE_FORMATION) == 7
    assert compte(TypeEspace.COTRAVAIL) == 1
    assert selectors.compte_espaces()["postes_cotravail"] == 5
    assert compte(TypeEspace.REFECTOIRE) == 1
    assert compte(TypeEspace.CAFETERIA) == 1
    assert compte(TypeEspace.ATELIER) == 3
    assert compte(TypeEspace.BOUTIQUE) == 1
    assert 1 <= compte(TypeEspace.STOCKAGE) <= 2
    assert 1 <= compte(TypeEspace.VESTIAIRE) <= 2
    assert sum(e.surface_m2 for e in Espace.objects.all()) <= Decimal(1350)
    for bureau in Espace.objects.filter(type=TypeEspace.BUREAU):
        assert Decimal(9) <= bureau.surface_m2 <= Decimal(30)
    # Bookable: the 7 rooms and the refectory, and 4 bikes.
    salles = Ressource.objects.filter(categorie=Ressource.Categorie.SALLE)
    assert salles.count() == 8
    assert set(salles.values_list("espace__type", flat=True)) == {
        TypeEspace.SALLE_REUNION, TypeEspace.SALLE_FORMATION, TypeEspace.REFECTOIRE,
    }  # fmt: skip
    assert 2 <= salles.filter(ouverte_aux_externes=True).count() <= 3
    velos = Ressource.objects.filter(categorie=Ressource.Categorie.VELO).order_by("slug")
    assert [v.nom for v in velos] == ["Vélo 1", "Vélo 2", "Vélo 3", "Vélo 4"]
    assert {(v.jours_ouverture, v.battement_minutes) for v in velos} == {("1234567", 0)}


def test_tariffs_of_the_report_in_force_mid_2015():
    le = d(2015, 6, 30)
    bureau = selectors.tarif_en_vigueur(Tarif.Code.BUREAU_M2_MOIS, le)
    poste = selectors.tarif_en_vigueur(Tarif.Code.POSTE_COTRAVAIL_MOIS, le)
    assert bureau.montant_ht == Decimal("16.00") and poste.montant_ht == Decimal("120.00")
    assert selectors.tarif_en_vigueur(Tarif.Code.AFFRANCHISSEMENT, le).taux_tva == 0
    assert selectors.tarif_en_vigueur(Tarif.Code.SALLE_HEURE, le).taux_tva == Decimal(20)


def test_offices_and_desks_never_have_two_holders():
    par_poste = defaultdict(list)
    for c in Convention.objects.select_related("structure", "espace"):
        par_poste[(c.espace_id, c.poste)].append(c)
        # Held only while the structure is hosted.
        assert c.debut >= c.structure.arrivee
        assert c.structure.depart is None or (c.fin and c.fin <= c.structure.depart)
        if c.espace.type == TypeEspace.BUREAU:
            assert c.montant_mensuel_ht == round_cents(16 * c.espace.surface_m2)
        else:
            assert 1 <= c.poste <= 5 and c.montant_mensuel_ht == Decimal("120.00")
    for conventions in par_poste.values():
        conventions.sort(key=lambda c: c.debut)
        for a, b in itertools.pairwise(conventions):
            assert a.fin is not None and a.fin < b.debut, (a, b)


def test_offices_held_mid_2015():
    occupation = selectors.occupation(le=d(2015, 6, 30))
    assert len(occupation.bureaux) - len(occupation.bureaux_libres) >= 12
    # The 18 habitants of the report each hold an office or a desk.
    logees = set(
        Convention.objects.filter(dates.active_on(d(2015, 6, 30))).values_list(
            "structure", flat=True
        )
    )
    assert set(Structure.objects.presentes(d(2015, 6, 30)).values_list("pk", flat=True)) <= logees
    newcomers = Convention.objects.filter(structure__slug__in=["mael", "ile-vivante"])
    assert {c.espace.type for c in newcomers} == {TypeEspace.COTRAVAIL}


def test_no_two_blocking_bookings_overlap():
    par_ressource = defaultdict(list)
    for r in Reservation.objects.actives().select_related("ressource"):
        par_ressource[r.ressource_id].append(r)
        debut, fin = temps.paris(r.debut), temps.paris(r.fin)
        assert debut.date() == fin.date()
        assert str(debut.isoweekday()) in r.ressource.jours_ouverture
        assert r.ressource.heure_ouverture <= debut.time()
        assert fin.time() <= r.ressource.heure_fermeture
        assert r.fin_bloquee == r.fin + datetime.timedelta(minutes=r.ressource.battement_minutes)
        assert r.ressource.capacite is None or r.nb_personnes <= r.ressource.capacite
    for reservations in par_ressource.values():
        reservations.sort(key=lambda r: r.debut)
        for a, b in itertools.pairwise(reservations):
            assert a.fin_bloquee <= b.debut, (a, b)


def test_a_busy_2015():
    en_2015 = Reservation.objects.filter(debut__year=2015)
    repas = en_2015.filter(
        ressource__slug="refectoire", titre__startswith="Repas mensuel des habitants"
    )
    assert sorted(temps.paris(r.debut).month for r in repas) == list(range(1, 13))
    assert {temps.paris(r.debut).isoweekday() for r in repas} == {4}
    assert en_2015.filter(ressource__categorie=Ressource.Categorie.SALLE).count() >= 200
    assert en_2015.filter(ressource__categorie=Ressource.Categorie.VELO).count() >= 20
    assert en_2015.filter(titre__startswith="Assemblée générale", debut__month=6).count() >= 5
    # Procarist's weekly training: a series, every Tuesday in the same room.
    serie = en_2015.filter(serie__isnull=False)
    assert SerieReservations.objects.count() == 2
    assert serie.count() >= 30
    assert {(r.structure.slug, r.ressource.slug) for r in serie} == {("procarist", "salle-marne")}
    assert {temps.paris(r.debut).isoweekday() for r in serie} == {2}
    assert Consommation.objects.filter(date__year=2015).count() >= 100
    assert ForfaitSalles.objects.filter(heures_par_mois=10).count() == 20


def test_2015_prices_follow_the_booking_rules():
    """10 free hours a month per structure, then 10 € HT an hour; outside
    organisations pay the cheapest of hour, half-day and day."""
    par_mois = defaultdict(list)
    salles = Reservation.objects.filter(
        debut__year=2015, ressource__categorie=Ressource.Categorie.SALLE, structure__isnull=False
    )
    for r in salles:
        par_mois[(r.structure_id, temps.paris(r.debut).month)].append(r)
        assert r.montant_ht == round_cents(Decimal(10) * r.minutes_facturables / 60)
    for reservations in par_mois.values():
        total = sum(r.duree_minutes for r in reservations)
        assert sum(r.minutes_facturables for r in reservations) == max(0, total - 600)
    assert sum(r.montant_ht for r in salles) > 0
    ptce = Reservation.objects.get(externe__nom="Réseau des PTCE")
    assert (ptce.tarif.code, ptce.montant_ht) == (Tarif.Code.SALLE_JOURNEE, Decimal("140.00"))
    coorace = Reservation.objects.get(externe__nom="Coorace Île-de-France")
    assert (coorace.tarif.code, coorace.montant_ht) == (
        Tarif.Code.SALLE_DEMI_JOURNEE, Decimal("80.00"),
    )  # fmt: skip


def test_next_week_is_not_empty():
    lundi = temps.monday_of(timezone.localdate()) + datetime.timedelta(days=7)
    debut, _ = temps.day_bounds(lundi)
    _, fin = temps.day_bounds(lundi + datetime.timedelta(days=6))
    a_venir = Reservation.objects.filter(debut__gte=debut, debut__lt=fin)
    assert a_venir.count() == len(espaces_demo.A_VENIR)
    assert a_venir.filter(ressource__categorie=Ressource.Categorie.VELO).count() == 1


def test_running_twice_keeps_the_same_rows():
    first = {m.__name__: m.objects.count() for m in MODELES}
    out = run_demo()
    assert {m.__name__: m.objects.count() for m in MODELES} == first
    assert "0 ligne(s) créée(s), 0 modifiée(s)" in out


def test_running_again_keeps_what_was_changed_in_the_app():
    """A tariff replaced and an allowance redefined in the app stay so: a second run must
    not reopen the old ones (two tariffs of one kind at once, refused on PostgreSQL)."""
    from espaces import services
    from phares.lib.acteur import Acteur

    systeme = Acteur.systeme("test")
    impression = Tarif.objects.get(code="impression", ressource=None)
    services.remplacer_tarif(
        tarif=impression,
        a_partir_du=datetime.date(2016, 1, 1),
        montant_ht=Decimal("0.12"),
        taux_tva=Decimal("20"),
        par=systeme,
    )
    forfait = ForfaitSalles.objects.filter(fin__isnull=True).first()
    services.definir_forfait(
        structure=forfait.structure,
        heures_par_mois=20,
        debut=datetime.date(2016, 1, 1),
        par=systeme,
    )

    run_demo()

    assert Tarif.objects.filter(code="impression", fin__isnull=True).count() == 1
    assert Tarif.objects.get(pk=impression.pk).fin == datetime.date(2015, 12, 31)
    assert ForfaitSalles.objects.filter(structure=forfait.structure, fin__isnull=True).count() == 1


def test_chaque_espace_de_la_demo_est_place_sans_chevauchement():
    """`make run` montre de vrais plans : tous les espaces à leur place, aucun recouvert."""
    assert not Espace.objects.filter(plan_x__isnull=True).exists()
    for etage in Etage.objects.all():
        plan = selectors.plan_etage(etage.pk, le=d(2015, 6, 30))
        assert plan.non_places == [] and plan.places
        rectangles = [(e.espace.nom, e.espace.plan) for e in plan.places]
        for (a, ra), (b, rb) in itertools.combinations(rectangles, 2):
            assert not ra.chevauche(rb), (a, b)
    rdc = selectors.plan_etage(Etage.objects.get(niveau=0).pk, le=d(2015, 6, 30))
    etats = {e.espace.slug: e.libelle_etat for e in rdc.places}
    assert etats["bureau-01"] == "Occupé par Halage"
    assert etats["salle-seine"] == "Salle de formation"
