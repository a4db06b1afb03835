"""Les exports pour la comptabilité : factures et avoirs (CSV), lignes (CSV) et journal des
ventes (FEC) d'une période ; seuls les documents émis de la période ; un avoir en négatif
dans les CSV et à l'envers dans le journal ; chaque écriture équilibrée ; les comptes
choisis par la gestion ; une période invalide donne un message et aucun fichier ; un nombre
de requêtes qui ne dépend pas du nombre de factures."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from espaces.facturation import comptes, demo, exports, services
from espaces.facturation.documents import TAUX_TVA_ADMIS
from espaces.facturation.models import CompteComptable, Facture, LigneFacture
from espaces.models import Tarif
from phares.lib.money import Montant
from phares.models import EntreeJournal
from tests.conftest import acteur, client_as
from tests.facturation.conftest import MARS

d = datetime.date
D = Decimal
Origine = LigneFacture.Origine
# Issued on 1 April (first day, included) and 10 April (last day, included): the period.
AVRIL = "du=2026-04-01&au=2026-04-10"
PERIODE = exports.Periode(d(2026, 4, 1), d(2026, 4, 10))


@pytest.fixture
def pdf_factice(monkeypatch):
    monkeypatch.setattr(services.rendu, "pdf", lambda doc: f"%PDF {doc.numero}".encode())


def emettre(f, par, le):
    return services.emettre(facture=f, par=acteur(par), le=le)


def avoir_de(facture, lignes, *, par, le, motif="Erreur de surface"):
    """Un avoir qui reprend `lignes` de `facture`, émis par le service (série A)."""
    a = Facture.objects.create(
        type=Facture.Type.AVOIR,
        structure=facture.structure,
        client_externe=facture.client_externe,
        mois=facture.mois,
        periode_debut=facture.periode_debut,
        periode_fin=facture.periode_fin,
        facture_origine=facture,
        motif=motif,
    )
    for rang, ligne in enumerate(lignes, start=1):
        LigneFacture.objects.create(
            facture=a,
            rang=rang,
            origine=Origine.AVOIR,
            libelle=f"Annulation : {ligne.libelle}"[:300],
            quantite=ligne.quantite,
            unite=ligne.unite,
            prix_unitaire_ht=ligne.prix_unitaire_ht,
            montant_ht=ligne.montant_ht,
            taux_tva=ligne.taux_tva,
            montant_tva=ligne.montant_tva,
            ligne_origine=ligne,
        )
    return emettre(a, par, le)


@pytest.fixture
def pieces(mars, comptable, cooperative, structure_b, pdf_factice):
    """Mars 2026 émis : Halage le 31 mars (avant la période), Mode Estime le 1er avril, la
    Fédération le 12 avril (après) ; un avoir de Halage le 10 avril (loyer du bureau et
    courrier) ; avril préparé, resté brouillon."""
    structure_b.siren, structure_b.siret = "552100554", "55210055400013"
    structure_b.save(update_fields=["siren", "siret"])
    services.preparer_mois(mois=MARS, par=acteur(comptable))
    b = {f.client_nom: f for f in Facture.objects.brouillons()}
    halage = emettre(b["Halage"], comptable, d(2026, 3, 31))
    mode = emettre(b["Mode Estime"], comptable, d(2026, 4, 1))
    federation = emettre(b["Fédération des centres sociaux"], comptable, d(2026, 4, 12))
    lignes = {ligne.code_tarif or ligne.origine: ligne for ligne in halage.lignes.all()}
    avoir = avoir_de(
        halage, [lignes["bureau_m2_mois"], lignes["consommation"]], par=comptable, le=d(2026, 4, 10)
    )
    services.preparer_mois(mois=d(2026, 4, 1), par=acteur(comptable))
    assert Facture.objects.brouillons().exists()
    return {"halage": halage, "mode": mode, "federation": federation, "avoir": avoir}


def telecharger(user, nom, query=AVRIL):
    r = client_as(user).get(f"/factures/exports/{nom}/?{query}")
    assert r.status_code == 200, r.content[:500]
    return r, b"".join(r.streaming_content)


def lire_csv(contenu: bytes) -> list[list[str]]:
    assert contenu.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def lire_fec(contenu: bytes) -> list[list[str]]:
    lignes = contenu.decode("iso-8859-15").split("\r\n")
    assert lignes[-1] == ""
    return [ligne.split("\t") for ligne in lignes[:-1]]


# --- Factures et avoirs ---------------------------------------------------------------------


@pytest.mark.django_db
def test_factures_et_avoirs_de_la_periode(pieces, comptable, structure_a, structure_b):
    r, contenu = telecharger(comptable, "documents")

    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == (
        'attachment; filename="factures-avoirs-2026-04-01_2026-04-10.csv"'
    )
    rangees = lire_csv(contenu)
    assert rangees[0] == exports.ENTETE_DOCUMENTS
    # Only issued documents dated within [1 April, 10 April]: not Halage's invoice (31 March),
    # nor the Fédération's (12 April), nor April's drafts.
    assert rangees[1:] == [
        [
            "F2026-0002",
            "Facture",
            "380",
            "01/04/2026",
            "01/05/2026",
            "Mode Estime",
            f"S{structure_b.pk:05d}",
            "552100554",
            "55210055400013",
            "",
            "01/03/2026",
            "31/03/2026",
            "54,19",
            "10,84",
            "65,03",
            "",
            "",
        ],
        # A credit note reduces sales: negative amounts, no due date, the invoice it corrects.
        [
            "A2026-0001",
            "Avoir",
            "381",
            "10/04/2026",
            "",
            "Halage",
            f"S{structure_a.pk:05d}",
            "",
            "",
            "",
            "01/03/2026",
            "31/03/2026",
            "-225,16",
            "-45,03",
            "-270,19",
            "F2026-0001",
            "Erreur de surface",
        ],
    ]


@pytest.mark.django_db
def test_lignes_de_la_periode(pieces, comptable):
    _, contenu = telecharger(comptable, "lignes")

    rangees = lire_csv(contenu)
    assert rangees[0] == exports.ENTETE_LIGNES
    assert [r[:6] for r in rangees[1:]] == [
        ["F2026-0002", "Facture", "01/04/2026", "Mode Estime", rangees[1][4], "1"],
        ["A2026-0001", "Avoir", "10/04/2026", "Halage", rangees[2][4], "1"],
        ["A2026-0001", "Avoir", "10/04/2026", "Halage", rangees[2][4], "2"],
    ]
    poste, loyer, courrier = rangees[1:]
    assert poste[6:] == [
        "Convention d'occupation",
        "Poste de co-travail n° 2 — Co-travail — loyer du 1er mars 2026 au 14 mars 2026 "
        "(14 j sur 31, loyer mensuel 120,00 € HT)",
        "poste_cotravail_mois",
        "1",
        "unité",
        "54,19",
        "54,19",
        "20",
        "10,84",
        "65,03",
        "",
        "708300",
        "445710",
    ]
    # Credit note lines: negative amounts, the account of the line they correct.
    assert loyer[6:9] == [
        "Correction (avoir)",
        "Annulation : Bureau 101 (12,5 m²) — loyer mars 2026",
        "",
    ]
    assert loyer[12:] == ["-200,00", "20", "-40,00", "-240,00", "", "708300", "445710"]
    assert courrier[12:] == ["-25,16", "20", "-5,03", "-30,19", "", "708800", "445710"]


# --- Journal des ventes -----------------------------------------------------------------------


@pytest.mark.django_db
def test_journal_des_ventes_au_format_fec(pieces, comptable, structure_a, structure_b):
    r, contenu = telecharger(comptable, "ventes")

    assert r["Content-Type"] == "text/plain; charset=iso-8859-15"
    assert r["Content-Disposition"] == 'attachment; filename="ventes-2026-04-01_2026-04-10.txt"'
    rangees = lire_fec(contenu)
    assert rangees[0] == exports.ENTETE_FEC and len(rangees[0]) == 18
    assert all(len(r) == 18 for r in rangees)
    a, b = f"S{structure_a.pk:05d}", f"S{structure_b.pk:05d}"
    fixes = ["VT", "Journal des ventes"]
    f, av = "Facture F2026-0002 Mode Estime", "Avoir A2026-0001 Halage"
    # (piece, day, account, account label, auxiliary, its label, entry label, debit, credit)
    attendu = [
        ("F2026-0002", "20260401", "411000", "Clients", b, "Mode Estime", f, "65,03", "0,00"),
        ("F2026-0002", "20260401", "708300", "Locations diverses", "", "", f, "0,00", "54,19"),
        ("F2026-0002", "20260401", "445710", "TVA collectée", "", "", f"{f} TVA 20 %", "0,00",
         "10,84"),
        # The credit note reverses: client credited, revenue and VAT debited.
        ("A2026-0001", "20260410", "411000", "Clients", a, "Halage", av, "0,00", "270,19"),
        ("A2026-0001", "20260410", "708300", "Locations diverses", "", "", av, "200,00", "0,00"),
        ("A2026-0001", "20260410", "708800", "Autres produits d'activités annexes", "", "", av,
         "25,16", "0,00"),
        ("A2026-0001", "20260410", "445710", "TVA collectée", "", "", f"{av} TVA 20 %", "45,03",
         "0,00"),
    ]  # fmt: skip
    assert rangees[1:] == [
        [*fixes, piece, jour, compte, lib, aux, aux_lib, piece, jour, ecr, debit, credit, "", "",
         jour, "", ""]
        for piece, jour, compte, lib, aux, aux_lib, ecr, debit, credit in attendu
    ]  # fmt: skip


def _somme(rangees, colonne):
    return sum((D(r[colonne].replace(",", ".")) for r in rangees), D("0"))


@pytest.mark.django_db
def test_chaque_ecriture_est_equilibree_et_suit_le_csv(pieces, comptable):
    """Sur tout mars et avril : débit = crédit par pièce, et le montant signé du CSV est le
    débit moins le crédit du compte client."""
    query = "du=2026-03-01&au=2026-04-14"
    journal = lire_fec(telecharger(comptable, "ventes", query)[1])[1:]
    documents = lire_csv(telecharger(comptable, "documents", query)[1])[1:]
    assert {r[0] for r in documents} == {"F2026-0001", "F2026-0002", "F2026-0003", "A2026-0001"}
    for doc in documents:
        ecriture = [r for r in journal if r[2] == doc[0]]
        assert _somme(ecriture, 11) == _somme(ecriture, 12) > 0
        client = [r for r in ecriture if r[4] == "411000"]
        assert _somme(client, 11) - _somme(client, 12) == D(doc[14].replace(",", "."))


MONTANTS_HT = st.decimals(min_value=0, max_value=D("99999999.99"), places=2)
CODES = st.sampled_from(["", *Tarif.Code.values, "code_inconnu"])
LIGNES = st.lists(
    st.tuples(
        MONTANTS_HT,
        st.sampled_from(sorted(TAUX_TVA_ADMIS)),
        st.sampled_from(Origine.values),
        CODES,
    ),
    min_size=1,
    max_size=12,
)
PLANS = st.dictionaries(
    st.sampled_from([c.cle for c in comptes.CLES]),
    st.sampled_from(
        [
            comptes.Compte("411100", "Clients"),
            comptes.Compte("706100", "Divers"),
            comptes.Compte("445712", "TVA"),
            comptes.Compte("708300", "Locations"),
        ]
    ),
)


@given(lignes=LIGNES, est_avoir=st.booleans(), surcharges=PLANS)
def test_une_ecriture_est_toujours_equilibree(lignes, est_avoir, surcharges):
    """Quelles que soient les lignes, leurs taux et le plan (plusieurs clés sur un même
    compte compris) : débit = crédit = TTC, chaque montant d'un seul côté et positif, le
    client au débit d'une facture, au crédit d'un avoir."""
    facture = Facture(
        type=Facture.Type.AVOIR if est_avoir else Facture.Type.FACTURE,
        numero="A2026-0001" if est_avoir else "F2026-0001",
        date_emission=d(2026, 4, 1),
        acheteur={"nom": "Halage"},
        structure_id=7,
    )
    objets = []
    for ht, taux, origine, code in lignes:
        m = Montant.depuis_ht(ht, taux)
        objets.append(
            LigneFacture(
                origine=origine,
                code_tarif=code,
                montant_ht=m.ht,
                taux_tva=m.taux_tva,
                montant_tva=m.tva,
            )
        )
    plan = comptes.plan_depuis(
        CompteComptable(cle=cle, numero=c.numero, libelle=c.libelle)
        for cle, c in surcharges.items()
    )

    e = exports.ecriture(facture, objets, plan)

    ttc = sum((ligne.montant_ttc for ligne in objets), D("0"))
    assert e.debit == e.credit == ttc
    assert all((m.debit > 0) != (m.credit > 0) for m in e.mouvements)
    assert all(m.debit >= 0 and m.credit >= 0 for m in e.mouvements)
    client = e.mouvements[0] if ttc else None
    if client:
        assert client.auxiliaire == "S00007" and client.compte == plan.clients
        assert (client.credit if est_avoir else client.debit) == ttc
    # Every field of a row fits the tab-separated file.
    for rangee in exports.rangees_ecriture(e):
        assert len(rangee) == 18 and not any("\t" in champ or "\n" in champ for champ in rangee)


# --- Comptes configurables ------------------------------------------------------------------


def _donnees(plan, **changes):
    data = {}
    for cle in comptes.CLES:
        compte = changes.get(cle.cle, plan[cle.cle])
        data[f"{cle.cle}__numero"] = compte.numero
        data[f"{cle.cle}__libelle"] = compte.libelle
    return data


@pytest.mark.django_db
def test_la_gestion_choisit_les_comptes_du_journal(pieces, gestion, comptable):
    c = client_as(gestion)
    assert c.get("/factures/comptes/").status_code == 200
    data = _donnees(
        comptes.plan_par_defaut(),
        tarif_poste_cotravail_mois=comptes.Compte("706 300", "Loyers\tco-travail"),
        clients=comptes.Compte("411100", "Clients habitants"),
    )
    r = c.post("/factures/comptes/", data, follow=True)
    assert "Comptes enregistrés (2 changé(s))." in r.text
    assert CompteComptable.objects.get(cle="tarif_poste_cotravail_mois").numero == "706300"
    entree = EntreeJournal.objects.get(operation="facturation.comptes")
    assert entree.par == gestion
    assert entree.changements["Tarif « Poste de co-travail, par mois »"] == [
        "708300 Locations diverses",
        "706300 Loyers co-travail",
    ]

    journal = lire_fec(telecharger(comptable, "ventes")[1])
    assert journal[1][4:6] == ["411100", "Clients habitants"]
    assert journal[2][4:6] == ["706300", "Loyers co-travail"]
    # The bureau's rent (another tariff) keeps its default account.
    assert journal[5][4:6] == ["708300", "Locations diverses"]
    lignes = lire_csv(telecharger(comptable, "lignes")[1])
    assert lignes[1][17] == "706300"

    # Sent again unchanged: nothing written.
    r = c.post("/factures/comptes/", _donnees(comptes.plan_comptable()), follow=True)
    assert "Aucun compte n&#x27;a changé." in r.text
    assert EntreeJournal.objects.filter(operation="facturation.comptes").count() == 1


@pytest.mark.parametrize(
    ("cle", "numero", "message"),
    [
        ("clients", "706000", "Le compte des clients est un compte 41…"),
        ("tva_20", "706000", "La TVA collectée va dans un compte 4457…"),
        ("tarif_salle_heure", "411000", "Un produit va dans un compte de classe 7"),
        ("origine_manuelle", "7O6", "Un numéro de compte s&#x27;écrit en chiffres, de 3 à 20."),
        ("origine_manuelle", "7" * 21, "Assurez-vous que cette valeur comporte au plus 20"),
    ],
)
@pytest.mark.django_db
def test_un_compte_invalide_est_refuse_en_francais(gestion, cle, numero, message):
    data = _donnees(comptes.plan_par_defaut(), **{cle: comptes.Compte(numero, "Libellé")})
    r = client_as(gestion).post("/factures/comptes/", data)
    assert r.status_code == 400
    assert message in r.text
    assert not CompteComptable.objects.exists()


@pytest.mark.django_db
def test_la_comptabilite_lit_les_comptes_sans_les_changer(comptable):
    c = client_as(comptable)
    r = c.get("/factures/comptes/")
    assert r.status_code == 200
    assert "708300" in r.text and "<input" not in r.text.split("<main")[-1].split("</main>")[0]
    data = _donnees(comptes.plan_par_defaut(), clients=comptes.Compte("411100", "Clients"))
    assert c.post("/factures/comptes/", data).status_code == 403
    with pytest.raises(services.FacturationError, match="Seule l'équipe de gestion"):
        services.enregistrer_comptes(comptes={}, par=acteur(comptable))
    assert not CompteComptable.objects.exists()


# --- La page et la période --------------------------------------------------------------------


@pytest.mark.django_db
def test_la_page_propose_le_dernier_mois_complet(pieces, comptable):
    r = client_as(comptable).get("/factures/exports/")
    assert r.status_code == 200
    # Today is 14 April 2026: March is the last complete month.
    assert 'value="2026-03-01"' in r.text and 'value="2026-03-31"' in r.text
    # Halage's invoice, issued on 31 March.
    assert "1 facture (310,97\u00a0€ HT), 0 avoir, soit 310,97\u00a0€ HT net." in r.text
    assert 'formaction="/factures/exports/ventes/"' in r.text
    r = client_as(comptable).get(f"/factures/exports/?{AVRIL}")
    assert "1 facture (54,19\u00a0€ HT), 1 avoir (−225,16\u00a0€ HT)" in r.text
    assert "soit -170,97\u00a0€ HT net." in r.text


@pytest.mark.django_db
def test_la_liste_des_factures_mene_aux_exports_pour_l_equipe(pieces, comptable, referent_a):
    assert "/factures/exports/" in client_as(comptable).get("/factures/").text
    assert "/factures/exports/" not in client_as(referent_a).get("/factures/").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("du=2026-04-10&au=2026-04-01", "La fin de la période précède son début."),
        ("du=2025-01-01&au=2026-01-02", "Une période compte 366 jours au plus"),
        ("du=2026-04-01&au=2026-04-15", "Le 15 avr. 2026 n&#x27;est pas encore passé"),
        ("du=2026-04-01&au=2026-02-31", "Saisissez une date valide."),
        ("du=0001-01-01&au=2026-01-01", "Les dates vont de 1900 à 2999."),
        ("du=&au=2026-04-01", "Ce champ est obligatoire."),
        ("", "Ce champ est obligatoire."),
        ("du=2026-04-01%00&au=x" + "9" * 5000, "Saisissez une date valide."),
    ],
)
@pytest.mark.parametrize("nom", ["documents", "lignes", "ventes"])
@pytest.mark.django_db
def test_une_periode_invalide_donne_un_message_et_aucun_fichier(comptable, query, message, nom):
    r = client_as(comptable).get(f"/factures/exports/{nom}/?{query}")
    assert r.status_code == 400
    assert "Content-Disposition" not in r
    assert r["Content-Type"].startswith("text/html")
    assert message in r.text


@pytest.mark.django_db
def test_la_page_redit_une_periode_invalide(comptable):
    r = client_as(comptable).get("/factures/exports/?du=2026-04-10&au=2026-04-01")
    assert r.status_code == 400
    assert "La fin de la période précède son début." in r.text


@pytest.mark.django_db
def test_un_export_inconnu_est_un_404(comptable):
    assert client_as(comptable).get(f"/factures/exports/inconnu/?{AVRIL}").status_code == 404


@pytest.mark.django_db
def test_une_periode_vide_donne_l_en_tete_seul(comptable, cooperative):
    rangees = lire_fec(telecharger(comptable, "ventes")[1])
    assert rangees == [exports.ENTETE_FEC]
    assert lire_csv(telecharger(comptable, "documents")[1]) == [exports.ENTETE_DOCUMENTS]


# --- Textes hostiles, encodage ------------------------------------------------------------------


def test_textes_hostiles_et_caracteres_hors_latin_9():
    nom = '=HYPERLINK("x")\tŒuvre’s Łódź — «\u00a0test\u00a0»\x0b'
    f = Facture(numero="F2026-0002", acheteur={"nom": nom}, structure_id=1)
    (rangee,) = list(exports.rangees_documents([f]))[1:]
    # Never read as a formula by a spreadsheet; on one line.
    assert rangee[5] == '\'=HYPERLINK("x") Œuvre’s Łódź — « test »'
    fec = b"".join(exports.FEC.flux([[exports.texte_fec(nom), "b"]]))
    # ISO 8859-15 has Œ, ó and « », not ’, Ł, ź nor the em dash: their closest.
    assert fec.decode("iso-8859-15") == '=HYPERLINK("x") Œuvre\'s Lódz - « test »\tb\r\n'


def test_montants_a_la_francaise():
    assert exports.montant(D("-1234.5")) == "-1234,50"
    assert exports.montant(-D("0.00")) == "0,00"
    assert exports.montant(D("9999999999.99")) == "9999999999,99"


# --- Requêtes -----------------------------------------------------------------------------------


def emises_en_nombre(structure, rangs, jour):
    """Des factures émises d'une ligne, écrites comme l'émission les laisse (sans PDF)."""
    for rang in rangs:
        f = Facture.objects.create(
            structure=structure,
            mois=d(2026, 3, 1),
            periode_debut=d(2026, 3, 1),
            periode_fin=d(2026, 3, 31),
            total_ht=100,
            total_tva=20,
            total_ttc=120,
        )
        LigneFacture.objects.create(
            facture=f,
            rang=1,
            origine=Origine.CONVENTION,
            code_tarif="bureau_m2_mois",
            libelle="Loyer",
            quantite=1,
            prix_unitaire_ht=100,
            montant_ht=100,
            taux_tva=20,
            montant_tva=20,
        )
        Facture.objects.filter(pk=f.pk).update(
            statut=Facture.Statut.EMISE,
            serie="F",
            annee=2026,
            rang=rang,
            numero=f"F2026-{rang:04d}",
            date_emission=jour,
            date_echeance=jour,
            emise_le=datetime.datetime(2026, 4, 14, 8, tzinfo=datetime.UTC),
            acheteur={"nom": structure.nom},
        )


@pytest.mark.parametrize("nom", ["documents", "lignes", "ventes"])
@pytest.mark.django_db
def test_requetes_bornees_quel_que_soit_le_nombre_de_factures(
    comptable, structure_a, nom, django_assert_max_num_queries
):
    """Factures, puis leurs lignes d'une requête (et le plan des comptes) : autant de
    requêtes pour 3 factures que pour 63."""
    c = client_as(comptable)
    tailles = []
    for rangs in (range(1, 4), range(4, 64)):
        emises_en_nombre(structure_a, rangs, d(2026, 4, 2))
        with django_assert_max_num_queries(6):
            r = c.get(f"/factures/exports/{nom}/?{AVRIL}")
            tailles.append(len(b"".join(r.streaming_content)))
    assert tailles[1] > tailles[0]


# --- Le grand livre de la démo ------------------------------------------------------------------


@pytest.mark.grand_livre
@pytest.mark.django_db
def test_le_journal_de_la_demo_est_equilibre(monkeypatch):
    """Les factures de juin 2015 de la démo (émises le 6 juillet), écrites dans un fichier :
    chaque écriture équilibrée, le CSV d'accord avec le journal, des comptes attendus."""
    monkeypatch.setattr(demo, "MOIS_EMIS", (6,))
    call_command("demo", stdout=io.StringIO())
    juillet = exports.Periode(d(2015, 7, 1), d(2015, 7, 31))
    fichiers = {nom: io.BytesIO() for nom in ("documents", "ventes")}
    for nom, fichier in fichiers.items():
        exports.EXPORTS[nom].ecrire(juillet, fichier)

    documents = lire_csv(fichiers["documents"].getvalue())[1:]
    journal = lire_fec(fichiers["ventes"].getvalue())[1:]
    assert len(documents) == Facture.objects.emises().filter(mois="2015-06-01").count() >= 15
    for doc in documents:
        ecriture = [r for r in journal if r[2] == doc[0]]
        assert _somme(ecriture, 11) == _somme(ecriture, 12) > 0
        client = [r for r in ecriture if r[4] == "411000"]
        assert _somme(client, 11) - _somme(client, 12) == D(doc[14].replace(",", "."))
    assert {r[4] for r in journal} <= {"411000", "445710", "706000", "708300", "708800"}
    assert {"708300", "708800"} <= {r[4] for r in journal}


