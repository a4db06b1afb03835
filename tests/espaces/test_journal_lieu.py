"""Le bâtiment au journal : chaque opération de l'équipe ou d'un membre (convention, espace,
règles, bâtiment, tarif, forfait, consommation, liens de calendrier) laisse une entrée,
lisible à /journal/ avec la structure concernée ; un refus n'en laisse aucune, et un
service appelé sans acteur refuse de travailler."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from espaces import services
from espaces.models import Batiment, Espace, JetonCalendrier, Ressource, Tarif
from phares.lib.acteur import Acteur
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import NOW, construire_lieu

pytestmark = pytest.mark.django_db

JOURNAL = "/journal/"
d = datetime.date

REGLES = {
    "heure_ouverture": "09:00",
    "heure_fermeture": "18:00",
    "jours_ouverture": "12345",
    "duree_min_minutes": "30",
    "duree_max_minutes": "600",
    "delai_max_jours": "180",
    "preavis_annulation_heures": "24",
    "battement_minutes": "15",
}


@pytest.fixture(autouse=True)
def maintenant(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lieu(structure_a, structure_b):
    return construire_lieu(structure_a)


def entree(operation: str) -> EntreeJournal:
    return EntreeJournal.objects.get(operation=operation)


def au_journal(client, texte: str, **filtres) -> bool:
    page = client.get(JOURNAL, filtres)
    assert page.status_code == 200
    return texte in page.content.decode()


def test_conventions_au_journal_avec_leur_structure(lieu, gestion, structure_b):
    client = client_as(gestion)
    client.post(
        reverse("espaces:convention-nouvelle"),
        {
            "structure": structure_b.pk,
            "espace": lieu.bureau_102.pk,
            "debut": "2026-04-01",
            "notes": "Clés remises",
        },
    )
    convention = lieu.bureau_102.conventions.get()
    client.post(reverse("espaces:convention-terminer", args=[convention.pk]), {"fin": "2027-03-31"})

    creee = entree("convention.creer")
    assert creee.libelle == "Convention : Mode Estime occupe Bureau 102 à partir du 01/04/2026"
    assert (creee.structure_id, creee.par) == (structure_b.pk, gestion)
    assert creee.changements["loyer mensuel HT"] == ["—", "675"]
    assert creee.changements["notes"] == ["—", "Clés remises"]
    terminee = entree("convention.terminer")
    assert terminee.libelle == (
        "Convention terminée : Mode Estime quitte Bureau 102 le 31/03/2027 (dernier jour)"
    )
    assert terminee.changements == {"fin (incluse)": ["—", "31/03/2027"]}
    assert au_journal(client, "Mode Estime occupe Bureau 102", structure=structure_b.pk)
    assert au_journal(client, "Mode Estime quitte Bureau 102", structure=structure_b.pk)


def test_une_convention_refusee_ne_laisse_rien(lieu, gestion, structure_b):
    response = client_as(gestion).post(
        reverse("espaces:convention-nouvelle"),
        {"structure": structure_b.pk, "espace": lieu.bureau_101.pk, "debut": "2026-04-01"},
    )

    assert response.status_code == 200
    assert not EntreeJournal.objects.exists()


def test_espace_cree_puis_modifie_avant_apres(lieu, gestion):
    client = client_as(gestion)
    data = {
        "nom": "Salle B",
        "etage": lieu.etage_1.pk,
        "type": "salle_reunion",
        "capacite": "8",
        "equipements": "Écran",
        "reservable": "on",
    }
    client.post(reverse("espaces:espace-nouveau"), data)
    client.post(
        reverse("espaces:espace-modifier", args=["salle-b"]),
        {**data, "capacite": "12", "ouverte_aux_externes": "on"},
    )

    cree = entree("espace.creer")
    assert cree.libelle == "Espace créé : Salle B"
    assert cree.changements["capacité (personnes)"] == ["—", "8"]
    assert cree.changements["réservable"] == ["—", "oui"]
    modifie = entree("espace.modifier")
    # Only what changed: the capacity, and the room opening to outside organisations.
    assert modifie.changements == {
        "capacité (personnes)": ["8", "12"],
        "réservable par des organisations extérieures": ["non", "oui"],
    }
    assert modifie.objet_type == "espaces.espace"
    assert au_journal(client, "Espace modifié : Salle B")


def test_enregistrer_sans_changement_n_ecrit_rien(lieu, gestion):
    espace = Espace.objects.get(slug="salle-a")
    services.enregistrer_espace(
        espace=espace, reservable=True, ouverte_aux_externes=True, par=acteur(gestion)
    )

    assert not EntreeJournal.objects.exists()


def test_regles_d_une_salle_et_des_velos(lieu, gestion):
    client = client_as(gestion)
    client.post(reverse("espaces:espace-regles", args=["salle-a"]), REGLES)
    client.post(reverse("espaces:velos-regles"), REGLES)

    salle = entree("ressource.regles")
    assert salle.libelle == "Règles de réservation modifiées : Salle A"
    assert salle.changements == {
        "ouverture": ["08:00", "09:00"],
        "fermeture": ["20:00", "18:00"],
        "battement entre deux réservations (min)": ["0", "15"],
    }
    assert salle.objet_type == "espaces.espace"  # in the room's history
    velos = entree("velos.regles")
    assert velos.libelle == "Règles de réservation des vélos modifiées (2 vélos)"
    assert velos.changements["battement entre deux réservations (min)"] == ["0", "15"]
    assert set(Ressource.objects.filter(categorie="velo").values_list("battement_minutes")) == {
        (15,)
    }
    assert au_journal(client, "Règles de réservation des vélos modifiées")


def test_batiment_et_niveaux(lieu, gestion):
    client_as(gestion).post(
        reverse("espaces:batiment-modifier"),
        {
            "nom": "La Cité PHARES",
            "adresse": "6 rue Arnold Géraux",
            "surface_m2": "1350",
            "etages-TOTAL_FORMS": "3",
            "etages-INITIAL_FORMS": "2",
            "etages-0-id": lieu.rdc.pk,
            "etages-0-niveau": "0",
            "etages-0-nom": "Rez-de-chaussée",
            "etages-1-id": lieu.etage_1.pk,
            "etages-1-niveau": "1",
            "etages-1-nom": "1er étage",
            "etages-2-niveau": "-1",
            "etages-2-nom": "Rez-de-chaussée bas",
        },
    )

    assert Batiment.objects.get().nom == "La Cité PHARES"
    e = entree("batiment.modifier")
    assert e.libelle == "Bâtiment modifié : La Cité PHARES"
    assert e.changements == {
        "nom": ["Les PHARES", "La Cité PHARES"],
        "surface totale (m²)": ["3500", "1350"],
        "niveau 1": ["Premier étage", "1er étage"],
        "niveau -1": ["—", "Rez-de-chaussée bas"],
    }


def test_tarifs_forfaits_et_consommations(lieu, gestion, referent_a, structure_a):
    client = client_as(gestion)
    client.post(
        reverse("espaces:tarif-liste"),
        {"code": "velo_heure", "montant_ht": "2", "taux_tva": "20", "debut": "2026-04-01"},
    )
    client.post(
        reverse("espaces:forfaits"),
        {"structure": structure_a.pk, "heures_par_mois": "10", "debut": "2026-03-01"},
    )
    client.post(
        reverse("espaces:forfaits"),
        {"structure": structure_a.pk, "heures_par_mois": "0", "debut": "2026-04-01"},
    )
    client_as(referent_a).post(
        reverse("espaces:consommation-liste"),
        {"structure": structure_a.pk, "service": "affranchissement", "date": "2026-03-02",
         "quantite": "12"},
    )  # fmt: skip

    assert entree("tarif.creer").libelle == (
        "Tarif ajouté : Vélo, à l'heure, 2,00 € HT du 01/04/2026"
    )
    premier, second = EntreeJournal.objects.filter(operation="forfait.definir").order_by("pk")
    assert premier.libelle == "Forfait de salles de Halage : 10 h par mois à partir du 01/03/2026"
    assert second.changements == {"heures incluses par mois": ["10 h par mois", "illimité"]}
    conso = entree("consommation.enregistrer")
    assert conso.libelle == "Affranchissement : 12 × 1,16 € HT pour Halage le 02/03/2026"
    assert (conso.par, conso.structure_id) == (referent_a, structure_a.pk)
    for texte in ("Forfait de salles de Halage", "Affranchissement : 12 × 1,16"):
        assert au_journal(client, texte, structure=structure_a.pk)


def test_les_liens_de_calendrier_au_journal_sans_leur_secret(lieu, membre_a, gestion):
    client = client_as(membre_a)
    page = client.post(reverse("espaces:calendriers"), {"action": "creer"})
    token = page.context["token"]
    client.post(reverse("espaces:calendriers"), {"action": "creer"})
    client.post(reverse("espaces:calendriers"), {"action": "revoquer"})
    # Nothing left to revoke: nothing happens, nothing is written.
    client.post(reverse("espaces:calendriers"), {"action": "revoquer"})

    assert list(EntreeJournal.objects.order_by("pk").values_list("operation", "libelle")) == [
        ("calendrier.creer", "Liens d'abonnement aux calendriers créés"),
        (
            "calendrier.creer",
            "Liens d'abonnement aux calendriers créés (les précédents sont révoqués)",
        ),
        ("calendrier.revoquer", "Liens d'abonnement aux calendriers révoqués"),
    ]
    empreintes = set(JetonCalendrier.objects.values_list("token_hash", flat=True))
    for e in EntreeJournal.objects.all():
        texte = f"{e.libelle} {e.objet_repr} {e.changements}"
        assert token not in texte
        assert not any(h in texte for h in empreintes)
    assert au_journal(client_as(gestion), "Liens d&#x27;abonnement aux calendriers révoqués")


SERVICES = [
    lambda lieu, par: services.creer_convention(
        structure=lieu.convention_a.structure, espace=lieu.bureau_102, debut=d(2026, 4, 1), par=par
    ),
    lambda lieu, par: services.terminer_convention(
        convention=lieu.convention_a, fin=d(2026, 4, 1), par=par
    ),
    lambda lieu, par: services.enregistrer_espace(
        espace=lieu.bureau_102, reservable=False, ouverte_aux_externes=False, par=par
    ),
    lambda lieu, par: services.enregistrer_regles(ressource=lieu.salle_a, regles={}, par=par),
    lambda lieu, par: services.enregistrer_regles_velos(regles={}, par=par),
    lambda lieu, par: services.enregistrer_batiment(batiment=lieu.batiment, etages=[], par=par),
    lambda lieu, par: services.enregistrer_tarif(
        tarif=Tarif(code="velo_heure", montant_ht=Decimal(1), debut=d(2026, 4, 1)), par=par
    ),
    lambda lieu, par: services.terminer_tarif(
        tarif=lieu.tarifs["impression"], fin=d(2026, 4, 1), par=par
    ),
    lambda lieu, par: services.remplacer_tarif(
        tarif=lieu.tarifs["impression"],
        a_partir_du=d(2026, 4, 1),
        montant_ht=Decimal(1),
        taux_tva=Decimal(20),
        par=par,
    ),
    lambda lieu, par: services.definir_forfait(
        structure=lieu.convention_a.structure, heures_par_mois=3, debut=d(2026, 4, 1), par=par
    ),
    lambda lieu, par: services.enregistrer_consommation(
        structure=lieu.convention_a.structure,
        service="impression",
        date=d(2026, 3, 1),
        quantite=1,
        par=par,
    ),
    lambda lieu, par: services.nouveau_jeton(par=par),
    lambda lieu, par: services.revoquer(par=par),
]


@pytest.mark.parametrize("appel", SERVICES)
@pytest.mark.parametrize("par", ["user", None])
def test_un_service_sans_acteur_refuse(lieu, gestion, appel, par):
    """Un User ou rien à la place d'un Acteur : TypeError, avant toute écriture."""
    with pytest.raises(TypeError, match=r"par= attend un phares\.lib\.acteur\.Acteur"):
        appel(lieu, gestion if par == "user" else None)
    assert not EntreeJournal.objects.exists()


