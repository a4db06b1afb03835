"""Petits outils partagés : argent (Decimal, arrondi, affichage), périodes datées
(bornes incluses), heures de Paris (changements d'heure)."""

import datetime
from decimal import Decimal

import pytest

from habitants.models import Structure
from phares.lib import dates, money, temps

D = datetime.date
UTC = datetime.UTC
NBSP, THIN = "\u00a0", "\u202f"


# --- Argent ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("0.145", "0.15"),  # half up, not half even (0.14)
        ("2.675", "2.68"),
        ("0.124999", "0.12"),
        ("-0.125", "-0.13"),  # away from zero
        ("10", "10.00"),
        ("5.165", "5.17"),
    ],
)
def test_round_cents_demi_superieur(valeur, attendu):
    resultat = money.round_cents(Decimal(valeur))

    assert resultat == Decimal(attendu)
    assert str(resultat) == attendu


def test_round_cents_accepte_les_entiers():
    assert money.round_cents(3) == Decimal("3.00")


@pytest.mark.parametrize("fonction", [money.round_cents, money.format_euros])
def test_pas_de_float_pour_de_l_argent(fonction):
    with pytest.raises(TypeError, match="Pas de float"):
        fonction(0.1)


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (Decimal("1234.5"), f"1{THIN}234,50{NBSP}€"),
        (Decimal("0"), f"0,00{NBSP}€"),
        (Decimal("999.999"), f"1{THIN}000,00{NBSP}€"),
        (Decimal("12"), f"12,00{NBSP}€"),
        (Decimal("-1234567.891"), f"-1{THIN}234{THIN}567,89{NBSP}€"),
        (Decimal("-0.004"), f"0,00{NBSP}€"),
        (Decimal("100000"), f"100{THIN}000,00{NBSP}€"),
        (7, f"7,00{NBSP}€"),
        (None, ""),
    ],
)
def test_format_euros(valeur, attendu):
    assert money.format_euros(valeur) == attendu


# --- Périodes datées ------------------------------------------------------------


def test_is_active_bornes_incluses():
    assert dates.is_active(D(2015, 6, 1), D(2015, 8, 31), D(2015, 6, 1))
    assert dates.is_active(D(2015, 6, 1), D(2015, 8, 31), D(2015, 8, 31))
    assert not dates.is_active(D(2015, 6, 1), D(2015, 8, 31), D(2015, 9, 1))
    assert not dates.is_active(D(2015, 6, 1), D(2015, 8, 31), D(2015, 5, 31))
    assert dates.is_active(D(2015, 6, 1), None, D(2040, 1, 1))
    assert not dates.is_active(None, None, D(2015, 6, 1))


@pytest.fixture
def periodes(db):
    """Trois structures : l'été 2015, depuis octobre 2015, et jamais arrivée."""
    return {
        nom: Structure.objects.create(nom=nom, slug=nom, arrivee=arrivee, depart=depart)
        for nom, arrivee, depart in [
            ("ete", D(2015, 6, 1), D(2015, 8, 31)),
            ("depuis", D(2015, 10, 1), None),
            ("jamais", None, None),
        ]
    }


def noms(q):
    return sorted(Structure.objects.filter(q).values_list("nom", flat=True))


@pytest.mark.parametrize(
    ("le", "attendu"),
    [
        (D(2015, 5, 31), []),
        (D(2015, 6, 1), ["ete"]),
        (D(2015, 8, 31), ["ete"]),
        (D(2015, 9, 1), []),
        (D(2015, 10, 1), ["depuis"]),
        (D(2030, 1, 1), ["depuis"]),
    ],
)
def test_active_on(periodes, le, attendu):
    assert noms(dates.active_on(le, "arrivee", "depart")) == attendu


