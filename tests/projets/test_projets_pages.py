"""Les pages des projets collectifs : liste filtrée, création et modification par la gestion
et par un·e référent·e, participants, journal du projet ; refus et saisies fautives."""

import datetime

import pytest
from django.urls import reverse
from django.utils.text import slugify

from habitants.models import Structure
from habitants.projets.models import Jalon, Partenaire, Participation, Projet
from phares.models import EntreeJournal
from tests.conftest import client_as


def projet_de(structure, axe, *, nom="Jardin partagé", debut=datetime.date(2015, 3, 1), **kw):
    projet = Projet.objects.create(
        nom=nom, slug=kw.pop("slug", slugify(nom)), axe=axe, debut=debut, **kw
    )
    Participation.objects.create(projet=projet, structure=structure, role="porteur")
    return projet


def donnees(axe, *porteurs, partenaires=(), **kw):
    return {
        "nom": "Marque de T-shirts bio",
        "axe": axe.pk,
        "resume": "Une marque commune, équitable.",
        "description": "",
        "statut": "en_cours",
        "debut": "2015-03-01",
        "fin": "2015-12-31",
        "porteurs": [s.pk for s in porteurs],
        "structures_partenaires": [s.pk for s in partenaires],
        **kw,
    }


URL_NOUVEAU = reverse("projets:projet-nouveau")


# --- création -----------------------------------------------------------------------------


def test_la_gestion_cree_un_projet_public_avec_porteur_et_partenaires(
    gestion, axes, structure_a, structure_b
):
    cdc = Partenaire.objects.create(nom="Caisse des dépôts", categorie="etat")
    data = donnees(axes[1], structure_a, partenaires=[structure_b], public="on")
    data["partenaires"] = [cdc.pk]
    response = client_as(gestion).post(URL_NOUVEAU, data)

    projet = Projet.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projets:projet-detail", args=[projet.slug])
    assert projet.slug == "marque-de-t-shirts-bio"
    assert projet.public and projet.cree_par == gestion
    assert list(projet.partenaires.all()) == [cdc]
    roles = dict(projet.participations.values_list("structure__slug", "role"))
    assert roles == {"halage": "porteur", "mode-estime": "partenaire"}
    creation = EntreeJournal.objects.get(operation="projet.creer")
    assert creation.structure_id == structure_a.pk and creation.par == gestion
    # Mode Estime finds the project in its own history.
    assert EntreeJournal.objects.filter(
        operation="projet.participant.ajouter", structure_id=structure_b.pk
    ).exists()


def test_un_referent_cree_un_projet_porte_par_sa_structure(referent_a, axes, structure_a):
    client = client_as(referent_a)
    page = client.get(URL_NOUVEAU)
    assert page.status_code == 200
    # Their structure is ticked already; the "public" box is not theirs to tick.
    assert [s.pk for s in page.context["form"].initial["porteurs"]] == [structure_a.pk]
    assert "public" not in page.context["form"].fields

    response = client.post(URL_NOUVEAU, donnees(axes[0], structure_a, public="on"))
    assert response.status_code == 302
    projet = Projet.objects.get()
    assert not projet.public
    assert projet.participations.get().structure == structure_a


def test_un_referent_ne_cree_pas_un_projet_porte_par_une_autre_structure(
    referent_a, axes, structure_a, structure_b
):
    response = client_as(referent_a).post(
        URL_NOUVEAU, donnees(axes[0], structure_b, partenaires=[structure_a])
    )
    assert response.status_code == 200
    assert "Une des structures dont vous êtes référent·e doit porter le projet." in response.text
    assert not Projet.objects.exists() and not EntreeJournal.objects.exists()


def test_un_simple_membre_ne_cree_pas_de_projet(membre_a, axes, structure_a):
    client = client_as(membre_a)
    assert client.get(URL_NOUVEAU).status_code == 403
    assert client.post(URL_NOUVEAU, donnees(axes[0], structure_a)).status_code == 403
    assert not Projet.objects.exists()
    assert "Nouveau projet" not in client.get(reverse("projets:projet-liste")).text


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"debut": "2015-06-01", "fin": "2015-05-31"}, "La fin du projet ne peut pas précéder"),
        ({"porteurs": []}, "Choisissez au moins une structure porteuse."),
        ({"nom": ""}, "Ce champ est obligatoire."),
        ({"debut": "31/02/2015"}, "Saisissez une date valide."),
    ],
)
def test_une_saisie_fautive_est_dite_en_francais_et_rien_n_est_ecrit(
    gestion, axes, structure_a, champs, message
):
    response = client_as(gestion).post(URL_NOUVEAU, {**donnees(axes[0], structure_a), **champs})
    assert response.status_code == 200
    assert message in response.text
    assert not Projet.objects.exists() and not Participation.objects.exists()
    assert not EntreeJournal.objects.exists()


