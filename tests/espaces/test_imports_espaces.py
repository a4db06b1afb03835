"""Importer et exporter les conventions d'occupation et les tarifs : aperçu puis confirmation,
chaque règle des services refusée avec sa ligne et sa colonne (et rien d'écrit), aller-retour
export → import en CSV et XLSX, idempotence, dates et nombres à la française, nombre de
requêtes de l'aperçu, données changées entre l'aperçu et la confirmation."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espaces import echanges as espaces_echanges
from espaces import services
from espaces.models import Convention, Espace, Tarif, TypeEspace
from habitants.models import Structure
from phares.lib import tableurs
from phares.models import EntreeJournal, ImportEnAttente
from tests.conftest import acteur, client_as
from tests.espaces.views_fixtures import construire_lieu
from tests.habitants.test_imports import apercu_de, confirmer, envoyer, importer, xlsx

pytestmark = pytest.mark.django_db

D = datetime.date
ENTETE_C = "structure;espace;poste;début;fin;loyer mensuel HT;taux de TVA (%);notes"
ENTETE_T = "tarif;ressource;montant HT;taux de TVA (%);mention d'exonération;début;fin"


@pytest.fixture
def client_gestion(gestion):
    return client_as(gestion)


@pytest.fixture
def lieu(structure_a, structure_b):
    """Halage tient le bureau 101 depuis le 1er janvier 2015 (225 € HT) ; tarifs de 2015."""
    return construire_lieu(structure_a)


def csv_(entete: str, *lignes: str) -> bytes:
    return "\n".join([entete, *lignes, ""]).encode()


def journal(prefixe: str) -> list[str]:
    return sorted(
        EntreeJournal.objects.filter(operation__startswith=prefixe).values_list(
            "operation", flat=True
        )
    )


def etat():
    """Tout ce qu'un import pourrait toucher."""
    return (
        list(Convention.objects.order_by("pk").values()),
        list(Tarif.objects.order_by("pk").values()),
        EntreeJournal.objects.count(),
    )


def erreurs(attente) -> set[tuple[int, str]]:
    return {(e["ligne"], e["colonne"]) for e in attente.apercu["erreurs"]}


# --- Conventions : parcours ---------------------------------------------------------------


def test_conventions_apercu_puis_confirmation(client_gestion, lieu, structure_a, structure_b):
    contenu = csv_(
        ENTETE_C,
        # the three date formats, a decimal comma and a thousands space
        "mode-estime;bureau-102;;01/01/2016;;1 250,50;;Fenêtre sur cour",
        "Mode Estime;co-travail;;2016-02-01;31-12-2016;;;",
        # Halage's office ends (natural key: structure + espace + début)
        "halage;Bureau 101;;01-01-2015;31/12/2025;;;",
    )
    page, attente = apercu_de(client_gestion, "conventions", contenu)
    assert page.status_code == 200
    assert attente.apercu["resume"] == {"creer": 2, "modifier": 1, "inchange": 0}
    assert "fin (incluse) : — → 31/12/2025" in page.text
    assert "Mode Estime — Co-travail, poste 1" in page.text  # the first free desk
    assert Convention.objects.count() == 1  # the preview writes nothing

    response = confirmer(client_gestion, attente)
    assert response.status_code == 302
    assert response.url == reverse("espaces:convention-liste")
    bureau = Convention.objects.get(espace=lieu.bureau_102)
    assert (bureau.structure, bureau.debut, bureau.fin) == (structure_b, D(2016, 1, 1), None)
    assert bureau.montant_mensuel_ht == Decimal("1250.50")
    assert bureau.taux_tva == Decimal("20.00") and bureau.notes == "Fenêtre sur cour"
    poste = Convention.objects.get(espace=lieu.cotravail)
    assert (poste.poste, poste.debut, poste.fin) == (1, D(2016, 2, 1), D(2016, 12, 31))
    assert poste.montant_mensuel_ht == Decimal("120.00")  # from the desk tariff, like the form
    lieu.convention_a.refresh_from_db()
    assert lieu.convention_a.fin == D(2025, 12, 31)
    assert journal("convention") == ["convention.creer", "convention.creer", "convention.terminer"]
    entree = EntreeJournal.objects.get(operation="import.conventions")
    assert "2 créée(s), 1 modifiée(s)" in entree.libelle
    assert not ImportEnAttente.objects.exists()

    # The same file again: nothing changes.
    avant = etat()
    resume = importer(client_gestion, "conventions", contenu)
    assert resume == {"creer": 0, "modifier": 0, "inchange": 3}
    assert etat()[:2] == avant[:2]
    assert journal("convention") == ["convention.creer", "convention.creer", "convention.terminer"]


