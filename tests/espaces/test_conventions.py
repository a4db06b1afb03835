"""Conventions d'occupation : un occupant par bureau, des postes de co-travail attribués
un à un, loyer par défaut tiré des tarifs, fin de convention. Dates incluses."""

import datetime
from decimal import Decimal

import pytest

from espaces import services
from espaces.models import Convention, Espace, Tarif
from habitants.models import Structure
from phares.lib.acteur import Acteur
from tests.conftest import acteur

pytestmark = pytest.mark.django_db

D = datetime.date
SYSTEME = Acteur.systeme("tests")


def par_(user=None) -> Acteur:
    return acteur(user) if user is not None else SYSTEME


def attribuer(espace, structure, debut, fin=None, *, par=None, **kwargs):
    return services.creer_convention(
        structure=structure, espace=espace, debut=debut, fin=fin, par=par_(par), **kwargs
    )


def terminer(convention, fin, par=None):
    return services.terminer_convention(convention=convention, fin=fin, par=par_(par))


@pytest.fixture
def structures(domaine):
    return [
        Structure.objects.create(
            nom=f"Structure {i}", slug=f"structure-{i}", domaine=domaine, arrivee=D(2010, 1, 1)
        )
        for i in range(1, 7)
    ]


# --- Bureaux --------------------------------------------------------------------


def test_bureau_jour_commun_refuse_lendemain_accepte(
    bureau, tarifs, structure_a, structure_b, gestion
):
    premiere = attribuer(bureau, structure_a, D(2015, 1, 1), D(2015, 8, 31), par=gestion)

    with pytest.raises(services.ConflitError) as exc:
        attribuer(bureau, structure_b, D(2015, 8, 31), par=gestion)
    assert str(exc.value) == (
        "Ce bureau est déjà occupé par Halage sur cette période (janvier – août 2015)."
    )
    assert list(Convention.objects.values_list("pk", flat=True)) == [premiere.pk]

    suivante = attribuer(bureau, structure_b, D(2015, 9, 1), par=gestion)

    assert list(Convention.objects.order_by("debut").values_list("structure", "debut", "fin")) == [
        (structure_a.pk, D(2015, 1, 1), D(2015, 8, 31)),
        (structure_b.pk, D(2015, 9, 1), None),
    ]
    assert (suivante.poste, suivante.cree_par) == (0, gestion)


@pytest.mark.parametrize(
    ("debut", "fin"),
    [
        (D(2014, 6, 1), D(2015, 1, 1)),  # ends on the holder's first day
        (D(2015, 3, 1), D(2015, 3, 31)),  # inside
        (D(2014, 1, 1), None),  # surrounds, open-ended
    ],
)
def test_bureau_chevauchements_refuses(bureau, tarifs, structure_a, structure_b, debut, fin):
    attribuer(bureau, structure_a, D(2015, 1, 1), D(2015, 8, 31))

    with pytest.raises(services.ConflitError, match=r"^Ce bureau est déjà occupé par Halage"):
        attribuer(bureau, structure_b, debut, fin)
    assert Convention.objects.count() == 1


def test_occupant_sans_terme_bloque_la_suite(bureau, tarifs, structure_a, structure_b):
    attribuer(bureau, structure_a, D(2015, 10, 1))

    with pytest.raises(services.ConflitError) as exc:
        attribuer(bureau, structure_b, D(2020, 1, 1), D(2020, 12, 31))
    assert str(exc.value) == (
        "Ce bureau est déjà occupé par Halage sur cette période (depuis octobre 2015)."
    )
    # Before the holder arrived is fine.
    attribuer(bureau, structure_b, D(2015, 1, 1), D(2015, 9, 30))
    assert Convention.objects.count() == 2


def test_deux_bureaux_independants(bureau, bureau_2, tarifs, structure_a, structure_b):
    attribuer(bureau, structure_a, D(2015, 1, 1))
    attribuer(bureau_2, structure_b, D(2015, 1, 1))

    assert dict(Convention.objects.values_list("espace", "structure")) == {
        bureau.pk: structure_a.pk,
        bureau_2.pk: structure_b.pk,
    }


# --- Co-travail -----------------------------------------------------------------


def test_postes_attribues_un_a_un_puis_complet(cotravail, tarifs, structures):
    conventions = [attribuer(cotravail, s, D(2015, 9, 1), D(2016, 8, 31)) for s in structures[:5]]

    assert [c.poste for c in conventions] == [1, 2, 3, 4, 5]
    with pytest.raises(services.ConflitError) as exc:
        attribuer(cotravail, structures[5], D(2016, 8, 31))
    assert str(exc.value) == "Les 5 postes du co-travail sont tous occupés sur cette période."
    assert sorted(Convention.objects.values_list("poste", flat=True)) == [1, 2, 3, 4, 5]

    # The day after, every desk is free again: the first one goes.
    apres = attribuer(cotravail, structures[5], D(2016, 9, 1))
    assert apres.poste == 1