def test_la_comptabilite_n_enregistre_pas_meme_par_le_service(lieu, comptable, structure_a):
    with pytest.raises(services.EspacesError, match="Seuls l'équipe de gestion et les membres"):
        services.enregistrer_consommation(
            structure=structure_a,
            service="impression",
            date=d(2026, 3, 1),
            quantite=1,
            par=acteur(comptable),
        )
    with pytest.raises(services.EspacesError):
        services.enregistrer_consommation(
            structure=structure_a,
            service="impression",
            date=d(2026, 3, 1),
            quantite=1,
            par=Acteur.systeme("tests"),
        )
    assert not EntreeJournal.objects.exists()


LECTURE_SEULE = [
    "batiment",
    "etage",
    "espace",
    "convention",
    "tarif",
    "forfaitsalles",
    "consommation",
    "ressource",
    "clientexterne",
    "reservation",
]


@pytest.mark.parametrize("modele", LECTURE_SEULE)
def test_l_administration_ne_contourne_pas_les_services(lieu, modele):
    """Ce qui a sa page et son service (vérifications, journal) se lit seulement dans
    l'administration technique, superutilisateur compris."""
    root = get_user_model().objects.create_superuser("root@phares.test", "un-mot-de-passe-long")
    client = client_as(root)

    assert client.get(f"/admin/espaces/{modele}/").status_code == 200
    assert client.get(f"/admin/espaces/{modele}/add/").status_code == 403