def test_loyer_vide_calcule_d_apres_le_tarif(client_gestion, lieu):
    contenu = csv_("structure;espace;début", "mode-estime;bureau-102;01/01/2016")
    importer(client_gestion, "conventions", contenu)
    # 45 m² × 15 € HT per m² and per month (the tariff in force on the start day)
    assert Convention.objects.get(espace=lieu.bureau_102).montant_mensuel_ht == Decimal("675.00")


@pytest.mark.parametrize("date", ["01/01/2015", "2015-01-01", "01-01-2015", "cellule"])
def test_une_date_dans_les_trois_formats_retrouve_la_convention(client_gestion, lieu, date):
    if date == "cellule":
        contenu = xlsx([["structure", "espace", "début"], ["halage", "bureau-101",
                        datetime.datetime(2015, 1, 1)]])  # fmt: skip
    else:
        contenu = csv_("structure;espace;début", f"halage;bureau-101;{date}")
    assert importer(client_gestion, "conventions", contenu) == {
        "creer": 0,
        "modifier": 0,
        "inchange": 1,
    }


def test_un_bureau_libere_se_reloue_dans_le_meme_fichier(client_gestion, lieu, structure_b):
    """La fin avancée d'une ligne compte pour les ajouts des autres, et s'écrit avant eux."""
    contenu = csv_(
        "structure;espace;début;fin",
        "mode-estime;bureau-101;01/07/2016;",
        "halage;bureau-101;01/01/2015;30/06/2016",
    )
    importer(client_gestion, "conventions", contenu)
    assert list(
        Convention.objects.filter(espace=lieu.bureau_101)
        .order_by("debut")
        .values_list("structure__slug", "fin")
    ) == [("halage", D(2016, 6, 30)), ("mode-estime", None)]


CONVENTIONS_REFUSEES = [
    ("inconnue;bureau-102;;01/01/2016;;;;", "structure", "Structure inconnue « inconnue »"),
    ("ancienne;bureau-102;;01/01/2016;;;;", "structure", "Ancienne est archivée"),
    ("mode-estime;bureau-999;;01/01/2016;;;;", "espace", "Espace inconnu « bureau-999 »"),
    ("mode-estime;salle-a;;01/01/2016;;;;", "espace", "Seuls les bureaux privatifs"),
    ("mode-estime;reserve;;01/01/2016;;;;", "espace", "Cet espace est archivé."),
    ("mode-estime;bureau-102;;01/01/2016;31/12/2015;;;", "fin", "La fin ne peut pas précéder"),
    ("mode-estime;bureau-102;;01/01/2011;;;;", "début", "pas encore hébergée au 1er janv. 2011"),
    ("mode-estime;bureau-102;;;;;;", "début", "Cellule obligatoire vide."),
    ("mode-estime;bureau-102;;31/02/2016;;;;", "début", "Date illisible « 31/02/2016 »"),
    # Halage holds office 101 since 2015, without end
    ("mode-estime;bureau-101;;01/01/2020;;;;", "espace", "Ce bureau est déjà occupé par Halage"),
    ("mode-estime;bureau-102;2;01/01/2016;;;;", "poste", "Un bureau n'a pas de poste"),
    ("mode-estime;co-travail;6;01/01/2016;;;;", "poste", "compte 5 postes (de 1 à 5)"),
    ("mode-estime;bureau-102;;01/01/2016;;1,234.50;;", "loyer mensuel HT", "Nombre ambigu"),
    ("mode-estime;bureau-102;;01/01/2016;;-5;;", "loyer mensuel HT", "supérieure ou égale à 0"),
    ("mode-estime;bureau-102;;01/01/2016;;;120;", "taux de TVA (%)", "entre 0 et 100 %"),
    # the existing agreement: its rent is frozen (invoiced), its end only moves forward
    ("halage;bureau-101;;01/01/2015;;250;;", "loyer mensuel HT", "Le loyer d'une convention"),
    ("halage;bureau-101;;01/01/2015;;;5,5;", "taux de TVA (%)", "Le taux de TVA d'une"),
    ("halage;bureau-101;;01/01/2015;;;;Note", "notes", "Les notes d'une convention"),
    ("halage;bureau-101;;01/01/2015;31/12/2014;;;", "fin", "ne peut pas précéder le début"),
]


