"""Importer et exporter les structures et les membres : fichiers (encodages, séparateurs,
dates, formules, lignes vides, doublons), aperçu gardé, confirmation tout ou rien et
ré-analysée, idempotence, aller-retour export → import, journal."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habitants.models import Domaine, Membre, Structure
from phares.lib import tableurs
from phares.models import EntreeJournal, ImportEnAttente, User
from tests.conftest import client_as

pytestmark = pytest.mark.django_db

ENTETE = "nom;SIRET;forme juridique;domaine;arrivée;e-mail de contact"


def envoyer(client, type_, contenu: bytes, nom="liste.csv"):
    return client.post(
        reverse("imports:importer", args=[type_]),
        {"fichier": SimpleUploadedFile(nom, contenu)},
    )


def apercu_de(client, type_, contenu: bytes, nom="liste.csv"):
    """Envoie le fichier, suit la redirection vers l'aperçu ; (réponse, import en attente)."""
    response = envoyer(client, type_, contenu, nom)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url), ImportEnAttente.objects.get(type=type_)


def confirmer(client, attente):
    return client.post(reverse("imports:apercu", args=[attente.type, attente.jeton]))


def importer(client, type_, contenu: bytes, nom="liste.csv"):
    _page, attente = apercu_de(client, type_, contenu, nom)
    assert attente.apercu["erreurs_total"] == 0, attente.apercu["erreurs"]
    response = confirmer(client, attente)
    assert response.status_code == 302, response.content.decode()[:2000]
    return attente.apercu["resume"]


def xlsx(rangees) -> bytes:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for rangee in rangees:
        feuille.append(rangee)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


@pytest.fixture
def client_gestion(gestion):
    return client_as(gestion)


# --- Lecture des fichiers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "format_"),
    [
        ("nom;ville\nÉcole;Créteil\n".encode(), "CSV UTF-8, séparateur point-virgule"),
        (b"\xef\xbb\xbf" + "nom,ville\nÉcole,Créteil\n".encode(), "CSV UTF-8 avec BOM"),
        ("nom;ville\nÉcole;Créteil\n".encode("cp1252"), "CSV Windows-1252"),
        ("nom\tville\nÉcole\tCréteil\n".encode("utf-16"), "CSV UTF-16"),
    ],
)
def test_encodages_et_separateurs(contenu, format_):
    tableau = tableurs.lire(contenu, "f.csv")
    assert tableau.format.startswith(format_)
    assert tableau.entetes == ["nom", "ville"]
    assert tableau.lignes == [(2, ["École", "Créteil"])]


def test_virgule_dans_un_entete_entre_guillemets_ne_fait_pas_le_separateur():
    tableau = tableurs.lire('"nom, prénom";ville\n"Dupont, Ana";Créteil\n'.encode(), "f.csv")
    assert tableau.entetes == ["nom, prénom", "ville"]


def test_lignes_vides_ignorees_et_numeros_du_tableur():
    tableau = tableurs.lire(b"\n\nnom\n\nA\n;\n  \nB\n", "f.csv")
    assert tableau.entetes == ["nom"]
    assert tableau.lignes == [(5, ["A"]), (8, ["B"])]


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
        (b"PK\x03\x04pas un zip", "XLSX est illisible"),
        (b"\x00\x01\x02binaire", "pas un texte CSV"),
        (b"\n\n", "vide"),
    ],
)
def test_fichiers_illisibles_message_clair(contenu, message):
    with pytest.raises(tableurs.TableurError, match=message):
        tableurs.lire(contenu, "f.csv")


def test_dates_trois_formats_et_bornes():
    attendu = datetime.date(2015, 12, 31)
    for texte in ("31/12/2015", "2015-12-31", "31-12-2015", "2015-12-31 00:00:00"):
        assert tableurs.lire_date(texte) == attendu
    for texte in ("31/02/2015", "2015/12/31", "12-2015", "31/12/0001", "demain"):
        with pytest.raises(ValueError):
            tableurs.lire_date(texte)


def test_nombres_a_la_francaise():
    from decimal import Decimal

    assert tableurs.lire_decimal("1 234,50") == Decimal("1234.50")
    assert tableurs.lire_decimal("12,5 €") == Decimal("12.50")
    assert tableurs.lire_decimal("1234.5") == Decimal("1234.50")
    for texte in ("1,234.50", "12,345", "1e3", "douze"):
        with pytest.raises(ValueError):
            tableurs.lire_decimal(texte)