@pytest.mark.parametrize(
    ("debut", "fin", "attendu"),
    [
        (D(2015, 1, 1), D(2015, 5, 31), []),
        (D(2015, 1, 1), D(2015, 6, 1), ["ete"]),  # one common day is an overlap
        (D(2015, 8, 31), D(2015, 9, 30), ["ete"]),
        (D(2015, 9, 1), D(2015, 9, 30), []),
        (D(2015, 9, 1), D(2015, 10, 1), ["depuis"]),
        (D(2015, 7, 1), D(2015, 7, 1), ["ete"]),
        (D(2014, 1, 1), D(2099, 1, 1), ["depuis", "ete"]),
    ],
)
def test_overlapping(periodes, debut, fin, attendu):
    assert noms(dates.overlapping(debut, fin, "arrivee", "depart")) == attendu


@pytest.mark.parametrize(
    ("debut", "fin", "attendu"),
    [
        (None, None, ""),
        (D(2015, 10, 1), None, "depuis octobre 2015"),
        (D(2015, 6, 1), D(2015, 6, 30), "juin 2015"),
        (D(2015, 6, 1), D(2015, 8, 31), "juin – août 2015"),
        (D(2015, 10, 1), D(2016, 3, 31), "octobre 2015 – mars 2016"),
        (D(2015, 2, 1), D(2015, 12, 31), "février – décembre 2015"),
    ],
)
def test_periode(debut, fin, attendu):
    assert dates.periode(debut, fin) == attendu


def test_mois_annee():
    assert [dates.mois_annee(D(2015, m, 1)) for m in (1, 8, 12)] == [
        "janvier 2015",
        "août 2015",
        "décembre 2015",
    ]


# --- Heures de Paris ------------------------------------------------------------


def test_paris_convertit_l_heure_utc():
    hiver = datetime.datetime(2026, 1, 15, 8, tzinfo=UTC)
    ete = datetime.datetime(2026, 7, 15, 8, tzinfo=UTC)

    assert (temps.paris(hiver).hour, temps.paris(ete).hour) == (9, 10)
    assert temps.paris(ete).utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("jour", "heure", "utc"),
    [
        (D(2026, 3, 28), datetime.time(9), datetime.datetime(2026, 3, 28, 8, tzinfo=UTC)),
        (D(2026, 3, 30), datetime.time(9), datetime.datetime(2026, 3, 30, 7, tzinfo=UTC)),
        # 2:30 does not exist on 29 March: moved one hour on, to 3:30 summer time.
        (D(2026, 3, 29), datetime.time(2, 30), datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # 2:30 happens twice on 25 October: the first one (summer time) is taken.
        (D(2026, 10, 25), datetime.time(2, 30), datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (D(2026, 10, 25), datetime.time(9), datetime.datetime(2026, 10, 25, 8, tzinfo=UTC)),
    ],
)
def test_aware(jour, heure, utc):
    resultat = temps.aware(jour, heure)

    # Not `resultat == utc`: PEP 495 makes an ambiguous time unequal to any other zone's.
    assert resultat.astimezone(UTC) == utc
    assert resultat.tzinfo == temps.PARIS


def test_aware_heure_inexistante_decalee():
    assert temps.aware(D(2026, 3, 29), datetime.time(2, 30)).time() == datetime.time(3, 30)


@pytest.mark.parametrize(
    ("jour", "heures"),
    [(D(2026, 3, 28), 24), (D(2026, 3, 29), 23), (D(2026, 10, 25), 25), (D(2026, 10, 26), 24)],
)
def test_day_bounds_jours_de_23_ou_25_heures(jour, heures):
    debut, fin = temps.day_bounds(jour)

    assert (temps.paris(debut).date(), temps.paris(debut).time()) == (jour, datetime.time(0))
    assert temps.paris(fin).date() == jour + datetime.timedelta(days=1)
    # Subtract in UTC: Python subtracts same-tzinfo datetimes on the wall clock.
    assert fin.astimezone(UTC) - debut.astimezone(UTC) == datetime.timedelta(hours=heures)


@pytest.mark.parametrize(
    "jour",
    [D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 8)],
)
def test_monday_of(jour):
    assert temps.monday_of(jour) == D(2026, 3, 2)


def test_creneau_a_l_heure_de_paris():
    debut = datetime.datetime(2026, 7, 15, 7, tzinfo=UTC)

    assert temps.creneau(debut, debut + datetime.timedelta(minutes=90)) == (
        "le 15/07/2026 de 09:00 à 10:30"
    )


