"""L'aperçu du rapport annuel gardé en cache (rapports/cache.py) : redemandé sans changement,
il ne rassemble ni ne redessine rien ; après une écriture (par les services, par
l'administration de Django, ou en masse suivie d'`invalider()`), il montre le nouveau
chiffre ; les habitants et les inconnus n'y ont pas plus accès qu'avant."""

import datetime
import re
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from espaces.models import Batiment, Espace, Etage, Ressource
from espaces.services import reservations
from habitants import services as habitants_services
from habitants.models import Structure
from phares.lib import temps
from rapports import cache as rapports_cache
from rapports import graphiques
from tests.conftest import acteur, client_as, make_user

pytestmark = pytest.mark.django_db

APERCU = "/rapports/2015/"
TITRE = "Rapport annuel PTCE La Cité PHARES Année 2015"


@pytest.fixture
def salle(db):
    etage = Etage.objects.create(
        batiment=Batiment.objects.create(nom="Lieu", surface_m2=Decimal("500.00")),
        niveau=0,
        nom="RDC",
    )
    espace = Espace.objects.create(
        etage=etage, nom="Salle Jaurès", slug="salle-jaures", type="salle_reunion"
    )
    return Ressource.objects.create(
        categorie=Ressource.Categorie.SALLE, nom="Salle Jaurès", slug="salle-jaures", espace=espace
    )