def test_formules_refusees_jamais_calculees():
    csv_ = tableurs.lire(b'nom;site\n=HYPERLINK("http://x.test";"A");ok\n', "f.csv")
    assert [(e.ligne, e.colonne) for e in csv_.erreurs] == [(2, "nom")]
    assert "Formule refusée" in csv_.erreurs[0].message
    classeur = tableurs.lire(
        xlsx([["nom", "site"], ['=HYPERLINK("http://x.test","A")', "=1+1"]]), "f.xlsx"
    )
    assert [(e.ligne, e.colonne) for e in classeur.erreurs] == [(2, "nom"), (2, "site")]


def test_cellules_d_un_classeur_dates_et_nombres():
    tableau = tableurs.lire(
        xlsx([["arrivée", "siret", "loyer"], [datetime.datetime(2015, 12, 31), 73282932000074,
              12.5]]), "f.xlsx")  # fmt: skip
    assert tableau.lignes == [(2, ["2015-12-31", "73282932000074", "12.5"])]


def test_export_neutralise_les_formules():
    csv_ = tableurs.ecrire_csv(["nom"], [["=1+1"], ["+33 1 23"], ["-x"], ["@SUM(A1)"], ["ok"]])
    lignes = csv_.decode("utf-8-sig").splitlines()
    assert lignes == ["nom", "'=1+1", "'+33 1 23", "'-x", "'@SUM(A1)", "ok"]
    # and the way back gives the original value
    relu = tableurs.lire(csv_, "f.csv")
    assert [c for _, (c,) in relu.lignes] == ["=1+1", "+33 1 23", "-x", "@SUM(A1)", "ok"]
    classeur = openpyxl.load_workbook(io.BytesIO(tableurs.ecrire_xlsx(["nom"], [["=1+1"]],
                                                                      titre="t")))  # fmt: skip
    cellule = classeur.active["A2"]
    assert cellule.value == "=1+1" and cellule.data_type == "s"


# --- Parcours : aperçu, confirmation ------------------------------------------------------


def test_aperçu_puis_confirmation_crée_et_journalise(client_gestion, domaine):
    contenu = (
        f"{ENTETE}\nLa Ressourcerie;;Association loi 1901;{domaine.nom};31/12/2015;"
        "contact@ressourcerie.test\n\nRecyclo;73282932000074;scop;;2015-01-02;\n"
    ).encode("cp1252")
    page, attente = apercu_de(client_gestion, "structures", contenu)
    assert page.status_code == 200
    assert attente.apercu["resume"] == {"creer": 2, "modifier": 0, "inchange": 0}
    assert "Confirmer l'import" in page.text
    assert "CSV Windows-1252" in page.text
    assert Structure.objects.count() == 0  # nothing written by the preview
    # The preview is read again without sending the file
    assert client_gestion.get(page.request["PATH_INFO"]).status_code == 200

    response = confirmer(client_gestion, attente)
    assert response.status_code == 302
    assert response.url == reverse("habitants:structure-liste")
    ressourcerie = Structure.objects.get(nom="La Ressourcerie")
    assert ressourcerie.arrivee == datetime.date(2015, 12, 31)
    assert ressourcerie.domaine == domaine
    assert ressourcerie.slug == "la-ressourcerie"
    recyclo = Structure.objects.get(siret="73282932000074")
    assert recyclo.forme_juridique == "scop"
    assert not ImportEnAttente.objects.exists()
    operations = list(EntreeJournal.objects.values_list("operation", flat=True))
    assert sorted(operations) == ["import.structures", "structure.creer", "structure.creer"]
    entree = EntreeJournal.objects.get(operation="import.structures")
    assert "2 créée(s)" in entree.libelle and entree.par.email == "gestion@phares.test"


def test_meme_fichier_deux_fois_ne_change_rien(client_gestion, domaine):
    contenu = (f"{ENTETE}\nRecyclo;73282932000074;SCOP;{domaine.nom};31-12-2015;\n").encode()
    assert importer(client_gestion, "structures", contenu)["creer"] == 1
    avant = list(Structure.objects.values())
    assert importer(client_gestion, "structures", contenu) == {
        "creer": 0,
        "modifier": 0,
        "inchange": 1,
    }
    assert list(Structure.objects.values()) == avant
    assert EntreeJournal.objects.filter(operation="structure.modifier").count() == 0


