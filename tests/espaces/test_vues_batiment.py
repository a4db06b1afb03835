"""Le bâtiment côté équipe : occupation à une date (qui tient quel bureau ou poste, taux
d'occupation), filtres des espaces, conventions, création d'espaces, règles de réservation."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from espaces.models import Convention, Espace, Ressource, Tarif
from tests.conftest import client_as
from tests.espaces.views_fixtures import NOW, construire_lieu, contient

pytestmark = pytest.mark.django_db

BATIMENT = reverse("espaces:batiment")
d = datetime.date


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a, structure_b):
    """Halage tient le bureau 101 (15 m²) depuis 2015 ; Mode Estime deux postes du
    co-travail de 2020 à juin 2026 ; le bureau 102 (45 m²) est libre."""
    lieu = construire_lieu(structure_a)
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


def ligne(page: str, texte: str) -> str:
    """La ligne du tableau d'occupation qui contient `texte`, en texte simple."""
    occupation = page.split('id="titre-espaces"', 1)[0]
    (tr,) = [tr for tr in re.findall(r"<tr>.*?</tr>", occupation, re.S) if texte in tr]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr)).strip()


def stats(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", s)).strip() for s in re.findall(
        r'<div class="stat">(.*?)</div>', page, re.S
    )]  # fmt: skip


def tous_les_espaces(page: str) -> list[str]:
    """Les noms du tableau « Tous les espaces » (pas celui de l'occupation)."""
    section = page.split('id="titre-espaces"', 1)[1]
    return re.findall(r'<th scope="row"><a href="/espaces/fiche/[^/]+/">([^<]+)</a></th>', section)


@pytest.mark.parametrize("persona", ["gestion", "comptable"])
def test_occupation_du_jour(lieu, personas, persona):
    response = client_as(personas[persona]).get(BATIMENT + "?date=2026-03-02")

    assert response.status_code == 200
    page = response.text
    assert "Occupation le 2 mars 2026" in page
    assert ligne(page, "Bureau 101") == "Bureau 101 Premier étage 15 m² Halage"
    assert ligne(page, "Bureau 102") == "Bureau 102 Premier étage 45 m² Libre"
    assert ligne(page, "Co-travail") == (
        "Co-travail Rez-de-chaussée 60 m² Poste 1 : Mode Estime Poste 2 : Mode Estime 2 / 5 postes"
    )
    assert stats(page) == [
        "25,0 % des bureaux occupés en m² (15 / 60 m²)",
        "1 bureau libre sur 2",
        "2 / 5 postes de co-travail occupés (40,0 %)",
    ]
    occupation = response.context["occupation"]
    assert occupation.taux_m2 == Decimal("25.0")
    assert occupation.taux_postes == Decimal("40.0")
    assert [o.espace.nom for o in occupation.bureaux_libres] == ["Bureau 102"]


def test_occupation_a_une_autre_date(lieu, gestion):
    client = client_as(gestion)

    avant = client.get(BATIMENT + "?date=2014-12-31").text
    apres_cotravail = client.get(BATIMENT + "?date=2026-07-01").text
    dernier_jour = client.get(BATIMENT + "?date=2026-06-30").text

    assert stats(avant) == [
        "0,0 % des bureaux occupés en m² (0 / 60 m²)",
        "2 bureaux libres sur 2",
        "0 / 5 postes de co-travail occupés (0,0 %)",
    ]
    assert ligne(avant, "Bureau 101").endswith("Libre")
    # End dates are included: 30 June still counts, 1 July does not.
    assert "2 / 5 postes de co-travail occupés (40,0 %)" in stats(dernier_jour)
    assert "0 / 5 postes de co-travail occupés (0,0 %)" in stats(apres_cotravail)


def test_batiment_sans_bureau(gestion, db):
    response = client_as(gestion).get(BATIMENT)

    assert response.status_code == 200
    assert stats(response.text) == [
        "— % des bureaux occupés en m² (0 / 0 m²)",
        "0 bureau libre sur 0",
        "0 / 0 postes de co-travail occupés (— %)",
    ]
    assert "Aucun bureau ni espace de co-travail." in response.text


