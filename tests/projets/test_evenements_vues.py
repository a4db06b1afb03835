"""Les événements du pôle par leurs pages : ce que la gestion et les référent·es en font,
depuis une réservation de salle ou non, et ce qui est refusé sans rien écrire."""

import datetime

import pytest
from django.urls import reverse

from habitants.projets import selectors
from habitants.projets.models import Evenement, Participation, Projet
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.espaces.views_fixtures import construire_lieu, inserer, paris

d = datetime.date
NOUVEAU = reverse("projets:evenement-nouveau")


@pytest.fixture
def projets(axes, structure_a, structure_b):
    """COMPIC porté par Halage ; la marque de T-shirt portée par Mode Estime."""
    compic = Projet.objects.create(nom="COMPIC", slug="compic", axe=axes[1], debut=d(2015, 3, 1))
    Participation.objects.create(projet=compic, structure=structure_a, role="porteur")
    tshirt = Projet.objects.create(
        nom="Marque de T-shirt", slug="t-shirt", axe=axes[1], debut=d(2015, 1, 1)
    )
    Participation.objects.create(projet=tshirt, structure=structure_b, role="porteur")
    return {"compic": compic, "tshirt": tshirt}


@pytest.fixture
def reservation_a(structure_a):
    lieu = construire_lieu(structure_a)
    return inserer(
        lieu.salle_a,
        paris(2015, 6, 4, 14),
        paris(2015, 6, 4, 17, 30),
        structure=structure_a,
        titre="Assemblée générale de Halage",
    )


def donnees(**extra) -> dict:
    return {
        "titre": "Formation sur l'IAE",
        "type": "formation",
        "axe": "",
        "projet": "",
        "date": "2015-03-19",
        "date_fin": "",
        "lieu": "Salle Seine",
        "description": "",
        **extra,
    }


def test_la_gestion_cree_un_evenement_depuis_une_reservation_sans_rien_ressaisir(
    gestion, axes, reservation_a
):
    client = client_as(gestion)
    url = f"{NOUVEAU}?reservation={reservation_a.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Assemblée générale de Halage"' in page.text
    assert "Salle A" in page.text and "2015-06-04" in page.text

    # The date and place sent by a tampered form are ignored: the booking decides.
    response = client.post(
        url,
        donnees(titre="AG de Halage", type="accueil", axe=axes[0].pk, date="2020-01-01", lieu="X"),
    )
    evenement = Evenement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projets:evenement-detail", args=[evenement.pk])
    assert evenement.reservation == reservation_a
    assert (evenement.date, evenement.date_fin, evenement.lieu) == (d(2015, 6, 4), None, "Salle A")
    assert evenement.cree_par == gestion
    entree = EntreeJournal.objects.get(operation="evenement.creer")
    assert entree.objet_id == str(evenement.pk) and entree.par == gestion


def test_la_fiche_d_une_reservation_propose_l_evenement_a_la_gestion(
    gestion, referent_a, axes, reservation_a
):
    url = reverse("espaces:reservation-detail", args=[reservation_a.pk])
    lien = f"{NOUVEAU}?reservation={reservation_a.pk}"
    assert lien in client_as(gestion).get(url).text
    assert lien not in client_as(referent_a).get(url).text
    Evenement.objects.create(
        titre="AG de Halage", type="accueil", axe=axes[0], date=d(2015, 6, 4),
        reservation=reservation_a,
    )  # fmt: skip
    page = client_as(gestion).get(url).text
    assert lien not in page and "AG de Halage" in page


def test_une_reservation_n_a_qu_un_evenement(gestion, axes, reservation_a):
    client = client_as(gestion)
    url = f"{NOUVEAU}?reservation={reservation_a.pk}"
    assert client.post(url, donnees(axe=axes[0].pk)).status_code == 302
    response = client.post(url, donnees(axe=axes[0].pk))
    assert response.status_code == 200
    assert "Cette réservation a déjà son événement." in response.text
    assert Evenement.objects.count() == 1


def test_une_reservation_deplacee_se_signale_puis_se_reprend(gestion, axes, reservation_a):
    client = client_as(gestion)
    client.post(f"{NOUVEAU}?reservation={reservation_a.pk}", donnees(axe=axes[0].pk))
    evenement = Evenement.objects.get()
    reservation_a.debut = paris(2015, 6, 11, 14)
    reservation_a.fin = reservation_a.fin_bloquee = paris(2015, 6, 11, 17)
    reservation_a.save()
    detail = reverse("projets:evenement-detail", args=[evenement.pk])
    assert "La réservation a changé" in client.get(detail).text

    modifier = reverse("projets:evenement-modifier", args=[evenement.pk])
    client.post(modifier, donnees(axe=axes[0].pk))
    evenement.refresh_from_db()
    assert evenement.date == d(2015, 6, 11)
    assert "La réservation a changé" not in client.get(detail).text


def test_detacher_un_evenement_rend_sa_date_modifiable(gestion, axes, reservation_a):
    client = client_as(gestion)
    client.post(f"{NOUVEAU}?reservation={reservation_a.pk}", donnees(axe=axes[0].pk))
    evenement = Evenement.objects.get()
    modifier = reverse("projets:evenement-modifier", args=[evenement.pk])
    client.post(modifier, donnees(axe=axes[0].pk, delier="on"))
    evenement.refresh_from_db()
    assert evenement.reservation is None
    assert (evenement.date, evenement.lieu) == (d(2015, 6, 4), "Salle A")
    client.post(modifier, donnees(axe=axes[0].pk, date="2015-06-05", lieu="Mairie"))
    evenement.refresh_from_db()
    assert (evenement.date, evenement.lieu) == (d(2015, 6, 5), "Mairie")