def test_retrouve_par_siret_puis_par_nom_et_modifie(client_gestion, structure_a):
    contenu = "nom;e-mail de contact;arrivée\nHALAGE;nouveau@halage.test;01/01/2010\n".encode()
    page, attente = apercu_de(client_gestion, "structures", contenu)
    assert attente.apercu["resume"] == {"creer": 0, "modifier": 1, "inchange": 0}
    assert "contact@halage.test → nouveau@halage.test" in page.text
    # the name as written in the file is the new name (case only)
    confirmer(client_gestion, attente)
    structure_a.refresh_from_db()
    assert structure_a.email_contact == "nouveau@halage.test"
    assert structure_a.description == "Solidarité et environnement."  # column absent: kept
    entree = EntreeJournal.objects.get(operation="structure.modifier")
    assert entree.structure_id == structure_a.pk


def test_colonnes_manquantes_ou_inconnues(client_gestion):
    page, attente = apercu_de(client_gestion, "structures", b"raison sociale;ville\nA;B\n")
    assert attente.apercu["erreurs_total"] == 3
    assert "Colonne inconnue" in page.text and "Colonne obligatoire absente" in page.text
    assert "« nom »" in page.text and "« SIRET »" in page.text  # the expected columns
    assert "Confirmer l'import" not in page.text
    assert confirmer(client_gestion, attente).status_code == 200
    assert Structure.objects.count() == 0


def test_erreurs_avec_ligne_et_colonne_rien_n_est_ecrit(client_gestion, structure_a):
    contenu = (
        f"{ENTETE}\n"
        "Bonne;;;;01/01/2015;\n"
        "Mauvaise date;;;;31/02/2015;\n"
        "Siret faux;12345678901234;;;;\n"
        "Forme;;coopérative;;;\n"
        "Domaine;;;Inconnu;;\n"
        "Mail;;;;;pas-un-mail\n"
        "Halage;;;;;\n"
        'Formule;;;;;=HYPERLINK("http://x.test")\n'
    ).encode()
    page, attente = apercu_de(client_gestion, "structures", contenu)
    erreurs = {(e["ligne"], e["colonne"]) for e in attente.apercu["erreurs"]}
    assert erreurs == {
        (3, "arrivée"),
        (4, "SIRET"),
        (5, "forme juridique"),
        (6, "domaine"),
        (7, "e-mail de contact"),
        (9, "e-mail de contact"),
    }
    assert "Date illisible « 31/02/2015 »" in page.text
    assert "Ce numéro SIRET n&#x27;est pas valide" in page.text
    # Halage (line 8) is found by name: not an error, a modification
    response = confirmer(client_gestion, attente)  # a forged POST: refused
    assert response.status_code == 200
    assert list(Structure.objects.values_list("nom", flat=True)) == ["Halage"]


def test_doublons_dans_le_fichier(client_gestion):
    contenu = b"nom;SIRET\nA;73282932000074\nB;\nA;73282932000074\nb;\nC;73282932000074\n"
    _, attente = apercu_de(client_gestion, "structures", contenu)
    messages = {e["ligne"]: e["message"] for e in attente.apercu["erreurs"]}
    assert messages[4] == "Ligne en double : identique à la ligne 2."
    assert messages[5] == "Ligne en double : identique à la ligne 3."
    assert "ligne 2" in messages[6]
    assert len(messages) == 3


def test_la_confirmation_reanalyse_dans_la_transaction(client_gestion, structure_a):
    """Entre l'aperçu et la confirmation, la structure que le fichier modifie est archivée :
    rien n'est importé (pas même la ligne qui crée), et l'aperçu montre la nouvelle erreur."""
    contenu = b"nom;e-mail de contact\nHalage;nouveau@halage.test\nNouvelle;\n"
    _, attente = apercu_de(client_gestion, "structures", contenu)
    assert attente.apercu["erreurs_total"] == 0
    Structure.objects.filter(pk=structure_a.pk).update(archivee=True)
    response = confirmer(client_gestion, attente)
    assert response.status_code == 200
    assert "les données ont changé depuis l" in response.text
    assert "Halage est archivée : restaurez-la d&#x27;abord." in response.text
    assert not Structure.objects.filter(nom="Nouvelle").exists()
    assert Structure.objects.get(pk=structure_a.pk).email_contact == "contact@halage.test"
    assert not EntreeJournal.objects.filter(operation__startswith="import").exists()
    assert ImportEnAttente.objects.get().apercu["erreurs_total"] == 1


