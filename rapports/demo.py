"""Données de démonstration du rapport annuel : les textes éditoriaux du rapport 2015 de La
Cité PHARES (shared/seed/000_a91c6fd21e8c75e1.txt), verbatim.

Chargés par `python manage.py demo` en dernier. Les textes ne sont écrits qu'à la création
de la rédaction 2015 (`a_la_creation`) : une seconde exécution ne change rien, et ne défait
pas ce que l'équipe a réécrit dans l'application. La sélection des paroles et des photos
reste celle par défaut (paroles « dans le rapport », photos de l'année).

Découpage : l'introduction du rapport finit par un paragraphe sur 2016 ; il est ici dans
`perspectives`, que le rendu imprime à la fin de l'introduction, comme le rapport. Dans
« Ressources humaines », seule la première puce est un texte : les postes qui suivent
viennent des postes dédiés (gouvernance), avec leur ETP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Redaction

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

ANNEE = 2015

INTRODUCTION = """\
Le PHARES trouve ses origines dès les années 1990 dans l’idée que des structures qui se côtoient au quotidien dans un même lieu pourront développer des réponses innovantes, complémentaires et coordonnées, aux problèmes socio-économiques du moment sur un territoire donné, notamment en termes de développement local, d’insertion professionnelle et d’amélioration de l’environnement pour les habitants.

Un bâtiment acquis en 2001 constitue depuis la partie émergée du projet collectif. Plus d’une quinzaine d’habitants’ - associations, entreprises et entrepreneurs - s’y côtoient au quotidien. Identifié et se revendiquant Pôle Territorial de Coopération Economique (PTCE), le PHARES entend jouer un rôle à part entière d’animation territoriale.

L’année 2015 a vu la consolidation des actions entamées en 2014 : gouvernance collective via la SCIC, naissance de nouveaux projets collectifs sur le territoire, développement des activités ‘habitants du PHARES’,..."""  # noqa: E501

PERSPECTIVES = """\
L’année 2016 sera notamment marquée par la réflexion sur un modèle économique renouvelé, puisque les subventions publiques (Etat/CDC, Région Ile-de-France, Département) octroyées au PHARES pour 3 ans se terminent à la fin de l’année... Quelles que soient les solutions de financement qui seront trouvées, PHARES reste animé par la volonté de poursuivre son action de développement local, à la fois par le soutien à ses membres, mais également via de l’ingénierie territoriale plus large."""  # noqa: E501

MISSION = (
    "Encourager et animer des actions de mutualisation et de coopération afin de permettre "
    "à des initiatives écologiques et solidaires d'expérimenter et d'être plus efficaces dans "
    "leur participation au développement local du territoire (création d'emplois, "
    "épanouissement des personnes, amélioration du cadre de vie)."
)

HABITANTS = (
    "Les habitants du PHARES sont des associations, entreprises et entrepreneurs, œuvrant "
    "dans des domaines variés et complémentaires : éducation populaire, insertion par "
    "l'activité économique, formation pour adultes, consommation durable, produits "
    "biologiques, éducation à l'environnement..."
)

PARTAGE = """\
des valeurs écologiques et solidaires affirmées
un ancrage sur un même territoire (l'agglomération de Plaine Commune et l'Ile-de-France)
la volonté d'œuvrer au bénéfice de tous et avec la participation de chacun
la conviction qu'ils pourront réaliser ensemble des choses qu'il n'était pas possible de faire seul"""  # noqa: E501

PARTENAIRES = """\
Loin d'être un cocon pour ses habitants, le PHARES s'inscrit pleinement dans un écosystème d'acteurs et veut être un espace toujours ouvert sur l'extérieur. Les acteurs associés au PHARES sont nombreux, qu'ils soient partenaires d'un ou de plusieurs habitant(s) du PHARES, et/ou directement du projet collectif. Ils sont à la fois des pouvoirs publics, des entreprises, des associations, des collectifs, des citoyens,..."""  # noqa: E501
# « Les actions de l'année 2015 n'auraient … sans le soutien financier de : » comes from the
# template, with the year, above the funders' logos.