@pytest.mark.parametrize(("ligne", "colonne", "message"), CONVENTIONS_REFUSEES)
def test_conventions_regles_refusees(client_gestion, lieu, ligne, colonne, message):
    Structure.objects.create(nom="Ancienne", slug="ancienne", archivee=True)
    Espace.objects.create(
        etage=lieu.rdc, nom="Réserve", slug="reserve", type=TypeEspace.BUREAU, archive=True
    )
    avant = etat()
    # a good line first: one error, and nothing at all is written
    contenu = csv_(ENTETE_C, "mode-estime;co-travail;;01/01/2016;;;;", ligne)
    page, attente = apercu_de(client_gestion, "conventions", contenu)
    assert erreurs(attente) == {(3, colonne)}, attente.apercu["erreurs"]
    assert message in attente.apercu["erreurs"][0]["message"]
    assert "Confirmer l'import" not in page.text
    assert confirmer(client_gestion, attente).status_code == 200  # a forged POST
    assert etat() == avant


def test_convention_terminee_ne_se_prolonge_pas(client_gestion, lieu):
    Convention.objects.filter(pk=lieu.convention_a.pk).update(fin=D(2015, 12, 31))
    for fin in ("31/12/2016", ""):
        contenu = csv_("structure;espace;début;fin", f"halage;bureau-101;01/01/2015;{fin}")
        _, attente = apercu_de(client_gestion, "conventions", contenu)
        (erreur,) = attente.apercu["erreurs"]
        assert (erreur["colonne"], erreur["message"]) == (
            "fin",
            "Pour prolonger une convention terminée, créez-en une nouvelle.",
        )


def test_deux_lignes_du_fichier_sur_le_meme_bureau(client_gestion, lieu):
    contenu = csv_(
        "structure;espace;début;fin",
        "mode-estime;bureau-102;01/01/2016;31/12/2016",
        "halage;bureau-102;01/06/2016;",
        "mode-estime;bureau-102;01/01/2016;31/12/2016",
        "Mode Estime;bureau-102;2016-01-01;",
    )
    _, attente = apercu_de(client_gestion, "conventions", contenu)
    messages = {e["ligne"]: (e["colonne"], e["message"]) for e in attente.apercu["erreurs"]}
    assert messages[3] == (
        "espace",
        "Ce bureau est déjà occupé par Mode Estime sur cette période (janvier – décembre "
        "2016), ligne 2 du fichier.",
    )
    assert messages[4] == ("", "Ligne en double : identique à la ligne 2.")
    assert messages[5] == ("structure", "Même convention qu'à la ligne 2 (doublon).")


def test_co_travail_postes_attribues_et_complets(client_gestion, lieu, structure_a, domaine):
    autres = [
        Structure.objects.create(nom=f"S{i}", slug=f"s{i}", arrivee=D(2010, 1, 1)) for i in range(6)
    ]
    lignes = [f"{s.slug};co-travail;;01/01/2016" for s in autres]
    _, attente = apercu_de(client_gestion, "conventions", csv_("structure;espace;poste;début",
                                                               *lignes))  # fmt: skip
    ((ligne, colonne),) = erreurs(attente)
    assert (ligne, colonne) == (7, "poste")
    assert "Les 5 postes du co-travail sont tous occupés" in attente.apercu["erreurs"][0]["message"]
    importer(client_gestion, "conventions", csv_("structure;espace;poste;début", *lignes[:5]))
    postes = Convention.objects.filter(espace=lieu.cotravail).values_list("poste", flat=True)
    assert sorted(postes) == [1, 2, 3, 4, 5]


