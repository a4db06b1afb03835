"""Subventions : l'équipe les lit (la comptabilité sans rien modifier), la gestion les
enregistre ; une saisie incohérente est refusée en français et rien n'est écrit."""

import datetime
from decimal import Decimal

import pytest

from habitants.projets.models import Partenaire, Projet, Subvention
from phares.models import EntreeJournal
from tests.conftest import client_as

LISTE = "/subventions/"
NOUVELLE = "/subventions/nouvelle/"


@pytest.fixture
def financeurs(db):
    return {
        "etat": Partenaire.objects.create(nom="Caisse des Dépôts", categorie="etat"),
        "region": Partenaire.objects.create(nom="Région Île-de-France", categorie="region"),
        "ccah": Partenaire.objects.create(nom="CCAH", categorie="association"),
    }


@pytest.fixture
def projet(axes):
    return Projet.objects.create(
        nom="Travaux du rez-de-chaussée", slug="travaux", axe=axes[0], debut="2015-01-01"
    )


def saisie(financeur, **extra):
    return {
        "financeur": financeur.pk,
        "projet": "",
        "intitule": "Fonctionnement du PTCE",
        "reference": "PTCE-2014",
        "statut": "accordee",
        "montant_demande": "12 500,50",
        "montant_accorde": "12 000",
        "montant_recu": "4 000,00",
        "debut": "2014-01-01",
        "fin": "2016-12-31",
        "date_demande": "2013-10-01",
        "date_decision": "2013-12-15",
        "notes": "",
        **extra,
    }


def creer(financeur, **champs):
    valeurs = {
        "intitule": "Fonctionnement",
        "statut": Subvention.Statut.ACCORDEE,
        "montant_demande": Decimal(1000),
        "montant_accorde": Decimal(1000),
        "montant_recu": Decimal(0),
        "debut": datetime.date(2015, 1, 1),
        "fin": datetime.date(2015, 12, 31),
        **champs,
    }
    return Subvention.objects.create(financeur=financeur, **valeurs)


def test_la_gestion_enregistre_une_subvention_a_la_francaise(financeurs, gestion):
    response = client_as(gestion).post(NOUVELLE, saisie(financeurs["etat"]))

    subvention = Subvention.objects.get()
    assert response.status_code == 302
    assert response.url == f"/subventions/{subvention.pk}/"
    assert subvention.montant_demande == Decimal("12500.50")
    assert subvention.montant_accorde == Decimal("12000")
    assert subvention.montant_recu == Decimal("4000")
    assert subvention.projet is None
    entree = EntreeJournal.objects.get(operation="subvention.creer")
    assert entree.par == gestion
    assert entree.changements["montant demandé (€)"] == ["—", "12500.5"]

    page = client_as(gestion).get(response.url).content.decode()
    assert "12\u202f500,50\u00a0€" in page or "12\u202f500,50 €" in page


def test_la_gestion_modifie_et_le_journal_garde_avant_apres(financeurs, gestion):
    subvention = creer(financeurs["region"])

    response = client_as(gestion).post(
        f"/subventions/{subvention.pk}/modifier/",
        saisie(financeurs["region"], statut="soldee", montant_accorde="1 000", montant_recu="1000"),
    )

    assert response.status_code == 302
    subvention.refresh_from_db()
    assert subvention.statut == "soldee" and subvention.montant_recu == Decimal(1000)
    entree = EntreeJournal.objects.get(operation="subvention.modifier")
    assert entree.changements["état"] == ["Accordée", "Soldée"]


def test_une_demande_sans_montant_accorde_ni_recu(financeurs, gestion):
    response = client_as(gestion).post(
        NOUVELLE,
        saisie(
            financeurs["ccah"],
            statut="demandee",
            montant_accorde="",
            montant_recu="",
            date_decision="",
        ),
    )

    assert response.status_code == 302
    subvention = Subvention.objects.get()
    assert subvention.montant_accorde is None and subvention.montant_recu == 0


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        ({"montant_demande": "-10"}, "montant_demande", "ne peut pas être négatif"),
        ({"montant_accorde": "-1"}, "montant_accorde", "ne peut pas être négatif"),
        ({"fin": "2013-12-31"}, "fin", "La fin de la période ne peut pas précéder son début."),
        (
            {"montant_recu": "12 000,01"},
            "montant_recu",
            "Le montant reçu ne peut pas dépasser le montant accordé.",
        ),
        ({"montant_demande": "12,5,0"}, "montant_demande", "Saisissez un nombre en euros"),
        ({"montant_recu": "beaucoup"}, "montant_recu", "Saisissez un nombre en euros"),
        ({"montant_accorde": ""}, "montant_accorde", "a un montant accordé : saisissez-le"),
        (
            {"statut": "demandee", "date_decision": ""},
            "montant_accorde",
            "Une subvention demandée n'a pas de montant accordé",
        ),
        (
            {"statut": "refusee", "montant_accorde": ""},
            "montant_recu",
            "Une subvention refusée n'a rien versé",
        ),
        (
            {"statut": "demandee", "montant_accorde": "", "montant_recu": ""},
            "date_decision",
            "Une demande en attente n'a pas de date de décision",
        ),
        (
            {"date_decision": "2013-09-01"},
            "date_decision",
            "La décision ne peut pas précéder le dépôt de la demande.",
        ),
        ({"debut": "0001-01-01"}, "debut", "Les dates vont de 1900 à 2999."),
    ],
    ids=[
        "demande-negatif",
        "accorde-negatif",
        "fin-avant-debut",
        "recu-plus-que-accorde",
        "nombre-illisible",
        "texte",
        "accordee-sans-montant",
        "demandee-avec-accorde",
        "refusee-avec-recu",
        "demandee-avec-decision",
        "decision-avant-demande",
        "date-hors-bornes",
    ],
)
def test_une_saisie_incoherente_est_refusee_en_francais_sans_rien_ecrire(
    financeurs, gestion, champs, champ, message
):
    response = client_as(gestion).post(NOUVELLE, saisie(financeurs["etat"], **champs))

    assert response.status_code == 200
    erreurs = response.context["form"].errors[champ]
    assert any(message in e for e in erreurs), erreurs
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Subvention.objects.exists()
    assert not EntreeJournal.objects.exists()


