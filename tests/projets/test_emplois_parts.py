"""Un poste mutualisé et ses parts : 100 % exactement, une part par structure, tout ou rien,
au journal ; le montant de chaque part d'un mois, au prorata et au centime près."""

import datetime
from decimal import Decimal

import pytest

from habitants.projets import selectors
from habitants.projets.models import EmploiMutualise, Engagement, PartEmploi
from habitants.projets.services import ProjetsError
from habitants.projets.services import emplois as services
from phares.models import EntreeJournal
from tests.conftest import acteur

pytestmark = pytest.mark.django_db
d = datetime.date
DEBUT_2015 = datetime.date(2015, 1, 1)


def nouveau(**champs):
    valeurs = {
        "intitule": "Conseiller en insertion professionnelle",
        "employeur_nom": "La Cité PHARES (SCIC)",
        "etp": Decimal("1"),
        "debut": d(2015, 1, 1),
        "cout_mensuel": Decimal("3000"),
        "facture_par_la_cooperative": True,
        **champs,
    }
    return EmploiMutualise(**valeurs)


@pytest.mark.parametrize(("a", "b", "total"), [("50", "40", "90"), ("60", "50", "110")])
def test_des_parts_qui_ne_font_pas_100_sont_refusees(
    structure_a, structure_b, gestion, a, b, total
):
    parts = [(structure_a, Decimal(a)), (structure_b, Decimal(b))]
    with pytest.raises(ProjetsError) as exc:
        services.enregistrer_emploi(emploi=nouveau(), parts=parts, par=acteur(gestion))
    assert str(exc.value) == f"Les parts font {total} % : elles doivent faire 100 %."
    assert not EmploiMutualise.objects.exists() and not PartEmploi.objects.exists()
    assert not EntreeJournal.objects.filter(operation__startswith="emploi.").exists()


def test_une_structure_deux_fois_est_refusee(structure_a, gestion):
    parts = [(structure_a, Decimal("50")), (structure_a, Decimal("50"))]
    with pytest.raises(ProjetsError, match="une seule part par structure"):
        services.enregistrer_emploi(emploi=nouveau(), parts=parts, par=acteur(gestion))
    assert not EmploiMutualise.objects.exists()


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"fin": d(2014, 12, 31)}, "ne peut pas précéder son début"),
        ({"etp": Decimal("0")}, "quotité"),
        ({"employeur_nom": ""}, "Indiquez l'employeur"),
        ({"cout_mensuel": None}, "a un coût mensuel"),
    ],
)
def test_un_poste_incoherent_est_refuse(structure_a, gestion, champs, message):
    with pytest.raises(ProjetsError, match=message):
        services.enregistrer_emploi(
            emploi=nouveau(**champs), parts=[(structure_a, Decimal("100"))], par=acteur(gestion)
        )
    assert not EmploiMutualise.objects.exists()


def test_une_part_hors_bornes_est_refusee(structure_a, structure_b, gestion):
    parts = [(structure_a, Decimal("110")), (structure_b, Decimal("-10"))]
    with pytest.raises(ProjetsError, match="supérieure à 0 %"):
        services.enregistrer_emploi(emploi=nouveau(), parts=parts, par=acteur(gestion))


def test_creer_puis_modifier_les_parts_au_journal(structure_a, structure_b, gestion):
    emploi = services.enregistrer_emploi(
        emploi=nouveau(), parts=[(structure_a, Decimal("100"))], par=acteur(gestion)
    )
    creation = EntreeJournal.objects.get(operation="emploi.creer")
    assert creation.changements["part de Halage"] == ["—", "100 %"]
    assert creation.par == gestion

    emploi.etp = Decimal("0.8")
    services.enregistrer_emploi(
        emploi=emploi,
        parts=[(structure_a, Decimal("66.67")), (structure_b, Decimal("33.33"))],
        par=acteur(gestion),
    )

    assert dict(emploi.parts.values_list("structure__nom", "pourcentage")) == {
        "Halage": Decimal("66.67"),
        "Mode Estime": Decimal("33.33"),
    }
    modif = EntreeJournal.objects.get(operation="emploi.modifier")
    assert modif.changements["part de Halage"] == ["100 %", "66,67 %"]
    assert modif.changements["part de Mode Estime"] == ["—", "33,33 %"]
    assert modif.changements["quotité (ETP)"] == ["1", "0.8"]


def test_retirer_une_part_non_facturee(structure_a, structure_b, gestion):
    emploi = services.enregistrer_emploi(
        emploi=nouveau(),
        parts=[(structure_a, Decimal("50")), (structure_b, Decimal("50"))],
        par=acteur(gestion),
    )
    services.enregistrer_emploi(
        emploi=emploi, parts=[(structure_b, Decimal("100"))], par=acteur(gestion)
    )
    assert list(emploi.parts.values_list("structure__nom", flat=True)) == ["Mode Estime"]