def test_plusieurs_postes_le_meme_jour_se_distinguent_par_le_poste(client_gestion, lieu):
    lignes = ["mode-estime;co-travail;1;01/01/2016", "mode-estime;co-travail;2;01/01/2016"]
    contenu = csv_("structure;espace;poste;début", *lignes)
    assert importer(client_gestion, "conventions", contenu)["creer"] == 2
    assert importer(client_gestion, "conventions", contenu)["inchange"] == 2
    sans_poste = csv_("structure;espace;début", "mode-estime;co-travail;01/01/2016")
    _, attente = apercu_de(client_gestion, "conventions", sans_poste)
    (erreur,) = attente.apercu["erreurs"]
    assert erreur["colonne"] == "poste" and "indiquez le poste" in erreur["message"]


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_aller_retour_conventions_ne_change_rien(client_gestion, lieu, structure_b, format_):
    Convention.objects.create(
        structure=structure_b, espace=lieu.cotravail, poste=3, debut=D(2015, 6, 1),
        fin=D(2016, 5, 31), montant_mensuel_ht=Decimal("1234.56"), taux_tva=Decimal("5.50"),
        notes="=SOMME(A1) ; « note »\nsur deux lignes",
    )  # fmt: skip
    Convention.objects.create(
        structure=structure_b, espace=lieu.bureau_102, debut=D(2016, 1, 1),
        montant_mensuel_ht=Decimal("0.10"), taux_tva=Decimal("0"),
    )  # fmt: skip
    partie = Structure.objects.create(nom="Partie", slug="partie", arrivee=D(2010, 1, 1))
    Convention.objects.create(
        structure=partie, espace=lieu.cotravail, poste=1, debut=D(2012, 1, 1),
        fin=D(2012, 12, 31), montant_mensuel_ht=Decimal("100"),
    )  # fmt: skip
    Structure.objects.filter(pk=partie.pk).update(archivee=True)
    export = client_gestion.get(reverse("imports:exporter", args=["conventions", format_]))
    assert export.status_code == 200
    tableau = tableurs.lire(export.content, f"export.{format_}")
    assert tableau.entetes == ENTETE_C.split(";")
    assert len(tableau.lignes) == 3  # an archived structure's agreements are not exported
    avant = etat()
    resume = importer(client_gestion, "conventions", export.content, f"export.{format_}")
    assert resume == {"creer": 0, "modifier": 0, "inchange": 3}
    assert etat()[:2] == avant[:2]


# --- Conventions : données changées, courses -----------------------------------------------


def test_conventions_la_confirmation_reanalyse(client_gestion, lieu, structure_a, gestion):
    """Entre l'aperçu et la confirmation, le bureau 102 est attribué à Halage par le
    formulaire : rien n'est importé, l'aperçu dit pourquoi."""
    contenu = csv_("structure;espace;début", "mode-estime;bureau-102;01/01/2016")
    _, attente = apercu_de(client_gestion, "conventions", contenu)
    assert attente.apercu["erreurs_total"] == 0
    services.creer_convention(
        structure=structure_a, espace=lieu.bureau_102, debut=D(2015, 6, 1), par=acteur(gestion)
    )
    response = confirmer(client_gestion, attente)
    assert response.status_code == 200
    assert "les données ont changé depuis l" in response.text
    assert "Ce bureau est déjà occupé par Halage" in response.text
    assert not Convention.objects.filter(structure__slug="mode-estime").exists()
    assert not EntreeJournal.objects.filter(operation="import.conventions").exists()
    assert ImportEnAttente.objects.get().apercu["erreurs_total"] == 1


def test_conventions_une_course_perdue_a_l_ecriture_annule_tout(
    client_gestion, lieu, structure_a, monkeypatch
):
    """Le service refuse une ligne au moment d'écrire (le bureau vient d'être attribué) : la
    fin déjà écrite par une ligne précédente est annulée avec le reste."""
    contenu = csv_(
        "structure;espace;début;fin",
        "halage;bureau-101;01/01/2015;31/12/2025",
        "mode-estime;bureau-102;01/01/2016;",
    )
    _, attente = apercu_de(client_gestion, "conventions", contenu)
    analyser = espaces_echanges._AnalyseConventions.analyser

    def puis_une_course(self, lignes):
        plan = analyser(self, lignes)
        Convention.objects.create(
            structure=structure_a, espace=lieu.bureau_102, debut=D(2016, 1, 1),
            montant_mensuel_ht=1,
        )  # fmt: skip
        return plan

    monkeypatch.setattr(espaces_echanges._AnalyseConventions, "analyser", puis_une_course)
    response = confirmer(client_gestion, attente)
    assert response.status_code == 200
    assert "Rien n&#x27;a été importé : ligne 3 : Ce bureau est déjà occupé" in response.text
    lieu.convention_a.refresh_from_db()
    assert lieu.convention_a.fin is None
    assert Convention.objects.count() == 1
    assert not EntreeJournal.objects.exists()


