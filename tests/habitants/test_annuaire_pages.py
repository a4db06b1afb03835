"""L'annuaire par pages : chaque structure présente une fois et une seule sur l'ensemble des
pages, dans l'ordre des domaines puis des noms ; la recherche et le domaine suivent d'une
page à l'autre ; le nombre de requêtes ne dépend pas du nombre de structures."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habitants.models import Domaine, Membre, Structure
from habitants.views import ANNUAIRE_PAR_PAGE
from phares.models import User
from tests.conftest import client_as

pytestmark = pytest.mark.django_db

CARTE = re.compile(r'<h3 class="h6 card-title"><a href="/annuaire/([^/"]+)/">')


def peupler(n: int, *, prefixe="Structure") -> list[Structure]:
    """`n` structures présentes, réparties sur trois domaines et « sans domaine », chacune
    avec un·e référent·e (l'annuaire les affiche)."""
    domaines = [
        Domaine.objects.get_or_create(nom=f"Domaine {i}", defaults={"ordre": i})[0]
        for i in (3, 1, 2)
    ]
    structures = Structure.objects.bulk_create(
        Structure(
            nom=f"{prefixe} {(i * 37) % n:03d}",  # names in another order than ids
            slug=f"{prefixe.lower()}-{i:03d}",
            domaine=[*domaines, None][i % 4],
            arrivee=datetime.date(2010, 1, 1),
            description=f"Ce que fait la structure {i}.",
        )
        for i in range(n)
    )
    users = User.objects.bulk_create(
        User(email=f"ref-{s.slug}@test.test", first_name="Réf", last_name=s.slug)
        for s in structures
    )
    Membre.objects.bulk_create(
        Membre(user=u, structure=s, role=Membre.Role.REFERENT, debut=datetime.date(2014, 1, 1))
        for u, s in zip(users, structures, strict=True)
    )
    return structures


def toutes_les_pages(client, **params) -> list[list[str]]:
    pages, numero = [], 1
    while True:
        response = client.get(reverse("habitants:annuaire"), {**params, "page": numero})
        assert response.status_code == 200
        pages.append(CARTE.findall(response.text))
        if f"page={numero + 1}" not in response.text:
            return pages
        numero += 1


def test_chaque_structure_une_fois_sur_l_ensemble_des_pages(membre_a):
    structures = peupler(2 * ANNUAIRE_PAR_PAGE + 5)
    pages = toutes_les_pages(client_as(membre_a))
    assert [len(p) for p in pages] == [ANNUAIRE_PAR_PAGE, ANNUAIRE_PAR_PAGE, 6]  # + Halage
    vus = [slug for page in pages for slug in page]
    assert len(vus) == len(set(vus))
    assert set(vus) == {s.slug for s in structures} | {"halage"}
    # Domain by domain in the domains' order, those without one last; then by name.
    par_slug = {s.slug: s for s in Structure.objects.select_related("domaine")}

    def cle(s):
        d = s.domaine
        return (d is None, (d.ordre, d.nom, d.pk) if d else (), s.nom, s.pk)

    cles = [cle(par_slug[v]) for v in vus]
    assert cles == sorted(cles)


def test_la_recherche_et_le_domaine_suivent_d_une_page_a_l_autre(membre_a):
    peupler(ANNUAIRE_PAR_PAGE + 10, prefixe="Radio")
    peupler(20, prefixe="Atelier")
    client = client_as(membre_a)
    response = client.get(reverse("habitants:annuaire"), {"q": "radio"})
    assert "q=radio&amp;page=2" in response.text
    assert f"{ANNUAIRE_PAR_PAGE + 10} structures" in response.text
    pages = toutes_les_pages(client, q="radio")
    vus = [slug for page in pages for slug in page]
    assert len(vus) == ANNUAIRE_PAR_PAGE + 10
    assert all(slug.startswith("radio-") for slug in vus)

    domaine = Domaine.objects.get(nom="Domaine 1")
    response = client.get(reverse("habitants:annuaire"), {"q": "atelier", "domaine": domaine.pk})
    assert set(CARTE.findall(response.text)) == {
        s.slug for s in Structure.objects.filter(nom__startswith="Atelier", domaine=domaine)
    }


@pytest.mark.parametrize("page", ["999", "0", "abc", "-1", "1.5"])
def test_une_page_qui_n_existe_pas_donne_une_page_qui_existe(membre_a, page):
    peupler(ANNUAIRE_PAR_PAGE + 1)
    response = client_as(membre_a).get(reverse("habitants:annuaire"), {"page": page})
    assert response.status_code == 200
    assert CARTE.findall(response.text)


def _requetes(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_structures(membre_a, structure_a):
    client = client_as(membre_a)
    url = reverse("habitants:annuaire")
    peupler(2)
    peu, _ = _requetes(client, url)
    peupler(60, prefixe="Autre")
    beaucoup, response = _requetes(client, url)
    assert peu == beaucoup
    assert len(CARTE.findall(response.text)) == ANNUAIRE_PAR_PAGE
    # The links are those reverse() gives.
    assert f'href="{reverse("habitants:annuaire-detail", args=["halage"])}"' in response.text