def test_engagement_au_journal(structure_a, gestion):
    engagement = services.enregistrer_engagement(
        engagement=Engagement(
            type=Engagement.Type.SERVICE_CIVIQUE,
            mission="Animation du jardin partagé",
            structure=structure_a,
            debut=d(2015, 10, 1),
        ),
        par=acteur(gestion),
    )
    entree = EntreeJournal.objects.get(operation="engagement.creer")
    assert entree.structure_id == structure_a.pk and entree.objet_id == str(engagement.pk)
    engagement.fin = d(2015, 9, 1)
    with pytest.raises(ProjetsError, match="ne peut pas précéder"):
        services.enregistrer_engagement(engagement=engagement, par=acteur(gestion))


# --- Montants d'un mois ---------------------------------------------------------------------


def _poste(structures_pcts, *, debut=DEBUT_2015, fin=None, cout="1000.00"):
    emploi = nouveau(debut=debut, fin=fin, cout_mensuel=Decimal(cout))
    emploi.save()
    for s, p in structures_pcts:
        PartEmploi.objects.create(emploi=emploi, structure=s, pourcentage=Decimal(p))
    return emploi


def _montants(mois):
    return {p.part.structure.nom: p.montant for p in selectors.parts_a_facturer(mois)}


def test_un_mois_entier_vaut_le_cout_mensuel(structure_a, structure_b):
    _poste([(structure_a, "60"), (structure_b, "40")])
    assert _montants(d(2015, 6, 1)) == {
        "Halage": Decimal("600.00"),
        "Mode Estime": Decimal("400.00"),
    }


def test_les_centimes_sont_repartis_sans_perte(structure_a, structure_b, domaine):
    from habitants.models import Structure

    tiers = Structure.objects.create(nom="Tiers", slug="tiers", arrivee=d(2010, 1, 1))
    _poste([(structure_a, "33.33"), (structure_b, "33.33"), (tiers, "33.34")], cout="100.00")
    montants = _montants(d(2015, 6, 1))
    assert sum(montants.values()) == Decimal("100.00")
    assert montants == {
        "Halage": Decimal("33.33"),
        "Mode Estime": Decimal("33.33"),
        "Tiers": Decimal("33.34"),
    }


def test_un_mois_partiel_au_prorata_des_jours(structure_a, structure_b):
    # 16 to 30 June: 15 days of 30 → 500 €; to the cent whatever the split.
    _poste([(structure_a, "33.33"), (structure_b, "66.67")], debut=d(2015, 6, 16), cout="1000")
    [pa, pb] = sorted(selectors.parts_a_facturer(d(2015, 6, 1)), key=lambda p: p.part.pourcentage)
    assert (pa.debut, pa.fin, pa.jours, pa.jours_du_mois) == (
        d(2015, 6, 16),
        d(2015, 6, 30),
        15,
        30,
    )
    assert pa.cout_du_mois == Decimal("500.00")
    assert pa.montant + pb.montant == Decimal("500.00")
    assert (pa.montant, pb.montant) == (Decimal("166.65"), Decimal("333.35"))


def test_deux_moities_de_mois_font_le_mois(structure_a):
    un = _poste([(structure_a, "100")], debut=d(2015, 1, 1), fin=d(2015, 7, 14), cout="999.99")
    deux = _poste([(structure_a, "100")], debut=d(2015, 7, 15), cout="999.99")
    montants = {p.emploi.pk: p.montant for p in selectors.parts_a_facturer(d(2015, 7, 1))}
    assert montants[un.pk] + montants[deux.pk] == Decimal("999.99")


def test_emplois_de_l_annee_et_services_civiques(structure_a):
    _poste([(structure_a, "100")], debut=d(2015, 3, 1), fin=d(2015, 12, 31))
    _poste([(structure_a, "100")], debut=d(2016, 1, 1))
    Engagement.objects.create(
        type=Engagement.Type.SERVICE_CIVIQUE, mission="Accueil", debut=d(2015, 10, 1),
        fin=d(2016, 5, 31),
    )  # fmt: skip
    Engagement.objects.create(type=Engagement.Type.STAGE, mission="Stage", debut=d(2015, 4, 1))
    assert selectors.emplois_de_l_annee(2015).count() == 1
    assert selectors.emplois_de_l_annee(2016).count() == 1
    assert [e.mission for e in selectors.services_civiques(2016)] == ["Accueil"]
    assert not selectors.services_civiques(2014).exists()
