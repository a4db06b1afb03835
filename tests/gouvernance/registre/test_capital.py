"""Capital en parts sociales : l'arithmétique du grand livre (souscrit, libéré, parts, à
toute date et par catégorie), les libérations partielles, le remboursement à la valeur
nominale sous le plancher du quart, les contre-passations, l'immuabilité, l'état annuel ;
les pages et leurs refus."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from gouvernance import selectors
from gouvernance.models import Immuable, MouvementCapital
from gouvernance.services import GouvernanceError, capital, registre
from phares.models import EntreeJournal
from tests.conftest import client_as
from tests.gouvernance.registre.conftest import (
    SYSTEME,
    associe_structure,
    etat_base,
    euros,
    lisible,
    structure,
)

pytestmark = pytest.mark.django_db
d = datetime.date
D = Decimal


def totaux(le):
    t = selectors.capital(le=le).total
    return (t.parts, t.souscrit, t.libere)


# --- Arithmétique ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operations", "le", "attendu"),
    [
        # (operation, associate, date, value…) → (parts, subscribed, paid) on `le`
        ([("souscrire", "A", d(2014, 6, 1), 10, "1000")], d(2014, 6, 1), (10, "1000", "1000")),
        ([("souscrire", "A", d(2014, 6, 1), 10, "1000")], d(2014, 5, 31), (0, "0", "0")),
        (
            [("souscrire", "A", d(2014, 6, 1), 5, "0"), ("liberer", "A", d(2014, 9, 1), "150")],
            d(2014, 8, 31),
            (5, "500", "0"),
        ),
        (
            [("souscrire", "A", d(2014, 6, 1), 5, "0"), ("liberer", "A", d(2014, 9, 1), "150")],
            d(2014, 9, 1),
            (5, "500", "150"),
        ),
        (
            [
                ("souscrire", "A", d(2014, 6, 1), 10, "1000"),
                ("souscrire", "B", d(2014, 6, 1), 5, "200"),
                ("souscrire", "A", d(2015, 3, 1), 2, "200"),
                ("liberer", "B", d(2015, 4, 1), "300"),
            ],
            d(2015, 12, 31),
            (17, "1700", "1700"),
        ),
    ],
)
def test_capital_souscrit_et_libere_a_une_date(halage, solibio, operations, le, attendu):
    associes = {"A": associe_structure(halage), "B": associe_structure(solibio)}
    for op, qui, date, *valeurs in operations:
        if op == "souscrire":
            capital.souscrire(
                associe=associes[qui],
                date=date,
                parts=valeurs[0],
                libere=D(valeurs[1]),
                par=SYSTEME,
            )
        else:
            capital.liberer(associe=associes[qui], date=date, montant=D(valeurs[0]), par=SYSTEME)
    parts, souscrit, libere = attendu
    assert totaux(le) == (parts, euros(souscrit), euros(libere))


def test_capital_par_categorie(capital_de_base, associe):
    from gouvernance.models import Associe

    salariee = Associe.objects.get(personne=associe)
    capital.souscrire(associe=salariee, date=d(2015, 1, 1), parts=1, libere=D(100), par=SYSTEME)
    etat = selectors.capital(le=d(2015, 12, 31))
    par = {
        c.code: (c.porteurs, c.solde.parts, c.solde.souscrit, c.solde.libere)
        for c in etat.par_categorie
    }
    assert par["beneficiaires"] == (2, 15, euros(1500), euros(1200))
    assert par["salaries"] == (1, 1, euros(100), euros(100))
    assert par["partenaires"] == (0, 0, euros(0), euros(0))
    assert etat.porteurs == 3
    assert (etat.total.parts, etat.total.souscrit, etat.total.libere) == (
        16,
        euros(1600),
        euros(1300),
    )


def test_la_valeur_nominale_vient_des_reglages(halage_associee, settings):
    settings.PHARES_GOUVERNANCE = {"VALEUR_NOMINALE_PART": D("50.00")}
    m = capital.souscrire(associe=halage_associee, date=d(2015, 1, 1), parts=3, par=SYSTEME)
    assert (m.parts, m.souscrit, m.libere) == (3, euros(150), euros(0))


# --- Libérations --------------------------------------------------------------------------


def test_liberation_partielle_puis_complete(halage_associee):
    capital.souscrire(
        associe=halage_associee, date=d(2014, 6, 1), parts=5, libere=D(200), par=SYSTEME
    )
    assert selectors.solde(halage_associee, le=d(2014, 6, 1)).a_liberer == euros(300)
    capital.liberer(associe=halage_associee, date=d(2015, 1, 10), montant=D("100.50"), par=SYSTEME)
    capital.liberer(associe=halage_associee, date=d(2015, 2, 10), montant=D("199.50"), par=SYSTEME)
    solde = selectors.solde(halage_associee, le=d(2015, 2, 10))
    assert (solde.souscrit, solde.libere, solde.a_liberer) == (euros(500), euros(500), euros(0))


@pytest.mark.parametrize(
    ("date", "montant", "message"),
    [
        (
            d(2015, 1, 10),
            "300.01",
            "dépasse ce que Halage doit encore : 300,00 € restent à libérer",
        ),
        (d(2014, 5, 1), "10", "associé depuis le 1er juin 2014 : pas de versement avant"),
        (d(2016, 3, 2), "10", "La date d'effet ne peut pas être dans le futur"),
        (d(2015, 1, 10), "0", "Le montant versé est positif"),
        (d(2015, 1, 10), "1.005", "deux décimales"),
    ],
)
def test_une_liberation_fausse_est_refusee(halage_associee, date, montant, message):
    capital.souscrire(
        associe=halage_associee, date=d(2014, 6, 1), parts=5, libere=D(200), par=SYSTEME
    )
    avant = etat_base()
    with pytest.raises(GouvernanceError) as refus:
        capital.liberer(associe=halage_associee, date=date, montant=D(montant), par=SYSTEME)
    assert message in lisible(str(refus.value))
    assert etat_base() == avant


def test_une_liberation_anterieure_ne_depasse_pas_le_souscrit_de_son_jour(halage_associee):
    """5 parts le 1er juin 2014, 5 de plus le 1er juin 2015 : 800 € libérés en 2014 dépassent
    les 500 € souscrits à cette date, même si le compte en doit 1000 aujourd'hui."""
    capital.souscrire(associe=halage_associee, date=d(2014, 6, 1), parts=5, par=SYSTEME)
    capital.souscrire(associe=halage_associee, date=d(2015, 6, 1), parts=5, par=SYSTEME)
    with pytest.raises(GouvernanceError) as refus:
        capital.liberer(associe=halage_associee, date=d(2014, 9, 1), montant=D(800), par=SYSTEME)
    assert "500,00 € restent à libérer au 1er septembre 2014" in lisible(str(refus.value))