# --- Paiements --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_les_paiements_recus_dans_la_periode(pieces, comptable):
    from espaces.facturation import reglements

    mode, federation = pieces["mode"], pieces["federation"]

    def payer(f, montant, le, moyen="virement", reference=""):
        return reglements.enregistrer_paiement(
            structure=f.structure,
            client_externe=f.client_externe,
            factures=[f],
            date=le,
            montant=D(montant),
            moyen=moyen,
            reference=reference,
            par=acteur(comptable),
        )

    payer(mode, "50.00", d(2026, 4, 1), reference="VIR MODE")  # first day: in
    assert mode.total_ttc > D("60.00")
    rejete = payer(mode, "10.00", d(2026, 4, 10), moyen="cheque")  # last day: in
    reglements.annuler_paiement(paiement=rejete, motif="Chèque rejeté", par=acteur(comptable))
    payer(federation, "10.00", d(2026, 4, 13))  # after the period: out

    r, contenu = telecharger(comptable, "paiements")
    rangees = lire_csv(contenu)

    assert r["Content-Disposition"] == 'attachment; filename="paiements-2026-04-01_2026-04-10.csv"'
    assert rangees[0][:3] == ["Reçu le", "Client", "Compte client"]
    assert rangees[1] == [
        "01/04/2026",
        "Mode Estime",
        f"S{mode.structure_id:05d}",
        "Virement",
        "VIR MODE",
        "50,00",
        mode.numero,
        "50,00",
        "",
        "",
    ]
    assert rangees[2][0] == "10/04/2026" and rangees[2][3] == "Chèque"
    assert rangees[2][8] == "14/04/2026" and rangees[2][9] == "Chèque rejeté"
    assert len(rangees) == 3
