"""La grille des plannings : des quarts d'heure en lignes, des salles (un jour) ou des jours
(une salle) en colonnes ; une réservation s'étend sur ses quarts, son battement en dessous ;
le reste est libre (un lien prérempli), fermé ou passé ; la ligne de maintenant."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from espaces import selectors
from espaces.selectors import grille as grilles
from espaces.views._rendu_grille import contenu_bloc_libre, contenu_bloc_pris, contenu_demandes
from phares.lib import liens
from tests.conftest import client_as
from tests.espaces.views_fixtures import JOUR, NOW, construire_lieu, inserer, paris

pytestmark = pytest.mark.django_db

JOUR_URL = reverse("espaces:jour") + f"?date={JOUR.isoformat()}"
SEMAINE_URL = reverse("espaces:semaine", args=["salle-a"]) + "?semaine=2026-03-09"


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a):
    return construire_lieu(structure_a)


def a(h, mi=0, jour=JOUR):
    return paris(jour.year, jour.month, jour.day, h, mi)


def la_grille(jour=JOUR, now=None):
    return grilles.grille_jour(selectors.jour_toutes_salles(jour), jour, now=now)


def colonne(grille, nom) -> dict[datetime.time, grilles.Case | None]:
    i = next(i for i, c in enumerate(grille.colonnes) if c.ressource.nom == nom)
    return {ligne.heure: ligne.cases[i][1] for ligne in grille.lignes}


def t(h, mi=0):
    return datetime.time(h, mi)


def test_une_reservation_couvre_ses_quarts_d_heure_et_son_battement(lieu, structure_a):
    inserer(lieu.salle_a, a(9), a(10), structure=structure_a)
    inserer(lieu.formation, a(10), a(11, 30), structure=structure_a)  # 15 min de battement
    grille = la_grille()
    assert [ligne.heure for ligne in grille.lignes][:3] == [t(8), t(8, 15), t(8, 30)]
    assert len(grille.lignes) == 48  # 8 h–20 h
    salle = colonne(grille, "Salle A")
    assert (salle[t(9)].etat, salle[t(9)].lignes) == (grilles.PRISE, 4)
    assert [salle[t(9, m)] for m in (15, 30, 45)] == [None, None, None]
    assert salle[t(10)].etat == grilles.LIBRE
    formation = colonne(grille, "Salle de formation")
    assert (formation[t(10)].etat, formation[t(10)].lignes) == (grilles.PRISE, 6)
    battement = formation[t(11, 30)]
    assert (battement.etat, battement.lignes) == (grilles.BATTEMENT, 1)
    assert battement.reservation == formation[t(10)].reservation
    assert formation[t(11, 45)].etat == grilles.LIBRE


def test_une_case_libre_propose_une_heure_sans_deborder(lieu, structure_a):
    inserer(lieu.salle_a, a(9), a(10), structure=structure_a)
    salle = colonne(la_grille(), "Salle A")
    assert salle[t(8)].fin_suggeree == a(9)  # an hour, up to the booking
    assert salle[t(8, 30)].fin_suggeree == a(9)  # 30 min: the minimum, still bookable
    assert salle[t(8, 45)].fin_suggeree is None  # 15 min: too short to book
    assert salle[t(8, 45)].fin_libre == a(9)
    assert salle[t(10)].fin_suggeree == a(11)
    assert salle[t(19, 30)].fin_suggeree == a(20)  # closing time
    # The first quarter of a free time carries the link; the others are reached by mouse.
    assert [salle[t(h, m)].premiere for h, m in [(8, 0), (8, 15), (10, 0), (10, 15)]] == [
        True,
        False,
        True,
        False,
    ]


def test_des_heures_hors_du_quart_occupent_les_quarts_qu_elles_touchent(lieu, structure_a):
    inserer(lieu.salle_a, a(14, 10), a(14, 50), structure=structure_a, titre="Première")
    inserer(lieu.salle_a, a(14, 50), a(15, 30), structure=structure_a, titre="Seconde")
    salle = colonne(la_grille(), "Salle A")
    assert (salle[t(14)].reservation.titre, salle[t(14)].lignes) == ("Première", 4)
    # Both touch the 14:45 quarter: the second starts on the next row, its times written.
    assert (salle[t(15)].reservation.titre, salle[t(15)].lignes) == ("Seconde", 2)
    assert salle[t(15, 30)].etat == grilles.LIBRE


def test_le_temps_passe_et_la_ligne_de_maintenant(lieu, structure_a):
    grille = la_grille(now=a(10, 37))
    salle = colonne(grille, "Salle A")
    assert salle[t(10, 30)].etat == grilles.PASSE
    assert salle[t(10, 45)].etat == grilles.LIBRE
    assert [ligne.heure for ligne in grille.lignes if ligne.maintenant] == [t(10, 30)]
    assert not any(ligne.maintenant for ligne in la_grille(now=a(21)).lignes)
    assert not any(ligne.maintenant for ligne in la_grille().lignes)  # another day


def test_heures_et_jours_fermes(lieu, structure_a):
    lieu.formation.heure_ouverture, lieu.formation.heure_fermeture = t(9), t(18)
    lieu.formation.save()
    formation = colonne(la_grille(), "Salle de formation")
    assert formation[t(8, 45)].etat == grilles.FERME
    assert formation[t(9)].etat == grilles.LIBRE
    assert formation[t(18)].etat == grilles.FERME
    semaine = grilles.grille_semaine(
        lieu.salle_a, selectors.semaine(lieu.salle_a, datetime.date(2026, 3, 9))
    )
    samedi = semaine.colonnes[5]
    assert samedi.fermee
    assert {ligne.cases[5][1].etat for ligne in semaine.lignes} == {grilles.FERME}


def test_la_page_est_un_tableau_avec_ses_en_tetes(lieu, structure_a, membre_a):
    inserer(lieu.salle_a, a(9), a(10), structure=structure_a, titre="Notre réunion")
    page = client_as(membre_a).get(JOUR_URL).content.decode()
    assert '<table class="grille">' in page
    reserver = reverse("espaces:reserver", args=["salle-a"])
    assert f'<th scope="col" data-date="2026-03-10" data-reserver="{reserver}">' in page
    i = re.search(
        r'<span id="gc(\d+)" hidden>Réserver Salle A le mar\. 10 mars 2026 à partir de<', page
    )
    assert i, "la colonne de la salle A nomme ses liens"
    ligne = re.search(r'<th scope="row" class="heure"><span id="gr(\d+)">10:00</span>', page)
    assert ligne, "la ligne de 10 h a son en-tête"
    lien = (
        f'href="{reverse("espaces:reserver", args=["salle-a"])}?date=2026-03-10&amp;'
        f'heure_debut=10:00&amp;heure_fin=11:00" aria-labelledby="gc{i[1]} gr{ligne[1]}"'
    )
    assert lien in page
    assert "heure_debut=10:15" not in page  # not the first quarter of its free time
    assert re.search(r'rowspan="4" class="prise lisible deplacable"', page)


def test_chacun_voit_le_detail_des_siennes_et_deplace_les_siennes(
    lieu, structure_a, structure_b, membre_a, habitant_b, comptable, gestion
):
    r = inserer(lieu.salle_a, a(9), a(10), structure=structure_a, titre="Notre réunion")
    deplacer = reverse("espaces:reservation-deplacer", args=[r.pk])
    pages = {
        qui: client_as(u).get(JOUR_URL).content.decode()
        for qui, u in [
            ("a", membre_a),
            ("b", habitant_b),
            ("compta", comptable),
            ("gestion", gestion),
        ]
    }
    assert "Notre réunion" in pages["a"] and deplacer in pages["a"]
    assert "Notre réunion" not in pages["b"] and deplacer not in pages["b"]
    assert re.search(r'<span class="horaire">09:00–10:00</span>\s*occupé', pages["b"])
    assert "Notre réunion" in pages["compta"] and deplacer not in pages["compta"]
    assert "Notre réunion" in pages["gestion"] and deplacer in pages["gestion"]
    # The grid's script is served by the app (CSP: no inline script).
    assert "js/planning.js" in pages["a"]


def test_la_grille_echappe_ce_qui_vient_de_la_base(lieu, structure_a, gestion):
    """Le corps de la grille est écrit en Python puis marqué sûr (audit/exceptions.toml, B308) :
    titres et noms saisis par les gens y arrivent échappés, dans le texte comme dans les
    attributs."""
    piege = '<script>alert(1)</script>" onmouseover="alert(2)'
    Structure = type(structure_a)
    Structure.objects.filter(pk=structure_a.pk).update(nom=f"Halage {piege}")
    inserer(lieu.salle_a, a(9), a(10), structure=structure_a, titre=piege)
    # The column headers are written in Python too (entetes).
    type(lieu.salle_a).objects.filter(pk=lieu.salle_a.pk).update(nom=f"Salle {piege}")

    page = client_as(gestion).get(JOUR_URL).content.decode()

    assert "<script>alert" not in page and '" onmouseover="alert' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)" in page
    assert 'data-titre="&lt;script&gt;' in page  # the attribute the move script reads
    assert "hidden>Réserver Salle &lt;script&gt;" in page  # a column header


def test_un_bloc_pris_des_listes_echappe_et_cache_ce_qu_il_doit():
    """Les blocs occupés des listes (contenu_bloc_pris, écrits en Python puis marqués sûrs) :
    le nom d'une organisation extérieure arrive échappé, et qui n'est ni de l'équipe ni de la
    structure ne lit que « occupé »."""
    piege = '<img src=x onerror="alert(1)">'
    bloc = SimpleNamespace(
        horaire="09:00–10:00",
        reservation=SimpleNamespace(
            titre=piege, structure=None, structure_id=None, externe=SimpleNamespace(nom=piege)
        ),
    )
    equipe = contenu_bloc_pris(bloc, '/r/1/?a="b"', voir_tout=True, miennes=set())
    assert "<img" not in equipe and 'href="/r/1/?a=&quot;b&quot;"' in equipe
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (extérieur)" in equipe
    autre = contenu_bloc_pris(bloc, "/r/1/", voir_tout=False, miennes={7})
    assert "occupé" in autre and "img" not in autre and "/r/1/" not in autre


def test_un_temps_libre_et_les_demandes_des_listes_echappent_ce_qui_vient_de_la_base():
    """Les temps libres et les demandes en attente des listes (écrits en Python puis marqués
    sûrs, comme les blocs occupés) : nom de salle, titre et organisation arrivent échappés ;
    sans droit de réserver, pas de lien."""
    piege = '<img src=x onerror="alert(1)">'
    debut = paris(2026, 3, 10, 9)
    bloc = SimpleNamespace(
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        fin_suggeree=debut + datetime.timedelta(hours=1),
        horaire="09:00–11:00",
    )
    libre = contenu_bloc_libre(bloc, nom=piege, reserver_url='/r/?a="b"', peut_reserver=True)
    assert "<img" not in libre and 'href="/r/?a=&quot;b&quot;?date=2026-03-10&amp;' in libre
    assert "heure_debut=09:00&amp;heure_fin=10:00" in libre
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; le mar. 10 mars 2026 à partir" in libre
    sans = contenu_bloc_libre(bloc, nom="Salle A", reserver_url="/r/", peut_reserver=False)
    assert sans == '<li class="bloc bloc-libre"><span class="horaire">09:00–11:00</span> libre</li>'
    demande = SimpleNamespace(
        pk=3, debut=debut, fin=bloc.fin, titre=piege, externe=SimpleNamespace(nom=piege)
    )
    html = contenu_demandes([demande], liens.modele("espaces:reservation-detail"))
    detail = reverse("espaces:reservation-detail", args=[3])
    assert "<img" not in html and f'href="{detail}"' in html
    assert "09:00–11:00</span> demande en attente" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (extérieur)" in html