TOUS = ["Co-travail", "Salle de formation", "Bureau 101", "Bureau 102", "Salle A"]


@pytest.mark.parametrize(
    ("query", "attendus"),
    [
        ("", TOUS),
        ("type=bureau", ["Bureau 101", "Bureau 102"]),
        ("type=salle_reunion", ["Salle A"]),
        ("etage=$rdc", ["Co-travail", "Salle de formation"]),
        ("occupation=libre", ["Co-travail", "Bureau 102"]),
        ("occupation=occupe", ["Co-travail", "Bureau 101"]),
        ("occupation=libre&date=2026-07-01", ["Co-travail", "Bureau 102"]),
        ("occupation=occupe&date=2026-07-01", ["Bureau 101"]),
        ("occupation=occupe&date=2014-12-31", []),
        ("type=bureau&etage=$rdc", []),
        ("etage=9999&type=inconnu", TOUS),
    ],
)  # fmt: skip
def test_filtres_des_espaces(lieu, gestion, query, attendus):
    """Co-travail partiellement tenu : à la fois « libre » (un poste au moins) et « occupé »."""
    query = query.replace("$rdc", str(lieu.rdc.pk))

    response = client_as(gestion).get(f"{BATIMENT}?{query}")

    assert response.status_code == 200
    assert tous_les_espaces(response.text) == attendus


def test_cotravail_complet_n_est_pas_libre(lieu, gestion, structure_a):
    for poste in (3, 4, 5):
        Convention.objects.create(
            structure=structure_a,
            espace=lieu.cotravail,
            poste=poste,
            debut=d(2026, 1, 1),
            montant_mensuel_ht=Decimal("120"),
        )

    response = client_as(gestion).get(BATIMENT + "?occupation=libre&date=2026-03-02")

    assert tous_les_espaces(response.text) == ["Bureau 102"]
    assert "5 / 5 postes de co-travail occupés (100,0 %)" in stats(response.text)


def test_archive_hors_du_batiment(lieu, gestion):
    Espace.objects.filter(pk=lieu.bureau_102.pk).update(archive=True)

    response = client_as(gestion).get(BATIMENT)

    assert "Bureau 102" not in tous_les_espaces(response.text)
    assert "Bureau 102" not in response.text.split('id="titre-espaces"')[0]
    assert "0 bureau libre sur 1" in stats(response.text)


# --- Conventions ------------------------------------------------------------------------

NOUVELLE = reverse("espaces:convention-nouvelle")


def test_convention_au_loyer_par_defaut(lieu, gestion, structure_b):
    """Sans loyer saisi : 45 m² × 15 € = 675 € HT par mois, TVA du tarif."""
    client = client_as(gestion)
    response = client.post(
        NOUVELLE, {"structure": structure_b.pk, "espace": lieu.bureau_102.pk, "debut": "2026-04-01"}
    )

    assert response.url == reverse("espaces:convention-liste")
    c = Convention.objects.get(espace=lieu.bureau_102)
    assert (c.structure, c.poste, c.debut, c.fin) == (structure_b, 0, d(2026, 4, 1), None)
    assert (c.montant_mensuel_ht, c.taux_tva) == (Decimal("675.00"), Decimal("20.00"))
    assert c.cree_par == gestion
    liste = client.get(response.url)
    assert contient(liste, "Convention enregistrée : Mode Estime — Bureau 102.")
    assert "675,00\u00a0€" in liste.text


def test_convention_au_loyer_saisi(lieu, gestion, structure_b):
    client_as(gestion).post(
        NOUVELLE,
        {
            "structure": structure_b.pk,
            "espace": lieu.bureau_102.pk,
            "debut": "2026-04-01",
            "fin": "2027-03-31",
            "montant_mensuel_ht": "500",
        },
    )

    c = Convention.objects.get(espace=lieu.bureau_102)
    assert (c.montant_mensuel_ht, c.fin) == (Decimal("500.00"), d(2027, 3, 31))


def test_convention_sur_un_bureau_deja_tenu(lieu, gestion, structure_b):
    response = client_as(gestion).post(
        NOUVELLE, {"structure": structure_b.pk, "espace": lieu.bureau_101.pk, "debut": "2026-04-01"}
    )

    assert response.status_code == 200
    assert contient(
        response, "Ce bureau est déjà occupé par Halage sur cette période (depuis janvier 2015)."
    )
    assert Convention.objects.filter(espace=lieu.bureau_101).count() == 1