def test_on_ne_verse_pas_plus_que_le_souscrit_a_la_souscription(halage_associee):
    with pytest.raises(GouvernanceError) as refus:
        capital.souscrire(
            associe=halage_associee, date=d(2015, 1, 1), parts=3, libere=D(301), par=SYSTEME
        )
    assert "va de 0 à 300,00 € (3 × 100,00 €)" in lisible(str(refus.value))
    assert not MouvementCapital.objects.exists()


def test_on_ne_souscrit_qu_en_etant_associe(halage_associee):
    registre.sortir_associe(
        associe=halage_associee, sortie=d(2015, 6, 30), motif="demission", par=SYSTEME
    )
    with pytest.raises(GouvernanceError, match="n'est pas associé le 1er juillet 2015"):
        capital.souscrire(associe=halage_associee, date=d(2015, 7, 1), parts=1, par=SYSTEME)
    with pytest.raises(GouvernanceError, match="n'est pas associé le 31 mai 2014"):
        capital.souscrire(associe=halage_associee, date=d(2014, 5, 31), parts=1, par=SYSTEME)


# --- Remboursements -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "verse", "rembourse", "rendu", "reste_du"),
    [
        (10, "1000", 10, "1000", "0"),  # fully paid: the nominal value
        (10, "600", 10, "600", "0"),  # 400 still due: deducted
        (10, "600", 2, "0", "200"),  # the refund only lowers what is still due
        (10, "600", 6, "200", "0"),
        (10, "0", 4, "0", "600"),
    ],
)
def test_montant_rendu_a_la_valeur_nominale_moins_le_reste_a_liberer(
    halage_associee, parts, verse, rembourse, rendu, reste_du
):
    registre.sortir_associe(
        associe=halage_associee,
        sortie=d(2015, 12, 31),
        motif="demission",
        par=SYSTEME,
        demander_remboursement=False,
    )
    capital.souscrire(
        associe=halage_associee, date=d(2014, 6, 1), parts=parts, libere=D(verse), par=SYSTEME
    )
    # Another associate keeps the capital above its floor.
    autre = associe_structure(structure("Solide"))
    capital.souscrire(associe=autre, date=d(2014, 6, 1), parts=100, libere=D(10000), par=SYSTEME)
    demande = capital.demander_retrait(
        associe=halage_associee, date=d(2016, 1, 5), parts=rembourse, par=SYSTEME
    )
    m = capital.rembourser(demande=demande, date=d(2016, 2, 1), par=SYSTEME)
    assert (m.parts, m.souscrit, m.libere) == (-rembourse, -euros(rembourse * 100), -euros(rendu))
    assert selectors.solde(halage_associee, le=d(2016, 2, 1)).a_liberer == euros(reste_du)


