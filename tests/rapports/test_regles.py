"""Les règles du rapport sur un petit pôle fait à la main : une année sans personne n'a pas de
rapport ; le rapport 2015 est calculé à la date de 2015 (ce qui arrive ensuite n'y change
rien) ; son nombre de requêtes ne grandit pas avec les réservations ni les structures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espaces.models import Batiment, Convention, Espace, Etage, Reservation, Ressource, Tarif
from gouvernance.models import Associe, Decision, Mandat, PosteDedie, Seance
from habitants.models import ChiffresAnnuels, Structure
from habitants.projets.models import Jalon, Partenaire, Projet, Subvention
from phares.lib import temps
from rapports import regles
from rapports.donnees import AnneeSansDonnees, Textes, rassembler
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
d = datetime.date


def structure(nom, domaine, arrivee=None, depart=None):
    arrivee = arrivee or d(2014, 1, 1)
    return Structure.objects.create(
        nom=nom, slug=nom.lower().replace(" ", "-"), domaine=domaine, arrivee=arrivee, depart=depart
    )


def chiffres(s, annee, permanents=2, insertion=5):
    return ChiffresAnnuels.objects.create(
        structure=s, annee=annee, emplois_permanents=permanents, salaries_insertion=insertion,
        services_civiques=1, benevoles=3,
    )  # fmt: skip


def seance(jour, decisions=1, type_=Seance.Type.COGERANCE):
    s = Seance.objects.create(
        type=type_, titre=f"Séance du {jour}", debut=temps.aware(jour, datetime.time(18)),
        lieu="La Cité PHARES",
    )  # fmt: skip
    for i in range(decisions):
        Decision.objects.create(
            seance=s, rang=i, titre=f"Décision {i}", texte="…", categorie="autre",
            mode="consensus", resultat="adoptee",
        )  # fmt: skip
    Seance.objects.filter(pk=s.pk).update(
        statut=Seance.Statut.APPROUVEE, annee_pv=jour.year, rang_pv=s.pk,
        numero=f"PV-{jour.year}-{s.pk}", approuvee_le=temps.aware(jour, datetime.time(20)),
    )  # fmt: skip
    return s


def reserver(salle, s, jour, heures=2):
    debut = temps.aware(jour, datetime.time(9))
    fin = debut + datetime.timedelta(hours=heures)
    return Reservation.objects.create(
        ressource=salle, debut=debut, fin=fin, fin_bloquee=fin, structure=s, titre="Réunion"
    )


@pytest.fixture
def pole(domaine, axes):
    """Un petit pôle en 2015 : deux structures, deux bureaux, une salle, une séance."""
    a = structure("Alpha", domaine)
    b = structure("Beta", domaine, arrivee=d(2015, 3, 1))
    etage = Etage.objects.create(
        batiment=Batiment.objects.create(nom="Lieu", surface_m2=Decimal("500.00")),
        niveau=0,
        nom="RDC",
    )
    bureaux = [
        Espace.objects.create(etage=etage, nom=f"Bureau {i}", slug=f"bureau-{i}", type="bureau")
        for i in (1, 2)
    ]
    salle_espace = Espace.objects.create(
        etage=etage, nom="Salle", slug="salle", type="salle_reunion"
    )
    salle = Ressource.objects.create(
        categorie=Ressource.Categorie.SALLE, nom="Salle", slug="salle", espace=salle_espace
    )
    Convention.objects.create(
        structure=a, espace=bureaux[0], debut=d(2014, 1, 1), montant_mensuel_ht=300
    )
    for s in (a, b):
        chiffres(s, 2015)
    Associe.objects.create(structure=a, categorie="beneficiaires", entree=d(2014, 6, 1))
    Mandat.objects.create(
        personne=make_user("co@phares.test", first_name="Claude"), debut=d(2014, 6, 1)
    )
    seance(d(2015, 5, 12), decisions=2)
    PosteDedie.objects.create(
        fonction="developpement", intitule="Chargée de développement", personne_nom="Anne",
        employeur="SCIC", etp=Decimal("1.00"), debut=d(2014, 1, 1),
    )  # fmt: skip
    Tarif.objects.create(
        code=Tarif.Code.BUREAU_M2_MOIS, montant_ht=Decimal("16"), debut=d(2014, 1, 1)
    )
    projet = Projet.objects.create(
        nom="Jardin", slug="jardin", axe=axes[1], resume="Un jardin partagé.", debut=d(2015, 4, 1)
    )
    Jalon.objects.create(projet=projet, date=d(2015, 5, 2), titre="Premières plantations")
    financeur = Partenaire.objects.create(nom="Région", categorie=Partenaire.Categorie.REGION)
    Subvention.objects.create(
        financeur=financeur, intitule="Soutien 2015", statut=Subvention.Statut.ACCORDEE,
        montant_demande=Decimal("12000"), montant_accorde=Decimal("10000"),
        debut=d(2015, 1, 1), fin=d(2015, 12, 31), date_decision=d(2015, 2, 1),
    )  # fmt: skip
    reserver(salle, a, d(2015, 6, 3))
    return {"a": a, "b": b, "salle": salle, "bureaux": bureaux, "axes": axes, "domaine": domaine}


def test_une_base_vide_n_a_pas_de_rapport(db):
    with pytest.raises(AnneeSansDonnees):
        rassembler(2015)


def test_une_annee_sans_structure_presente_n_a_pas_de_rapport(pole):
    with pytest.raises(AnneeSansDonnees, match="2013"):
        rassembler(2013)
    assert rassembler(2015).annee == 2015


def test_le_petit_pole_compte(pole):
    r = rassembler(2015)
    valeurs = {c.cle: c.valeur for c in r.chiffres}
    assert valeurs["habitants"] == 2  # Beta arrived on 1 March: there on 30 June
    assert (valeurs["emplois_permanents"], valeurs["salaries_insertion"]) == (4, 10)
    assert (valeurs["surface"], valeurs["etages"], valeurs["bureaux"], valeurs["salles"]) == (
        500, 1, 2, 1,
    )  # fmt: skip
    assert valeurs["etp_phares"] == 1
    assert [(f.nom, f.montant) for f in r.financeurs] == [("Région", Decimal("10000.00"))]
    g = r.gouvernance
    assert (g.associes, g.cogerants, len(g.seances), g.decisions) == (1, ["Claude"], 1, 2)
    jardin = r.axes[1].elements[0]
    assert (jardin.texte, jardin.sous_elements) == ("Un jardin partagé.", ["Premières plantations"])
    tarif = r.axes[0].elements[0]
    assert tarif.texte == "Bureaux privatifs à coûts réduits (16 €/m²/mois)"
    occupation = r.graphiques[0]
    assert occupation.series[0].valeurs == [Decimal("50.0")] * 12  # one office of two
    assert r.graphiques[1].categories == ["Salle"] and r.graphiques[1].series[0].valeurs == [2]


def test_le_rapport_2015_ne_bouge_pas_quand_les_annees_suivantes_changent(pole):
    avant = rassembler(2015)
    a, b, salle, axes, domaine = (pole[k] for k in ("a", "b", "salle", "axes", "domaine"))
    # 2016 and 2017: arrivals, departures, associates, meetings, tariffs, grants, bookings…
    structure("Gamma", domaine, arrivee=d(2016, 2, 1))
    Structure.objects.filter(pk=a.pk).update(depart=d(2016, 3, 31))
    chiffres(b, 2016, permanents=40)
    Convention.objects.create(
        structure=b, espace=pole["bureaux"][1], debut=d(2016, 1, 1), montant_mensuel_ht=200
    )
    Associe.objects.filter(structure=a).update(sortie=d(2016, 6, 30), motif_sortie="demission")
    Associe.objects.create(structure=b, categorie="beneficiaires", entree=d(2016, 1, 10))
    Mandat.objects.create(personne=make_user("co2@phares.test"), debut=d(2016, 1, 1))
    seance(d(2016, 1, 12), decisions=3)
    PosteDedie.objects.create(
        fonction="technique", intitule="Assistant", personne_nom="Yves", employeur="SCIC",
        etp=Decimal("0.50"), debut=d(2016, 1, 1),
    )  # fmt: skip
    Tarif.objects.filter(code=Tarif.Code.BUREAU_M2_MOIS).update(fin=d(2016, 12, 31))
    Tarif.objects.create(
        code=Tarif.Code.BUREAU_M2_MOIS, montant_ht=Decimal("20"), debut=d(2017, 1, 1)
    )
    Projet.objects.create(
        nom="Atelier", slug="atelier", axe=axes[2], resume="Un atelier vélo.", debut=d(2016, 3, 1)
    )
    Jalon.objects.create(
        projet=Projet.objects.get(slug="jardin"), date=d(2016, 4, 1), titre="Récolte"
    )
    Subvention.objects.create(
        financeur=Partenaire.objects.create(nom="Fondation", categorie="fondation"),
        intitule="Rattrapage 2015", statut=Subvention.Statut.ACCORDEE,
        montant_demande=Decimal("5000"), montant_accorde=Decimal("5000"),
        debut=d(2015, 1, 1), fin=d(2015, 12, 31), date_decision=d(2016, 3, 1),
    )  # fmt: skip
    reserver(salle, b, d(2016, 1, 5))
    apres = rassembler(2015)
    assert apres == avant
    assert rassembler(2016).chiffre("habitants").valeur == 2  # the later data is there


def test_les_bornes_de_l_annee(pole):
    """1er janvier et 31 décembre sont dans l'année ; le 1er janvier suivant n'y est pas."""
    domaine = pole["domaine"]
    structure("Nouvel an", domaine, arrivee=d(2016, 1, 1))
    structure("Saint-Sylvestre", domaine, arrivee=d(2015, 12, 31))
    seance(d(2016, 1, 1))
    noms = [h.nom for dom in rassembler(2015).domaines for h in dom.habitants]
    assert "Saint-Sylvestre" in noms and "Nouvel an" not in noms
    assert len(rassembler(2015).gouvernance.seances) == 1


@pytest.mark.parametrize(
    ("arrivee", "depart", "attendu"),
    [
        (d(2010, 1, 1), None, ""),
        (d(2010, 1, 1), d(2016, 5, 31), ""),  # a later departure is not known yet
        (d(2015, 10, 1), None, "depuis octobre 2015"),
        (d(2015, 10, 1), d(2016, 2, 29), "depuis octobre 2015"),
        (d(2015, 6, 1), d(2015, 8, 31), "Juin–Août 2015"),
        (d(2015, 6, 1), d(2015, 6, 20), "Juin 2015"),
        (d(2014, 9, 1), d(2015, 9, 30), "départ en septembre 2015"),
    ],
)
def test_periode_dans_l_annee(arrivee, depart, attendu):
    assert regles.periode_dans_l_annee(arrivee, depart, 2015) == attendu


def test_archiver_une_structure_ne_reecrit_pas_l_annee(pole):
    Structure.objects.filter(pk=pole["a"].pk).update(archivee=True, depart=d(2016, 1, 31))
    r = rassembler(2015)
    assert r.chiffre("habitants").valeur == 2
    assert "Alpha" in [h.nom for dom in r.domaines for h in dom.habitants]


def test_marques_des_habitants(pole):
    domaine = pole["domaine"]
    structure("Partie", domaine, depart=d(2015, 4, 30))
    structure("Dernier jour", domaine, depart=d(2015, 12, 31))
    habitants = {h.nom: h for dom in rassembler(2015).domaines for h in dom.habitants}
    assert habitants["Partie"].parti and habitants["Partie"].periode == "départ en avril 2015"
    assert not habitants["Dernier jour"].parti  # still in the building on 31 December
    assert habitants["Alpha"].associe and not habitants["Beta"].associe
    assert habitants["Beta"].periode == "depuis mars 2015"


def test_textes_par_defaut_et_textes_de_l_edition(pole):
    assert rassembler(2015).textes == Textes()
    textes = Textes(introduction="Bonjour", axes={2: "Deuxième axe"})
    r = rassembler(2015, textes=textes)
    assert r.textes is textes
    assert [a.introduction for a in r.axes] == ["", "Deuxième axe", ""]


def _requetes(annee=2015) -> int:
    with CaptureQueriesContext(connection) as requetes:
        rassembler(annee)
    return len(requetes)


def test_le_nombre_de_requetes_ne_grandit_pas(pole):
    avant = _requetes()
    assert avant <= 40
    domaine, salle = pole["domaine"], pole["salle"]
    for i in range(12):
        s = structure(f"Structure {i:02d}", domaine, arrivee=d(2015, 1 + i % 6, 1))
        chiffres(s, 2015)
        chiffres(s, 2014)
        Associe.objects.create(structure=s, categorie="beneficiaires", entree=d(2015, 2, 1))
        for jour in range(5):
            reserver(salle, s, d(2015, 7, 1 + i) + datetime.timedelta(days=31 * jour))
    seance(d(2015, 9, 8), decisions=4)
    assert _requetes() == avant


def test_chaque_section_dit_sa_regle():
    sections = regles.regles_des_sections(2015)
    assert "Les grands chantiers 2015" in sections
    assert "en 2015" in sections["Les grands chantiers 2015"]
    assert all(phrase.endswith(".") for phrase in sections.values())


def test_poste_mutualise_etp_a_la_francaise():
    """Un ETP fractionnaire s'écrit avec une virgule dans la phrase, pas « 0.5 »."""
    from types import SimpleNamespace

    emploi = SimpleNamespace(
        intitule="Animatrice", etp=Decimal("0.50"), debut=datetime.date(2014, 3, 1)
    )
    texte = regles._Axes._emploi(SimpleNamespace(annee=2015), emploi)
    assert texte == "Poste mutualisé : Animatrice (0,5 ETP)"
