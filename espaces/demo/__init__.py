"""Données de démonstration du bâtiment, tirées du rapport annuel 2015 de
La Cité PHARES (shared/seed/000_a91c6fd21e8c75e1.txt).

Chargées par `python manage.py demo` après habitants.demo, dont elles reprennent
les structures et les personnes (voir phares/management/commands/demo.py). Un module par
sous-domaine : `batiment` (étages, espaces, conventions), `ressources` (salles, vélos,
clients extérieurs), `agenda` (l'agenda 2015, planifié puis vérifié), `tarifs` (tarifs,
forfaits, consommations), `reservations` (écriture des réservations).

Ce que dit le rapport, et que les vérifications (`check_tables`) imposent : 1350 m² sur
3 étages, 7 salles de réunion et de formation, 16 bureaux privatifs, 5 postes de
co-travail, 1 réfectoire, 1 cafétéria, 3 ateliers (espaces verts, création
textile…), des stockages et des vestiaires, 1 épicerie ; bureaux à 16 €/m²/mois
et poste de co-travail à 120 €/mois ; repas mensuels des habitants ; vélos et
affranchissement mis en place en 2015 ; travaux au rez-de-chaussée bas.

Tout le reste est inventé mais plausible :
- les noms des salles (rivières d'Île-de-France), les surfaces, capacités,
  équipements et l'accessibilité ; le 3e atelier (« Atelier bricolage », au
  rez-de-chaussée bas, la surface rendue utilisable par les travaux de 2015) ;
  le reste des 1350 m² (circulations, accueil, sanitaires, locaux techniques)
  n'est pas décrit en espaces ;
- qui occupe quel bureau : chaque convention commence à l'arrivée de la
  structure et finit à son départ ; le loyer écrit est celui de 2015 même pour
  une convention plus ancienne (le modèle garde un loyer par convention) ;
  Halage reprend le bureau de Novaedia en octobre 2015 ; les bureaux de Femasif
  et de la Mission populaire restent libres après leur départ ;
- les tarifs autres que bureaux et co-travail (salles, forfait habitant de 10 h
  par mois, vélos gratuits, affranchissement, impression) et les règles de
  réservation ;
- l'agenda 2015 : repas le 2e jeudi du mois (jeudi suivant si férié), réunion
  mensuelle de la cogérance le 1er lundi, plénières, formation hebdomadaire de
  Procarist le mardi, assemblées générales de juin, deux locations extérieures,
  environ 150 réunions tirées au sort (random.Random, graine fixe : le même
  agenda à chaque chargement), les vélos à partir de mai, le courrier à partir
  d'avril. Les événements de la SCIC sont réservés au nom d'une structure de
  cogérant·e (une réservation a une structure ou un client extérieur) ;
- les montants des réservations 2015 sont calculés comme le service `reserver`
  l'aurait fait en les prenant dans l'ordre chronologique (forfait mensuel puis
  tarif habitant à l'heure ; tarifs extérieurs pour les clients extérieurs).

Réservations à venir : `reserver` refuse le passé, donc l'agenda 2015 est écrit
directement ; en revanche quelques réservations de la semaine prochaine,
**relative au jour du chargement**, passent par le service pour que la vue de la
semaine ne soit pas vide. Relancer la démo le même jour (ou la même semaine) ne
les duplique pas ; la relancer une autre semaine en ajoute pour la nouvelle
semaine suivante.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from habitants import demo as habitants_demo

from ._commun import ANNEE, refuser
from .agenda import check_agenda, planifier_agenda
from .batiment import (
    CONVENTIONS,
    ESPACES,
    ETAGES,
    check_comptes,
    check_conventions,
    check_espaces,
    load_batiment,
    load_conventions,
)
from .reservations import (
    A_VENIR,
    load_a_venir,
    load_externes,
    load_reservations,
    load_ressources,
)
from .ressources import RESSOURCES
from .tarifs import TARIFS, check_tarifs, load_consommations, load_forfaits, load_tarifs

if TYPE_CHECKING:
    from phares.lib.demo import DemoContext

__all__ = ["A_VENIR", "CONVENTIONS", "ESPACES", "RESSOURCES", "TARIFS", "check_tables", "load"]


def load(ctx: DemoContext) -> None:
    check_tables()
    agenda = planifier_agenda()
    check_agenda(agenda)
    gestion = ctx.users[habitants_demo.GESTION]

    espaces = load_batiment(ctx)
    tarifs = load_tarifs(ctx)
    ressources = load_ressources(ctx, espaces)
    externes = load_externes(ctx)
    load_conventions(ctx, espaces, tarifs, gestion)
    load_forfaits(ctx)
    load_reservations(ctx, agenda, ressources, externes, tarifs)
    nb_conso = load_consommations(ctx, tarifs, gestion)
    nb_a_venir = load_a_venir(ctx, ressources)
    ctx.log(
        f"espaces : {len(ESPACES)} espaces sur {len(ETAGES)} étages, {len(RESSOURCES)} "
        f"ressources, {len(CONVENTIONS)} conventions, {len(agenda)} réservations {ANNEE}, "
        f"{nb_conso} consommations, {nb_a_venir} réservation(s) à venir créée(s)."
    )


def check_tables() -> None:
    """Refuse an edited table that would no longer reproduce the report."""
    refuser(check_comptes() + check_espaces() + check_tarifs() + check_conventions())