def test_un_referent_cree_un_evenement_de_son_projet_l_axe_suit_le_projet(
    referent_a, projets, axes
):
    response = client_as(referent_a).post(NOUVEAU, donnees(projet=projets["compic"].pk))
    assert response.status_code == 302
    evenement = Evenement.objects.get()
    assert evenement.projet == projets["compic"] and evenement.axe == axes[1]


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"projet": ""}, "Ce champ est obligatoire."),
        ({"projet": "$tshirt"}, "Sélectionnez un choix valide."),
        ({"projet": "$compic", "date_fin": "2015-03-18"}, "Le dernier jour ne peut pas précéder"),
    ],
)
def test_un_referent_ne_cree_rien_hors_de_ses_projets_ni_d_incoherent(
    referent_a, projets, champs, message
):
    champs = {k: projets[v[1:]].pk if v.startswith("$") else v for k, v in champs.items()}
    response = client_as(referent_a).post(NOUVEAU, donnees(**champs))
    assert response.status_code == 200
    assert message in response.text
    assert not Evenement.objects.exists()
    assert not EntreeJournal.objects.filter(operation__startswith="evenement.").exists()


def test_un_referent_ne_deplace_pas_un_evenement_vers_un_projet_qui_n_est_pas_le_sien(
    referent_a, habitant_b, projets, axes
):
    evenement = Evenement.objects.create(
        titre="Lancement", type="rencontre", axe=axes[1], projet=projets["tshirt"],
        date=d(2015, 4, 2),
    )  # fmt: skip
    modifier = reverse("projets:evenement-modifier", args=[evenement.pk])
    assert client_as(referent_a).get(modifier).status_code == 403
    # Mode Estime's référent cannot hand it to a project of Halage either.
    response = client_as(habitant_b).post(modifier, donnees(projet=projets["compic"].pk))
    assert response.status_code == 200
    evenement.refresh_from_db()
    assert evenement.projet == projets["tshirt"] and evenement.titre == "Lancement"


def test_la_gestion_supprime_apres_confirmation(gestion, axes):
    evenement = Evenement.objects.create(
        titre="Repas", type="repas", axe=axes[0], date=d(2015, 1, 8)
    )
    url = reverse("projets:evenement-supprimer", args=[evenement.pk])
    client = client_as(gestion)
    assert "Ne rien faire et revenir" in client.get(url).text
    assert Evenement.objects.exists()
    assert client.post(url).url == reverse("projets:evenement-liste")
    assert not Evenement.objects.exists()
    assert EntreeJournal.objects.filter(operation="evenement.supprimer").count() == 1


def test_la_liste_filtre_par_annee_et_par_axe(membre_a, axes):
    for titre, date, date_fin, axe in [
        ("Repas de janvier", d(2015, 1, 8), None, axes[0]),
        ("Chantier international", d(2014, 12, 28), d(2015, 1, 3), axes[1]),
        ("Repas 2014", d(2014, 12, 11), None, axes[0]),
        ("Colloque CNAM", d(2015, 11, 20), None, axes[2]),
    ]:
        Evenement.objects.create(titre=titre, type="autre", axe=axe, date=date, date_fin=date_fin)
    client = client_as(membre_a)
    url = reverse("projets:evenement-liste")
    page = client.get(f"{url}?annee=2015").text
    assert "Repas de janvier" in page and "Chantier international" in page
    assert "Repas 2014" not in page
    page = client.get(f"{url}?annee=2015&axe={axes[0].pk}").text
    assert "Repas de janvier" in page and "Colloque CNAM" not in page


def test_les_evenements_de_l_annee_pour_le_rapport(axes):
    for titre, date, date_fin, axe in [
        ("Colloque CNAM", d(2015, 11, 20), None, axes[2]),
        ("Repas de janvier", d(2015, 1, 8), None, axes[0]),
        ("Chantier international", d(2014, 12, 28), d(2015, 1, 3), axes[1]),
        ("Repas 2014", d(2014, 12, 11), None, axes[0]),
        ("Repas 2016", d(2016, 1, 14), None, axes[0]),
    ]:
        Evenement.objects.create(titre=titre, type="autre", axe=axe, date=date, date_fin=date_fin)
    titres = [e.titre for e in selectors.evenements_de_l_annee(2015)]
    assert titres == ["Chantier international", "Repas de janvier", "Colloque CNAM"]
    assert [e.titre for e in selectors.evenements_de_l_annee(2015, axe=axes[0])] == [
        "Repas de janvier"
    ]


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [
        ("titre", ""),
        ("titre", "x" * 301),
        ("titre", "Repas\x00"),
        ("type", "banquet"),
        ("axe", "999999999999999999999"),
        ("projet", "abc"),
        ("date", "2015-02-30"),
        ("date", "0001-01-01"),
        ("date_fin", "9999-12-31"),
        ("lieu", "x" * 201),
        ("structures", "-1"),
        ("description", "x" * 5001),
    ],
)
def test_une_saisie_absurde_est_refusee_en_francais_sans_rien_ecrire(gestion, axes, champ, valeur):
    response = client_as(gestion).post(NOUVEAU, donnees(**{"axe": axes[0].pk, champ: valeur}))
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.text or "is-invalid" in response.text
    assert not Evenement.objects.exists()
    assert not EntreeJournal.objects.exists()