def test_poste_libere_par_une_fin_de_convention(cotravail, tarifs, structures):
    conventions = [attribuer(cotravail, s, D(2015, 9, 1)) for s in structures[:5]]
    terminer(conventions[2], D(2015, 12, 31))

    nouvelle = attribuer(cotravail, structures[5], D(2016, 1, 1))

    assert nouvelle.poste == 3
    assert Convention.objects.filter(poste=3).count() == 2


def test_poste_choisi(cotravail, tarifs, structure_a, structure_b):
    attribuer(cotravail, structure_a, D(2015, 9, 1), poste=4)

    with pytest.raises(services.ConflitError) as exc:
        attribuer(cotravail, structure_b, D(2015, 10, 1), poste=4)
    assert str(exc.value) == (
        "Le poste 4 est déjà occupé par Halage sur cette période (depuis septembre 2015)."
    )
    autre = attribuer(cotravail, structure_b, D(2015, 10, 1))
    assert autre.poste == 1


@pytest.mark.parametrize("poste", [0, 6, -1])
def test_poste_hors_limites(cotravail, tarifs, structure_a, poste):
    with pytest.raises(services.EspacesError) as exc:
        attribuer(cotravail, structure_a, D(2015, 9, 1), poste=poste)

    assert str(exc.value) == "Cet espace de co-travail compte 5 postes (de 1 à 5)."
    assert not isinstance(exc.value, services.ConflitError)
    assert not Convention.objects.exists()


# --- Loyer ----------------------------------------------------------------------


def test_loyer_par_defaut_du_bureau(bureau, tarifs, structure_a):
    c = attribuer(bureau, structure_a, D(2015, 9, 1))

    c.refresh_from_db()
    assert (c.montant_mensuel_ht, c.taux_tva) == (Decimal("200.00"), Decimal("20.00"))


def test_loyer_par_defaut_du_poste(cotravail, tarifs, structure_a):
    c = attribuer(cotravail, structure_a, D(2015, 9, 1))

    c.refresh_from_db()
    assert (c.montant_mensuel_ht, c.taux_tva) == (Decimal("120.00"), Decimal("20.00"))


def test_loyer_selon_le_tarif_du_jour_de_debut(bureau, bureau_2, tarifs, structure_a, structure_b):
    Tarif.objects.filter(pk=tarifs[Tarif.Code.BUREAU_M2_MOIS].pk).update(fin=D(2015, 12, 31))
    Tarif.objects.create(
        code=Tarif.Code.BUREAU_M2_MOIS,
        montant_ht=Decimal("16.55"),
        taux_tva=Decimal("10.00"),
        debut=D(2016, 1, 1),
    )

    ancien = attribuer(bureau, structure_a, D(2015, 12, 31))
    nouveau = attribuer(bureau_2, structure_b, D(2016, 1, 1))

    assert (ancien.montant_mensuel_ht, ancien.taux_tva) == (Decimal("200.00"), Decimal("20.00"))
    # 20 m² × 16.55 = 331.00; the VAT rate follows the tariff too.
    assert (nouveau.montant_mensuel_ht, nouveau.taux_tva) == (Decimal("331.00"), Decimal("10.00"))


def test_loyer_arrondi_au_centime(etage, tarifs, structure_a):
    bureau = Espace.objects.create(
        etage=etage, nom="Bureau 103", slug="bureau-103", type="bureau", surface_m2=Decimal("10.01")
    )
    Tarif.objects.filter(code=Tarif.Code.BUREAU_M2_MOIS).update(montant_ht=Decimal("16.5"))

    c = attribuer(bureau, structure_a, D(2015, 9, 1))

    # 10.01 × 16.5 = 165.165 -> 165.17 (half up; half even would give 165.16)
    c.refresh_from_db()
    assert c.montant_mensuel_ht == Decimal("165.17")


def test_loyer_saisi(bureau, structure_a):
    c = attribuer(
        bureau,
        structure_a,
        D(2015, 9, 1),
        montant_mensuel_ht=Decimal("99.995"),
        taux_tva=Decimal("0"),
    )

    c.refresh_from_db()
    assert (c.montant_mensuel_ht, c.taux_tva) == (Decimal("100.00"), Decimal("0.00"))