# --- Tarifs -------------------------------------------------------------------------------


def test_tarifs_apercu_puis_confirmation(client_gestion, lieu):
    velo = lieu.velos[0]
    contenu = csv_(
        ENTETE_T,
        # a new price: the current one ends the day before, on its own line
        "Salle, à l'heure;;30;20;;01/01/2015;31/12/2025",
        "salle_heure;;32,50;;;2026-01-01;",
        "SALLE_HEURE;salle-a;40;20;;01-01-2016;31/12/2016",
        f"Vélo, à l'heure;{velo.nom};0,0850;0;Exonération – art. 261 D 2° du CGI;01/01/2016;",
    )
    page, attente = apercu_de(client_gestion, "tarifs", contenu)
    assert attente.apercu["resume"] == {"creer": 3, "modifier": 1, "inchange": 0}
    assert "au (inclus) : — → 31/12/2025" in page.text
    assert Tarif.objects.count() == len(lieu.tarifs)
    confirmer(client_gestion, attente)
    general = Tarif.objects.filter(code="salle_heure", ressource=None).order_by("debut")
    assert list(general.values_list("montant_ht", "debut", "fin")) == [
        (Decimal("30.0000"), D(2015, 1, 1), D(2025, 12, 31)),
        (Decimal("32.5000"), D(2026, 1, 1), None),
    ]
    assert general.last().taux_tva == Decimal("20.00")  # empty: the default
    propre = Tarif.objects.get(ressource=lieu.salle_a)
    assert (propre.montant_ht, propre.fin) == (Decimal("40.0000"), D(2016, 12, 31))
    tarif_velo = Tarif.objects.get(ressource=velo)
    assert (tarif_velo.montant_ht, tarif_velo.taux_tva) == (Decimal("0.0850"), Decimal("0.00"))
    assert tarif_velo.mention_exoneration.startswith("Exonération")
    assert journal("tarif") == ["tarif.creer", "tarif.creer", "tarif.creer", "tarif.terminer"]
    assert (
        "3 créée(s), 1 modifiée(s)" in EntreeJournal.objects.get(operation="import.tarifs").libelle
    )

    avant = etat()
    assert importer(client_gestion, "tarifs", contenu) == {"creer": 0, "modifier": 0, "inchange": 4}
    assert etat()[:2] == avant[:2]


TARIFS_REFUSES = [
    ("Salle, au mois;;10;;;01/01/2016;", "tarif", "Tarif inconnu·e « Salle, au mois »"),
    ("salle_heure;salle-z;10;;;01/01/2016;", "ressource", "Ressource inconnue « salle-z »"),
    ("velo_heure;;0,12345;;;01/01/2016;", "montant HT", "4 chiffres après la virgule au plus"),
    ("velo_heure;;1.234,5;;;01/01/2016;", "montant HT", "Nombre ambigu"),
    ("velo_heure;;;;;01/01/2016;", "montant HT", "Cellule obligatoire vide."),
    ("velo_heure;;123456789;;;01/01/2016;", "montant HT", "12 chiffres au total"),
    ("velo_heure;;-1;;;01/01/2016;", "montant HT", "supérieure ou égale à 0"),
    ("velo_heure;;1;150;;01/01/2016;", "taux de TVA (%)", "entre 0 et 100 %"),
    ("velo_heure;;1;20;Exonéré;01/01/2016;", "mention d'exonération", "taux de TVA de 0 %"),
    ("velo_heure;;1;;;01/01/2016;31/12/2015", "fin", "La fin ne peut pas précéder le début."),
    ("velo_heure;;1;;;le 1er janvier;", "début", "Date illisible"),
    # the general room tariff runs since 2015 without end
    ("salle_heure;;35;;;01/01/2020;", "début", "Un autre tarif du même type est en vigueur"),
    # an existing tariff: its price is frozen, its end only moves forward
    ("salle_heure;;35;;;01/01/2015;", "montant HT", "Le montant d'un tarif enregistré"),
    ("salle_heure;;30;5,5;;01/01/2015;", "taux de TVA (%)", "Le taux de TVA d'un tarif"),
    ("salle_heure;;30;;;01/01/2015;31/12/2014", "fin", "ne peut pas précéder le début du tarif"),
    ("velo_heure;;1;;;01/01/2015;", "fin", "se termine déjà le 31/12/2015"),
    ("velo_heure;;1;;;01/01/2015;31/12/2016", "fin", "pour le prolonger, ajoutez"),
]


