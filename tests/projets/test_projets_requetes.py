"""Les pages de la vie du pôle font le même nombre de requêtes avec 2 ou 12 objets par
liste : pas de requête par ligne (participants, financeur, axe, porteurs…)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habitants.models import Structure
from habitants.projets.models import (
    EmploiMutualise,
    Engagement,
    Evenement,
    Jalon,
    Parole,
    PartEmploi,
    Partenaire,
    Participation,
    Projet,
    Subvention,
)
from tests.conftest import client_as

d = datetime.date

PAGES = [
    "/projets/",
    "/projets/p0/",
    "/partenaires/",
    "/subventions/",
    "/subventions/bilan/",
    "/evenements/",
    "/paroles/",
    "/emplois-mutualises/",
    "/engagements/",
    "/vie-du-pole/",
]


def peupler(debut, fin, axes, domaine):
    for i in range(debut, fin):
        structure = Structure.objects.create(
            nom=f"Structure {i}", slug=f"s{i}", domaine=domaine, arrivee=d(2014, 1, 1)
        )
        financeur = Partenaire.objects.create(nom=f"Financeur {i}", categorie="region")
        projet = Projet.objects.get_or_create(
            slug="p0", defaults={"nom": "Projet 0", "axe": axes[0], "debut": d(2015, 1, 1)}
        )[0]
        autre = Projet.objects.create(
            nom=f"Projet {i + 1}", slug=f"p{i + 1}", axe=axes[i % 3], debut=d(2015, 1, 1),
            public=True,
        )  # fmt: skip
        for p in (projet, autre):
            Participation.objects.create(
                projet=p, structure=structure, role="porteur" if p is autre else "partenaire"
            )
        autre.partenaires.add(financeur)
        projet.partenaires.add(financeur)
        Jalon.objects.create(projet=projet, date=d(2015, 3, i + 1), titre=f"Étape {i}")
        Subvention.objects.create(
            financeur=financeur, projet=projet, intitule=f"Aide {i}", statut="accordee",
            montant_demande=Decimal(1000), montant_accorde=Decimal(900), debut=d(2014, 1, 1),
            fin=d(2016, 12, 31),
        )  # fmt: skip
        Evenement.objects.create(
            titre=f"Repas {i}", type="repas", axe=axes[0], projet=projet, date=d(2015, 5, i + 1),
            public=True,
        )  # fmt: skip
        Parole.objects.create(texte=f"Parole {i}", annee=2015, axe=axes[1], structure=structure)
        emploi = EmploiMutualise.objects.create(
            intitule=f"Poste {i}", employeur=structure, etp=Decimal(1), debut=d(2015, 1, 1),
            cout_mensuel=Decimal(3000),
        )  # fmt: skip
        PartEmploi.objects.create(emploi=emploi, structure=structure, pourcentage=Decimal(100))
        Engagement.objects.create(
            type="service_civique", mission=f"Mission {i}", structure=structure, projet=projet,
            debut=d(2015, 1, 1),
        )  # fmt: skip


def requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_les_pages_ne_font_pas_une_requete_par_ligne(gestion, axes, domaine):
    client = client_as(gestion)
    peupler(0, 2, axes, domaine)
    avant = {url: requetes(client, url) for url in PAGES}
    peupler(2, 12, axes, domaine)
    apres = {url: requetes(client, url) for url in PAGES}
    assert {u: n for u, n in apres.items() if n != avant[u]} == {}, (avant, apres)