def test_une_structure_ne_peut_etre_porteuse_et_partenaire(gestion, axes, structure_a):
    response = client_as(gestion).post(
        URL_NOUVEAU, donnees(axes[0], structure_a, partenaires=[structure_a])
    )
    assert "porteuse ou partenaire, pas les deux" in response.text
    assert not Projet.objects.exists()


def test_deux_projets_du_meme_nom_ont_deux_adresses_et_nouveau_reste_libre(
    gestion, axes, structure_a
):
    client = client_as(gestion)
    client.post(URL_NOUVEAU, donnees(axes[0], structure_a, nom="Nouveau"))
    client.post(URL_NOUVEAU, donnees(axes[0], structure_a, nom="Nouveau"))
    assert sorted(Projet.objects.values_list("slug", flat=True)) == ["nouveau-2", "nouveau-3"]
    assert client.get(URL_NOUVEAU).status_code == 200


# --- modification -------------------------------------------------------------------------


def test_un_referent_participant_modifie_le_projet_et_le_journal_le_dit(
    referent_a, habitant_b, axes, structure_a, structure_b
):
    projet = projet_de(structure_a, axes[1])
    Participation.objects.create(projet=projet, structure=structure_b, role="partenaire")
    url = reverse("projets:projet-modifier", args=[projet.slug])
    # Mode Estime's référente, partner of the project, may edit it too.
    response = client_as(habitant_b).post(
        url,
        {
            "nom": "Jardin partagé des habitants",
            "axe": axes[1].pk,
            "statut": "termine",
            "debut": "2015-03-01",
            "fin": "2015-10-31",
        },
    )
    assert response.status_code == 302
    projet.refresh_from_db()
    assert projet.nom == "Jardin partagé des habitants" and projet.slug == "jardin-partage"
    assert projet.fin == datetime.date(2015, 10, 31)
    entree = EntreeJournal.objects.get(operation="projet.modifier")
    assert entree.structure_id == structure_a.pk
    assert entree.changements["état"] == ["En cours", "Terminé"]


def test_le_referent_d_une_autre_structure_ne_modifie_pas(habitant_b, axes, structure_a):
    projet = projet_de(structure_a, axes[0])
    client = client_as(habitant_b)
    url = reverse("projets:projet-modifier", args=[projet.slug])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"nom": "Pris", "axe": axes[0].pk, "statut": "idee", "debut": "2015-01-01"}
    )
    assert response.status_code == 403
    assert Projet.objects.get().nom == "Jardin partagé"
    detail = client.get(reverse("projets:projet-detail", args=[projet.slug]))
    assert detail.status_code == 200 and "Modifier" not in detail.text


def test_modifier_avec_une_fin_avant_le_debut_n_ecrit_rien(gestion, axes, structure_a):
    projet = projet_de(structure_a, axes[0])
    response = client_as(gestion).post(
        reverse("projets:projet-modifier", args=[projet.slug]),
        {"nom": "X", "axe": axes[0].pk, "statut": "idee", "debut": "2015-06-01",
         "fin": "2015-01-01"},
    )  # fmt: skip
    assert "La fin du projet ne peut pas précéder son début." in response.text
    assert Projet.objects.get().nom == "Jardin partagé"
    assert not EntreeJournal.objects.exists()


# --- participants -------------------------------------------------------------------------


