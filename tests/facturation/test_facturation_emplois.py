"""Les parts des emplois mutualisés refacturés dans la préparation du mois : une ligne par part,
liée à sa part, au prorata des jours, jamais deux fois ; une facture émise n'est pas touchée."""

import datetime
from decimal import Decimal

import pytest

from espaces.facturation import comptes, services
from espaces.facturation.models import Facture, LigneFacture
from espaces.models import Tarif
from habitants.projets.models import EmploiMutualise, PartEmploi
from tests.conftest import acteur
from tests.facturation.conftest import MARS

pytestmark = pytest.mark.django_db
d = datetime.date
JANVIER = datetime.date(2026, 1, 1)
Origine = LigneFacture.Origine


def poste(structure_a, structure_b, *, debut=JANVIER, fin=None, cout="1000.00", **champs):
    emploi = EmploiMutualise.objects.create(
        intitule="Assistante administrative et comptable",
        employeur_nom="La Cité PHARES (SCIC)",
        etp=Decimal("1"),
        debut=debut,
        fin=fin,
        cout_mensuel=Decimal(cout),
        facture_par_la_cooperative=champs.pop("refacture", True),
        **champs,
    )
    a = PartEmploi.objects.create(emploi=emploi, structure=structure_a, pourcentage=Decimal("60"))
    b = PartEmploi.objects.create(emploi=emploi, structure=structure_b, pourcentage=Decimal("40"))
    return emploi, a, b


def preparer(par, mois=MARS):
    return services.preparer_mois(mois=mois, par=acteur(par))


def lignes_emploi(structure):
    return list(
        LigneFacture.objects.filter(facture__structure=structure, origine=Origine.EMPLOI)
        .select_related("facture")
        .order_by("pk")
    )


def test_une_ligne_par_part_liee_a_sa_part(structure_a, structure_b, comptable):
    _, part_a, part_b = poste(structure_a, structure_b)

    preparer(comptable)

    [ligne_a] = lignes_emploi(structure_a)
    [ligne_b] = lignes_emploi(structure_b)
    assert ligne_a.libelle == "Emploi mutualisé — Assistante administrative et comptable (60 %)"
    assert (ligne_a.quantite, ligne_a.prix_unitaire_ht, ligne_a.montant_ht) == (
        Decimal(1), Decimal("600.00"), Decimal("600.00")
    )  # fmt: skip
    assert ligne_b.montant_ht == Decimal("400.00")
    assert ligne_a.part_emploi == part_a and ligne_b.part_emploi == part_b
    assert (ligne_a.periode_debut, ligne_a.periode_fin) == (d(2026, 3, 1), d(2026, 3, 31))
    # No tariff "emploi_mutualise": provision of staff, standard rate.
    assert ligne_a.taux_tva == Decimal("20.00") and ligne_a.montant_tva == Decimal("120.00")
    assert ligne_a.code_tarif == Tarif.Code.EMPLOI_MUTUALISE
    assert comptes.cle_produit(ligne_a) == "tarif_emploi_mutualise"
    assert comptes.PAR_CLE["tarif_emploi_mutualise"].defaut.numero == "708400"


def test_le_tarif_emploi_mutualise_donne_la_tva_et_la_mention(structure_a, structure_b, comptable):
    Tarif.objects.create(
        code=Tarif.Code.EMPLOI_MUTUALISE,
        montant_ht=Decimal("0"),
        taux_tva=Decimal("0"),
        mention_exoneration="Exonération de TVA – art. 261 B du CGI",
        debut=d(2026, 1, 1),
    )
    poste(structure_a, structure_b)

    preparer(comptable)

    [ligne] = lignes_emploi(structure_a)
    assert ligne.taux_tva == 0 and ligne.montant_tva == 0
    assert ligne.exoneration == "Exonération de TVA – art. 261 B du CGI"


def test_un_poste_arrive_en_cours_de_mois_est_au_prorata_sans_centime_perdu(
    structure_a, structure_b, comptable
):
    # From 11 March: 21 days of 31 of 1 000 € = 677.42 €; 60 % = 406.452, 40 % = 270.968.
    poste(structure_a, structure_b, debut=d(2026, 3, 11))

    preparer(comptable)

    [ligne_a], [ligne_b] = lignes_emploi(structure_a), lignes_emploi(structure_b)
    assert ligne_a.montant_ht + ligne_b.montant_ht == Decimal("677.42")
    assert (ligne_a.montant_ht, ligne_b.montant_ht) == (Decimal("406.45"), Decimal("270.97"))
    assert ligne_a.periode_debut == d(2026, 3, 11)
    assert "21 j sur 31" in ligne_a.libelle
    assert ligne_a.unite == LigneFacture.Unite.UNITE


def test_relancer_ne_facture_pas_deux_fois_et_suit_le_poste(structure_a, structure_b, comptable):
    emploi, _, _ = poste(structure_a, structure_b)
    preparer(comptable)
    preparer(comptable)
    assert LigneFacture.objects.filter(origine=Origine.EMPLOI).count() == 2

    EmploiMutualise.objects.filter(pk=emploi.pk).update(cout_mensuel=Decimal("2000"))
    preparer(comptable)

    assert [ligne.montant_ht for ligne in lignes_emploi(structure_a)] == [Decimal("1200.00")]


def test_une_facture_emise_n_est_pas_touchee(
    structure_a, structure_b, comptable, cooperative, monkeypatch
):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: b"%PDF-1.7 test")
    emploi, _, _ = poste(structure_a, structure_b)
    preparer(comptable)
    halage = Facture.objects.get(structure=structure_a, mois=MARS)
    services.emettre(facture=halage, par=acteur(comptable))
    EmploiMutualise.objects.filter(pk=emploi.pk).update(cout_mensuel=Decimal("2000"))

    preparer(comptable)

    halage.refresh_from_db()
    assert halage.total_ht == Decimal("600.00")
    assert [ligne.montant_ht for ligne in lignes_emploi(structure_a)] == [Decimal("600.00")]
    # Halage's share is on the issued invoice: no new draft bills it again.
    assert not Facture.objects.brouillons().filter(structure=structure_a).exists()
    assert [ligne.montant_ht for ligne in lignes_emploi(structure_b)] == [Decimal("800.00")]


@pytest.mark.parametrize(
    "champs",
    [
        {"refacture": False},
        {"debut": d(2026, 4, 1)},
        {"debut": d(2025, 1, 1), "fin": d(2026, 2, 28)},
        {"cout": "0"},
    ],
    ids=["non-refacture", "commence-apres", "fini-avant", "cout-nul"],
)
def test_ce_qui_ne_se_facture_pas(structure_a, structure_b, comptable, champs):
    poste(structure_a, structure_b, **champs)
    preparer(comptable)
    assert not LigneFacture.objects.filter(origine=Origine.EMPLOI).exists()


def test_une_part_facturee_ne_se_retire_plus_du_poste(structure_a, structure_b, comptable, gestion):
    from habitants.projets.services import ProjetsError
    from habitants.projets.services import emplois as emplois_services

    emploi, _, _ = poste(structure_a, structure_b)
    preparer(comptable)

    with pytest.raises(ProjetsError, match="figure déjà sur une facture"):
        emplois_services.enregistrer_emploi(
            emploi=emploi, parts=[(structure_a, Decimal("100"))], par=acteur(gestion)
        )
    assert PartEmploi.objects.filter(emploi=emploi).count() == 2