@pytest.mark.parametrize(
    ("utc", "jour"),
    [
        (datetime.datetime(2026, 12, 10, 22, 59, tzinfo=UTC), D(2026, 12, 10)),
        (datetime.datetime(2026, 12, 10, 23, 0, tzinfo=UTC), D(2026, 12, 11)),  # UTC+1
        (datetime.datetime(2026, 7, 15, 21, 59, tzinfo=UTC), D(2026, 7, 15)),
        (datetime.datetime(2026, 7, 15, 22, 0, tzinfo=UTC), D(2026, 7, 16)),  # UTC+2
    ],
)
def test_jour_a_paris(utc, jour):
    assert temps.jour(utc) == jour


def test_creneau_lisible_a_l_heure_de_paris():
    debut = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # Monday 2 March in Paris

    assert temps.creneau_lisible(debut, debut + datetime.timedelta(minutes=90)) == (
        "lun. 2 mars 2026 de 00:30 à 02:00"
    )
    assert temps.creneau_lisible(debut) == "lun. 2 mars 2026 à 00:30"
    # Summer time: 7:00 UTC is 9:00 in Paris; the 1st is written « 1er ».
    assert temps.creneau_lisible(datetime.datetime(2026, 7, 1, 7, tzinfo=UTC)) == (
        "mer. 1er juil. 2026 à 09:00"
    )


def test_minutes_entieres():
    assert temps.minutes(datetime.timedelta(hours=1, minutes=30, seconds=59)) == 90


# --- Montant : HT, TVA, TTC au centime --------------------------------------------------


def test_montant_depuis_ht_arrondit_par_ligne():
    m = money.Montant.depuis_ht(Decimal("10.005"), Decimal("20"))
    assert (m.ht, m.tva, m.ttc) == (Decimal("10.01"), Decimal("2.00"), Decimal("12.01"))
    # The VAT is computed on the rounded net amount: 0.125 → 0.13, 20 % → 0.026 → 0.03.
    m = money.Montant.depuis_ht(Decimal("0.125"), Decimal("20.00"))
    assert (m.ht, m.tva, m.ttc) == (Decimal("0.13"), Decimal("0.03"), Decimal("0.16"))
    assert money.Montant.depuis_ht(Decimal("100"), Decimal("5.5")).tva == Decimal("5.50")


@pytest.mark.parametrize(
    ("ht", "taux", "tva", "ttc", "erreur"),
    [
        ("10.00", "20", "2.00", "12.01", "≠ TTC"),
        ("10.00", "20", "2.01", "12.01", "TVA"),
        ("10.001", "20", "2.00", "12.001", "arrondi"),
        ("10.00", "120", "12.00", "22.00", "Taux"),
    ],
)
def test_montant_refuse_un_triplet_incoherent(ht, taux, tva, ttc, erreur):
    with pytest.raises(ValueError, match=erreur):
        money.Montant(Decimal(ht), Decimal(taux), Decimal(tva), Decimal(ttc))


def test_montant_refuse_les_float():
    with pytest.raises(TypeError):
        money.Montant.depuis_ht(10.5, Decimal("20"))
    with pytest.raises(TypeError):
        money.Montant(10.5, Decimal("20"), Decimal("2.10"), Decimal("12.60"))


def test_montant_zero():
    assert money.Montant.zero().est_nul and money.Montant.zero().ttc == Decimal("0.00")


# --- Dates et durées en français ----------------------------------------------------------


@pytest.mark.parametrize(
    ("jour", "court", "long"),
    [
        (D(2026, 12, 11), "11 déc. 2026", "11 décembre 2026"),
        (D(2026, 7, 1), "1er juil. 2026", "1er juillet 2026"),
        (D(2015, 6, 30), "30 juin 2015", "30 juin 2015"),
        (D(2015, 5, 8), "8 mai 2015", "8 mai 2015"),
        (D(2016, 2, 29), "29 févr. 2016", "29 février 2016"),
    ],
)
def test_dates_francaises(jour, court, long):
    assert dates.date_courte(jour) == court
    assert dates.date_longue(jour) == long


