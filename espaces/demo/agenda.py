"""Agenda 2015 de la démo : repas, cogérance, plénières, formations, assemblées
générales, réunions tirées au sort, vélos ; planifié sans chevauchement et vérifié avant
toute écriture."""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass

from django.core.management.base import CommandError

from habitants import demo as habitants_demo
from phares.lib import dates, temps

from .. import services
from ..models import SerieReservations
from ._commun import ANNEE, DEBUT_ANNEE, FIN_ANNEE, HABITANTS, d, refuser, t
from .ressources import RES, VELOS

# --- Agenda 2015 ------------------------------------------------------------------

FERIES = frozenset(
    d(ANNEE, m, j)
    for m, j in ((1, 1), (4, 6), (5, 1), (5, 8), (5, 14), (5, 25), (7, 14), (8, 15),
                 (11, 1), (11, 11), (12, 25))
)  # fmt: skip
# Between Christmas and New Year the building is closed.
FERMETURE = (d(ANNEE, 12, 24), FIN_ANNEE)

# The SCIC's own events are booked in the name of a cogérant's structure, in turn.
STRUCTURES_COGERANCE = ("etudes-et-chantiers-idf", "solibio", "sfmad", "chantier-ecole-idf")

REPAS = "Repas mensuel des habitants"
REPAS_SPECIAUX = {
    3: " — « Bio pour tous » avec Bioconsommacteurs",
    11: " — avec Cheffe au féminin",
}


@dataclass(frozen=True)
class Resa:
    ressource: str
    jour: datetime.date
    debut: datetime.time
    fin: datetime.time
    titre: str
    structure: str = ""
    externe: str = ""  # ClientExterne.nom
    nb_personnes: int = 1
    serie: int | None = None  # index in SERIES
    par: str = ""  # e-mail; default: the structure's référent

    @property
    def debut_dt(self) -> datetime.datetime:
        return temps.aware(self.jour, self.debut)

    @property
    def fin_dt(self) -> datetime.datetime:
        return temps.aware(self.jour, self.fin)

    @property
    def fin_bloquee(self) -> datetime.datetime:
        return self.fin_dt + datetime.timedelta(minutes=RES[self.ressource].battement)

    @property
    def minutes(self) -> int:
        return temps.minutes(self.fin_dt - self.debut_dt)


@dataclass(frozen=True)
class SerieDemo:
    ressource: str
    structure: str
    premier: datetime.date
    jusqu_au: datetime.date
    debut: datetime.time
    fin: datetime.time
    titre: str
    nb_personnes: int


SERIES = (
    SerieDemo("salle-marne", "procarist", d(ANNEE, 1, 6), d(ANNEE, 6, 30), t(9), t(17),
              "Formation logistique — préparation CACES (session de printemps)", 12),
    SerieDemo("salle-marne", "procarist", d(ANNEE, 9, 8), d(ANNEE, 12, 15), t(9), t(17),
              "Formation logistique — préparation CACES (session d'automne)", 12),
)  # fmt: skip

