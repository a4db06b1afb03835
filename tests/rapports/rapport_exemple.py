"""Un `Rapport` fait à la main avec le contenu du rapport 2015 (seed), pour rendre l'aperçu et
le PDF sans base de données ni `rassembler` : le rendu se teste seul, sur des données connues.
Les photos et logos sont de petites images générées dans `dossier`."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw

from rapports.donnees import (
    AxeDuRapport,
    CategorieComptee,
    Chiffre,
    Contact,
    DomaineDuRapport,
    Element,
    Financeur,
    Gouvernance,
    Graphique,
    HabitantDuRapport,
    Mouvement,
    Parole,
    PhotoDuRapport,
    Poste,
    Rapport,
    SeanceTenue,
    Serie,
    Textes,
)

# (domaine, [(nom, associé, parti, période, description)]) — dans l'ordre du rapport 2015.
HABITANTS = [
    (
        "Insertion sociale et professionnelle",
        [
            (
                "Halage",
                True,
                False,
                "",
                "Une association qui cherche à répondre à une double "
                "préoccupation : solidarité avec les personnes en recherche de stabilité sociale "
                "ou professionnelle, préservation de l'environnement.",
            ),
            (
                "Mode Estime",
                True,
                False,
                "",
                "Une association qui utilise la création textile à "
                "des fins de développement social et économique des personnes vulnérables.",
            ),
        ],
    ),
    (
        "Chantiers internationaux et chantiers pédagogiques",
        [
            (
                "Etudes et chantiers Ile-de-France",
                True,
                False,
                "",
                "Un mouvement d'éducation populaire national qui met en œuvre des projets "
                "collectifs de jeunes et d'adultes.",
            ),
            (
                "UNAREC",
                False,
                False,
                "",
                "Un réseau qui regroupe des associations régionales Etudes et Chantiers.",
            ),
        ],
    ),
    (
        "Animation de réseau",
        [
            (
                "Chantier école Île-de-France",
                True,
                False,
                "",
                "Un réseau de l'insertion par "
                "l'activité économique qui regroupe plus de 88 adhérents.",
            ),
        ],
    ),
    (
        "Appui à la création d'entreprise",
        [
            (
                "La Firme 93",
                False,
                False,
                "",
                "Une association qui accompagne des Roms roumains "
                "de Seine-Saint-Denis dans leur création d'entreprises.",
            ),
        ],
    ),
    (
        "Lobbying et défense des droits",
        [
            (
                "European Roma Rights Centre",
                False,
                False,
                "",
                "Une organisation internationale "
                "de défense des droits de l'Homme combattant le racisme anti-rom.",
            ),
        ],
    ),
    (
        "Éducation à la citoyenneté",
        [
            (
                "Novaedia",
                False,
                True,
                "",
                "Une association créée en 2011 par un collectif de jeunes de Seine-Saint-Denis.",
            ),
            (
                "SFMAD",
                True,
                False,
                "",
                "Une association qui accueille des personnes et des "
                "familles sur le territoire de Plaine Commune.",
            ),
            (
                "Metropop'",
                False,
                False,
                "",
                "Une association qui veut faire émerger une parole citoyenne sur la métropole.",
            ),
        ],
    ),
    (
        "Formation",
        [
            (
                "Procarist",
                False,
                False,
                "",
                "Un centre de formation et de conseil dans les "
                "métiers de la logistique et des espaces verts.",
            ),
        ],
    ),
    (
        "Vente de produits biologiques et solidaires",
        [
            (
                "Solibio",
                True,
                False,
                "",
                "Une association de consommateurs de produits issus de l'agriculture biologique.",
            ),
            (
                "La Boite Militante",
                False,
                False,
                "",
                "Une association qui porte une boutique qui a du sens.",
            ),
        ],
    ),
    (
        "Information et conseil",
        [
            (
                "Terragram",
                False,
                False,
                "",
                "Une agence de presse spécialisée dans l'énergie et le climat.",
            ),
            (
                "Fabien-Kenzo Sato",
                False,
                False,
                "",
                "Un consultant indépendant dans le domaine de l'ESS.",
            ),
        ],
    ),
    (
        "Promotion d'une consommation durable",
        [
            (
                "Mael",
                False,
                False,
                "depuis octobre 2015",
                "Une société de transport de personnes en véhicules hybrides.",
            ),
            (
                "Ile Vivante",
                False,
                False,
                "depuis septembre 2015",
                "Une association d'îlodionysien(ne)s.",
            ),
            (
                "Marchambul",
                False,
                True,
                "Juin–Août 2015",
                "Un réseau en construction de mini-marchés ambulants en vélos.",
            ),
            (
                "Femasif",
                False,
                True,
                "Janvier–Août 2015",
                "Une association de professionnels de santé de soins primaires.",
            ),
            (
                "La Mission populaire",
                False,
                True,
                "départ en septembre 2015",
                "Une mission "
                "exploratoire en vue d'ouvrir des activités en lien avec les fraternités.",
            ),
        ],
    ),
]

CHIFFRES = [
    ("surface", 1350, "m²", "Surface des étages du bâtiment.", "1350 m² sur 3 étages"),
    ("etages", 3, "étages", "Nombre d'étages du bâtiment.", ""),
    ("habitants", 18, "'habitants'", "Structures hébergées au 31 décembre ou pendant l'année.", ""),
    ("emplois_permanents", 71, "emplois permanents", "Somme des emplois déclarés.", ""),
    ("salaries_insertion", 170, "salariés en insertion", "Somme des salariés en insertion.", ""),
    ("services_civiques", 6, "services civiques", "Somme des volontaires déclarés.", ""),
    ("benevoles", 80, "bénévoles", "Somme des bénévoles déclarés.", ""),
    ("etp_phares", Decimal("2.5"), "équivalent temps plein dédiés au PHARES", "Somme des ETP.", ""),
    ("salles", 7, "salles de réunion et de formation", "Salles ouvertes au 31 décembre.", ""),
    ("bureaux", 16, "bureaux privatifs", "Bureaux privatifs au 31 décembre.", ""),
    ("postes_coworking", 5, "postes dans un espace de co-travail", "Postes de co-travail.", ""),
    (
        "refectoire_cafeteria",
        2,
        "réfectoire et cafétéria",
        "Réfectoires et cafétérias.",
        "1 réfectoire et 1 cafétéria",
    ),
    ("ateliers", 3, "ateliers", "Ateliers.", ""),
    ("boutique", 1, "épicerie", "Boutiques.", ""),
]

MOIS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def _image(chemin: Path, couleur: tuple[int, int, int], texte: str, taille=(480, 320)) -> Path:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", taille, couleur)
    dessin = ImageDraw.Draw(image)
    dessin.rectangle([20, 20, taille[0] - 20, taille[1] - 20], outline=(255, 255, 255), width=6)
    dessin.text((40, 40), texte, fill=(255, 255, 255))
    image.save(chemin, "PNG" if chemin.suffix == ".png" else "JPEG", quality=80)
    return chemin


def _photo(dossier: Path, cle: str, legende: str, couleur) -> PhotoDuRapport:
    chemin = _image(dossier / "photos" / f"{cle}.jpg", couleur, legende)
    return PhotoDuRapport(
        cle=cle,
        legende=legende,
        texte_alternatif=f"Photo : {legende.lower()}",
        credit="La Cité PHARES",
        chemin=str(chemin),
        url=f"/media/exemple/{cle}.jpg",
    )


def _axes(dossier: Path) -> list[AxeDuRapport]:
    d = datetime.date
    return [
        AxeDuRapport(
            numero=1,
            titre="Accueillir et soutenir les habitants du PHARES au sein d'un lieu "
            "professionnel et convivial",
            introduction="Le bâtiment du PHARES est un lieu de travail partagé.\n\n"
            "Au-delà de la mutualisation de locaux, la volonté est de mutualiser réseaux "
            "et expertises.",
            paroles=[
                Parole(1, "Le PHARES, c'est un confort de travail à un prix très accessible !", ""),
                Parole(
                    2,
                    "La convivialité, c'est important ! On sent qu'on n'est pas seuls.",
                    "Une habitante",
                ),
            ],
            elements=[
                Element(
                    "Bureaux privatifs à coûts réduits (16 €/m²/mois) et poste fixe au "
                    "sein du co-travail (120 €/mois)",
                    None,
                    "service",
                ),
                Element(
                    "Mise en place de nouveaux services mutualisés : vélos et affranchissement",
                    d(2015, 3, 1),
                    "service",
                ),
                Element("Repas mensuels des habitants du PHARES", d(2015, 1, 15), "evenement"),
            ],
            photos=[_photo(dossier, "travaux", "Été 2015… attention travaux !", (120, 90, 40))],
        ),
        AxeDuRapport(
            numero=2,
            titre="Encourager des projets issus de la coopération entre les structures du "
            "Phares et/ou avec des initiatives du territoire",
            introduction="Conscient que la coopération ne se décrète pas, le PHARES offre un "
            "cadre pour qu'elle puisse naître.",
            paroles=[Parole(3, "Au PHARES, il y a une volonté a priori de collaborer.", "")],
            elements=[
                Element(
                    "Lancement du projet COMPIC (compostage industriel de couches)",
                    d(2015, 5, 1),
                    "projet",
                ),
                Element(
                    "Mutualisation d'emplois :",
                    None,
                    "emploi",
                    sous_elements=[
                        "mutualisation d'un poste de conseiller en insertion professionnelle",
                        "création d'un poste mutualisé d'assistante administrative et comptable",
                    ],
                ),
            ],
            photos=[
                _photo(
                    dossier,
                    "dejeuner",
                    "Déjeuner des habitants, présentation de projets communs",
                    (30, 100, 80),
                ),
                _photo(
                    dossier,
                    "alternatiba",
                    "Quartier Génial Alternatiba sur l'Île-Saint-Denis",
                    (60, 60, 140),
                ),
            ],
        ),
        AxeDuRapport(
            numero=3,
            titre="Etre un pôle apprenant et un pôle ressources",
            introduction="Les membres du PHARES se questionnent sur leurs pratiques, dans une "
            "démarche de recherche-action.",
            paroles=[Parole(4, "A nous tous, on crée de l'emploi… et on crée du rêve aussi !", "")],
            elements=[
                Element(
                    "Formation sur l'impact social, sur l'emploi mutualisé",
                    d(2015, 6, 4),
                    "evenement",
                ),
                Element(
                    "Soutien à l'organisation du premier TEDx Ile-Saint-Denis",
                    d(2015, 11, 20),
                    "evenement",
                ),
            ],
            photos=[_photo(dossier, "formation-iae", "Formation sur l'IAE", (140, 40, 60))],
        ),
    ]


def _graphiques() -> list[Graphique]:
    return [
        Graphique(
            cle="occupation",
            titre="Occupation des bureaux et postes par mois",
            type="lignes",
            categories=MOIS,
            series=[
                Serie("2015", [88, 88, 94, 94, 94, 100, 100, 100, 94, 100, 100, 100]),
                Serie("2014", [75, 75, 81, 81, 88, 88, 88, 88, 88, 88, 94, 94]),
            ],
            unite="%",
            regle="Bureaux et postes occupés au 15 du mois sur ceux qui existent.",
        ),
        Graphique(
            cle="reservations_salles",
            titre="Réservations des salles (heures)",
            type="barres_horizontales",
            categories=["Salle Seine", "Salle Canal", "Salle Verte", "Réfectoire"],
            series=[Serie("2015", [412, 305, 188, 96]), Serie("2014", [380, 290, None, 80])],
            unite="heures",
        ),
        Graphique(
            cle="recettes",
            titre="Recettes par nature",
            type="camembert",
            categories=["Loyers", "Co-travail", "Salles", "Services"],
            series=[
                Serie(
                    "2015",
                    [
                        Decimal("61200.00"),
                        Decimal("7200.00"),
                        Decimal("5140.50"),
                        Decimal("2310.25"),
                    ],
                )
            ],
            unite="€",
        ),
        Graphique(
            cle="emplois",
            titre="Emplois par structure",
            type="barres",
            categories=["Halage", "Etudes et chantiers", "Mode Estime", "Procarist"],
            series=[Serie("2015", [32, 14, 9, 6]), Serie("2014", [30, 12, 8, 6])],
        ),
    ]


def rapport_exemple(dossier: Path) -> Rapport:
    """Le rapport 2015, tel que `rassembler(2015)` devrait le rendre sur la démo."""
    dossier = Path(dossier)
    logos = [
        ("Caisse des Dépôts", (0, 70, 140)),
        ("Région Île-de-France", (200, 30, 60)),
        ("Seine-Saint-Denis", (20, 120, 60)),
        ("CCAH", (120, 60, 140)),
    ]
    return Rapport(
        annee=2015,
        titre="Rapport annuel PTCE La Cité PHARES Année 2015",
        lieu="La Cité PHARES",
        textes=Textes(
            introduction="Le PHARES trouve ses origines dès les années 1990.\n\n"
            "L'année 2015 a vu la consolidation des actions entamées en 2014.",
            mission="Encourager et animer des actions de mutualisation et de coopération.",
            habitants="Les habitants du PHARES sont des associations, entreprises et "
            "entrepreneurs, œuvrant dans des domaines variés et complémentaires.",
            partage="des valeurs écologiques et solidaires affirmées\n"
            "un ancrage sur un même territoire\n"
            "la volonté d'œuvrer au bénéfice de tous\n"
            "la conviction qu'ils pourront réaliser ensemble ce qu'ils ne feraient pas seuls",
            partenaires="Loin d'être un cocon pour ses habitants, le PHARES s'inscrit "
            "pleinement dans un écosystème d'acteurs.",
            gouvernance="La SCIC permet d'appliquer les principes de l'ESS au quotidien.",
            ressources_humaines="En interne pour le PHARES ont été mobilisés en 2015 :",
            perspectives="L'année 2016 sera marquée par la réflexion sur un modèle "
            "économique renouvelé.",
        ),
        chiffres=[Chiffre(c, v, li, r, t) for c, v, li, r, t in CHIFFRES],
        domaines=[
            DomaineDuRapport(
                nom=domaine,
                habitants=[
                    HabitantDuRapport(nom, nom.lower().replace(" ", "-"), desc, a, p, per)
                    for nom, a, p, per, desc in habitants
                ],
            )
            for domaine, habitants in HABITANTS
        ],
        financeurs=[
            Financeur(
                nom=nom,
                site="https://example.org",
                logo=str(_image(dossier / "logos" / f"{i}.png", couleur, nom, (300, 120))),
                montant=Decimal("20000.00"),
            )
            for i, (nom, couleur) in enumerate(logos)
        ],
        gouvernance=Gouvernance(
            nom_scic="La Cité PHARES",
            associes=9,
            par_categorie=[
                CategorieComptee("Habitants du PHARES", 8),
                CategorieComptee("Salariés", 1),
            ],
            cogerants=["Halage", "Etudes et chantiers Ile-de-France", "SFMAD", "Solibio"],
            seances=[
                SeanceTenue(
                    datetime.date(2015, 6, 18),
                    "AG 2015",
                    "Assemblée générale ordinaire",
                    7,
                    1,
                    9,
                    4,
                ),
                SeanceTenue(
                    datetime.date(2015, 9, 10),
                    "Cogérance de septembre",
                    "Réunion de cogérance",
                    4,
                    0,
                    4,
                    3,
                ),
            ],
            decisions=7,
        ),
        postes=[
            Poste("Chargée de développement", Decimal("1.0"), "Portage du projet global."),
            Poste("Assistants techniques", Decimal("1.0"), "Bon fonctionnement matériel."),
            Poste("Accueil", Decimal("0.5"), "Orientation, affranchissement, colis."),
        ],
        axes=_axes(dossier),
        graphiques=_graphiques(),
        mouvements=[
            Mouvement("Habitants du PHARES", 6, 2, 0, 8),
            Mouvement("Salariés", 1, 0, 0, 1),
        ],
        contact=Contact(
            lieu="La Cité PHARES",
            nom="Anne Hurand",
            fonction="Chargée de développement",
            telephones=["01 48 13 04 31", "07 76 85 88 24"],
            email="anne.hurand@lephares.coop",
            site="https://www.lephares.coop",
            adresse="6 rue Arnold Géraux, 93450 L'Île-Saint-Denis",
        ),
        couverture=_photo(dossier, "couverture", "Le bâtiment du PHARES", (11, 79, 108)),
        photos_generales=[
            _photo(dossier, "refectoire", "Déjeuner au réfectoire", (200, 140, 20)),
            _photo(dossier, "formation", "Formation", (40, 110, 150)),
        ],
    )
