"""La recherche de l'équipe : une case dans la navigation, la page /recherche/?q=. Elle trouve
structures, personnes, espaces, réservations, factures et décisions par nom ou numéro, sans
égard aux accents ni à la casse, en une requête par sorte d'objet ; les habitants n'y ont
pas accès."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces.facturation.models import Facture
from espaces.models import ClientExterne, Reservation
from gouvernance.models import Decision, Seance
from habitants.models import Structure
from phares.lib import recherche, temps
from tests.conftest import client_as, membre_de
from tests.espaces.views_fixtures import construire_lieu, inserer, paris

pytestmark = pytest.mark.django_db

URL = reverse("recherche")


def facture(structure=None, *, rang, externe=None, nom=None, annee=2015):
    """Une facture émise (écrite comme l'émission la laisse, sans PDF)."""
    mois = datetime.date(annee, 3, 1)
    f = Facture.objects.create(
        structure=structure,
        client_externe=externe,
        mois=mois,
        periode_debut=mois,
        periode_fin=mois.replace(day=31),
        total_ht=100,
        total_tva=20,
        total_ttc=120,
    )
    Facture.objects.filter(pk=f.pk).update(
        statut=Facture.Statut.EMISE,
        serie="F",
        annee=annee,
        rang=rang,
        numero=f"F{annee}-{rang:04d}",
        date_emission=mois.replace(day=31),
        date_echeance=mois.replace(day=31),
        acheteur={"nom": nom or (structure or externe).nom},
    )
    return Facture.objects.get(pk=f.pk)


def decision(reference, titre, *, jour=datetime.date(2015, 6, 9)):
    """Une décision d'un procès-verbal approuvé (le registre)."""
    seance = Seance.objects.create(
        type="cogerance",
        titre=f"Cogérance du {jour:%d/%m/%Y}",
        debut=temps.aware(jour, datetime.time(18)),
        lieu="PHARES",
    )
    d = Decision.objects.create(
        seance=seance,
        rang=1,
        titre=titre,
        texte="…",
        categorie="tarifs",
        mode="consensus",
        resultat="adoptee",
        reference=reference,
        rang_mois=1,
    )
    Seance.objects.filter(pk=seance.pk).update(
        statut="approuvee",
        annee_pv=jour.year,
        rang_pv=Seance.objects.count(),
        numero=f"PV{jour.year}-{Seance.objects.count():04d}",
        approuvee_le=temps.aware(jour, datetime.time(20)),
    )
    return d


@pytest.fixture
def monde(structure_a, structure_b, referent_a, membre_a, habitant_b):
    """Halage et Mode Estime (leurs membres), une structure au nom accentué et son
    ancienne membre, le bâtiment, deux réservations, des factures, deux décisions."""
    elan = Structure.objects.create(
        nom="Élan Créatif",
        slug="elan-creatif",
        siren="812345678",
        arrivee=datetime.date(2014, 1, 1),
    )
    ancienne = membre_de(elan, "helene@elan.test", first_name="Hélène", last_name="Bœuf")
    elan.membres.filter(user=ancienne).update(fin=datetime.date(2015, 12, 31))
    lieu = construire_lieu(structure_a)
    comite = inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 9),
        paris(2026, 3, 10, 10),
        structure=structure_a,
        titre="Comité de pilotage",
    )
    atelier = inserer(
        lieu.salle_a,
        paris(2026, 3, 10, 14),
        paris(2026, 3, 10, 16),
        structure=structure_b,
        titre="Atelier couture",
    )
    federation = ClientExterne.objects.create(
        nom="Fédération régionale", email="contact@federation.test", adresse_facturation="Lyon"
    )
    return {
        "elan": elan,
        "lieu": lieu,
        "comite": comite,
        "atelier": atelier,
        "f12": facture(structure_a, rang=12),
        "f13": facture(structure_b, rang=13),
        "f14": facture(externe=federation, rang=14),
        "tarif": decision("2015-06-D01", "Tarif du co-travail"),
        "budget": decision("2015-07-D01", "Budget prévisionnel", jour=datetime.date(2015, 7, 7)),
    }


def chercher(user, q):
    return client_as(user).get(URL, {"q": q})


def groupes(response) -> dict[str, list[str]]:
    """Les titres des groupes de résultats et les libellés de leurs liens."""
    html = response.content.decode()
    sections = re.findall(r'<h2 id="groupe-(\w+)"[^>]*>.*?</h2>\s*<ul[^>]*>(.*?)</ul>', html, re.S)
    return {
        cle: [re.sub(r"\s+", " ", lien) for lien in re.findall(r'<a href="[^"]+">([^<]+)</a>', ul)]
        for cle, ul in sections
    }