TEMPS_FORTS = (
    # Report: "Formation sur l'IAE" (photo), "Formation sur l'impact social, sur l'emploi
    # mutualisé", "Mise en place de formations Metropop' ! sur grand paris".
    Resa("salle-seine", d(ANNEE, 3, 19), t(9, 30), t(17), "Formation sur l'IAE",
         "chantier-ecole-idf", nb_personnes=30),
    Resa("salle-oise", d(ANNEE, 4, 16), t(14), t(17, 30),
         "Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS", "metropop",
         nb_personnes=16),
    Resa("salle-oise", d(ANNEE, 5, 28), t(14), t(17, 30),
         "Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS", "metropop",
         nb_personnes=14),
    Resa("salle-oise", d(ANNEE, 10, 22), t(14), t(17, 30),
         "Formation Metropop' ! : le Grand Paris pour les acteurs de l'ESS", "metropop",
         nb_personnes=15),
    Resa("salle-seine", d(ANNEE, 10, 15), t(9, 30), t(16, 30),
         "Formation sur l'impact social", "sfmad", nb_personnes=25),
    Resa("salle-marne", d(ANNEE, 11, 5), t(9, 30), t(12, 30),
         "Formation sur l'emploi mutualisé", "chantier-ecole-idf", nb_personnes=18),
    # June: the general assemblies.
    Resa("salle-seine", d(ANNEE, 6, 4), t(14), t(17, 30), "Assemblée générale de Halage",
         "halage", nb_personnes=38),
    Resa("refectoire", d(ANNEE, 6, 10), t(18), t(20), "Assemblée générale de Solibio",
         "solibio", nb_personnes=40),
    Resa("salle-seine", d(ANNEE, 6, 12), t(9, 30), t(12, 30),
         "Assemblée générale régionale d'Etudes et chantiers", "etudes-et-chantiers-idf",
         nb_personnes=30),
    Resa("salle-oise", d(ANNEE, 6, 16), t(14), t(17), "Assemblée générale de Mode Estime",
         "mode-estime", nb_personnes=15),
    Resa("salle-seine", d(ANNEE, 6, 18), t(17, 30), t(20),
         "Assemblée générale ordinaire de la SCIC La Cité PHARES", "etudes-et-chantiers-idf",
         nb_personnes=30, par="cogerant@phares.test"),
    Resa("salle-oise", d(ANNEE, 6, 23), t(18), t(20), "Assemblée générale de Metropop' !",
         "metropop", nb_personnes=16),
    Resa("salle-seine", d(ANNEE, 6, 26), t(14), t(17), "Assemblée générale de SFMAD",
         "sfmad", nb_personnes=35),
    # Outside organisations.
    Resa("salle-seine", d(ANNEE, 6, 19), t(9, 30), t(17),
         "Assemblée générale du Réseau des PTCE", externe="Réseau des PTCE",
         nb_personnes=35, par=habitants_demo.GESTION),
    Resa("salle-marne", d(ANNEE, 11, 19), t(9), t(13),
         "Communauté apprenante : emploi et sécurisation des parcours",
         externe="Coorace Île-de-France", nb_personnes=18, par=habitants_demo.GESTION),
)  # fmt: skip

PLENIERES = (d(ANNEE, 3, 26), d(ANNEE, 6, 25), d(ANNEE, 10, 1), d(ANNEE, 12, 3))

NB_REUNIONS = 150
# Where ordinary meetings go, and how often (small rooms are booked the most).
POIDS_SALLES = {
    "salle-ourcq": 3, "salle-bievre": 3, "salle-crould": 3, "salle-yerres": 2,
    "salle-oise": 2, "salle-marne": 1, "salle-seine": 1,
}  # fmt: skip
DUREES = (60, 90, 120, 120, 120, 180, 240)
OBJETS = (
    "Réunion d'équipe",
    "Conseil d'administration",
    "Bureau de l'association",
    "Comité de pilotage",
    "Entretiens de recrutement",
    "Rendez-vous partenaire",
    "Point avec les financeurs",
    "Formation interne",
    "Accueil de stagiaires",
    "Parcours des salariés en insertion (inter-structures)",
    "Groupe de travail signalétique, avec Polysemique",
    "Projet COMPIC : compostage des couches jetables",
    "Coordination COP 21 sur l'Île-Saint-Denis",
    "Marque de T-shirt bio équitable et local",
    "Site internet du PHARES, avec Pôle Solidaire",
    "Conseil stratégique avec Alter Action",
    "Préparation du TEDx Île-Saint-Denis",
    "Permanence juridique des habitants",
)

# Bikes: a service set up in 2015 (from May in this demo).
DEBUT_VELOS = d(ANNEE, 5, 4)
NB_VELOS_MARCHAMBUL = 10
NB_VELOS_AUTRES = 16
USAGERS_VELOS = (
    "halage", "etudes-et-chantiers-idf", "solibio", "la-boite-militante", "metropop",
    "sfmad", "ile-vivante", "mode-estime",
)  # fmt: skip
OBJETS_VELO = (
    "Rendez-vous chez un partenaire",
    "Livraison de paniers",
    "Visite de chantier",
    "Rendez-vous à la Maison de l'emploi",
    "Course à la médiathèque",
)


# --- Vérifications ---------------------------------------------------------------


