"""Registre des associés : qui est associé un jour donné, le nombre par catégorie et les
alertes ; admettre, modifier, sortir ; les refus en français, sans rien écrire ; la marque
« associée » sur les pages des habitants."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gouvernance import selectors
from gouvernance.models import Associe, DemandeRetrait
from gouvernance.services import GouvernanceError, capital, registre
from habitants.models import Membre
from phares.models import EntreeJournal
from tests.conftest import client_as, make_user
from tests.gouvernance.registre.conftest import (
    SYSTEME,
    associe_structure,
    etat_base,
    lisible,
    structure,
)

pytestmark = pytest.mark.django_db
d = datetime.date


# --- Le registre à une date ---------------------------------------------------------------


@pytest.fixture
def historique(halage, solibio):
    """Halage associée depuis 2014 ; Solibio de 2014 à fin juin 2015 ; Mael à partir
    d'octobre 2015 ; la salariée depuis 2014."""
    mael = structure("Mael", arrivee=d(2015, 10, 1))
    salariee = make_user("salariee@phares.test", first_name="Anne", last_name="Hurand")
    h = associe_structure(halage)
    s = associe_structure(solibio)
    registre.sortir_associe(associe=s, sortie=d(2015, 6, 30), motif="demission", par=SYSTEME)
    m = associe_structure(mael, entree=d(2015, 10, 1), decision_admission_ref="2015-09-D01")
    e = registre.admettre_associe(
        personne=salariee, categorie="salaries", entree=d(2014, 6, 1), par=SYSTEME
    )
    return {"halage": h, "solibio": s, "mael": m, "salariee": e}


@pytest.mark.parametrize(
    ("le", "attendus"),
    [
        (d(2014, 5, 31), set()),
        (d(2014, 6, 1), {"halage", "solibio", "salariee"}),
        (d(2015, 6, 30), {"halage", "solibio", "salariee"}),  # the exit day is included
        (d(2015, 7, 1), {"halage", "salariee"}),
        (d(2015, 10, 1), {"halage", "mael", "salariee"}),
    ],
)
def test_registre_a_une_date(historique, le, attendus):
    noms = {v.pk: k for k, v in historique.items()}
    assert {noms[a.pk] for a in selectors.associes_le(le)} == attendus


def test_nombre_par_categorie_a_une_date(historique):
    comptage = {c.code: c.nombre for c in selectors.comptage_par_categorie(d(2015, 7, 1))}
    assert comptage == {
        "salaries": 1,
        "beneficiaires": 1,
        "partenaires": 0,
        "collectivites": 0,
        "autres": 0,
    }


def test_la_page_montre_le_registre_du_jour_choisi(historique, gestion):
    client = client_as(gestion)
    page = client.get(reverse("gouvernance:registre"), {"le": "2015-07-01"}).text
    assert "Registre des associés au 1er juillet 2015" in page
    assert "Halage" in page and "Anne Hurand" in page
    assert "Solibio" not in page and "Mael" not in page
    assert "2 associés au 1er juil. 2015" in page

    sortis = client.get(reverse("gouvernance:registre"), {"le": "2015-07-01", "etat": "sortis"})
    assert "Solibio" in sortis.text and "Halage" not in sortis.text
    a_venir = client.get(reverse("gouvernance:registre"), {"le": "2015-07-01", "etat": "a_venir"})
    assert "Mael" in a_venir.text and "2015-09-D01" in a_venir.text


@pytest.mark.parametrize(
    ("filtres", "attendus"),
    [
        ({"etat": "tous", "categorie": "salaries"}, {"Anne Hurand"}),
        ({"etat": "tous", "q": "solib"}, {"Solibio"}),
        ({"etat": "tous", "q": "Représentant de Mael"}, {"Mael"}),
        ({"etat": "tous", "q": "2015-09"}, {"Mael"}),
        ({"etat": "tous"}, {"Halage", "Solibio", "Mael", "Anne Hurand"}),
    ],
)
def test_filtres_du_registre(historique, gestion, filtres, attendus):
    response = client_as(gestion).get(reverse("gouvernance:registre"), filtres)
    lignes = {str(a) for a, _solde in response.context["lignes"]}
    assert lignes == attendus