# --- ce qu'on trouve ---------------------------------------------------------------------


def test_un_numero_de_facture_mene_a_la_facture(monde, comptable):
    response = chercher(comptable, "F2015-0012")
    assert response.status_code == 302
    assert response.url == reverse("facturation:detail", args=[monde["f12"].pk])
    # However typed: lower case, short rank, space instead of the dash.
    for saisie in ("f2015-0012", "F2015-12", "f 2015 12"):
        assert chercher(comptable, saisie).url == response.url, saisie


def test_une_facture_par_son_client(monde, gestion):
    response = chercher(gestion, "federation")
    assert response.status_code == 200
    assert groupes(response)["factures"] == ["F2015-0014"]
    assert "Fédération régionale" in response.content.decode()
    # The name frozen on the invoice counts too, even if the structure was renamed since.
    Structure.objects.filter(pk=monde["f12"].structure_id).update(nom="Chantier du canal")
    trouve = groupes(chercher(gestion, "halage"))
    assert trouve["factures"] == ["F2015-0012"] and "structures" not in trouve


@pytest.mark.parametrize("saisie", ["elan creatif", "ÉLAN", "Élan créatif", "  élan   CRÉATIF "])
def test_accents_et_majuscules_ne_comptent_pas(monde, gestion, saisie):
    assert groupes(chercher(gestion, saisie))["structures"] == ["Élan Créatif"]


def test_une_structure_par_son_siren(monde, gestion):
    assert groupes(chercher(gestion, "812345678"))["structures"] == ["Élan Créatif"]


def test_une_personne_par_son_nom_dans_les_deux_ordres(monde, gestion):
    for saisie in ("helene boeuf", "Bœuf Hélène", "helene@elan"):
        assert groupes(chercher(gestion, saisie))["personnes"] == ["Hélène Bœuf"], saisie
    page = chercher(gestion, "hélène").content.decode()
    assert "Membre de Élan Créatif jusqu&#x27;au 31 déc. 2015" in page
    assert reverse("habitants:structure-detail", args=["elan-creatif"]) in page


def test_une_reservation_par_son_objet_ou_son_numero(monde, gestion):
    comite = monde["comite"]
    assert groupes(chercher(gestion, "comite"))["reservations"] == ["Comité de pilotage"]
    detail = reverse("espaces:reservation-detail", args=[comite.pk])
    for saisie in (f"n° {comite.pk}", f"#{comite.pk}", f"N°{comite.pk}"):
        response = chercher(gestion, saisie)
        assert response.status_code == 302 and response.url == detail, saisie
    # A bare number may also be a piece of a SIREN, of an invoice number…: the page jumps
    # only if the booking is all it finds; otherwise the booking is among the results.
    response = chercher(gestion, str(comite.pk))
    if response.status_code == 302:
        assert response.url == detail
    else:
        assert "Comité de pilotage" in groupes(response)["reservations"]
        assert f"n° {comite.pk}" in response.content.decode()


def test_un_espace_par_son_nom(monde, comptable):
    response = chercher(comptable, "salle")
    assert groupes(response)["espaces"] == ["Salle A", "Salle de formation"]
    assert reverse("espaces:espace-detail", args=["salle-a"]) in response.content.decode()


def test_une_decision_par_sa_reference_ou_son_intitule(monde, gestion, comptable):
    detail = reverse("gouvernance:decision-detail", args=["2015-06-D01"])
    assert chercher(gestion, "2015-06-d01").url == detail
    assert groupes(chercher(gestion, "previsionnel"))["decisions"] == [
        "2015-07-D01 — Budget prévisionnel"
    ]
    # Accounting does not read the SCIC's decisions: not through the search either.
    response = chercher(comptable, "tarif du co-travail")
    assert response.status_code == 200 and "decisions" not in groupes(response)


def test_les_resultats_sont_groupes_et_comptes(monde, gestion):
    """« halage » : la structure, ses membres, une facture ; au plus LIMITE par sorte, avec
    le nombre total."""
    for n in range(12):
        inserer(
            monde["lieu"].salle_a,
            paris(2026, 4, 1 + n, 9),
            paris(2026, 4, 1 + n, 10),
            structure=monde["elan"],
            titre=f"Réunion Halage n° {n}",
        )
    response = chercher(gestion, "halage")
    page = response.content.decode()
    trouve = groupes(response)
    assert trouve["structures"] == ["Halage"]
    assert trouve["personnes"] == ["Maud Membre", "Rémi Référent"]
    assert len(trouve["reservations"]) == 8
    assert 'id="groupe-reservations" class="h5">Réservations <span class="badge' in page
    assert ">12</span>" in page and "Et 4 autres : précisez la recherche." in page
    assert "résultats pour « halage »" in page