def test_participants_ajout_changement_de_role_et_dernier_porteur_garde(
    referent_a, axes, structure_a, structure_b
):
    projet = projet_de(structure_a, axes[0])
    client = client_as(referent_a)
    url = reverse("projets:projet-participants", args=[projet.slug])
    response = client.post(url, {"structure": structure_b.pk, "role": "partenaire"})
    assert response.status_code == 302
    b = projet.participations.get(structure=structure_b)
    a = projet.participations.get(structure=structure_a)

    # Halage is the only porteur: it can neither become a partner nor leave.
    role_a = reverse("projets:participation-role", args=[projet.slug, a.pk])
    page = client.post(role_a, {f"p{a.pk}-role": "partenaire"}, follow=True)
    assert "Un projet garde au moins une structure porteuse." in page.text
    retirer_a = reverse("projets:participation-retirer", args=[projet.slug, a.pk])
    page = client.post(retirer_a, follow=True)
    assert "Un projet garde au moins une structure porteuse." in page.text
    a.refresh_from_db()
    assert a.role == "porteur"

    # Once Mode Estime carries it too, Halage may step back.
    client.post(
        reverse("projets:participation-role", args=[projet.slug, b.pk]),
        {f"p{b.pk}-role": "porteur"},
    )
    client.post(role_a, {f"p{a.pk}-role": "partenaire"})
    a.refresh_from_db()
    assert a.role == "partenaire"
    assert EntreeJournal.objects.filter(
        operation="projet.participant.role", structure_id=structure_a.pk
    ).exists()
    # The confirmation page asks before removing.
    confirmation = client.get(retirer_a)
    assert 'method="post"' in confirmation.text and "Retirer la structure" in confirmation.text
    client.post(retirer_a)
    assert not projet.participations.filter(structure=structure_a).exists()
    assert EntreeJournal.objects.filter(
        operation="projet.participant.retirer", structure_id=structure_a.pk
    ).exists()


def test_une_structure_deja_participante_n_est_pas_proposee(
    gestion, axes, structure_a, structure_b
):
    projet = projet_de(structure_a, axes[0])
    response = client_as(gestion).post(
        reverse("projets:projet-participants", args=[projet.slug]),
        {"structure": structure_a.pk, "role": "partenaire"},
    )
    assert response.status_code == 200
    assert "Cette structure n&#x27;est pas (ou plus) proposée." in response.text
    assert projet.participations.count() == 1


# --- journal du projet --------------------------------------------------------------------