def test_une_date_illisible_donne_le_registre_du_jour(historique, associe):
    response = client_as(associe).get(reverse("gouvernance:registre"), {"le": "2015-02-30"})
    assert response.status_code == 200
    assert response.context["le"] == d(2016, 3, 1)
    assert "Saisissez une date valide" in response.text


# --- Alertes ------------------------------------------------------------------------------


def test_alerte_quand_une_categorie_obligatoire_est_vide(halage_associee):
    alertes = [a.message for a in selectors.alertes_registre(d(2015, 1, 1))]
    assert len(alertes) == 1
    assert "Aucun associé dans la catégorie « Salariés »" in alertes[0]
    assert "art. 19 septies" in alertes[0]
    # Before anyone joined, both mandatory categories are empty.
    assert len(selectors.alertes_registre(d(2014, 1, 1))) == 2


def test_pas_d_alerte_quand_les_categories_obligatoires_sont_tenues(historique):
    assert selectors.alertes_registre(d(2015, 1, 1)) == []


@pytest.mark.parametrize(
    ("plafond", "alerte", "niveau", "texte"),
    [
        (10, 3, "warning", "le plafond de 10 associés d'une SARL approche"),
        (3, 2, "warning", "il en reste 0"),
        (2, 2, "danger", "3 associés pour un plafond de 2"),
        (10, 4, None, None),
    ],
)
def test_alerte_du_plafond_des_associes(historique, settings, plafond, alerte, niveau, texte):
    settings.PHARES_GOUVERNANCE = {"PLAFOND_ASSOCIES": plafond, "ALERTE_PLAFOND_ASSOCIES": alerte}
    alertes = selectors.alertes_registre(d(2015, 1, 1))  # 3 associates that day
    if niveau is None:
        assert alertes == []
    else:
        assert [a.niveau for a in alertes] == [niveau]
        assert texte in alertes[0].message and "L223-3" in alertes[0].message


def test_les_alertes_sont_sur_la_page(halage_associee, associe, settings):
    settings.PHARES_GOUVERNANCE = {"PLAFOND_ASSOCIES": 2, "ALERTE_PLAFOND_ASSOCIES": 2}
    # The `associe` persona (salariés) and Halage: 2 of 2.
    page = client_as(associe).get(reverse("gouvernance:registre")).text
    assert "le plafond de 2 associés d&#x27;une SARL approche" in page
    assert "Aucun associé dans la catégorie" not in page


# --- Admettre -----------------------------------------------------------------------------


def test_admettre_une_structure_representee(halage, gestion, referent_a):
    client = client_as(gestion)
    response = client.post(
        reverse("gouvernance:associe-nouveau"),
        {
            "structure": halage.pk,
            "representant": referent_a.pk,
            "categorie": "beneficiaires",
            "entree": "2015-03-01",
            "decision_admission_ref": "2015-02-D02",
        },
    )
    associe = Associe.objects.get(structure=halage)
    assert response.status_code == 302
    assert response.url == reverse("gouvernance:associe-detail", args=[associe.pk])
    assert (associe.representant, associe.entree, associe.decision_admission_ref) == (
        referent_a,
        d(2015, 3, 1),
        "2015-02-D02",
    )
    entree = EntreeJournal.objects.get(operation="associe.admettre")
    assert entree.structure_id == halage.pk and entree.par == gestion
    assert entree.libelle == "Associé admis : Halage (bénéficiaires) le 01/03/2015"


def test_un_cogerant_admet_une_personne_sans_compte(cogerant):
    response = client_as(cogerant).post(
        reverse("gouvernance:associe-nouveau"),
        {"nom": "  Jeanne   Fondatrice ", "categorie": "autres", "entree": "2015-01-01"},
    )
    assert response.status_code == 302
    associe = Associe.objects.get(nom="Jeanne Fondatrice")
    assert str(associe) == "Jeanne Fondatrice" and associe.representant_libelle == ""