def test_sans_recherche_et_sans_resultat(monde, gestion):
    vide = chercher(gestion, "").content.decode()
    assert "Tapez un nom ou un numéro pour chercher dans tout PHARES." in vide
    rien = chercher(gestion, "zzyzx").content.decode()
    assert "Aucun résultat pour « zzyzx »." in rien
    assert "Vérifiez l'orthographe" in rien


@pytest.mark.parametrize(
    "saisie", ["x" * 101, "a\x00b", "%", "_", "' OR 1=1 --", "\\", "F9999-99999999", "#" * 50]
)
def test_une_saisie_hostile_ne_casse_rien(monde, gestion, saisie):
    response = chercher(gestion, saisie)
    assert response.status_code in (200, 400)
    if len(saisie) > 100 or "\x00" in saisie:
        assert response.status_code == 400
    else:
        # LIKE's wildcards are searched as such, not as "anything".
        assert "Aucun résultat" in response.content.decode()


# --- qui y accède ------------------------------------------------------------------------


def test_les_habitants_n_y_ont_pas_acces(monde, referent_a, membre_a, habitant_b):
    for user in (referent_a, membre_a, habitant_b):
        assert chercher(user, "halage").status_code == 403
        assert chercher(user, "F2015-0013").status_code == 403
    anonyme = client_as(None).get(URL, {"q": "halage"})
    assert anonyme.status_code == 302 and anonyme.url.startswith(reverse("account_login"))


def test_la_case_est_dans_la_navigation_de_l_equipe_seulement(monde, gestion, referent_a):
    accueil = client_as(gestion).get("/").content.decode()
    assert 'role="search"' in accueil and f'action="{URL}"' in accueil
    assert 'role="search"' not in client_as(referent_a).get("/").content.decode()


# --- requêtes bornées --------------------------------------------------------------------


def requetes(user, q) -> int:
    client = client_as(user)
    client.get(URL, {"q": q})  # session, user and groups warmed up
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"q": q}).status_code == 200
    return len(ctx.captured_queries)


def test_une_requete_par_sorte_quelle_que_soit_la_taille(monde, gestion):
    peu = requetes(gestion, "a")
    for n in range(40):
        s = Structure.objects.create(nom=f"Association {n}", slug=f"association-{n}")
        membre_de(s, f"personne{n}@asso.test", first_name="Anne", last_name=f"Adhérente {n}")
        inserer(
            monde["lieu"].salle_a,
            paris(2026, 5, 1, 8) + datetime.timedelta(hours=n),
            paris(2026, 5, 1, 9) + datetime.timedelta(hours=n),
            structure=s,
            titre=f"Assemblée {n}",
        )
        facture(s, rang=100 + n)
        decision(f"2015-08-D{n:02d}", f"Adhésion {n}", jour=datetime.date(2015, 8, 11))
    beaucoup = requetes(gestion, "a")
    assert beaucoup == peu
    # Six kinds, one query each, plus what any signed-in page reads (session, user, roles).
    with CaptureQueriesContext(connection) as ctx:
        client_as(gestion).get(URL, {"q": "a"})
    recherches = [q for q in ctx.captured_queries if "OVER ()" in q["sql"].upper()]
    assert len(recherches) == 6


# --- la règle des accents, pareille en Python et en base -----------------------------------


MOTS = ["Élodie L’Hôte", "ŒUVRE Ça", "Noël à l'Île", "Ñandú", "Ærø", "ÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇ"]


def test_normaliser_en_python_comme_en_base(db):
    for mot in MOTS:
        Structure.objects.create(nom=mot, slug=f"s-{abs(hash(mot))}")
    en_base = dict(
        Structure.objects.annotate(forme=recherche.sans_accents("nom")).values_list("nom", "forme")
    )
    for mot in MOTS:
        assert en_base[mot] == recherche.normaliser(mot), mot
    assert recherche.normaliser("Élodie L’Hôte") == "elodie l'hote"
    assert recherche.normaliser("ŒUVRE Ça") == "oeuvre ca"


def test_reservation_b_reste_dans_les_resultats_de_l_equipe(monde, comptable):
    """L'équipe voit toutes les structures : Mode Estime comprise."""
    assert groupes(chercher(comptable, "couture"))["reservations"] == ["Atelier couture"]
    assert Reservation.objects.count() == 2
