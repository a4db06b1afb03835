"""La démo de la vie du pôle (habitants/projets/demo.py) : l'année 2015 du rapport sur ses
trois axes, ses paroles d'habitants, ses financeurs et ses postes partagés ; relancée, elle
ne change rien. La démo est chargée une fois pour le module (fixture demo_2015)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from habitants.projets import selectors
from habitants.projets.models import (
    EmploiMutualise,
    Engagement,
    Evenement,
    Jalon,
    Parole,
    Partenaire,
    Participation,
    Projet,
    Subvention,
)
from tests.conftest import axe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_2015")]

d = datetime.date
MODELES = (
    Projet, Participation, Jalon, Partenaire, Subvention, EmploiMutualise, Engagement,
    Evenement, Parole,
)  # fmt: skip


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def etat() -> dict:
    return {
        **{m.__name__: list(m.objects.order_by("pk").values()) for m in MODELES},
        "structures_evenements": sorted(Evenement.structures.through.objects.values_list()),
        "partenaires_projets": sorted(Projet.partenaires.through.objects.values_list()),
    }


def test_la_vie_du_pole_en_2015_et_une_seconde_execution_qui_ne_change_rien():
    # Each axis has its 2015 projects and events, the report's items among them.
    for numero in (1, 2, 3):
        assert selectors.projets_de_l_annee(2015).filter(axe__numero=numero).exists()
        assert selectors.evenements_de_l_annee(2015, axe=axe(numero)).exists()
    cop21 = Projet.objects.get(slug="coordination-cop21")
    assert cop21.axe.numero == 2
    assert cop21.jalons.filter(titre="Accueil du Tour Tandem Alternatiba").exists()
    assert cop21.jalons.count() == 6
    assert (
        Projet.objects.get(slug="marque-t-shirt").participations.get(role="porteur").structure.slug
        == "mode-estime"
    )
    ferme = Projet.objects.get(slug="ferme-des-possibles")
    assert ferme.partenaires.filter(nom="Bellastock").exists()
    assert {"compic", "ateliers-numeriques", "conseil-strategique", "article-ruiess",
            "tedx-ile-saint-denis", "accueil-marchambul", "etude-modeles-economiques",
            "travaux-rez-de-chaussee-bas", "signaletique"} <= set(
        Projet.objects.values_list("slug", flat=True)
    )  # fmt: skip

    # Monthly lunches: one a month, each from its room booking (date and place from it).
    repas = selectors.evenements_de_l_annee(2015).filter(type="repas")
    assert sorted(e.date.month for e in repas) == list(range(1, 13))
    assert all(e.reservation_id and e.lieu == e.reservation.ressource.nom for e in repas)
    assert repas.filter(titre__contains="Bioconsommacteurs").exists()
    assert repas.filter(titre__contains="Cheffe au féminin").exists()
    cnam = Evenement.objects.get(titre__contains="CNAM")
    assert (cnam.type, cnam.axe.numero) == ("intervention", 3)
    assert Evenement.objects.filter(titre="Formation sur l'IAE", reservation__isnull=False).exists()

    # The 13 testimonials, anonymous, in the report's order.
    paroles = list(Parole.objects.order_by("rang"))
    assert len(paroles) == 13
    assert [p.axe.numero for p in paroles] == [1] * 5 + [2] * 5 + [3] * 3
    assert paroles[0].texte.startswith("Le PHARES, c'est un confort de travail")
    assert all(p.anonyme and p.dans_le_rapport and p.annee == 2015 for p in paroles)

    # The three-year public grants end with 2016; CCAH funds the 2015 works.
    publiques = Subvention.objects.filter(financeur__categorie__in=Partenaire.POUVOIRS_PUBLICS)
    assert publiques.count() == 3
    assert set(publiques.values_list("debut", "fin")) == {(d(2014, 1, 1), d(2016, 12, 31))}
    for s in Subvention.objects.all():
        assert s.statut == "accordee" and 0 < s.montant_recu < s.montant_accorde
    ccah = Subvention.objects.get(financeur__nom="CCAH")
    assert ccah.projet.slug == "travaux-rez-de-chaussee-bas" and ccah.debut.year == 2015

    # Shared jobs: each one's shares make 100 %; a few civic-service volunteers.
    assert EmploiMutualise.objects.count() == 3
    for emploi in EmploiMutualise.objects.all():
        assert emploi.parts.aggregate(t=Sum("pourcentage"))["t"] == Decimal("100")
    assert Engagement.objects.filter(type="service_civique", debut__year=2015).count() >= 3

    avant = etat()
    out = run_demo()
    assert etat() == avant
    assert "0 ligne(s) créée(s), 0 modifiée(s)" in out