GOUVERNANCE = """\
Le projet du PHARES est porté par une Société Coopérative d'Intérêt Collective (SCIC) : La Cité PHARES.

La SCIC permet d'appliquer les principes de l'ESS au quotidien, à savoir : un associé = une voix (indépendamment de sa taille ou de son apport en capital), l'engagement volontaire des membres, la solidarité dans les résultats du projet, l'autonomie des sociétaires.

La SCIC assure à la fois la gestion du bâtiment et la coordination des projets collectifs.

Sont associés de cette coopérative les habitants du PHARES volontaires, ainsi que la chargée de développement du PHARES en tant que salariée du projet. Des partenaires pourront être invités à la rejoindre dans un deuxième temps, avec la constitution de collègues.

Quatre cogérants en assurent le pilotage au quotidien."""  # noqa: E501

RESSOURCES_HUMAINES = """\
En interne pour le PHARES ont été mobilisés en 2015 :

Des journées de travail des directions, salariés et bénévoles des différentes structures, lors de réunions plénières et de réunions thématiques. Les cogérants ont notamment été particulièrement sollicités (1 réunion mensuelle + décisions du quotidien)"""  # noqa: E501

AXE_1 = """\
Le bâtiment du PHARES, situé au cœur de L'Île-Saint-Denis est un lieu de part mutualisés. Il offre à ses habitants des espaces de bureaux privatifs à coûts raisonnables, des salles de réunions partagées en libre-service, des services de qualité (téléphonie, internet, impression, services généraux, conseils).

Au-delà de la mutualisation de locaux et de services matériels, la volonté est de mutualiser réseaux et expertises, de partager des idées et opportunités avec bienveillance et de s'accompagner entre pairs dans les défis du quotidien.

Grâce à ce lieu partagé, convivial, et adapté à leurs besoins, les membres du PHARES peuvent améliorer encore la qualité de leur mission sociale."""  # noqa: E501

AXE_2 = """\
Conscient que la coopération ne se décrète pas, le PHARES offre un cadre pour qu'elle puisse naître, se développer et perdurer en cultivant l'interconnaissance des acteurs, la confiance réciproque et en organisant des espaces de travail collectifs.

Le PHARES est un espace animé pour créer du lien, favoriser l'émergence et accompagner les projets collectifs entre membres du PHARES, et avec d'autres acteurs et initiatives du territoire."""  # noqa: E501

AXE_3 = """\
Les membres du PHARES se questionnent sur leurs pratiques, dans une démarche de recherche-action, en lien avec le monde universitaire. Cette recherche ouvre la porte à un regard critique, avec l'idée de pouvoir capitaliser ces expériences vécues.

Fort d'une expertise collective issue des champs d'action respectifs de ses membres (sur la coopération, l'insertion, l'écologie...), le PHARES peut proposer un accompagnement de projets individuels et collectifs, complémentaire à celui offert par d'autres acteurs du territoire.

C'est à partir des expérimentations menées sur le terrain au service du développement des personnes, de la création de l'emploi, et de la préservation de l'environnement, que le PHARES a vocation à porter une parole politique citoyenne et engagée dans les débats sociaux-économiques de la Cité."""  # noqa: E501

TEXTES_2015 = {
    "introduction": INTRODUCTION,
    "mission": MISSION,
    "habitants": HABITANTS,
    "partage": PARTAGE,
    "partenaires": PARTENAIRES,
    "gouvernance": GOUVERNANCE,
    "ressources_humaines": RESSOURCES_HUMAINES,
    "axe_1": AXE_1,
    "axe_2": AXE_2,
    "axe_3": AXE_3,
    "perspectives": PERSPECTIVES,
}


def load(ctx: DemoContext) -> None:
    # The 2015 report was public: every habitant may read its published editions.
    ctx.upsert(Redaction, {"annee": ANNEE}, {}, a_la_creation={**TEXTES_2015, "public": True})