def test_convention_premier_poste_libre(lieu, gestion, structure_a):
    client_as(gestion).post(
        NOUVELLE, {"structure": structure_a.pk, "espace": lieu.cotravail.pk, "debut": "2026-04-01"}
    )

    assert Convention.objects.get(structure=structure_a, espace=lieu.cotravail).poste == 3


@pytest.mark.parametrize(
    ("extra", "champ", "message"),
    [
        ({"fin": "2026-03-31"}, "fin", "La fin ne peut pas précéder le début."),
        ({"debut": "2026-02-31"}, "debut", "Saisissez une date valide."),
        ({"montant_mensuel_ht": "-1"}, "montant_mensuel_ht", "supérieure ou égale à 0"),
        ({"poste": "7", "espace": "$cotravail"}, None, "Cet espace de co-travail compte 5 postes"),
    ],
)
def test_convention_mal_saisie(lieu, gestion, structure_b, extra, champ, message):
    data = {"structure": structure_b.pk, "espace": lieu.bureau_102.pk, "debut": "2026-04-01"}
    data.update(extra)
    if data["espace"] == "$cotravail":
        data["espace"] = lieu.cotravail.pk

    response = client_as(gestion).post(NOUVELLE, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[champ or "__all__"]), errors
    assert contient(response, message)
    assert Convention.objects.count() == 3


def test_terminer_une_convention(lieu, gestion):
    url = reverse("espaces:convention-terminer", args=[lieu.convention_a.pk])
    client = client_as(gestion)

    refus = client.post(url, {"fin": "2014-12-31"})
    response = client.post(url, {"fin": "2026-03-31"})

    assert contient(refus, "La fin ne peut pas précéder le début de la convention.")
    assert response.url == reverse("espaces:convention-liste")
    lieu.convention_a.refresh_from_db()
    assert lieu.convention_a.fin == d(2026, 3, 31)
    # From 1 April the office is free on the building page.
    avril = client.get(BATIMENT + "?date=2026-04-01").text
    assert ligne(avril, "Bureau 101").endswith("Libre")


def test_liste_des_conventions_filtree(lieu, comptable, structure_b):
    response = client_as(comptable).get(
        reverse("espaces:convention-liste") + f"?structure={structure_b.pk}"
    )

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    assert [c.espace.nom for c in response.context["page"]] == ["Co-travail", "Co-travail"]
    assert "Halage" not in response.text.split("<tbody>")[1]
    # Accounting reads, it does not end agreements.
    assert "Terminer" not in response.text
    assert "Nouvelle convention" not in response.text


# --- Espaces et règles --------------------------------------------------------------------

NOUVEL_ESPACE = reverse("espaces:espace-nouveau")


def espace_data(lieu, **extra) -> dict:
    data = {
        "nom": "Salle B",
        "etage": lieu.etage_1.pk,
        "type": "salle_reunion",
        "surface_m2": "25",
        "capacite": "8",
        "equipements": "Écran",
        "accessibilite": "",
    }
    data.update(extra)
    return data


def test_creer_une_salle_reservable(lieu, gestion, membre_a):
    response = client_as(gestion).post(
        NOUVEL_ESPACE, espace_data(lieu, reservable="on", ouverte_aux_externes="on")
    )

    espace = Espace.objects.get(nom="Salle B")
    assert response.url == reverse("espaces:espace-detail", args=["salle-b"])
    assert (espace.slug, espace.capacite, espace.type) == ("salle-b", 8, "salle_reunion")
    ressource = Ressource.objects.get(espace=espace)
    assert (ressource.slug, ressource.categorie, ressource.active) == ("salle-b", "salle", True)
    assert ressource.ouverte_aux_externes
    # Habitants can book it straight away.
    assert client_as(membre_a).get(reverse("espaces:semaine", args=["salle-b"])).status_code == 200


