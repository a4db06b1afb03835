"""Les plans des étages : ce que montre le plan à une date (bureau occupé et par qui, bureau
libre, postes pris du co-travail, salles, espaces pas encore placés), où mènent les cases
selon qui regarde, la page où la gestion place les espaces (refus en français, pas de
chevauchement, journal), la contrainte de la base, et un nombre de requêtes fixe."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces import services
from espaces.models import Convention, Espace, Rectangle, TypeEspace
from espaces.views._rendu_plan import couper
from habitants.models import Structure
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, contient

pytestmark = pytest.mark.django_db

d = datetime.date


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


def placer(espace, x, y, largeur, hauteur):
    Espace.objects.filter(pk=espace.pk).update(
        plan_x=x, plan_y=y, plan_largeur=largeur, plan_hauteur=hauteur
    )


@pytest.fixture
def lieu(structure_a, structure_b):
    """Premier étage : bureau 101 (Halage depuis 2015) et bureau 102 (libre) placés côte à
    côte, la salle A pas encore placée. Rez-de-chaussée : le co-travail (5 postes, Mode
    Estime en tient 2 de 2020 à juin 2026) et la salle de formation, placés."""
    lieu = construire_lieu(structure_a)
    placer(lieu.bureau_101, 0, 0, 4, 4)
    placer(lieu.bureau_102, 4, 0, 6, 4)
    placer(lieu.cotravail, 0, 0, 8, 6)
    placer(lieu.formation.espace, 8, 0, 6, 6)
    for poste in (1, 2):
        Convention.objects.create(
            structure=structure_b,
            espace=lieu.cotravail,
            poste=poste,
            debut=d(2020, 1, 1),
            fin=d(2026, 6, 30),
            montant_mensuel_ht=Decimal("120"),
        )
    return lieu


def url_plan(etage, le=None):
    url = reverse("espaces:plan-etage", args=[etage.pk])
    return f"{url}?date={le.isoformat()}" if le else url


def svg(page: str) -> str:
    return re.search(r"<svg[^>]*class=\"plan-svg\".*?</svg>", page, re.S).group(0)


def cases(page: str) -> dict[str, str]:
    """Le nom accessible de chaque case lien du plan, par adresse."""
    return {
        href: label
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', svg(page))
    }


def textes(page: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg(page))


def test_le_plan_dit_qui_occupe_quoi_ce_jour_la(lieu, gestion):
    page = client_as(gestion).get(url_plan(lieu.etage_1)).text
    assert cases(page) == {
        "/espaces/fiche/bureau-101/": "Bureau 101 : occupé par Halage",
        "/espaces/fiche/bureau-102/": "Bureau 102 : libre",
    }
    # Written inside the boxes: the colour is never the only sign.
    assert textes(page) == ["Bureau 101", "Halage", "Bureau 102", "Libre"]
    assert 'role="group"' in page and '<title id="plan-svg-titre">' in page
    assert '<desc id="plan-svg-desc">2 espaces dessinés' in page
    # The not-placed list, and the table with the same facts.
    non_places = page.split('id="titre-non-places"', 1)[1].split("</section>", 1)[0]
    assert "Salle A" in non_places and "Bureau" not in non_places
    tableau = page.split('id="caption-plan"', 1)[1]
    assert "Occupé par Halage" in tableau and "Pas encore" in tableau
    # The legend has the states one sees, with their words.
    legende = page.split('aria-label="Légende du plan"', 1)[1].split("</ul>", 1)[0]
    assert "Bureau occupé" in legende and "Bureau libre" in legende
    assert "Co-travail" not in legende


def test_avant_sa_convention_le_bureau_est_libre(lieu, gestion):
    page = client_as(gestion).get(url_plan(lieu.etage_1, d(2014, 12, 31))).text
    assert cases(page)["/espaces/fiche/bureau-101/"] == "Bureau 101 : libre"
    assert "le 31 déc. 2014" in page


def test_le_co_travail_dit_ses_postes_pris(lieu, gestion):
    page = client_as(gestion).get(url_plan(lieu.rdc)).text
    assert cases(page) == {
        "/espaces/fiche/co-travail/": "Co-travail : 2 / 5 postes pris",
        "/espaces/fiche/salle-formation/": "Salle de formation : salle de formation",
    }
    page = client_as(gestion).get(url_plan(lieu.rdc, d(2026, 7, 1))).text
    assert cases(page)["/espaces/fiche/co-travail/"] == "Co-travail : 0 / 5 postes pris"


def test_un_espace_archive_n_est_plus_sur_le_plan(lieu, gestion):
    Espace.objects.filter(pk=lieu.bureau_102.pk).update(archive=True)
    page = client_as(gestion).get(url_plan(lieu.etage_1)).text
    assert list(cases(page)) == ["/espaces/fiche/bureau-101/"]
    assert "Bureau 102" not in page


def test_un_habitant_voit_le_plan_et_va_au_planning_des_salles(lieu, membre_a, associe):
    """La fiche d'un espace est à l'équipe : pour un habitant, une salle réservable mène à
    son planning, un bureau ne mène nulle part (son nom et son occupant restent écrits)."""
    placer(lieu.salle_a.espace, 10, 0, 5, 4)
    for personne in (membre_a, associe):
        page = client_as(personne).get(url_plan(lieu.etage_1)).text
        assert cases(page) == {"/reservations/salles/salle-a/": "Salle A : salle de réunion"}
        assert "Halage" in textes(page) and "/espaces/fiche/" not in page
        assert "Placer les espaces" not in page and "€" not in page


def test_les_plans_menent_au_rez_de_chaussee(lieu, membre_a):
    response = client_as(membre_a).get(reverse("espaces:plans"))
    assert response.status_code == 302 and response.url == url_plan(lieu.rdc)


def test_etage_inconnu(lieu, gestion):
    assert client_as(gestion).get(reverse("espaces:plan-etage", args=[999_999])).status_code == 404


def test_date_illisible_le_plan_du_jour(lieu, gestion):
    response = client_as(gestion).get(url_plan(lieu.etage_1) + "?date=2026-02-30")
    assert response.status_code == 200 and "le 2 mars 2026" in response.text


def test_les_noms_longs_sont_coupes_dans_la_case():
    assert couper("Études et Chantiers Île-de-France", 64, 10, 2) == ["Études et", "Chantiers…"]
    assert couper("Halage", 64, 10, 2) == ["Halage"]
    assert couper("Anticonstitutionnellement", 40, 10, 3) == ["Antic…"]


# --- Placer les espaces ----------------------------------------------------------------------


def url_placer(etage):
    return reverse("espaces:plan-placer", args=[etage.pk])


def donnees(**places) -> dict:
    """{"bureau-101": (x, y, l, h)} -> les champs du formulaire ; () laisse les quatre vides."""
    data = {}
    for slug, valeurs in places.items():
        slug = slug.replace("_", "-")
        for suffixe, v in zip(("x", "y", "largeur", "hauteur"), valeurs or ("",) * 4, strict=True):
            data[f"{slug}-{suffixe}"] = str(v)
    return data


def positions(*espaces):
    return [Espace.objects.get(pk=e.pk).plan for e in espaces]


def test_la_page_est_un_tableau_de_champs_nommes_par_l_identifiant(lieu, gestion):
    page = client_as(gestion).get(url_placer(lieu.etage_1)).text
    assert 'name="bureau-101-x" value="0"' in page.replace(
        ' class="form-control form-control-sm"', ""
    )
    assert 'name="salle-a-largeur"' in page
    assert "Colonne de « Bureau 101 »" in page  # each field has its own label
    assert str(lieu.bureau_101.pk) not in re.findall(r'name="([^"]+)"', page)


def test_la_gestion_place_un_espace(lieu, gestion):
    response = client_as(gestion).post(
        url_placer(lieu.etage_1),
        donnees(bureau_101=(0, 0, 4, 4), bureau_102=(4, 0, 6, 4), salle_a=(0, 4, 10, 5)),
    )
    assert response.status_code == 302 and response.url == url_plan(lieu.etage_1)
    assert positions(lieu.salle_a.espace) == [Rectangle(0, 4, 10, 5)]
    entree = EntreeJournal.objects.get(operation="espace.placer")
    assert entree.libelle == "Place sur le plan : Salle A"
    assert entree.changements == {"plan": ["pas placé", "colonne 0, ligne 4, 10 × 5 cases"]}
    page = client_as(gestion).get(response.url).text
    assert cases(page)["/espaces/fiche/salle-a/"] == "Salle A : salle de réunion"
    assert 'id="titre-non-places"' not in page


def test_retirer_du_plan(lieu, gestion):
    client_as(gestion).post(
        url_placer(lieu.etage_1), donnees(bureau_101=(), bureau_102=(4, 0, 6, 4), salle_a=())
    )
    assert positions(lieu.bureau_101, lieu.bureau_102) == [None, Rectangle(4, 0, 6, 4)]


@pytest.mark.parametrize(
    ("places", "message"),
    [
        (
            {"bureau_101": (0, 0, 4, 4), "bureau_102": (3, 0, 6, 4)},
            "« Bureau 101 » et « Bureau 102 » se chevauchent sur le plan.",
        ),
        (
            {"bureau_101": (0, 0, 4, 4), "bureau_102": (38, 0, 4, 4)},
            "« Bureau 102 » sort du plan : la grille a 40 colonnes (0 à 39) et 24 lignes (0 à 23).",
        ),
        (
            {"bureau_101": (0, 0, 4, 4), "bureau_102": (4, 0, "", 4)},
            "Indiquez les quatre nombres, ou aucun pour laisser l'espace hors du plan.",
        ),
        (
            {"bureau_101": (0, 0, 4, 4), "bureau_102": (4, 0, 0, 4)},
            "Assurez-vous que cette valeur est supérieure ou égale à 1.",
        ),
        (
            {"bureau_101": (0, 0, 4, 4), "bureau_102": (4, -1, 2, 4)},
            "Assurez-vous que cette valeur est supérieure ou égale à 0.",
        ),
        (
            {"bureau_101": (0, 0, 4, 4), "bureau_102": ("un", 0, 2, 4)},
            "Saisissez un nombre entier.",
        ),
    ],
    ids=["chevauchement", "hors-grille", "incomplet", "largeur-nulle", "negatif", "texte"],
)
def test_refus_en_francais_et_rien_ne_change(lieu, gestion, places, message):
    response = client_as(gestion).post(url_placer(lieu.etage_1), donnees(salle_a=(), **places))
    assert response.status_code == 200
    assert contient(response, message)
    assert positions(lieu.bureau_101, lieu.bureau_102) == [
        Rectangle(0, 0, 4, 4),
        Rectangle(4, 0, 6, 4),
    ]
    assert not EntreeJournal.objects.filter(operation="espace.placer").exists()


def test_se_toucher_est_permis(lieu, gestion):
    client_as(gestion).post(
        url_placer(lieu.etage_1),
        donnees(bureau_101=(0, 0, 4, 4), bureau_102=(4, 0, 6, 4), salle_a=(0, 4, 10, 5)),
    )
    assert positions(lieu.salle_a.espace) == [Rectangle(0, 4, 10, 5)]


def test_le_service_compte_les_espaces_qu_on_ne_lui_donne_pas(lieu, gestion):
    """Une place donnée seule est comparée aux autres espaces de l'étage, déjà placés."""
    with pytest.raises(services.EspacesError, match="« Bureau 101 » et « Salle A »"):
        services.placer_espaces(
            etage=lieu.etage_1, positions={"salle-a": Rectangle(2, 2, 3, 3)}, par=acteur(gestion)
        )
    # A space of another floor is not this floor's.
    with pytest.raises(services.EspacesError, match="co-travail"):
        services.placer_espaces(
            etage=lieu.etage_1,
            positions={"co-travail": Rectangle(20, 20, 1, 1)},
            par=acteur(gestion),
        )
    # Two floors do not overlap each other: the coworking space sits at (0, 0) downstairs.
    services.placer_espaces(
        etage=lieu.etage_1, positions={"salle-a": Rectangle(10, 0, 5, 4)}, par=acteur(gestion)
    )
    assert positions(lieu.salle_a.espace) == [Rectangle(10, 0, 5, 4)]