def apercu(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as requetes:
        page = client.get(APERCU)
    assert page.status_code == 200
    assert TITRE in page.text
    return page.text, len(requetes)


def sans_jeton(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def reserver(structure, salle, gestion, jour: datetime.date, heures: int):
    debut = temps.aware(jour, datetime.time(9))
    return reservations.reserver(
        par=acteur(gestion),
        ressource=salle,
        structure=structure,
        debut=debut,
        fin=debut + datetime.timedelta(hours=heures),
        titre="Réunion",
        now=temps.aware(datetime.date(2015, 1, 2), datetime.time(9)),
    )


def test_un_apercu_redemande_ne_recalcule_rien(gestion, structure_a, appels_rassembler):
    c = client_as(gestion)
    premier, requetes_premier = apercu(c)
    second, requetes_second = apercu(c)
    assert len(appels_rassembler) == 1
    # The same page, but for the form's CSRF token.
    assert sans_jeton(second) == sans_jeton(premier)
    # The page itself (session, user, redaction, editions) and one query for the version.
    assert requetes_second <= requetes_premier - 20, (requetes_premier, requetes_second)


def test_une_reservation_par_les_services_change_le_chiffre(
    gestion, structure_a, salle, appels_rassembler
):
    c = client_as(gestion)
    reserver(structure_a, salle, gestion, datetime.date(2015, 3, 10), heures=3)
    avant, _ = apercu(c)
    assert "Salle Jaurès" in avant
    reserver(structure_a, salle, gestion, datetime.date(2015, 3, 11), heures=4)
    apres, _ = apercu(c)
    assert len(appels_rassembler) == 2
    # The chart's table of booked hours: 3 hours, then 7.
    assert ">3<" in avant.replace(" ", "") and ">7<" not in avant.replace(" ", "")
    assert ">7<" in apres.replace(" ", "")
    # One preview kept per year, whatever the number of writes in between.
    assert [k for k in cache._cache if "rapports:apercu" in k] == [  # locmem, as in tests
        cache.make_key("rapports:apercu:2015")
    ]


def test_une_structure_creee_par_les_services_apparait(gestion, structure_a, appels_rassembler):
    c = client_as(gestion)
    avant, _ = apercu(c)
    assert "Coopérative Nouvelle" not in avant
    habitants_services.enregistrer_structure(
        structure=Structure(
            nom="Coopérative Nouvelle",
            domaine=structure_a.domaine,
            arrivee=datetime.date(2015, 4, 1),
            description="Arrivée au printemps.",
        ),
        par=acteur(gestion),
    )
    apres, _ = apercu(c)
    assert "Coopérative Nouvelle" in apres
    assert len(appels_rassembler) == 2


# Django's admin builds its own form for Structure.site_web (a URLField without
# assume_scheme): its deprecation warning is Django's, not the report's.
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
def test_une_modification_par_l_administration_de_django_se_voit(
    gestion, structure_a, appels_rassembler
):
    """L'administration technique écrit sans les services ni leur journal : son propre
    journal (django_admin_log) fait partie de la version des données."""
    admin = make_user("admin@phares.test", is_staff=True, is_superuser=True)
    c = client_as(gestion)
    assert "Halage" in apercu(c)[0]
    r = client_as(admin).post(
        f"/admin/habitants/structure/{structure_a.pk}/change/",
        {
            **{k: v for k, v in model_to_dict(structure_a).items() if v not in (None, "")},
            "logo": "",
            "nom": "Halage Renommée",
            "_save": "Enregistrer",
        },
    )
    assert r.status_code == 302, r.context["adminform"].form.errors
    assert Structure.objects.get(pk=structure_a.pk).nom == "Halage Renommée"
    assert "Halage Renommée" in apercu(c)[0]
    assert len(appels_rassembler) == 2


def test_invalider_apres_une_ecriture_hors_des_services(gestion, structure_a, appels_rassembler):
    c = client_as(gestion)
    apercu(c)
    # A bulk write (bench, script): no journal entry, the cached preview is still read…
    Structure.objects.filter(pk=structure_a.pk).update(nom="Halage en masse")
    assert "Halage en masse" not in apercu(c)[0]
    # … until whoever wrote it says so.
    rapports_cache.invalider()
    assert "Halage en masse" in apercu(c)[0]
    assert len(appels_rassembler) == 2


def test_l_etat_change_avec_le_jour(gestion, structure_a, monkeypatch):
    avant = rapports_cache.etat(2015)
    assert rapports_cache.etat(2015) == avant
    assert rapports_cache.etat(2014) != avant
    demain = temps.aware(datetime.date.today() + datetime.timedelta(days=1), datetime.time(12))
    monkeypatch.setattr(rapports_cache.timezone, "now", lambda: demain)
    assert rapports_cache.etat(2015) != avant


def test_un_seau_s3_ne_raccourcit_pas_l_apercu(settings, gestion, structure_a):
    """Avec un seau S3 privé, l'aperçu n'a aucune adresse signée qui expire (photos par la vue
    de l'application, logos embarqués) : il est gardé aussi longtemps que sur le disque."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"querystring_auth": True, "querystring_expire": 3600},
        },
    }
    avant = time.time()
    apercu(client_as(gestion))
    expire = cache._expire_info[cache.make_key("rapports:apercu:2015")]  # locmem, as in tests
    assert expire >= avant + rapports_cache.DUREE_APERCU


def test_un_graphique_se_dessine_une_fois_par_donnees(monkeypatch):
    from phares.lib import graphiques as lib
    from rapports.donnees import Graphique, Serie

    dessins = []
    vrai = lib.svg

    def espion(**kwargs):
        dessins.append(kwargs)
        return vrai(**kwargs)

    monkeypatch.setattr(lib, "svg", espion)

    def graphique(valeur):
        return Graphique(
            cle="emplois", titre="Emplois", type="barres", categories=["2015"],
            series=[Serie("2015", [valeur])],
        )  # fmt: skip

    premier = graphiques.svg(graphique(3))
    assert graphiques.svg(graphique(3)) == premier
    assert len(dessins) == 1
    assert graphiques.svg(graphique(4)) != premier
    assert len(dessins) == 2


def test_l_apercu_garde_n_ouvre_rien_aux_autres(
    gestion, membre_a, comptable, structure_a, appels_rassembler
):
    """L'aperçu est gardé pour la gestion ; les autres personas ne le voient pas plus
    qu'avant (403, ou la page de l'année sans aperçu), l'inconnu va se connecter."""
    apercu(client_as(gestion))
    for user in (membre_a, comptable):
        page = client_as(user).get(APERCU)
        assert page.status_code in (403, 404) or TITRE not in page.text, user
    r = Client().get(APERCU)
    assert r.status_code == 302 and APERCU in r.url  # to the sign-in page, then back
    assert len(appels_rassembler) == 1