def _regle(r: Resa) -> str | None:
    """Why `r` breaks its ressource's rules, or None."""
    res = RES.get(r.ressource)
    if res is None:
        return f"ressource inconnue {r.ressource}"
    if (r.structure == "") == (r.externe == ""):
        return "une structure ou un client extérieur, pas les deux"
    if r.externe and not res.externes:
        return f"{res.nom} n'est pas ouverte aux extérieurs"
    if r.structure and not dates.is_active(
        HABITANTS[r.structure].arrivee, HABITANTS[r.structure].depart, r.jour
    ):
        return f"{r.structure} n'est pas hébergée le {r.jour}"
    if str(r.jour.isoweekday()) not in res.jours:
        return f"{res.nom} est fermée le {r.jour}"
    if r.debut < res.ouverture or r.fin > res.fermeture:
        return f"{res.nom} est fermée à ces heures"
    if not res.duree_min <= r.minutes <= res.duree_max:
        return f"durée hors règles ({r.minutes} min)"
    if res.capacite is not None and not 1 <= r.nb_personnes <= res.capacite:
        return f"{r.nb_personnes} personnes pour {res.capacite} places"
    return None


class Agenda:
    """The planned bookings, with the no-overlap rule (buffer included)."""

    def __init__(self) -> None:
        self.resas: list[Resa] = []
        self._pris: dict[str, list[tuple[datetime.datetime, datetime.datetime]]] = defaultdict(list)

    def libre(self, r: Resa) -> bool:
        debut, fin = r.debut_dt, r.fin_bloquee
        return all(f <= debut or d_ >= fin for d_, f in self._pris[r.ressource])

    def essayer(self, r: Resa) -> bool:
        if _regle(r) is not None or not self.libre(r):
            return False
        self.resas.append(r)
        self._pris[r.ressource].append((r.debut_dt, r.fin_bloquee))
        return True

    def imposer(self, r: Resa) -> None:
        probleme = _regle(r) or (None if self.libre(r) else "chevauche une autre réservation")
        if probleme:
            raise CommandError(
                f"Données de démonstration incohérentes : « {r.titre} » le {r.jour} : {probleme}."
            )
        self.essayer(r)


def check_agenda(agenda: list[Resa]) -> None:
    """Second, independent pass over the whole plan before anything is written."""
    errors = []
    par_ressource: dict[str, list[Resa]] = defaultdict(list)
    for r in agenda:
        if (probleme := _regle(r)) is not None:
            errors.append(f"« {r.titre} » le {r.jour} : {probleme}")
        par_ressource[r.ressource].append(r)
    for slug, resas in par_ressource.items():
        resas.sort(key=lambda r: r.debut_dt)
        for a, b in itertools.pairwise(resas):
            if a.fin_bloquee > b.debut_dt:
                errors.append(f"{slug} : « {a.titre} » et « {b.titre} » se chevauchent")
    repas = [r for r in agenda if r.titre.startswith(REPAS)]
    if sorted(r.jour.month for r in repas) != list(range(1, 13)):
        errors.append("il faut un repas des habitants par mois")
    refuser(errors)


# --- Planification de l'agenda 2015 ------------------------------------------------


def jours_ouvres() -> list[datetime.date]:
    jours, jour = [], DEBUT_ANNEE
    while jour <= FIN_ANNEE:
        if _ouvert(jour) and jour.isoweekday() <= 5:
            jours.append(jour)
        jour += datetime.timedelta(days=1)
    return jours


def _ouvert(jour: datetime.date) -> bool:
    return jour not in FERIES and not FERMETURE[0] <= jour <= FERMETURE[1]


def _nieme_jour(annee: int, mois: int, isoweekday: int, n: int) -> datetime.date:
    """The n-th given weekday of the month; a week later when that is a holiday."""
    jour = d(annee, mois, 1)
    jour += datetime.timedelta(days=(isoweekday - jour.isoweekday()) % 7 + 7 * (n - 1))
    return jour if _ouvert(jour) else jour + datetime.timedelta(days=7)


def _presentes(jour: datetime.date) -> list[str]:
    return [s for s, h in HABITANTS.items() if dates.is_active(h.arrivee, h.depart, jour)]