def _capital_avec_sorties(n_sortants=8, parts=10):
    """n structures sorties fin 2015, chacune 10 parts payées et sa demande de retrait ;
    deux qui restent, 10 parts chacune. Capital : (n + 2) × 1000 €."""
    demandes = []
    for i in range(n_sortants + 2):
        a = associe_structure(structure(f"Structure {i}"))
        capital.souscrire(
            associe=a, date=d(2014, 6, 1), parts=parts, libere=D(parts * 100), par=SYSTEME
        )
        if i < n_sortants:
            registre.sortir_associe(
                associe=a, sortie=d(2015, 12, 31), motif="demission", par=SYSTEME
            )
            demandes.append(a.demandes_retrait.get())
    return demandes


def test_le_plancher_du_quart_refuse_le_remboursement_de_trop(db):
    demandes = _capital_avec_sorties()  # 10 000 €: the floor is 2 500 €
    for demande in demandes[:7]:
        capital.rembourser(demande=demande, date=d(2016, 1, 15), par=SYSTEME)
    assert totaux(d(2016, 1, 15))[1] == euros(3000)
    avant = etat_base()
    with pytest.raises(GouvernanceError) as refus:
        capital.rembourser(demande=demandes[7], date=d(2016, 1, 15), par=SYSTEME)
    message = lisible(str(refus.value))
    assert "descendrait à 2 000,00 € le 15 janvier 2016" in message
    assert "plancher de 2 500,00 €" in message
    assert "10 000,00 € (le 1er juin 2014)" in message
    assert "art. 7 de la loi du 10 septembre 1947" in message
    assert etat_base() == avant
    # New subscriptions lift the capital: the refund goes through.
    autre = associe_structure(structure("Nouvelle"), entree=d(2016, 2, 1))
    capital.souscrire(associe=autre, date=d(2016, 2, 1), parts=5, libere=D(500), par=SYSTEME)
    capital.rembourser(demande=demandes[7], date=d(2016, 2, 1), par=SYSTEME)
    assert totaux(d(2016, 2, 1))[1] == euros(2500)


def test_le_plancher_vaut_aussi_pour_les_jours_suivants(db):
    """Un remboursement daté du passé ne fait pas passer sous le plancher un jour d'après,
    où d'autres remboursements ont déjà eu lieu."""
    demandes = _capital_avec_sorties()
    for demande in demandes[:7]:
        capital.rembourser(demande=demande, date=d(2016, 2, 1), par=SYSTEME)
    with pytest.raises(GouvernanceError, match="le 1er février 2016, sous son plancher"):
        capital.rembourser(demande=demandes[7], date=d(2016, 1, 20), par=SYSTEME)


def test_le_minimum_des_statuts_releve_le_plancher(db, settings):
    settings.PHARES_GOUVERNANCE = {"CAPITAL_MINIMUM_STATUTAIRE": D("9500.00")}
    demandes = _capital_avec_sorties()
    with pytest.raises(GouvernanceError) as refus:
        capital.rembourser(demande=demandes[0], date=d(2016, 1, 15), par=SYSTEME)
    assert "plancher de 9 500,00 €" in lisible(str(refus.value))