DONNEES = {"categorie": "beneficiaires", "entree": "2015-03-01"}


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        (
            {"structure": "$halage", "personne": "$membre", "representant_nom": "X"},
            "choisissez-en un seul",
        ),
        ({}, "choisissez-en un seul"),
        ({"structure": "$halage"}, "Indiquez qui représente la structure"),
        (
            {"structure": "$halage", "representant": "$membre", "representant_nom": "X"},
            "pas les deux",
        ),
        ({"personne": "$membre", "representant_nom": "X"}, "Seule une structure associée"),
        ({"structure": "$halage", "representant_nom": "X", "entree": "2015-02-30"}, "date valide"),
        ({"structure": "$halage", "representant_nom": "X", "categorie": "college"}, "valide"),
        (
            {"structure": "$halage", "representant_nom": "X", "entree": "2016-01-01"},
            "Halage est déjà associé depuis le 1er juin 2014",
        ),
        (
            {"structure": "$halage", "representant_nom": "X", "entree": "2013-01-01"},
            "on n'est associé qu'une fois à la fois",
        ),
    ],
)
def test_une_admission_fausse_est_refusee_en_francais_sans_rien_ecrire(
    halage_associee, halage, membre_a, gestion, saisie, message
):
    valeurs = {"$halage": halage.pk, "$membre": membre_a.pk}
    data = {**DONNEES, **{k: valeurs.get(v, v) for k, v in saisie.items()}}
    avant = etat_base()
    response = client_as(gestion).post(reverse("gouvernance:associe-nouveau"), data)
    assert response.status_code == 200
    assert message in lisible(response.text)
    assert etat_base() == avant


def test_une_personne_deja_associee_sur_ces_dates(associe, gestion):
    avant = etat_base()
    with pytest.raises(GouvernanceError, match="Alix Associé est déjà associé depuis le 1er juin"):
        registre.admettre_associe(
            personne=associe, categorie="autres", entree=d(2015, 1, 1), par=SYSTEME
        )
    assert etat_base() == avant


def test_une_personne_sans_compte_deja_associee_meme_en_changeant_la_casse(db):
    registre.admettre_associe(
        nom="Jeanne Fondatrice", categorie="autres", entree=d(2015, 1, 1), par=SYSTEME
    )
    with pytest.raises(GouvernanceError, match="déjà associé"):
        registre.admettre_associe(
            nom="jeanne fondatrice", categorie="autres", entree=d(2015, 6, 1), par=SYSTEME
        )


def test_une_structure_archivee_n_est_pas_admise(halage):
    halage.archivee = True
    halage.save()
    with pytest.raises(GouvernanceError, match="est archivée"):
        associe_structure(halage)


def test_readmission_apres_une_sortie(halage_associee, halage):
    registre.sortir_associe(
        associe=halage_associee, sortie=d(2014, 12, 31), motif="demission", par=SYSTEME
    )
    nouvelle = associe_structure(halage, entree=d(2015, 1, 1))
    assert list(selectors.autres_qualites(nouvelle)) == [halage_associee]
    assert selectors.associes_le(d(2015, 1, 1)).get() == nouvelle