@pytest.mark.parametrize(("ligne", "colonne", "message"), TARIFS_REFUSES)
def test_tarifs_regles_refusees(client_gestion, lieu, ligne, colonne, message):
    Tarif.objects.create(code="velo_heure", montant_ht=1, debut=D(2015, 1, 1), fin=D(2015, 12, 31))
    avant = etat()
    contenu = csv_(ENTETE_T, "salle_journee;salle-a;150;;;01/01/2016;", ligne)
    _, attente = apercu_de(client_gestion, "tarifs", contenu)
    assert erreurs(attente) == {(3, colonne)}, attente.apercu["erreurs"]
    assert message in attente.apercu["erreurs"][0]["message"]
    assert confirmer(client_gestion, attente).status_code == 200
    assert etat() == avant


def test_deux_tarifs_du_fichier_se_chevauchent(client_gestion, lieu):
    contenu = csv_(ENTETE_T, "velo_heure;;1;;;01/01/2016;", "velo_heure;;2;;;01/06/2016;")
    _, attente = apercu_de(client_gestion, "tarifs", contenu)
    (erreur,) = attente.apercu["erreurs"]
    assert (erreur["ligne"], erreur["colonne"]) == (3, "début")
    assert "(1,00\u00a0€ HT à partir du 01/01/2016, ligne 2 du fichier)" in erreur["message"]


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_aller_retour_tarifs_ne_change_rien(client_gestion, lieu, format_):
    Tarif.objects.create(
        code="velo_heure", ressource=lieu.velos[1], montant_ht=Decimal("0.0850"),
        taux_tva=0, mention_exoneration="=Exonération – art. 261 D", debut=D(2015, 1, 1),
        fin=D(2015, 12, 31),
    )  # fmt: skip
    Tarif.objects.create(
        code="salle_heure", ressource=lieu.salle_a, montant_ht=Decimal("12345678.1234"),
        taux_tva=Decimal("5.5"), debut=D(2016, 1, 1),
    )  # fmt: skip
    export = client_gestion.get(reverse("imports:exporter", args=["tarifs", format_]))
    tableau = tableurs.lire(export.content, f"export.{format_}")
    assert tableau.entetes == ENTETE_T.split(";")
    assert len(tableau.lignes) == Tarif.objects.count()
    avant = etat()
    resume = importer(client_gestion, "tarifs", export.content, f"export.{format_}")
    assert resume == {"creer": 0, "modifier": 0, "inchange": Tarif.objects.count()}
    assert etat()[:2] == avant[:2]


def test_tarifs_la_confirmation_reanalyse(client_gestion, lieu, gestion):
    contenu = csv_(ENTETE_T, "salle_journee;salle-a;150;;;01/01/2016;")
    _, attente = apercu_de(client_gestion, "tarifs", contenu)
    assert attente.apercu["erreurs_total"] == 0
    services.enregistrer_tarif(
        tarif=Tarif(
            code="salle_journee", ressource=lieu.salle_a, montant_ht=160, debut=D(2015, 6, 1)
        ),
        par=acteur(gestion),
    )
    response = confirmer(client_gestion, attente)
    assert response.status_code == 200
    assert "les données ont changé depuis l" in response.text
    assert "160,00\u00a0€ HT à partir du 01/06/2015, déjà enregistré" in response.text
    assert not Tarif.objects.filter(montant_ht=150).exists()
    assert not EntreeJournal.objects.filter(operation="import.tarifs").exists()


# --- Aperçu : nombre de requêtes ----------------------------------------------------------