def test_une_course_perdue_a_l_ecriture_annule_tout(client_gestion, monkeypatch):
    """La base refuse une écriture (une structure du même nom enregistrée juste avant) :
    rien n'est écrit, le message le dit."""
    from habitants import echanges as habitants_echanges

    _, attente = apercu_de(client_gestion, "structures", b"nom\nPremiere\nSeconde\n")
    analyser = habitants_echanges._AnalyseStructures.analyser

    def puis_une_course(self, lignes):
        plan = analyser(self, lignes)
        Structure.objects.create(nom="Seconde", slug="seconde-concurrente")
        return plan

    monkeypatch.setattr(habitants_echanges._AnalyseStructures, "analyser", puis_une_course)
    response = confirmer(client_gestion, attente)
    assert response.status_code == 200
    assert "Rien n&#x27;a été importé" in response.text
    assert not Structure.objects.exists()


def test_aperçu_d_une_autre_personne_ou_perime_introuvable(client_gestion, gestion):
    _, attente = apercu_de(client_gestion, "structures", b"nom\nA\n")
    autre = User.objects.create_user(email="autre@phares.test", password="x")
    autre.groups.add(*gestion.groups.all())
    url = reverse("imports:apercu", args=["structures", attente.jeton])
    assert client_as(autre).get(url).status_code == 404
    assert client_as(autre).post(url).status_code == 404
    ImportEnAttente.objects.filter(pk=attente.pk).update(
        cree_le=attente.cree_le - datetime.timedelta(days=2)
    )
    assert client_gestion.get(url).status_code == 404
    assert client_gestion.get(reverse("imports:importer", args=["inconnue"])).status_code == 404


def test_un_nouvel_envoi_remplace_le_precedent(client_gestion):
    apercu_de(client_gestion, "structures", b"nom\nA\n")
    _, attente = apercu_de(client_gestion, "structures", b"nom\nB\n")
    assert ImportEnAttente.objects.count() == 1
    assert attente.lignes == [[2, {"nom": "B"}]]


def test_fichier_trop_gros_message_clair(client_gestion, monkeypatch):
    monkeypatch.setattr(tableurs, "TAILLE_MAX", 1024)
    response = envoyer(client_gestion, "structures", b"nom\n" + b"A\n" * 1000)
    assert response.status_code == 200
    assert "Le fichier pèse" in response.text and "au plus" in response.text
    assert not ImportEnAttente.objects.exists()


def test_fichier_illisible_erreur_dans_le_formulaire(client_gestion):
    response = envoyer(client_gestion, "structures", b"\xd0\xcf\x11\xe0" + b"\0" * 50, "a.xls")
    assert response.status_code == 200
    assert "Excel 97-2003" in response.text
    response = client_gestion.post(reverse("imports:importer", args=["structures"]))
    assert response.status_code == 200 and "Choisissez un fichier" in response.text


# --- Exports et aller-retour -------------------------------------------------------------


def test_liens_depuis_la_liste_des_structures(client_gestion, structure_a):
    page = client_gestion.get(reverse("habitants:structure-liste"))
    assert reverse("imports:exporter", args=["structures", "csv"]) in page.text
    assert reverse("imports:exporter", args=["structures", "xlsx"]) in page.text
    assert reverse("imports:importer", args=["structures"]) in page.text


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_aller_retour_structures_ne_change_rien(client_gestion, structure_a, domaine, format_):
    Structure.objects.create(
        nom="=Égalité", slug="egalite", siren="732829320", siret="73282932000074",
        forme_juridique="scop", telephone="+33 1 23 45 67 89", arrivee=datetime.date(2015, 6, 1),
        depart=datetime.date(2015, 12, 31), description="Ligne 1\nLigne 2 ; avec « guillemets »",
        adresse_facturation="1 rue X\n94000 Créteil", domaine=domaine,
    )  # fmt: skip
    Structure.objects.create(nom="Partie", slug="partie", archivee=True)
    export = client_gestion.get(reverse("imports:exporter", args=["structures", format_]))
    assert export.status_code == 200
    assert "structures-" in export["Content-Disposition"]
    tableau = tableurs.lire(export.content, f"export.{format_}")
    assert tableau.entetes[:3] == ["identifiant", "nom", "nom développé"]
    assert len(tableau.lignes) == 2  # archived structures are not exported
    avant = list(Structure.objects.order_by("pk").values())
    resume = importer(client_gestion, "structures", export.content, f"export.{format_}")
    assert resume == {"creer": 0, "modifier": 0, "inchange": 2}
    assert list(Structure.objects.order_by("pk").values()) == avant


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_aller_retour_membres_ne_change_rien(
    client_gestion, referent_a, membre_a, habitant_b, format_
):
    Membre.objects.filter(user=membre_a).update(fin=datetime.date(2015, 6, 30), fonction="Chargée")
    export = client_gestion.get(reverse("imports:exporter", args=["membres", format_]))
    tableau = tableurs.lire(export.content, f"export.{format_}")
    assert tableau.entetes == [
        "e-mail", "prénom", "nom", "structure", "rôle", "fonction", "début", "fin"
    ]  # fmt: skip
    assert len(tableau.lignes) == 3
    avant = (list(Membre.objects.order_by("pk").values()), list(User.objects.values()))
    resume = importer(client_gestion, "membres", export.content, f"export.{format_}")
    assert resume == {"creer": 0, "modifier": 0, "inchange": 3}
    assert (list(Membre.objects.order_by("pk").values()), list(User.objects.values())) == avant