def planifier_agenda() -> list[Resa]:
    """Every 2015 booking, fixed events first, then random meetings in the gaps.
    Deterministic: the same plan at every load."""
    agenda = Agenda()
    for mois in range(1, 13):
        cogerance = STRUCTURES_COGERANCE[(mois - 1) % len(STRUCTURES_COGERANCE)]
        agenda.imposer(
            Resa("refectoire", _nieme_jour(ANNEE, mois, 4, 2), t(12), t(14),
                 REPAS + REPAS_SPECIAUX.get(mois, ""), cogerance, nb_personnes=35)
        )  # fmt: skip
        agenda.imposer(
            Resa("salle-ourcq", _nieme_jour(ANNEE, mois, 1, 1), t(9, 30), t(11, 30),
                 "Réunion mensuelle de la cogérance", cogerance, nb_personnes=6)
        )  # fmt: skip
    for i, jour in enumerate(PLENIERES):
        agenda.imposer(
            Resa("salle-seine", jour, t(14), t(17), "Réunion plénière des habitants",
                 STRUCTURES_COGERANCE[i % len(STRUCTURES_COGERANCE)], nb_personnes=35)
        )  # fmt: skip
    for index, s in enumerate(SERIES):
        for c in _creneaux_serie(s):
            jour = temps.paris(c.debut).date()
            agenda.imposer(
                Resa(s.ressource, jour, s.debut, s.fin, s.titre, s.structure,
                     nb_personnes=s.nb_personnes, serie=index)
            )  # fmt: skip
    for r in TEMPS_FORTS:
        agenda.imposer(r)
    _planifier_reunions(agenda, random.Random(ANNEE))
    _planifier_velos(agenda, random.Random(ANNEE + 1))
    return sorted(agenda.resas, key=lambda r: (r.debut_dt, r.ressource))


def _creneaux_serie(s: SerieDemo) -> list[services.Creneau]:
    return services.occurrences(
        temps.aware(s.premier, s.debut),
        temps.aware(s.premier, s.fin),
        frequence=SerieReservations.Frequence.HEBDOMADAIRE,
        jusqu_au=s.jusqu_au,
    )


def _planifier_reunions(agenda: Agenda, rng: random.Random) -> None:
    jours = jours_ouvres()
    salles, poids = zip(*POIDS_SALLES.items(), strict=True)
    places = 0
    for _ in range(NB_REUNIONS * 20):
        if places == NB_REUNIONS:
            return
        jour = rng.choice(jours)
        structure = rng.choice(_presentes(jour))
        salle = rng.choices(salles, weights=poids)[0]
        duree = rng.choice(DUREES)
        debut = datetime.datetime.combine(jour, t(9)) + datetime.timedelta(
            minutes=30 * rng.randrange(18)  # 9:00 … 17:30
        )
        fin = debut + datetime.timedelta(minutes=duree)
        capacite = RES[salle].capacite or 1
        r = Resa(salle, jour, debut.time(), fin.time(), rng.choice(OBJETS), structure,
                 nb_personnes=rng.randint(2, capacite))  # fmt: skip
        if fin.date() == jour and agenda.essayer(r):
            places += 1
    raise CommandError(f"Impossible de placer {NB_REUNIONS} réunions dans l'agenda {ANNEE}.")


def _planifier_velos(agenda: Agenda, rng: random.Random) -> None:
    def placer(jour, debut, fin, titre, structure) -> bool:
        # The first free bike, as reserver_velo does.
        return any(agenda.essayer(Resa(v, jour, debut, fin, titre, structure)) for v in VELOS)

    # Marchambul: mini-markets on bikes, Wednesdays and Saturdays of its summer.
    h = HABITANTS["marchambul"]
    marches = [
        jour
        for jour in (h.arrivee + datetime.timedelta(days=n) for n in range(92))
        if jour <= h.depart and jour.isoweekday() in (3, 6) and _ouvert(jour)
    ]
    for jour in sorted(rng.sample(marches, NB_VELOS_MARCHAMBUL)):
        placer(jour, t(8), t(13), "Tournée du marché ambulant", "marchambul")
    jours = [j for j in jours_ouvres() if j >= DEBUT_VELOS]
    places = 0
    for _ in range(NB_VELOS_AUTRES * 20):
        if places == NB_VELOS_AUTRES:
            return
        jour = rng.choice(jours)
        presentes = [s for s in USAGERS_VELOS if s in _presentes(jour)]
        debut = t(rng.randrange(8, 17))
        fin = t(min(debut.hour + rng.choice((1, 2, 3, 4)), 20))
        if placer(jour, debut, fin, rng.choice(OBJETS_VELO), rng.choice(presentes)):
            places += 1
    raise CommandError(f"Impossible de placer {NB_VELOS_AUTRES} sorties à vélo en {ANNEE}.")