def _requetes_de_l_apercu(client, type_, contenu) -> int:
    ImportEnAttente.objects.all().delete()  # the same writes for both files
    with CaptureQueriesContext(connection) as requetes:
        assert envoyer(client, type_, contenu).status_code == 302
    return len(requetes)


def test_apercu_des_conventions_sans_requete_par_ligne(client_gestion, lieu):
    Espace.objects.bulk_create(
        Espace(etage=lieu.rdc, nom=f"Bureau {n}", slug=f"b-{n}", type=TypeEspace.BUREAU)
        for n in range(200)
    )
    # half the rows end existing agreements, half add new ones
    for n in range(0, 200, 2):
        Convention.objects.create(
            structure=lieu.convention_a.structure, espace=Espace.objects.get(slug=f"b-{n}"),
            debut=D(2015, 1, 1), montant_mensuel_ht=100,
        )  # fmt: skip

    def fichier(n: int) -> bytes:
        lignes = [
            f"halage;b-{i};01/01/2015;31/12/2016;100" if i % 2 == 0
            else f"mode-estime;b-{i};01/01/2016;;200"
            for i in range(n)
        ]  # fmt: skip
        return csv_("structure;espace;début;fin;loyer mensuel HT", *lignes)

    dix = _requetes_de_l_apercu(client_gestion, "conventions", fichier(10))
    deux_cents = _requetes_de_l_apercu(client_gestion, "conventions", fichier(200))
    assert ImportEnAttente.objects.get().apercu["resume"] == {
        "creer": 100,
        "modifier": 100,
        "inchange": 0,
    }
    assert deux_cents == dix


def test_apercu_des_tarifs_sans_requete_par_ligne(client_gestion, lieu):
    def fichier(n: int) -> bytes:
        lignes = [
            f"velo_heure;{lieu.velos[i % 2].slug};1;;;01/{1 + i // 2 % 12:02d}/{2000 + i // 24};"
            f"28/{1 + i // 2 % 12:02d}/{2000 + i // 24}"
            for i in range(n)
        ]
        return csv_(ENTETE_T, *lignes)

    dix = _requetes_de_l_apercu(client_gestion, "tarifs", fichier(10))
    deux_cents = _requetes_de_l_apercu(client_gestion, "tarifs", fichier(200))
    assert ImportEnAttente.objects.get().apercu["resume"]["creer"] == 200
    assert deux_cents == dix


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(("liste", "type_"), [("convention-liste", "conventions"),
                                              ("tarif-liste", "tarifs")])  # fmt: skip
def test_liens_depuis_les_listes(client_gestion, comptable, lieu, liste, type_):
    liens = [
        reverse("imports:exporter", args=[type_, "csv"]),
        reverse("imports:exporter", args=[type_, "xlsx"]),
        reverse("imports:importer", args=[type_]),
    ]
    page = client_gestion.get(reverse(f"espaces:{liste}"))
    assert all(lien in page.text for lien in liens)
    assert "Exporter CSV" in page.text and "Exporter XLSX" in page.text
    # Accounting reads the list but imports nothing: no links
    page = client_as(comptable).get(reverse(f"espaces:{liste}"))
    assert page.status_code == 200
    assert not any(lien in page.text for lien in liens)


def test_pages_reservees_a_la_gestion(comptable, referent_a, lieu):
    for user in (comptable, referent_a):
        client = client_as(user)
        for type_ in ("conventions", "tarifs"):
            assert client.get(reverse("imports:importer", args=[type_])).status_code == 403
            assert envoyer(client, type_, csv_(ENTETE_T)).status_code == 403
            export = client.get(reverse("imports:exporter", args=[type_, "xlsx"]))
            assert export.status_code == 403
    assert not ImportEnAttente.objects.exists()


def test_index_et_page_d_import(client_gestion):
    page = client_gestion.get(reverse("imports:index"))
    assert "Conventions d&#x27;occupation" in page.text and "Tarifs" in page.text
    page = client_gestion.get(reverse("imports:importer", args=["tarifs"]))
    assert "mention d&#x27;exonération" in page.text


def test_chaque_liste_inscrite_est_dans_la_matrice_des_permissions():
    from phares.lib import echanges
    from tests.phares import matrice_imports

    assert {e.type for e in echanges.tous()} == set(matrice_imports.TYPES)