def test_creer_un_espace_non_reservable(lieu, gestion):
    client_as(gestion).post(NOUVEL_ESPACE, espace_data(lieu, nom="Réserve", type="stockage"))

    espace = Espace.objects.get(nom="Réserve")
    assert espace.slug == "reserve"
    assert not Ressource.objects.filter(espace=espace).exists()


@pytest.mark.parametrize(
    ("extra", "champ", "message"),
    [
        (
            {"type": "bureau", "reservable": "on"},
            "reservable",
            "Un bureau ou le co-travail se loue par convention, pas à l'heure.",
        ),
        ({"type": "cotravail"}, "nb_postes", "Indiquez le nombre de postes du co-travail."),
        ({"nom": ""}, "nom", "Ce champ est obligatoire."),
        ({"surface_m2": "0"}, "surface_m2", "supérieure ou égale à 0.01"),
    ],
)
def test_espace_mal_saisi(lieu, gestion, extra, champ, message):
    response = client_as(gestion).post(NOUVEL_ESPACE, espace_data(lieu, **extra))

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[champ])
    assert contient(response, message)
    assert Espace.objects.count() == 5


def test_nom_deja_pris_par_un_velo(lieu, gestion):
    """Un espace « Vélo 1 » réservable : l'identifiant velo-1 est déjà celui d'un vélo."""
    response = client_as(gestion).post(
        NOUVEL_ESPACE, espace_data(lieu, nom="Vélo 1", type="atelier", reservable="on")
    )

    assert response.status_code == 302
    espace = Espace.objects.get(nom="Vélo 1")
    assert espace.slug == "velo-1-2"
    assert Ressource.objects.get(espace=espace).slug == "velo-1-2"


def test_un_nom_d_url_fixe_reste_l_identifiant(lieu, gestion):
    """Les fiches ont leur préfixe : un espace « Conventions » garde l'identifiant
    conventions sans cacher la liste des conventions."""
    client = client_as(gestion)
    client.post(NOUVEL_ESPACE, espace_data(lieu, nom="Conventions", type="stockage"))

    assert Espace.objects.get(nom="Conventions").slug == "conventions"
    fiche = client.get("/espaces/fiche/conventions/")
    assert fiche.templates[0].name == "espaces/espace_detail.html"
    liste = client.get("/espaces/conventions/")
    assert liste.templates[0].name == "espaces/convention_liste.html"


def test_modifier_un_espace_garde_sa_ressource(lieu, gestion):
    url = reverse("espaces:espace-modifier", args=["salle-a"])
    client = client_as(gestion)
    assert client.get(url).context["form"]["reservable"].value() is True

    client.post(url, espace_data(lieu, nom="Salle Arnold", capacite="12"))

    espace = Espace.objects.get(slug="salle-a")
    assert (espace.nom, espace.capacite) == ("Salle Arnold", 12)
    # Unticking "réservable" takes it off the planning, but keeps its history.
    ressource = Ressource.objects.get(espace=espace)
    assert (ressource.nom, ressource.active, ressource.ouverte_aux_externes) == (
        "Salle Arnold",
        False,
        False,
    )
    assert client.get(reverse("espaces:semaine", args=["salle-a"])).status_code == 404


REGLES = {
    "heure_ouverture": "09:00",
    "heure_fermeture": "18:00",
    "jours_ouverture": "1 2 3 4 5 6",
    "duree_min_minutes": "60",
    "duree_max_minutes": "240",
    "delai_max_jours": "90",
    "preavis_annulation_heures": "48",
    "battement_minutes": "10",
}


def test_regles_de_reservation(lieu, gestion):
    url = reverse("espaces:espace-regles", args=["salle-a"])

    response = client_as(gestion).post(url, REGLES)

    assert response.url == reverse("espaces:espace-detail", args=["salle-a"])
    r = Ressource.objects.get(slug="salle-a")
    assert (r.heure_ouverture, r.heure_fermeture) == (datetime.time(9), datetime.time(18))
    assert (r.jours_ouverture, r.jours()) == ("123456", {1, 2, 3, 4, 5, 6})
    assert (r.duree_min_minutes, r.duree_max_minutes, r.delai_max_jours) == (60, 240, 90)
    assert (r.preavis_annulation_heures, r.battement_minutes) == (48, 10)


