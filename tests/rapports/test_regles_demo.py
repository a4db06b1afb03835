"""Le rapport 2015 rassemblé depuis la démo dit ce que dit le rapport de la graine
(shared/seed/000_a91c6fd21e8c75e1.txt) : chiffres clés, habitants par domaine avec leurs
marques, gouvernance, listes « en 2015 » des axes, photos, contact."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from rapports.donnees import Textes, rassembler

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_2015")]


@pytest.fixture
def rapport():
    return rassembler(2015)


CHIFFRES_DE_LA_GRAINE = {
    "surface": 1350,
    "etages": 3,
    "habitants": 18,
    "emplois_permanents": 71,
    "salaries_insertion": 170,
    "services_civiques": 6,
    "benevoles": 80,
    "etp_phares": Decimal("2.5"),
    "salles": 7,
    "bureaux": 16,
    "postes_coworking": 5,
    "ateliers": 3,
    "boutique": 1,
}


@pytest.mark.parametrize(("cle", "valeur"), CHIFFRES_DE_LA_GRAINE.items())
def test_chaque_chiffre_cle_est_celui_de_la_graine(rapport, cle, valeur):
    chiffre = rapport.chiffre(cle)
    assert chiffre.valeur == valeur
    assert chiffre.regle  # every figure says how it is counted


def test_les_chiffres_s_ecrivent_comme_dans_la_graine(rapport):
    assert [c.cle for c in rapport.chiffres] == [
        "surface", "etages", "habitants", "emplois_permanents", "salaries_insertion",
        "services_civiques", "benevoles", "etp_phares", "salles", "bureaux",
        "postes_coworking", "refectoire_cafeteria", "ateliers", "boutique",
    ]  # fmt: skip
    assert rapport.chiffre("surface").texte == "1350 m² sur 3 étages"
    assert rapport.chiffre("refectoire_cafeteria").texte == "1 réfectoire et 1 cafétéria"
    assert rapport.chiffre("habitants").libelle == "'habitants'"
    assert rapport.chiffre("etp_phares").libelle == "équivalent temps plein dédiés au PHARES"
    assert rapport.chiffre("postes_coworking").libelle == "postes dans un espace de co-travail"
    assert rapport.chiffre("boutique").libelle == "épicerie"
    ateliers = rapport.chiffre("ateliers").libelle
    assert ateliers.startswith("ateliers (") and "espaces verts" in ateliers
    assert "création textile" in ateliers and ateliers.endswith("espaces de stockage, vestiaires")
    assert str(rapport.chiffre("etp_phares").valeur) == "2.5"


def test_titre_lieu_et_contact(rapport):
    assert rapport.titre == "Rapport annuel PTCE La Cité PHARES Année 2015"
    assert rapport.contact.nom == "Anne Hurand"
    assert rapport.contact.telephones == ["01 48 13 04 31", "07 76 85 88 24"]
    assert rapport.contact.email == "anne.hurand@lephares.coop"
    assert "Arnold Géraux" in rapport.contact.adresse


# What the seed's "Les habitants du PHARES" says: domain -> [(name, periode, asterisk)].
HABITANTS_DE_LA_GRAINE = {
    "Insertion sociale et professionnelle": [
        ("Halage", "", False),
        ("Mode Estime", "", False),
        # The seed prints no period for Novaedia; its departure is dated in the demo.
        ("Novaedia", "départ en juillet 2015", True),
    ],
    "Chantiers internationaux et chantiers pédagogiques": [
        ("Etudes et chantiers Ile-de-France", "", False),
    ],
    "Animation de réseau": [
        ("Chantier école Île-de-France", "", False),
        ("UNAREC", "", False),
        ("Femasif", "Janvier–Août 2015", True),
    ],
    "Appui à la création d'entreprise": [("La Firme 93", "", False)],
    "Lobbying et défense des droits": [("ERRC", "", False)],
    "Éducation à la citoyenneté": [
        ("Metropop' !", "", False),
        ("SFMAD", "", False),
        ("Ile Vivante", "depuis septembre 2015", False),
        ("La Mission populaire", "départ en septembre 2015", True),
    ],
    "Formation": [("Procarist", "", False), ("Mael", "depuis octobre 2015", False)],
    "Vente de produits biologiques et solidaires": [
        ("La Boite Militante", "", False),
        ("Solibio", "", False),
        ("Marchambul", "Juin–Août 2015", True),
    ],
    "Promotion d'une consommation durable": [
        ("Fabien-Kenzo Sato", "", False),
        ("Terragram", "", False),
    ],
}


def test_chaque_habitant_sous_son_domaine_avec_sa_periode(rapport):
    lus = {d.nom: [(h.nom, h.periode, h.parti) for h in d.habitants] for d in rapport.domaines}
    assert lus == HABITANTS_DE_LA_GRAINE
    assert [d.nom for d in rapport.domaines] == list(HABITANTS_DE_LA_GRAINE)


def test_associes_soulignes_et_descriptions(rapport):
    habitants = {h.nom: h for d in rapport.domaines for h in d.habitants}
    associes = {nom for nom, h in habitants.items() if h.associe}
    assert {"Halage", "Solibio", "Metropop' !", "La Boite Militante"} <= (associes)
    assert not associes & {"ERRC", "Novaedia", "Mael", "Marchambul"}
    assert habitants["Mael"].description.startswith("Une société de transport de personnes")
    assert habitants["ERRC"].sigle_developpe == "European Roma Rights Centre"


def test_financeurs_de_l_annee(rapport):
    noms = [f.nom for f in rapport.financeurs]
    assert set(noms) == {
        "État et Caisse des Dépôts",
        "Région Île-de-France",
        "Département de la Seine-Saint-Denis",
        "CCAH",
    }
    for f in rapport.financeurs:
        assert Path(f.logo).is_absolute() and Path(f.logo).is_file()
        assert f.site.startswith("https://")
    ccah = next(f for f in rapport.financeurs if f.nom == "CCAH")
    assert ccah.montant == Decimal("35000.00")  # a 2015-only grant: all of it in 2015


def test_gouvernance_et_ressources_humaines(rapport):
    g = rapport.gouvernance
    assert g.nom_scic == "SCIC La Cité PHARES"
    assert len(g.cogerants) == 4  # "Quatre cogérants en assurent le pilotage au quotidien."
    assert g.associes == sum(c.nombre for c in g.par_categorie)
    assert all(s.date.year == 2015 for s in g.seances)
    # "1 réunion mensuelle": at least one cogérance a month, and the decisions add up.
    cogerances = {s.date.month for s in g.seances if s.type == "Cogérance mensuelle"}
    assert len(cogerances) >= 11
    assert g.decisions == sum(s.decisions for s in g.seances) > 0
    assert all(s.presents + s.representes <= s.inscrits for s in g.seances)
    assert sum((p.etp for p in rapport.postes), Decimal(0)) == Decimal("2.5")
    assert rapport.postes[0].intitule == "Chargée de développement"


def test_mouvements_des_associes(rapport):
    for m in rapport.mouvements:
        assert m.au_debut + m.entrees - m.sorties == m.a_la_fin
    assert sum(m.a_la_fin for m in rapport.mouvements) == rapport.gouvernance.associes
    assert sum(m.entrees for m in rapport.mouvements) == 2  # Metropop' ! and La Boite Militante


def _elements(rapport, numero):
    axe = next(a for a in rapport.axes if a.numero == numero)
    return axe, [e.texte for e in axe.elements], [s for e in axe.elements for s in e.sous_elements]


def test_axe_1_accueillir(rapport):
    axe, textes, sous = _elements(rapport, 1)
    assert axe.titre.startswith("Accueillir et soutenir les habitants")
    assert (
        "Bureaux privatifs à coûts réduits (16 €/m²/mois) et poste fixe au sein du "
        "co-travail (120 €/mois)"
    ) in textes
    attendus = (
        "Accueil d'assemblées générales",
        "nouveaux services mutualisés : vélos et affranchissement",
        "permanences juridiques",
        "signalétique identitaire",
        "site internet du PHARES",
        "Repas mensuels des habitants",
        "rez-de-chaussée bas",
    )
    for attendu in attendus:
        assert any(attendu in t for t in textes), attendu
    assert any("Bioconsommacteurs" in s for s in sous)
    assert any("Cheffe au féminin" in s for s in sous)
    assert len(axe.paroles) == 5
    assert axe.paroles[0].texte.startswith("Le PHARES, c'est un confort de travail")
    assert [p.legende for p in axe.photos] == ["Été 2015... attention travaux !"]


def test_axe_2_cooperation(rapport):
    axe, textes, sous = _elements(rapport, 2)
    for attendu in (
        "parcours des salariés en insertion",
        "T-shirt bio équitable et local",
        "Compostage industriel de couches jetables",
        "festival effet de CER",
        "Formation citoyenne",
        "arène à Stains",
        "Alter Action",
        "Conseiller en insertion professionnelle",
        "Perspectives de projets communs",
    ):
        assert any(attendu in t for t in textes), attendu
    for attendu in (
        "Poste mutualisé : Conseiller en insertion professionnelle",
        "Poste mutualisé : Assistante administrative et comptable",
        "Poste mutualisé : Chargé de développement mutualisé",
        "CPIE sur le bâtiment durable",
        "Conciergerie sociale",
        "Accueil du Tour Tandem Alternatiba",
    ):
        assert any(s.startswith(attendu) for s in sous), attendu
    services_civiques = [s for s in sous + textes if s.startswith("Service civique")]
    assert len(services_civiques) >= 3  # "recrutement de plusieurs services civiques"
    assert len(axe.paroles) == 5
    assert {p.legende for p in axe.photos} == {
        "Déjeuner des habitants, présentation de projets communs",
        "Quartier Génial Alternatiba sur l'Île-Saint-Denis",
    }


def test_axe_3_pole_apprenant(rapport):
    axe, textes, sous = _elements(rapport, 3)
    for attendu in (
        "Appui aux habitants du PHARES sur leur stratégie",
        "Marchambul",
        "formalisation de l'offre d'accompagnement",
        "financements privés",
        "réseau PTCE",
        "modèles économiques des Pôles Territoriaux",
        "RUIESS",
        "étudiant en sociologie",
        "Maison de l'emploi",
        "formations Metropop'",
        "TEDx",
        "Témoignages et interventions",
        "Formations",
    ):
        assert any(attendu in t for t in textes), attendu
    for attendu in ("CNAM", "Labo ESS", "Saône-et-Loire", "Formation sur l'impact social"):
        assert any(attendu in s for s in sous), attendu
    assert len(axe.paroles) == 3
    assert [p.legende for p in axe.photos] == [
        "Formation sur l'IAE",
        "Extrait du rapport sur les modèles économiques – en partenariat avec Appui",
    ]


def test_elements_dans_l_ordre_du_calendrier(rapport):
    for axe in rapport.axes:
        dates = [e.date for e in axe.elements]
        assert dates == sorted(dates)
        assert all(d.year == 2015 for d in dates)


def test_photos_par_defaut_chemins_et_adresses(rapport):
    assert rapport.couverture.legende == "Le bâtiment du PHARES à L'Île-Saint-Denis"
    assert [p.legende for p in rapport.photos_generales] == ["Déjeuner au réfectoire", "Formation"]
    for photo in [rapport.couverture, *rapport.photos_generales]:
        assert Path(photo.chemin).is_absolute() and Path(photo.chemin).is_file()
        # The app's photo view, never a /media/ URL: photos are under a private prefix that
        # neither nginx nor the dev media route serve.
        assert photo.url == reverse("projets:photo-fichier", args=[photo.cle, "web"])
        assert not photo.url.startswith(settings.MEDIA_URL)
        assert photo.texte_alternatif


def test_la_selection_de_l_edition_remplace_les_choix_par_defaut(rapport):
    axe1 = next(a for a in rapport.axes if a.numero == 1)
    axe3 = next(a for a in rapport.axes if a.numero == 3)
    paroles = [axe1.paroles[2].pk, axe1.paroles[0].pk]
    photo = axe3.photos[0].cle
    textes = Textes(introduction="Intro", axes={1: "Introduction de l'axe 1"})
    choisi = rassembler(
        2015,
        textes=textes,
        paroles=paroles,
        photos=[photo],
        couverture=rapport.photos_generales[0].cle,
    )
    a1, a2, a3 = choisi.axes
    assert [p.pk for p in a1.paroles] == paroles  # in the edition's order
    assert a2.paroles == [] and a3.paroles == []
    assert a1.photos == [] and [p.cle for p in a3.photos] == [photo]
    assert choisi.couverture.legende == "Déjeuner au réfectoire"
    assert choisi.photos_generales == []
    assert a1.introduction == "Introduction de l'axe 1" and a2.introduction == ""
    assert choisi.textes.introduction == "Intro"


def test_sans_textes_les_textes_sont_vides(rapport):
    assert rapport.textes.introduction == "" and rapport.textes.axes == {}


def test_graphiques(rapport):
    graphiques = {g.cle: g for g in rapport.graphiques}
    assert set(graphiques) == {
        "occupation",
        "reservations_salles",
        "reservations_usagers",
        "recettes",
        "emplois",
    }
    occupation = graphiques["occupation"]
    assert len(occupation.categories) == 12 and occupation.unite == "%"
    assert occupation.series[0].nom == "Bureaux 2015"
    assert all(Decimal(0) <= v <= Decimal(100) for s in occupation.series for v in s.valeurs)
    # All 16 offices let in January; Novaedia's empty in August (15/16); in October Halage
    # took it back but Femasif's and La Mission populaire's stood empty (14/16).
    bureaux = occupation.series[0].valeurs
    assert (bureaux[0], bureaux[7], bureaux[9]) == (100, Decimal("93.8"), Decimal("87.5"))
    salles = graphiques["reservations_salles"]
    assert "Salle Seine" in salles.categories and salles.series[0].nom == "2015"
    assert all(len(s.valeurs) == len(salles.categories) for s in salles.series)
    usagers = graphiques["reservations_usagers"].series[0].valeurs
    assert usagers[0] > 0 and usagers[1] > 0  # habitants and outside organisations
    emplois = graphiques["emplois"]
    assert sum(emplois.series[0].valeurs) == 71 and sum(emplois.series[1].valeurs) == 170
    for g in rapport.graphiques:
        assert g.regle


def test_la_suite_de_la_demo_ne_change_pas_le_rapport_2015(rapport):
    """2016 et 2017 arrivent : une structure, un départ, une séance et sa décision, un tarif."""
    import datetime

    from espaces.models import Tarif
    from gouvernance.models import Decision, Seance
    from habitants.models import Domaine, Structure
    from phares.lib import temps

    Structure.objects.create(
        nom="Nouvelle venue", slug="nouvelle-venue", domaine=Domaine.objects.first(),
        arrivee=datetime.date(2016, 1, 4),
    )  # fmt: skip
    Structure.objects.filter(slug="halage").update(depart=datetime.date(2016, 6, 30))
    seance = Seance.objects.create(
        type=Seance.Type.COGERANCE, titre="Cogérance de janvier 2016", lieu="La Cité PHARES",
        debut=temps.aware(datetime.date(2016, 1, 12), datetime.time(18)),
    )  # fmt: skip
    Decision.objects.create(
        seance=seance, titre="Nouveau tarif", texte="…", categorie="tarifs", mode="consensus",
        resultat="adoptee",
    )  # fmt: skip
    Tarif.objects.filter(code=Tarif.Code.BUREAU_M2_MOIS, fin__isnull=True).update(
        fin=datetime.date(2016, 12, 31)
    )
    Tarif.objects.create(
        code=Tarif.Code.BUREAU_M2_MOIS, montant_ht=Decimal("18"), debut=datetime.date(2017, 1, 1)
    )
    assert rassembler(2015) == rapport