def test_un_associe_en_place_garde_une_part(halage_associee):
    capital.souscrire(
        associe=halage_associee, date=d(2014, 6, 1), parts=3, libere=D(300), par=SYSTEME
    )
    autre = associe_structure(structure("Solide"))
    capital.souscrire(associe=autre, date=d(2014, 6, 1), parts=100, libere=D(10000), par=SYSTEME)
    demande = capital.demander_retrait(
        associe=halage_associee, date=d(2016, 1, 5), parts=3, par=SYSTEME
    )
    with pytest.raises(GouvernanceError, match="garde au moins une part"):
        capital.rembourser(demande=demande, date=d(2016, 2, 1), par=SYSTEME)
    partielle = capital.demander_retrait
    capital.annuler_demande(demande=demande, motif="Erreur de saisie", par=SYSTEME)
    demande = partielle(associe=halage_associee, date=d(2016, 1, 5), parts=2, par=SYSTEME)
    capital.rembourser(demande=demande, date=d(2016, 2, 1), par=SYSTEME)
    assert selectors.solde(halage_associee, le=d(2016, 2, 1)).parts == 1


def test_une_demande_ne_porte_pas_sur_plus_de_parts_que_detenues(halage_associee):
    capital.souscrire(associe=halage_associee, date=d(2014, 6, 1), parts=3, par=SYSTEME)
    capital.demander_retrait(associe=halage_associee, date=d(2016, 1, 5), parts=2, par=SYSTEME)
    with pytest.raises(
        GouvernanceError, match="détient 3 part\\(s\\), dont 2 déjà demandée\\(s\\)"
    ):
        capital.demander_retrait(associe=halage_associee, date=d(2016, 1, 6), parts=2, par=SYSTEME)


def test_une_demande_remboursee_ou_annulee_ne_se_rembourse_plus(db):
    demandes = _capital_avec_sorties(n_sortants=2)
    capital.rembourser(demande=demandes[0], date=d(2016, 1, 15), par=SYSTEME)
    with pytest.raises(GouvernanceError, match="déjà remboursée"):
        capital.rembourser(demande=demandes[0], date=d(2016, 1, 16), par=SYSTEME)
    capital.annuler_demande(demande=demandes[1], motif="Reste finalement", par=SYSTEME)
    with pytest.raises(GouvernanceError, match="a été annulée"):
        capital.rembourser(demande=demandes[1], date=d(2016, 1, 16), par=SYSTEME)
    assert list(selectors.demandes_en_attente()) == []


def test_le_remboursement_ne_precede_pas_la_demande(db):
    (demande,) = _capital_avec_sorties(n_sortants=1)
    with pytest.raises(GouvernanceError, match="reçue le 31 décembre 2015"):
        capital.rembourser(demande=demande, date=d(2015, 12, 30), par=SYSTEME)


# --- Contre-passations ---------------------------------------------------------------------


def test_une_contre_passation_efface_l_erreur_a_sa_date(halage_associee):
    capital.souscrire(
        associe=halage_associee, date=d(2014, 6, 1), parts=5, libere=D(500), par=SYSTEME
    )
    erreur = capital.souscrire(associe=halage_associee, date=d(2015, 3, 1), parts=50, par=SYSTEME)
    annulation = capital.contre_passer(mouvement=erreur, motif="Saisie en double", par=SYSTEME)
    assert (annulation.date, annulation.parts, annulation.souscrit) == (
        d(2015, 3, 1),
        -50,
        -euros(5000),
    )
    assert annulation.contre_passe == erreur
    assert totaux(d(2015, 3, 1)) == (5, euros(500), euros(500))
    # The wrong entry never was capital: the highest capital (and the floor) ignore it.
    etat = selectors.capital(le=d(2016, 3, 1))
    assert etat.plus_haut.montant == euros(500) and etat.plancher == euros(125)
    assert MouvementCapital.objects.count() == 4  # nothing deleted


def test_on_ne_contre_passe_ni_deux_fois_ni_une_contre_passation(halage_associee):
    m = capital.souscrire(associe=halage_associee, date=d(2015, 1, 1), parts=2, par=SYSTEME)
    annulation = capital.contre_passer(mouvement=m, motif="Erreur", par=SYSTEME)
    with pytest.raises(GouvernanceError, match="déjà été contre-passé"):
        capital.contre_passer(mouvement=m, motif="Encore", par=SYSTEME)
    with pytest.raises(GouvernanceError, match="ne se contre-passe pas"):
        capital.contre_passer(mouvement=annulation, motif="Erreur", par=SYSTEME)
    with pytest.raises(GouvernanceError, match="Dites pourquoi"):
        capital.contre_passer(mouvement=m, motif="   ", par=SYSTEME)