def test_la_base_refuse_deux_identites(halage, membre_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Associe.objects.create(
            structure=halage, personne=membre_a, categorie="autres", entree=d(2015, 1, 1)
        )


# --- Modifier -----------------------------------------------------------------------------


def test_modifier_categorie_representant_et_decision(halage_associee, cogerant, referent_a):
    client = client_as(cogerant)
    url = reverse("gouvernance:associe-modifier", args=[halage_associee.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "categorie": "partenaires",
            "entree": "2014-06-01",
            "representant": referent_a.pk,
            "decision_admission_ref": "2014-05-D01",
        },
    )
    assert response.status_code == 302
    halage_associee.refresh_from_db()
    assert halage_associee.categorie == "partenaires"
    assert halage_associee.representant == referent_a
    assert halage_associee.representant_nom == ""
    entree = EntreeJournal.objects.get(operation="associe.modifier")
    assert entree.changements["catégorie"] == ["Bénéficiaires", "Partenaires"]


def test_l_entree_ne_passe_pas_apres_la_premiere_souscription(halage_associee, gestion):
    capital.souscrire(associe=halage_associee, date=d(2014, 6, 1), parts=2, par=SYSTEME)
    avant = etat_base()
    response = client_as(gestion).post(
        reverse("gouvernance:associe-modifier", args=[halage_associee.pk]),
        {"categorie": "beneficiaires", "entree": "2015-01-01", "representant_nom": "X"},
    )
    assert "a souscrit des parts le 1er juin 2014" in response.text
    assert etat_base() == avant


def test_une_personne_n_a_pas_de_champ_representant(associe, gestion):
    qualite = Associe.objects.get(personne=associe)
    response = client_as(gestion).get(reverse("gouvernance:associe-modifier", args=[qualite.pk]))
    assert "representant" not in response.context["form"].fields


# --- Sortir -------------------------------------------------------------------------------


def test_la_sortie_enregistre_la_demande_de_remboursement(halage_associee, gestion):
    capital.souscrire(associe=halage_associee, date=d(2014, 6, 1), parts=4, par=SYSTEME)
    response = client_as(gestion).post(
        reverse("gouvernance:associe-sortie", args=[halage_associee.pk]),
        {
            "sortie": "2015-12-31",
            "motif": "perte_qualite",
            "precisions": "Départ du lieu",
            "demander_remboursement": "on",
        },
    )
    assert response.status_code == 302
    halage_associee.refresh_from_db()
    assert (halage_associee.sortie, halage_associee.motif_sortie) == (
        d(2015, 12, 31),
        "perte_qualite",
    )
    demande = DemandeRetrait.objects.get(associe=halage_associee)
    assert (demande.parts, demande.date) == (4, d(2015, 12, 31))
    assert [e.operation for e in EntreeJournal.objects.order_by("pk")][-2:] == [
        "associe.sortir",
        "capital.demande_retrait",
    ]


def test_une_sortie_sans_demande_de_remboursement(halage_associee):
    capital.souscrire(associe=halage_associee, date=d(2014, 6, 1), parts=4, par=SYSTEME)
    registre.sortir_associe(
        associe=halage_associee,
        sortie=d(2015, 12, 31),
        motif="exclusion",
        par=SYSTEME,
        demander_remboursement=False,
    )
    assert not DemandeRetrait.objects.exists()


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ({"sortie": "2014-05-31"}, "La sortie (31 mai 2014) ne peut pas précéder l'entrée"),
        ({"motif": ""}, "Ce champ est obligatoire"),
        ({"sortie": "2015-01-31"}, "a une souscription le 1er février 2015, après cette sortie"),
    ],
)
def test_une_sortie_fausse_est_refusee_sans_rien_ecrire(halage_associee, gestion, saisie, message):
    capital.souscrire(associe=halage_associee, date=d(2015, 2, 1), parts=1, par=SYSTEME)
    avant = etat_base()
    data = {"sortie": "2015-12-31", "motif": "demission", **saisie}
    response = client_as(gestion).post(
        reverse("gouvernance:associe-sortie", args=[halage_associee.pk]), data
    )
    assert response.status_code == 200
    assert message in lisible(response.text)
    assert etat_base() == avant


def test_la_sortie_d_une_structure_ne_chevauche_pas_sa_readmission(halage_associee, halage):
    registre.sortir_associe(
        associe=halage_associee, sortie=d(2014, 12, 31), motif="demission", par=SYSTEME
    )
    associe_structure(halage, entree=d(2015, 1, 1))
    with pytest.raises(GouvernanceError, match="déjà associé depuis le 1er janvier 2015"):
        registre.sortir_associe(
            associe=halage_associee, sortie=d(2015, 3, 1), motif="demission", par=SYSTEME
        )


# --- Qui est associé ----------------------------------------------------------------------


def test_est_associe_en_personne_par_representation_ou_par_sa_structure(halage, membre_a):
    representant = make_user("rep@exemple.test")
    registre.admettre_associe(
        structure=halage,
        representant=representant,
        categorie="beneficiaires",
        entree=d(2015, 1, 1),
        par=SYSTEME,
    )
    le = d(2015, 6, 1)
    assert selectors.est_associe(representant, le=le)
    assert selectors.est_associe(membre_a, le=le)  # member of Halage since 1 January 2015
    assert not selectors.est_associe(membre_a, le=d(2014, 12, 31))
    Membre.objects.filter(user=membre_a).update(fin=d(2015, 3, 31))
    assert not selectors.est_associe(membre_a, le=le)


def test_un_membre_d_une_structure_associee_lit_le_registre(halage_associee, membre_a, habitant_b):
    assert client_as(membre_a).get(reverse("gouvernance:registre")).status_code == 200
    assert client_as(habitant_b).get(reverse("gouvernance:registre")).status_code == 403