@pytest.mark.parametrize(
    ("extra", "champ", "message"),
    [
        (
            {"heure_ouverture": "18:00", "heure_fermeture": "08:00"},
            "heure_fermeture",
            "La fermeture doit suivre l'ouverture.",
        ),
        (
            {"heure_ouverture": "10:00", "heure_fermeture": "10:00"},
            "heure_fermeture",
            "La fermeture doit suivre l'ouverture.",
        ),
        (
            {"jours_ouverture": "89"},
            "jours_ouverture",
            "Chiffres de 1 (lundi) à 7 (dimanche), par exemple 12345.",
        ),
        (
            {"jours_ouverture": "lundi"},
            "jours_ouverture",
            "Chiffres de 1 (lundi) à 7 (dimanche), par exemple 12345.",
        ),
        (
            {"duree_min_minutes": "120", "duree_max_minutes": "60"},
            "duree_max_minutes",
            "La durée maximale doit dépasser la durée minimale.",
        ),
        ({"heure_ouverture": "8h"}, "heure_ouverture", "Saisissez une heure valide."),
        ({"battement_minutes": "-5"}, "battement_minutes", "supérieure ou égale à 0"),
    ],
)
def test_regles_mal_saisies(lieu, gestion, extra, champ, message):
    url = reverse("espaces:espace-regles", args=["salle-a"])

    response = client_as(gestion).post(url, {**REGLES, **extra})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[champ]), errors
    assert contient(response, message)
    r = Ressource.objects.get(slug="salle-a")
    assert (r.heure_ouverture, r.heure_fermeture, r.jours_ouverture) == (
        datetime.time(8),
        datetime.time(20),
        "12345",
    )


def test_regles_des_velos_pour_tout_le_parc(lieu, gestion):
    response = client_as(gestion).post(reverse("espaces:velos-regles"), REGLES)

    assert response.url == reverse("espaces:velos")
    assert {
        (v.heure_ouverture, v.jours_ouverture, v.battement_minutes)
        for v in Ressource.objects.filter(categorie="velo")
    } == {(datetime.time(9), "123456", 10)}
    assert Ressource.objects.get(slug="salle-a").battement_minutes == 0


def test_tarif_en_double_refuse(lieu, gestion):
    url = reverse("espaces:tarif-liste")
    data = {"code": "impression", "montant_ht": "0.12", "taux_tva": "20", "debut": "2026-01-01"}

    response = client_as(gestion).post(url, data)

    assert response.status_code == 200
    assert contient(response, "Un autre tarif du même type est déjà en vigueur sur cette période")
    assert lieu.tarifs["impression"].montant_ht == Decimal("0.10")
    assert Tarif.objects.filter(code="impression").count() == 1


def test_la_comptabilite_ne_cree_pas_de_tarif(lieu, comptable):
    url = reverse("espaces:tarif-liste")
    page = client_as(comptable).get(url)
    assert "Ajouter un tarif" not in page.text

    response = client_as(comptable).post(
        url, {"code": "impression", "montant_ht": "0.12", "taux_tva": "20", "debut": "2027-01-01"}
    )

    assert response.status_code == 403
    assert Tarif.objects.filter(code="impression").count() == 1


def test_changer_un_prix_garde_l_historique(lieu, gestion):
    """Terminer l'ancien tarif, puis ajouter le nouveau : les deux restent listés."""
    url = reverse("espaces:tarif-liste")
    Tarif.objects.filter(pk=lieu.tarifs["impression"].pk).update(fin=datetime.date(2026, 3, 31))
    data = {"code": "impression", "montant_ht": "0.12", "taux_tva": "20", "debut": "2026-04-01"}

    response = client_as(gestion).post(url, data)

    assert response.url == url
    ancien, nouveau = Tarif.objects.filter(code="impression").order_by("debut")
    assert (ancien.montant_ht, ancien.fin) == (Decimal("0.10"), d(2026, 3, 31))
    assert (nouveau.montant_ht, nouveau.debut, nouveau.fin) == (
        Decimal("0.12"),
        d(2026, 4, 1),
        None,
    )
    page = client_as(gestion).get(url).text
    assert "0,12\u00a0€" in page
    assert "0,10\u00a0€" in page