# --- Membres ------------------------------------------------------------------------------


def test_import_des_membres_cree_personnes_et_appartenances(
    client_gestion, structure_a, structure_b, referent_a
):
    contenu = (
        "e-mail;prénom;nom;structure;rôle;fonction;début;fin\n"
        "NOUVELLE@halage.test;Nina;Nouvelle;halage;Membre;Animatrice;01/03/2015;\n"
        "nouvelle@halage.test;Nina;Nouvelle;Mode Estime;référent·e;;2015-04-01;\n"
        "referent@halage.test;Rémi;Référent;halage;Référent·e;Directeur;01/01/2015;\n"
    ).encode()
    _page, attente = apercu_de(client_gestion, "membres", contenu)
    assert attente.apercu["resume"] == {"creer": 2, "modifier": 1, "inchange": 0}, attente.apercu
    confirmer(client_gestion, attente)
    nina = User.objects.get(email="nouvelle@halage.test")
    assert not nina.has_usable_password()
    assert nina.get_full_name() == "Nina Nouvelle"
    assert nina.emailaddress_set.get().verified is False
    assert set(Membre.objects.filter(user=nina).values_list("structure__slug", "role")) == {
        ("halage", "membre"),
        ("mode-estime", "referent"),
    }
    assert Membre.objects.get(user=referent_a).fonction == "Directeur"
    assert EntreeJournal.objects.filter(operation="membre.ajouter").count() == 2
    assert EntreeJournal.objects.filter(operation="personne.creer").count() == 1
    # the same file again: nothing changes
    assert importer(client_gestion, "membres", contenu) == {
        "creer": 0,
        "modifier": 0,
        "inchange": 3,
    }


def test_import_des_membres_erreurs(client_gestion, structure_a, referent_a):
    Structure.objects.create(nom="Ancienne", slug="ancienne", archivee=True)
    contenu = (
        "e-mail;prénom;structure;rôle;début;fin\n"
        "pas-un-mail;A;halage;;;\n"
        "a@x.test;A;inconnue;;;\n"
        "b@x.test;B;ancienne;;;\n"
        "c@x.test;C;halage;chef;;\n"
        "d@x.test;D;halage;;01/06/2015;01/01/2015\n"
        "referent@halage.test;;halage;;01/03/2015;\n"
        "e@x.test;E;halage;;;\n"
        "e@x.test;Autre;Halage;;;\n"
    ).encode()
    _, attente = apercu_de(client_gestion, "membres", contenu)
    erreurs = {(e["ligne"], e["colonne"]) for e in attente.apercu["erreurs"]}
    assert erreurs == {
        (2, "e-mail"),
        (3, "structure"),
        (4, "structure"),
        (5, "rôle"),
        (6, "fin"),
        (7, "début"),  # already an open membership since 01/01/2015
        (9, "prénom"),
    }
    confirmer(client_gestion, attente)
    assert not User.objects.filter(email__endswith="@x.test").exists()


def test_pages_reservees_a_la_gestion(comptable, referent_a):
    for user in (comptable, referent_a):
        client = client_as(user)
        assert client.get(reverse("imports:index")).status_code == 403
        assert envoyer(client, "structures", b"nom\nA\n").status_code == 403
        export = client.get(reverse("imports:exporter", args=["membres", "csv"]))
        assert export.status_code == 403
    assert not Structure.objects.filter(nom="A").exists()


def test_domaine_inconnu_liste_les_domaines(client_gestion, domaine):
    Domaine.objects.create(nom="Culture")
    _, attente = apercu_de(client_gestion, "structures", b"nom;domaine\nA;Sport\n")
    (erreur,) = attente.apercu["erreurs"]
    assert "Culture" in erreur["message"] and "Insertion" in erreur["message"]