def test_une_modification_refusee_ne_change_rien(financeurs, gestion):
    subvention = creer(financeurs["etat"], montant_recu=Decimal(500))

    response = client_as(gestion).post(
        f"/subventions/{subvention.pk}/modifier/",
        saisie(financeurs["etat"], montant_accorde="1 000", montant_recu="1 500"),
    )

    assert response.status_code == 200
    subvention.refresh_from_db()
    assert subvention.montant_recu == Decimal(500) and subvention.intitule == "Fonctionnement"
    assert not EntreeJournal.objects.exists()


def test_un_partenaire_archive_ne_finance_pas_une_nouvelle_subvention(financeurs, gestion):
    Partenaire.objects.filter(pk=financeurs["ccah"].pk).update(archive=True)

    response = client_as(gestion).post(NOUVELLE, saisie(financeurs["ccah"]))

    assert response.status_code == 200
    assert "financeur" in response.context["form"].errors
    assert not Subvention.objects.exists()


def test_liste_filtree_et_totaux_de_la_selection(financeurs, projet, comptable):
    creer(
        financeurs["etat"],
        montant_demande=Decimal(100000),
        montant_accorde=Decimal(90000),
        montant_recu=Decimal(60000),
        debut=datetime.date(2014, 1, 1),
        fin=datetime.date(2016, 12, 31),
    )
    creer(
        financeurs["region"],
        montant_demande=Decimal(50000),
        montant_accorde=Decimal(45000),
        montant_recu=Decimal(15000),
        debut=datetime.date(2014, 1, 1),
        fin=datetime.date(2016, 12, 31),
    )
    creer(
        financeurs["ccah"],
        projet=projet,
        intitule="Travaux",
        montant_demande=Decimal(20000),
        montant_accorde=None,
        statut=Subvention.Statut.DEMANDEE,
        debut=datetime.date(2016, 3, 1),
        fin=datetime.date(2017, 2, 28),
    )
    client = client_as(comptable)

    def lister(**filtres):
        response = client.get(LISTE, filtres)
        assert response.status_code == 200
        return [s.financeur.nom for s in response.context["page"]], response.context["totaux"]

    noms, totaux = lister()
    assert len(noms) == 3
    assert totaux == {
        "demande": Decimal(170000),
        "accorde": Decimal(135000),
        "recu": Decimal(75000),
    }
    assert lister(annee="2015")[0] == ["Caisse des Dépôts", "Région Île-de-France"]
    assert lister(annee="2017")[0] == ["CCAH"]
    assert lister(annee="2013")[0] == []
    assert lister(statut="demandee")[1]["demande"] == Decimal(20000)
    assert lister(objet="projet")[0] == ["CCAH"]
    assert sorted(lister(objet="pole")[0]) == ["Caisse des Dépôts", "Région Île-de-France"]
    noms, totaux = lister(financeur=financeurs["region"].pk)
    assert noms == ["Région Île-de-France"] and totaux["recu"] == Decimal(15000)
    # Garbage in the filters: a message, the whole list, never a 500.
    response = client.get(LISTE, {"annee": "12,5,0"})
    assert response.status_code == 200
    assert "Saisissez une année" in response.content.decode()


def test_la_comptabilite_lit_sans_modifier(financeurs, comptable):
    subvention = creer(financeurs["etat"])
    client = client_as(comptable)

    page = client.get(f"/subventions/{subvention.pk}/").content.decode()
    assert "Modifier" not in page
    assert client.get(NOUVELLE).status_code == 403
    assert client.post(NOUVELLE, saisie(financeurs["etat"])).status_code == 403
    response = client.post(
        f"/subventions/{subvention.pk}/modifier/", saisie(financeurs["etat"], intitule="Autre")
    )
    assert response.status_code == 403
    subvention.refresh_from_db()
    assert subvention.intitule == "Fonctionnement"
    assert Subvention.objects.count() == 1


@pytest.mark.parametrize("persona", ["referent_a", "membre_a", "habitant_b", "cogerant", "associe"])
def test_les_habitants_n_ont_pas_acces_aux_subventions(financeurs, persona, request):
    user = request.getfixturevalue(persona)
    subvention = creer(financeurs["etat"])
    client = client_as(user)

    for url in (LISTE, "/subventions/bilan/", f"/subventions/{subvention.pk}/", NOUVELLE):
        assert client.get(url).status_code == 403, url
    assert client.post(NOUVELLE, saisie(financeurs["etat"])).status_code == 403
    assert Subvention.objects.count() == 1
    # A partner's page shows them no grant.
    page = client.get(f"/partenaires/{financeurs['etat'].pk}/").content.decode()
    assert "Fonctionnement" not in page