def test_une_souscription_dont_dependent_des_liberations(halage_associee):
    m = capital.souscrire(associe=halage_associee, date=d(2015, 1, 1), parts=2, par=SYSTEME)
    capital.liberer(associe=halage_associee, date=d(2015, 2, 1), montant=D(200), par=SYSTEME)
    with pytest.raises(GouvernanceError, match="Contre-passez d'abord les mouvements suivants"):
        capital.contre_passer(mouvement=m, motif="Erreur", par=SYSTEME)


def test_contre_passer_un_remboursement_remet_la_demande_en_attente(db):
    (demande,) = _capital_avec_sorties(n_sortants=1)
    remboursement = capital.rembourser(demande=demande, date=d(2016, 1, 15), par=SYSTEME)
    assert list(selectors.demandes_en_attente()) == []
    capital.contre_passer(mouvement=remboursement, motif="Chèque revenu impayé", par=SYSTEME)
    assert list(selectors.demandes_en_attente()) == [demande]
    assert totaux(d(2016, 1, 15)) == (30, euros(3000), euros(3000))


# --- Immuable ------------------------------------------------------------------------------


def test_le_grand_livre_ne_se_modifie_ni_ne_s_efface(halage_associee):
    m = capital.souscrire(associe=halage_associee, date=d(2015, 1, 1), parts=2, par=SYSTEME)
    m.parts = 200
    with pytest.raises(Immuable):
        m.save()
    with pytest.raises(Immuable):
        m.delete()
    with pytest.raises(Immuable):
        MouvementCapital.objects.update(parts=3)
    with pytest.raises(Immuable):
        MouvementCapital.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE gouvernance_mouvementcapital SET parts = 200")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM gouvernance_mouvementcapital")
    assert MouvementCapital.objects.get().parts == 2


def test_chaque_mouvement_est_au_journal(halage_associee, gestion):
    from tests.conftest import acteur

    m = capital.souscrire(
        associe=halage_associee, date=d(2015, 1, 1), parts=2, libere=D(50), par=acteur(gestion)
    )
    operations = [
        (e.operation, lisible(e.libelle))
        for e in EntreeJournal.objects.filter(par=gestion).order_by("pk")
    ]
    assert operations == [
        ("capital.souscription", "Souscription de 2 part(s) (200,00 €) par Halage le 01/01/2015"),
        ("capital.liberation", "Libération de 50,00 € par Halage le 01/01/2015"),
    ]
    assert m.enregistre_par == gestion


# --- État annuel ---------------------------------------------------------------------------


def test_etat_annuel_debut_plus_mouvements_egale_fin(capital_de_base):
    halage, solibio = capital_de_base
    capital.liberer(associe=solibio, date=d(2015, 3, 15), montant=D(100), par=SYSTEME)
    capital.souscrire(associe=halage, date=d(2015, 11, 15), parts=5, par=SYSTEME)
    etat = selectors.etat_annuel(annee=2015)
    lignes = {str(ligne.associe): ligne for ligne in etat.lignes}
    assert (lignes["Solibio"].debut.libere, lignes["Solibio"].fin.libere) == (
        euros(200),
        euros(300),
    )
    assert (lignes["Halage"].debut.parts, lignes["Halage"].fin.parts) == (10, 15)
    for ligne in etat.lignes:
        parts = ligne.debut.parts + sum(m.parts for m in ligne.mouvements)
        libere = ligne.debut.libere + sum(m.libere for m in ligne.mouvements)
        assert (parts, libere) == (ligne.fin.parts, ligne.fin.libere)
    assert (etat.debut.parts, etat.debut.souscrit, etat.debut.libere) == (
        15,
        euros(1500),
        euros(1200),
    )
    assert (etat.fin.parts, etat.fin.souscrit, etat.fin.libere) == (20, euros(2000), euros(1300))
    natures = dict(etat.natures)
    assert natures["Souscription"].souscrit == euros(500)
    assert natures["Libération"].libere == euros(100)


def test_la_page_de_l_etat_annuel_s_imprime(capital_de_base, associe):
    response = client_as(associe).get(reverse("gouvernance:capital-etat", args=[2014]))
    assert response.status_code == 200
    assert "État du capital social — année 2014" in response.text
    assert "1er juin 2014 : souscription +10 parts" in response.text
    assert "Imprimez cette page" in response.text
    assert (
        client_as(associe).get(reverse("gouvernance:capital-etat", args=[1850])).status_code == 404
    )