def test_un_associe_lit_mais_n_ecrit_pas(halage_associee, associe):
    client = client_as(associe)
    fiche = client.get(reverse("gouvernance:associe-detail", args=[halage_associee.pk])).text
    assert "Enregistrer la sortie" not in fiche and "Souscrire des parts" not in fiche
    avant = etat_base()
    response = client.post(
        reverse("gouvernance:associe-sortie", args=[halage_associee.pk]),
        {"sortie": "2015-12-31", "motif": "demission"},
    )
    assert response.status_code == 403
    assert etat_base() == avant


# --- Les pages des habitants marquent les associées ----------------------------------------


def test_les_pages_des_habitants_marquent_les_associees(halage_associee, halage, gestion, membre_a):
    capital.souscrire(associe=halage_associee, date=d(2014, 6, 1), parts=3, par=SYSTEME)
    fiche = client_as(gestion).get(reverse("habitants:structure-detail", args=[halage.slug]))
    assert "Associée de la SCIC" in fiche.text
    assert "représentée par Représentant de Halage ; 3 parts" in fiche.text
    assert reverse("gouvernance:associe-detail", args=[halage_associee.pk]) in fiche.text
    liste = client_as(gestion).get(reverse("habitants:structure-liste"), {"associe": "oui"})
    assert [s.nom for s in liste.context["page"]] == ["Halage"]
    annuaire = client_as(membre_a).get(reverse("habitants:annuaire")).text
    assert "Associée de la SCIC" in annuaire


def test_la_fiche_ne_marque_que_l_associee_du_jour(halage_associee, halage, gestion):
    """Le badge de l'en-tête et l'encart lisent la même qualité d'associée (une lecture) :
    une ancienne associée garde l'encart (« A été associée »), plus le badge."""
    url = reverse("habitants:structure-detail", args=[halage.slug])
    badge = "<strong>Associée de la SCIC</strong>"
    assert badge in client_as(gestion).get(url).text

    halage_associee.sortie = d(2015, 12, 31)
    halage_associee.motif_sortie = "demission"
    halage_associee.save()
    fiche = client_as(gestion).get(url).text

    assert badge not in fiche and "A été associée du" in fiche


def test_la_comptabilite_voit_l_encart_sans_lien_vers_le_registre(
    halage_associee, halage, comptable
):
    fiche = client_as(comptable).get(reverse("habitants:structure-detail", args=[halage.slug]))
    assert "Associée de la SCIC" in fiche.text
    assert reverse("gouvernance:associe-detail", args=[halage_associee.pk]) not in fiche.text


def test_le_menu_gouvernance_suit_les_droits(
    halage_associee, gestion, associe, cogerant, comptable
):
    for user in (gestion, associe, cogerant):
        assert 'href="/gouvernance/associes/"' in client_as(user).get("/").text
    assert "/gouvernance/" not in client_as(comptable).get("/").text


def test_les_utilisateurs_sont_nommes_avec_leur_adresse(gestion):
    page = client_as(gestion).get(reverse("gouvernance:associe-nouveau")).text
    assert "Anne Hurand (gestion@phares.test)" in page
    assert get_user_model().objects.count() == 1


def test_le_registre_est_trie_par_nom_sur_toutes_les_bases(historique, gestion):
    """Structures et personnes mêlées, par nom (une personne par son nom de famille) : pas
    d'abord les personnes sur SQLite et à la fin sur PostgreSQL."""
    response = client_as(gestion).get(reverse("gouvernance:registre"), {"etat": "tous"})
    assert [str(a) for a, _solde in response.context["lignes"]] == [
        "Halage",
        "Anne Hurand",
        "Mael",
        "Solibio",
    ]


def test_les_mandats_suivent_l_ordre_des_fonctions(cogerant, referent_a):
    from gouvernance.services import mandats

    mandats.nommer(personne=referent_a, fonction="tresorier", debut=d(2015, 1, 1), par=SYSTEME)
    mandats.nommer(personne=referent_a, fonction="president", debut=d(2015, 1, 1), par=SYSTEME)
    fonctions = [m.fonction for m in selectors.mandats_le(d(2015, 6, 1))]
    assert fonctions == ["cogerant", "president", "tresorier"]