def test_dates_avec_le_jour():
    assert dates.date_courte(D(2026, 12, 11), jour=True) == "ven. 11 déc. 2026"
    assert dates.date_longue(D(2026, 12, 11), jour=True) == "vendredi 11 décembre 2026"


def test_date_courte_refuse_un_datetime():
    with pytest.raises(TypeError):
        dates.date_courte(datetime.datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("minutes", "texte"),
    [(0, "0 min"), (45, "45 min"), (60, "1 h"), (90, "1 h 30"), (600, "10 h"), (65, "1 h 05"),
     (-90, "−1 h 30")],
)  # fmt: skip
def test_durees_en_heures_et_minutes(minutes, texte):
    assert dates.duree(minutes) == texte


def test_filtres_de_gabarit_convertissent_a_paris():
    from django.template import Context, Template

    t = Template("{{ d|date_courte:'jour' }} · {{ m|duree }}")
    minuit_utc = datetime.datetime(2026, 12, 10, 23, 30, tzinfo=UTC)  # 11 Dec in Paris
    assert t.render(Context({"d": minuit_utc, "m": 150})) == "ven. 11 déc. 2026 · 2 h 30"


@pytest.mark.parametrize(
    ("valeur", "texte"),
    [("0.045", "0,045\u00a0€"), ("0.10", "0,10\u00a0€"), ("0.1000", "0,10\u00a0€"),
     ("1234.5", "1\u202f234,50\u00a0€"), ("1234.5678", "1\u202f234,5678\u00a0€"),
     ("-0.005", "-0,005\u00a0€")],
)  # fmt: skip
def test_prix_unitaire_plus_fin_que_le_centime(valeur, texte):
    assert money.format_prix_unitaire(Decimal(valeur)) == texte
    assert money.format_prix_unitaire(None) == ""
    with pytest.raises(TypeError):
        money.format_prix_unitaire(0.045)


def test_le_journal_lit_une_heure_en_heures_et_minutes():
    from phares.lib import journal

    assert journal.affichable(datetime.time(8, 0)) == "08:00"


# --- Extraits : les premiers éléments et le total, en une requête -------------------------


@pytest.mark.django_db
def test_un_extrait_donne_les_premiers_et_le_total_en_une_requete(django_assert_num_queries):
    from phares.lib.extraits import premiers_et_total

    Structure.objects.bulk_create(
        Structure(nom=f"Extrait {i:02d}", slug=f"extrait-{i:02d}") for i in range(12)
    )
    qs = Structure.objects.filter(nom__startswith="Extrait").order_by("-nom")
    with django_assert_num_queries(1):
        premiers, total = premiers_et_total(qs, 5)
    assert [s.nom for s in premiers] == [f"Extrait {i:02d}" for i in (11, 10, 9, 8, 7)]
    assert total == 12 == qs.count()
    with django_assert_num_queries(2):
        assert premiers_et_total(qs.filter(nom="Extrait 03"), 5)[1] == 1
        assert premiers_et_total(qs.filter(nom="personne"), 5) == ([], 0)
    # DISTINCT over a join: counted apart, as count() counts it.
    distinctes = Structure.objects.filter(nom__startswith="Extrait").distinct().order_by("nom")
    assert premiers_et_total(distinctes, 3)[1] == 12


@pytest.mark.django_db
def test_plusieurs_comptes_en_une_requete(django_assert_num_queries):
    from habitants.models import Invitation
    from phares.lib.comptes import compter

    Structure.objects.bulk_create(
        Structure(nom=f"Compte {i:02d}", slug=f"compte-{i:02d}", archivee=i % 3 == 0)
        for i in range(12)
    )
    actives = Structure.objects.filter(nom__startswith="Compte", archivee=False)
    with django_assert_num_queries(1):
        n = compter(
            actives=actives.order_by("nom"),
            aucune=Structure.objects.filter(nom="personne"),
            invitations=Invitation.objects.all(),
        )
    assert n == {"actives": 8, "aucune": 0, "invitations": 0} and actives.count() == 8
    assert compter() == {}
    for pas_simple in (actives[:3], actives.distinct()):
        with pytest.raises(ValueError):
            compter(x=pas_simple)