# --- Pages ---------------------------------------------------------------------------------


def test_souscrire_depuis_la_fiche_de_l_associe(halage_associee, cogerant):
    client = client_as(cogerant)
    url = reverse("gouvernance:souscrire", args=[halage_associee.pk])
    response = client.post(
        url, {"date": "2015-05-04", "parts": "4", "libere": "150", "reference": "Bulletin 12"}
    )
    assert response.status_code == 302
    assert response.url == reverse("gouvernance:associe-detail", args=[halage_associee.pk])
    solde = selectors.solde(halage_associee, le=d(2016, 3, 1))
    assert (solde.parts, solde.souscrit, solde.libere) == (4, euros(400), euros(150))
    fiche = lisible(client.get(response.url).text)
    assert "250,00 € restent à verser" in fiche and "Bulletin 12" in fiche


@pytest.mark.parametrize(
    ("vue", "data", "message"),
    [
        (
            "souscrire",
            {"date": "2015-05-04", "parts": "0", "libere": "0"},
            "supérieure ou égale à 1",
        ),
        (
            "souscrire",
            {"date": "2015-05-04", "parts": "2", "libere": "-5"},
            "supérieure ou égale à 0",
        ),
        ("souscrire", {"date": "2015-05-04", "parts": "2", "libere": "250"}, "va de 0 à 200,00 €"),
        ("souscrire", {"date": "2016-03-02", "parts": "2", "libere": "0"}, "dans le futur"),
        ("souscrire", {"date": "2014-01-01", "parts": "2", "libere": "0"}, "n'est pas associé le"),
        (
            "liberer",
            {"date": "2015-05-04", "montant": "10.001"},
            "Deux chiffres après la virgule au plus",
        ),
        ("liberer", {"date": "2015-05-04", "montant": "abc"}, "Saisissez un nombre"),
        ("liberer", {"date": "2015-05-04", "montant": "10"}, "0,00 € restent à libérer"),
        ("retrait-demander", {"date": "2015-05-04", "parts": "1"}, "détient 0 part(s)"),
    ],
)
def test_une_saisie_fausse_est_dite_en_francais_et_n_ecrit_rien(
    halage_associee, gestion, vue, data, message
):
    avant = etat_base()
    response = client_as(gestion).post(
        reverse(f"gouvernance:{vue}", args=[halage_associee.pk]), data
    )
    assert response.status_code == 200
    assert message in lisible(response.text)
    assert etat_base() == avant


def test_rembourser_depuis_la_page_dit_le_montant_rendu(db, gestion):
    (demande,) = _capital_avec_sorties(n_sortants=1)
    client = client_as(gestion)
    url = reverse("gouvernance:rembourser", args=[demande.pk])
    page = lisible(client.get(url).text)
    assert "Montant à rendre aujourd'hui : 1 000,00 €" in page
    response = client.post(url, {"date": "2016-02-01", "reference": "Virement 42"})
    assert response.status_code == 302
    assert client.get(url).status_code == 404  # refunded: nothing left to do


def test_contre_passer_depuis_la_page(halage_associee, gestion):
    m = capital.souscrire(associe=halage_associee, date=d(2015, 1, 1), parts=2, par=SYSTEME)
    client = client_as(gestion)
    url = reverse("gouvernance:contre-passer", args=[m.pk])
    assert "Ce champ est obligatoire" in client.post(url, {"motif": ""}).text
    assert client.post(url, {"motif": "Bulletin saisi deux fois"}).status_code == 302
    assert client.get(url).status_code == 404
    annulation = MouvementCapital.objects.get(type="contre_passation")
    assert client.get(reverse("gouvernance:contre-passer", args=[annulation.pk])).status_code == 404


def test_la_page_du_capital(capital_de_base, associe):
    page = lisible(
        client_as(associe).get(reverse("gouvernance:capital"), {"le": "2015-12-31"}).text
    )
    assert "Capital au 31 décembre 2015" in page
    assert "1 500,00 €" in page and "1 200,00 €" in page
    assert "375,00 €" in page  # the floor: a quarter of 1 500 €
    assert "Souscrire des parts" not in page
