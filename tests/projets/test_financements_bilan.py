"""Le financement par année : le montant accordé d'une subvention est attribué à chaque
année au prorata des jours de sa période ; les sélecteurs que le rapport annuel lit."""

import datetime
from decimal import Decimal

import pytest

from habitants.projets import selectors
from habitants.projets.models import Partenaire, Subvention
from tests.conftest import client_as

D = datetime.date


def creer(financeur, debut, fin, accorde, recu=0, statut=Subvention.Statut.ACCORDEE, **extra):
    return Subvention.objects.create(
        financeur=financeur,
        intitule=extra.pop("intitule", "Fonctionnement du PTCE"),
        statut=statut,
        montant_demande=accorde or Decimal(1000),
        montant_accorde=accorde,
        montant_recu=Decimal(recu),
        debut=debut,
        fin=fin,
        **extra,
    )


@pytest.fixture
def subventions(db):
    """Les subventions publiques de trois ans du rapport 2015, et d'autres autour."""
    etat = Partenaire.objects.create(nom="État / CDC", categorie="etat")
    region = Partenaire.objects.create(nom="Région Île-de-France", categorie="region")
    ccah = Partenaire.objects.create(nom="CCAH", categorie="association")
    refuse = Partenaire.objects.create(nom="Fondation refusée", categorie="fondation")
    creer(etat, D(2014, 1, 1), D(2016, 12, 31), Decimal(300000), recu=Decimal(200000))
    creer(region, D(2014, 1, 1), D(2016, 12, 31), Decimal(90000))
    # Half of 2015, half of 2016 (184 + 182 days)
    creer(ccah, D(2015, 7, 1), D(2016, 6, 30), Decimal(36600), intitule="Travaux")
    creer(refuse, D(2015, 1, 1), D(2015, 12, 31), None, statut=Subvention.Statut.REFUSEE)
    creer(ccah, D(2015, 1, 1), D(2015, 12, 31), None, statut=Subvention.Statut.DEMANDEE)
    return {"etat": etat, "region": region, "ccah": ccah}


def test_prorata_d_une_subvention_de_trois_ans():
    montant = Decimal("300000")
    parts = [
        selectors.part_de_l_annee(montant, D(2014, 1, 1), D(2016, 12, 31), a)
        for a in (2013, 2014, 2015, 2016, 2017)
    ]

    # 1 096 days: 365 in 2014, 365 in 2015, 366 in 2016 (leap year).
    assert parts == [
        Decimal("0.00"),
        Decimal("99908.76"),
        Decimal("99908.76"),
        Decimal("100182.48"),
        Decimal("0.00"),
    ]
    assert sum(parts) == montant


@pytest.mark.parametrize(
    ("montant", "debut", "fin"),
    [
        (Decimal("1000.00"), D(2014, 3, 17), D(2017, 2, 3)),
        (Decimal("0.03"), D(2014, 12, 31), D(2016, 1, 1)),
        (Decimal("99999.99"), D(2015, 6, 1), D(2015, 6, 1)),
    ],
)
def test_la_somme_des_annees_redonne_le_montant(montant, debut, fin):
    total = sum(selectors.part_de_l_annee(montant, debut, fin, a) for a in range(2013, 2019))
    assert total == montant


def test_financement_par_annee_par_financeur(subventions):
    bilan = selectors.financement_par_annee(2015)

    assert [(ligne.financeur.nom, ligne.accorde) for ligne in bilan.lignes] == [
        ("État / CDC", Decimal("99908.76")),
        ("Région Île-de-France", Decimal("29972.63")),
        ("CCAH", Decimal("18400.00")),  # 184 days of 366
    ]
    assert bilan.lignes[0].recu == Decimal("66605.84")  # 200 000 × 365 / 1 096
    assert bilan.accorde == Decimal("148281.39")
    assert selectors.financement_par_annee(2013).lignes == []


def test_financeurs_de_l_annee_pour_les_logos_du_rapport(subventions):
    assert [p.nom for p in selectors.financeurs_de_l_annee(2015)] == [
        "CCAH",
        "Région Île-de-France",
        "État / CDC",
    ]
    assert [p.nom for p in selectors.financeurs_de_l_annee(2017)] == []
    # Archived today, still a funder of 2015.
    Partenaire.objects.filter(nom="CCAH").update(archive=True)
    assert "CCAH" in [p.nom for p in selectors.financeurs_de_l_annee(2015)]


def test_subventions_se_terminant(db):
    etat = Partenaire.objects.create(nom="État / CDC", categorie="etat")
    le = D(2016, 6, 30)
    bientot = creer(etat, D(2014, 1, 1), D(2016, 11, 30), Decimal(1000))
    creer(etat, D(2014, 1, 1), D(2017, 7, 1), Decimal(1000))  # 12 months and a day
    creer(etat, D(2014, 1, 1), D(2016, 6, 29), Decimal(1000))  # already over
    creer(etat, D(2014, 1, 1), D(2016, 8, 1), None, statut=Subvention.Statut.DEMANDEE)
    limite = creer(etat, D(2014, 1, 1), D(2016, 12, 30), Decimal(1000))
    dans_un_an = creer(etat, D(2014, 1, 1), D(2017, 6, 30), Decimal(1000))

    assert list(selectors.subventions_se_terminant(le, 6)) == [bientot, limite]
    assert list(selectors.subventions_se_terminant(le, 12)) == [bientot, limite, dans_un_an]
    assert selectors.plus_mois(D(2015, 8, 31), 6) == D(2016, 2, 29)


def test_la_page_du_bilan(subventions, comptable):
    response = client_as(comptable).get("/subventions/bilan/")

    assert response.status_code == 200
    assert [b.annee for b in response.context["annees"]] == [2014, 2015, 2016]
    texte = response.content.decode()
    assert "au prorata des jours" in texte
    assert "99\u202f908,76" in texte
    assert '<meter class="barre-financement"' in texte
    assert "Fondation refusée" not in texte