def test_tenir_le_journal_du_projet(referent_a, membre_a, axes, structure_a):
    projet = projet_de(structure_a, axes[1])
    client = client_as(referent_a)
    response = client.post(
        reverse("projets:jalon-nouveau", args=[projet.slug]),
        {"date": "2015-09-12", "titre": "Accueil du Tour Tandem Alternatiba", "texte": "",
         "dans_le_rapport": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    jalon = Jalon.objects.get()
    assert jalon.dans_le_rapport and jalon.cree_par == referent_a
    detail = client_as(membre_a).get(reverse("projets:projet-detail", args=[projet.slug]))
    assert "Accueil du Tour Tandem Alternatiba" in detail.text
    assert "12 septembre 2015" in detail.text

    client.post(
        reverse("projets:jalon-modifier", args=[projet.slug, jalon.pk]),
        {"date": "2015-09-13", "titre": "Accueil du Tour Tandem Alternatiba"},
    )
    jalon.refresh_from_db()
    assert jalon.date == datetime.date(2015, 9, 13) and not jalon.dans_le_rapport

    supprimer = reverse("projets:jalon-supprimer", args=[projet.slug, jalon.pk])
    assert "Ne rien faire et revenir" in client.get(supprimer).text
    assert Jalon.objects.exists()
    client.post(supprimer)
    assert not Jalon.objects.exists()
    operations = list(
        EntreeJournal.objects.filter(structure_id=structure_a.pk)
        .order_by("pk")
        .values_list("operation", flat=True)
    )
    assert operations == ["projet.jalon.ajouter", "projet.jalon.modifier", "projet.jalon.supprimer"]
    # A plain member reads the log but does not write it.
    assert (
        client_as(membre_a).get(reverse("projets:jalon-nouveau", args=[projet.slug])).status_code
        == 403
    )


# --- liste et filtres ---------------------------------------------------------------------


@pytest.fixture
def trois_projets(axes, structure_a, structure_b):
    jardin = projet_de(structure_a, axes[1], nom="Jardin", debut=datetime.date(2014, 5, 1),
                       fin=datetime.date(2015, 1, 1))  # fmt: skip
    Participation.objects.create(projet=jardin, structure=structure_b, role="partenaire")
    tshirt = projet_de(structure_b, axes[1], nom="T-shirts", debut=datetime.date(2015, 12, 31),
                       statut="idee")  # fmt: skip
    compic = projet_de(structure_a, axes[2], nom="COMPIC", debut=datetime.date(2016, 1, 1))
    return jardin, tshirt, compic


@pytest.mark.parametrize(
    ("query", "attendus"),
    [
        ("", {"Jardin", "T-shirts", "COMPIC"}),
        # Active at least one day of 2015: ended on 1 January, started on 31 December.
        ("?annee=2015", {"Jardin", "T-shirts"}),
        ("?annee=2014", {"Jardin"}),
        ("?annee=2017", {"T-shirts", "COMPIC"}),
        ("?annee=2013", set()),
        ("?statut=idee", {"T-shirts"}),
        ("?q=compi", {"COMPIC"}),
        ("?structure=$b", {"Jardin", "T-shirts"}),
        ("?axe=$axe3", {"COMPIC"}),
        ("?annee=abc&statut=inconnu", {"Jardin", "T-shirts", "COMPIC"}),
    ],
)
def test_filtres_de_la_liste(membre_a, axes, structure_b, trois_projets, query, attendus):
    query = query.replace("$b", str(structure_b.pk)).replace("$axe3", str(axes[2].pk))
    response = client_as(membre_a).get(reverse("projets:projet-liste") + query)
    assert response.status_code == 200
    assert {p.nom for p in response.context["page"]} == attendus


def test_la_liste_montre_axe_etat_dates_et_porteurs(associe, trois_projets):
    text = client_as(associe).get(reverse("projets:projet-liste")).text
    assert "Mode Estime" in text and "Idée" in text and "31 déc. 2015" in text
    assert "Vie du pôle" in text  # the main navigation entry


# --- fiche d'une structure -----------------------------------------------------------------


def test_la_fiche_et_mon_espace_listent_les_projets_de_la_structure(
    gestion, membre_a, structure_a, trois_projets
):
    fiche = client_as(gestion).get(reverse("habitants:structure-detail", args=["halage"]))
    assert "Projets collectifs" in fiche.text
    assert "Jardin" in fiche.text and "COMPIC" in fiche.text and "T-shirts" not in fiche.text
    espace = client_as(membre_a).get(reverse("habitants:mon-espace", args=["halage"]))
    assert "COMPIC" in espace.text


def test_le_detail_montre_financements_et_partenaires(membre_a, axes, structure_a):
    from decimal import Decimal

    from habitants.projets.models import Subvention

    projet = projet_de(structure_a, axes[0])
    region = Partenaire.objects.create(nom="Région Île-de-France", categorie="region")
    projet.partenaires.add(region)
    Subvention.objects.create(
        financeur=region, projet=projet, intitule="Amorçage", statut="accordee",
        montant_demande=Decimal("12000"), montant_accorde=Decimal("10000"),
        montant_recu=Decimal("5000"), debut=datetime.date(2014, 1, 1),
        fin=datetime.date(2016, 12, 31),
    )  # fmt: skip
    text = client_as(membre_a).get(reverse("projets:projet-detail", args=[projet.slug])).text
    assert "Région Île-de-France" in text and "Amorçage" in text
    assert "10\u202f000,00\u00a0€" in text or "10 000,00" in text.replace("\u202f", " ")


def test_structure_partie_pas_proposee_comme_porteuse(gestion, axes, structure_a, domaine):
    partie = Structure.objects.create(
        nom="Partie", slug="partie", domaine=domaine, arrivee=datetime.date(2010, 1, 1),
        depart=datetime.date(2012, 1, 1),
    )  # fmt: skip
    form = client_as(gestion).get(URL_NOUVEAU).context["form"]
    assert partie not in form.fields["porteurs"].queryset


def test_le_detail_montre_evenements_et_photos_du_projet(referent_a, membre_a, axes, structure_a):
    from habitants.projets.models import Evenement

    projet = projet_de(structure_a, axes[1])
    Evenement.objects.create(
        titre="Fête des récoltes", type="rencontre", axe=axes[1], projet=projet,
        date=datetime.date(2015, 9, 20),
    )  # fmt: skip
    text = client_as(membre_a).get(reverse("projets:projet-detail", args=[projet.slug])).text
    assert "Fête des récoltes" in text and "Aucune photo pour l'instant." in text
    assert "Ajouter une photo" not in text
    text = client_as(referent_a).get(reverse("projets:projet-detail", args=[projet.slug])).text
    assert f"/photos/nouvelle/?projet={projet.slug}" in text