@pytest.mark.parametrize(
    "valeurs",
    [(38, 0, 4, 4), (0, 22, 1, 3), (0, 0, 0, 1), (1, None, 2, 2)],
    ids=["depasse-a-droite", "depasse-en-bas", "largeur-nulle", "incomplet"],
)
def test_la_base_refuse_une_place_hors_de_la_grille(lieu, valeurs):
    x, y, largeur, hauteur = valeurs
    with pytest.raises(IntegrityError), transaction.atomic():
        Espace.objects.filter(pk=lieu.bureau_101.pk).update(
            plan_x=x, plan_y=y, plan_largeur=largeur, plan_hauteur=hauteur
        )


def test_placer_est_a_la_gestion(lieu, comptable, membre_a):
    for personne in (comptable, membre_a):
        assert client_as(personne).get(url_placer(lieu.etage_1)).status_code == 403
        response = client_as(personne).post(url_placer(lieu.etage_1), donnees(salle_a=(0, 4, 2, 2)))
        assert response.status_code == 403
    assert positions(lieu.salle_a.espace) == [None]


# --- Requêtes --------------------------------------------------------------------------------


def compter(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["gestion", "membre_a"])
def test_nombre_de_requetes_fixe(lieu, personas, persona, domaine):
    client = client_as(personas[persona])
    peu = compter(client, url_plan(lieu.etage_1))
    # 60 more offices on the floor, each placed and let to its own structure, with past
    # agreements too: the plan of that floor costs the same.
    structures = Structure.objects.bulk_create(
        Structure(
            nom=f"Structure {n}", slug=f"structure-{n}", domaine=domaine, arrivee=d(2015, 1, 1)
        )
        for n in range(60)
    )
    bureaux = Espace.objects.bulk_create(
        Espace(
            etage=lieu.etage_1,
            nom=f"Bureau {200 + n}",
            slug=f"bureau-{200 + n}",
            type=TypeEspace.BUREAU,
            surface_m2=Decimal("12"),
            plan_x=(n % 10) * 4,
            plan_y=4 + (n // 10) * 3,
            plan_largeur=4,
            plan_hauteur=3,
        )
        for n in range(60)
    )
    Convention.objects.bulk_create(
        Convention(structure=s, espace=b, debut=debut, fin=fin, montant_mensuel_ht=Decimal("190"))
        for s, b in zip(structures, bureaux, strict=True)
        for debut, fin in ((d(2015, 1, 1), d(2019, 12, 31)), (d(2020, 1, 1), None))
    )
    beaucoup = compter(client, url_plan(lieu.etage_1))
    assert beaucoup == peu
    page = client.get(url_plan(lieu.etage_1)).text
    assert "Structure 59" in page and len(re.findall(r"<rect ", svg(page))) == 62


def test_placer_a_nombre_de_requetes_fixe(lieu, gestion):
    client = client_as(gestion)
    peu = compter(client, url_placer(lieu.etage_1))
    Espace.objects.bulk_create(
        Espace(etage=lieu.etage_1, nom=f"Bureau {200 + n}", slug=f"bureau-{200 + n}",
               type=TypeEspace.BUREAU)
        for n in range(40)
    )  # fmt: skip
    assert compter(client, url_placer(lieu.etage_1)) == peu


def test_la_demo_refuse_des_places_qui_se_chevauchent(monkeypatch):
    from espaces.demo import batiment as demo

    assert demo.check_plans() == []
    monkeypatch.setitem(demo.PLANS, "bureau-02", (10, 10, 4, 5))
    monkeypatch.setitem(demo.PLANS, "inconnu", (0, 20, 1, 1))
    assert demo.check_plans() == [
        "place d'un espace inconnu : inconnu",
        "« Bureau 01 » et « Bureau 02 » se chevauchent sur le plan.",
    ]


@pytest.mark.parametrize(
    ("valeur", "statut"),
    # "-0" is 0, where Bureau 101 already is: accepted, nothing changes. "٣" (an Arabic-Indic
    # 3) reads as 3: Bureau 101 would then overlap Bureau 102, refused.
    [(str(2**63), 200), ("\x00", 200), ("1e3", 200), ("3.5", 200), ("-0", 302), ("٣", 200)],
)
def test_saisies_hostiles_refusees_sans_erreur_serveur(lieu, gestion, valeur, statut):
    """Jamais un 500 (PostgreSQL refuse les octets NUL et les entiers hors de leur colonne) ;
    un champ d'un autre étage glissé dans le formulaire est ignoré."""
    data = donnees(bureau_101=(0, 0, 4, 4), bureau_102=(4, 0, 6, 4), salle_a=())
    data["bureau-101-x"] = valeur
    data["co-travail-x"] = "30"
    response = client_as(gestion).post(url_placer(lieu.etage_1), data)
    assert response.status_code == statut
    assert positions(lieu.bureau_101, lieu.cotravail) == [
        Rectangle(0, 0, 4, 4),
        Rectangle(0, 0, 8, 6),
    ]