@pytest.mark.parametrize("manque", ["tarif", "surface"])
def test_loyer_impossible_a_calculer(bureau, tarifs, structure_a, manque):
    if manque == "tarif":
        Tarif.objects.filter(code=Tarif.Code.BUREAU_M2_MOIS).delete()
    else:
        Espace.objects.filter(pk=bureau.pk).update(surface_m2=None)
        bureau.refresh_from_db()

    with pytest.raises(services.EspacesError, match=r"^Indiquez le loyer"):
        attribuer(bureau, structure_a, D(2015, 9, 1))
    assert not Convention.objects.exists()


def test_poste_sans_tarif(cotravail, structure_a):
    with pytest.raises(services.EspacesError, match="aucun tarif de poste de co-travail"):
        attribuer(cotravail, structure_a, D(2015, 9, 1))
    assert not Convention.objects.exists()


# --- Refus ----------------------------------------------------------------------


def test_salle_de_reunion_pas_en_convention(salle, tarifs, structure_a):
    with pytest.raises(services.EspacesError, match=r"^Seuls les bureaux privatifs"):
        attribuer(salle.espace, structure_a, D(2015, 9, 1))
    assert not Convention.objects.exists()


def test_espace_ou_structure_archives(bureau, tarifs, structure_a):
    structure_a.archivee = True
    structure_a.save()
    with pytest.raises(services.EspacesError, match=r"^Cette structure est archivée\.$"):
        attribuer(bureau, structure_a, D(2015, 9, 1))

    bureau.archive = True
    bureau.save()
    with pytest.raises(services.EspacesError, match=r"^Cet espace est archivé\.$"):
        attribuer(bureau, structure_a, D(2015, 9, 1))
    assert not Convention.objects.exists()


def test_fin_avant_debut(bureau, tarifs, structure_a):
    with pytest.raises(services.EspacesError, match=r"^La fin ne peut pas précéder le début\.$"):
        attribuer(bureau, structure_a, D(2015, 9, 1), D(2015, 8, 31))
    # One day long is fine.
    attribuer(bureau, structure_a, D(2015, 9, 1), D(2015, 9, 1))
    assert Convention.objects.count() == 1


# --- Fin de convention ----------------------------------------------------------


@pytest.fixture
def convention(bureau, tarifs, structure_a):
    return attribuer(bureau, structure_a, D(2015, 1, 1))


def test_terminer_puis_attribuer_le_lendemain(convention, bureau, structure_b, gestion):
    terminer(convention, D(2015, 8, 31), gestion)

    convention.refresh_from_db()
    assert convention.fin == D(2015, 8, 31)
    assert convention.est_active(D(2015, 8, 31))
    assert not convention.est_active(D(2015, 9, 1))
    with pytest.raises(services.ConflitError):
        attribuer(bureau, structure_b, D(2015, 8, 31))
    attribuer(bureau, structure_b, D(2015, 9, 1))


def test_terminer_le_jour_du_debut(convention):
    terminer(convention, D(2015, 1, 1))

    convention.refresh_from_db()
    assert convention.fin == D(2015, 1, 1)


def test_terminer_avant_le_debut(convention):
    with pytest.raises(services.EspacesError, match="ne peut pas précéder le début"):
        terminer(convention, D(2014, 12, 31))

    convention.refresh_from_db()
    assert convention.fin is None


def test_avancer_une_fin_mais_pas_la_repousser(convention):
    terminer(convention, D(2015, 8, 31))
    terminer(convention, D(2015, 6, 30))

    with pytest.raises(services.EspacesError, match=r"^Pour prolonger une convention terminée"):
        terminer(convention, D(2015, 7, 31))

    convention.refresh_from_db()
    assert convention.fin == D(2015, 6, 30)


def test_une_convention_tient_dans_la_presence_de_la_structure(bureau, tarifs, structure_a):
    """Avant l'arrivée ou au-delà du départ, la convention est refusée : le rapport compte
    les occupants d'après elles."""
    with pytest.raises(services.EspacesError, match="pas encore hébergée"):
        attribuer(bureau, structure_a, D(2009, 12, 31))
    Structure.objects.filter(pk=structure_a.pk).update(depart=D(2016, 6, 30))
    structure_a.refresh_from_db()
    with pytest.raises(services.EspacesError, match="quitte le lieu le 30 juin 2016"):
        attribuer(bureau, structure_a, D(2015, 9, 1))  # no end: past the departure
    assert not Convention.objects.exists()

    assert attribuer(bureau, structure_a, D(2015, 9, 1), D(2016, 6, 30)).fin == D(2016, 6, 30)
