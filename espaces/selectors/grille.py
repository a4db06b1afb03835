"""Plannings en grille : un tableau dont les lignes sont les quarts d'heure et les colonnes
des salles (un jour) ou des jours (une salle, une semaine).

La grille se construit sans requête, à partir des journées que `planning` a déjà lues (les
mêmes réservations que la liste du téléphone) : une réservation devient une cellule qui
s'étend sur ses quarts d'heure (`rowspan`), son battement une autre juste en dessous ; le
reste est libre, fermé ou passé. Un tableau HTML garde ainsi ses en-têtes de ligne (l'heure)
et de colonne (la salle, le jour) pour les lecteurs d'écran, sans JavaScript ni style en
ligne (la CSP les refuse).

Une réservation qui ne tombe pas sur un quart d'heure occupe les quarts qu'elle touche ;
deux réservations dans le même quart se suivent (la seconde commence au quart suivant) :
l'heure exacte est écrite dans la cellule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from phares.lib import temps

from ..models import Reservation, Ressource
from .planning import DUREE_SUGGEREE, Journee, _quart_suivant

PAS = datetime.timedelta(minutes=15)

LIBRE, PRISE, BATTEMENT, FERME, PASSE = "libre", "prise", "battement", "ferme", "passe"


@dataclass
class Case:
    etat: str
    debut: datetime.datetime  # the cell's first quarter (aware)
    lignes: int = 1  # rowspan
    reservation: Reservation | None = None
    # A free cell: the end of the slot its link suggests (None: too short to book there).
    fin_suggeree: datetime.datetime | None = None
    # A free cell: the end of the free time it is in.
    fin_libre: datetime.datetime | None = None
    # A free cell that starts its free time: the one that carries a link (the others are
    # reached with the mouse, or by changing the time in the form).
    premiere: bool = False
    # Set by the view for a booking: what the person may see and do with it.
    lisible: bool = False
    detail_url: str = ""
    deplacer_url: str = ""

    @property
    def fin(self) -> datetime.datetime:
        return self.debut + PAS * self.lignes


@dataclass
class Colonne:
    ressource: Ressource
    jour: datetime.date
    fermee: bool
    demandes: list[Reservation] = field(default_factory=list)
    # Set by the view (addresses and labels are not a read): booking link, the room's week,
    # the day as the header writes it.
    reserver_url: str = ""
    semaine_url: str = ""
    date: str = ""  # « 2026-03-10 »
    jour_court: str = ""  # « mar. 10 mars 2026 »


@dataclass
class Ligne:
    heure: datetime.time
    pleine: bool  # a full hour: its label is shown
    maintenant: bool  # the row holding the present moment (today only)
    # (column, cell) pairs; the cell is None when covered by one above (rowspan).
    cases: list[tuple[Colonne, Case | None]]


@dataclass
class Grille:
    colonnes: list[Colonne]
    lignes: list[Ligne]

    @property
    def demandes(self) -> list[tuple[Colonne, Reservation]]:
        """Les demandes extérieures en attente des colonnes (lues pour l'équipe seulement)."""
        return [(c, d) for c in self.colonnes for d in c.demandes]


def _quart_inferieur(t: datetime.time) -> datetime.time:
    return t.replace(minute=t.minute - t.minute % 15, second=0, microsecond=0)


def _heures(ressources: list[Ressource]) -> list[datetime.time]:
    """Les quarts d'heure de la première ouverture à la dernière fermeture."""
    fin = max(r.heure_fermeture for r in ressources)
    t = datetime.datetime.combine(
        datetime.date.min, _quart_inferieur(min(r.heure_ouverture for r in ressources))
    )
    heures = []
    while t.time() < fin and t.date() == datetime.date.min:
        heures.append(t.time())
        t += PAS
    return heures


def _haut(moment: datetime.datetime, jour: datetime.date, heures) -> int:
    """La ligne du quart qui contient `moment` (la première ou après la dernière s'il est un
    autre jour)."""
    local = temps.paris(moment)
    if local.date() != jour:
        return 0 if local.date() < jour else len(heures)
    return max(sum(1 for h in heures if h <= local.time()) - 1, 0)


def _bas(moment: datetime.datetime, jour: datetime.date, heures) -> int:
    """La ligne qui suit le dernier quart que touche une fin à `moment`."""
    local = temps.paris(moment)
    if local.date() != jour:
        return 0 if local.date() < jour else len(heures)
    return sum(1 for h in heures if h < local.time())


def _colonne(colonne: Colonne, journee: Journee, heures, debuts, now) -> list[Case | None]:
    """`debuts` : le début de chaque ligne ce jour-là (temps.aware(jour, h) pour h de `heures`)."""
    ressource, jour = colonne.ressource, colonne.jour
    cases: list[Case | None] = [Case(FERME, debut) for debut in debuts]
    if colonne.fermee:
        return cases
    premier_libre = _quart_suivant(now)
    for i, h in enumerate(heures):
        if ressource.heure_ouverture <= h < ressource.heure_fermeture:
            debut = cases[i].debut
            cases[i] = Case(PASSE if debut < premier_libre else LIBRE, debut)
    # The bookings in order, each from the row after the previous one's end at least.
    curseur, n = 0, len(heures)
    prises = sorted(
        (b.reservation for b in journee.blocs if b.reservation is not None), key=lambda r: r.debut
    )
    for r in prises:
        haut = max(_haut(r.debut, jour, heures), curseur)
        if haut >= n:
            break
        bas = min(max(_bas(r.fin, jour, heures), haut + 1), n)
        cases[haut] = Case(PRISE, cases[haut].debut, bas - haut, reservation=r)
        cases[haut + 1 : bas] = [None] * (bas - haut - 1)
        curseur = bas
        fin_battement = min(_bas(r.fin_bloquee, jour, heures), n)
        if fin_battement > bas:
            cases[bas] = Case(BATTEMENT, cases[bas].debut, fin_battement - bas, reservation=r)
            cases[bas + 1 : fin_battement] = [None] * (fin_battement - bas - 1)
            curseur = fin_battement
    _suggestions(ressource, temps.aware(jour, ressource.heure_fermeture), cases)
    return cases


def _suggestions(ressource: Ressource, fermeture, cases: list[Case | None]) -> None:
    """Pour chaque case libre, la fin du temps libre qu'elle commence et le créneau que son
    lien propose : une heure (au moins la durée minimale, au plus la maximale), sans
    déborder sur ce qui suit."""
    minimum = datetime.timedelta(minutes=ressource.duree_min_minutes)
    maximum = datetime.timedelta(minutes=ressource.duree_max_minutes)
    suggeree = min(max(DUREE_SUGGEREE, minimum), maximum)
    fin_libre = None
    for case in reversed(cases):
        if case is None or case.etat != LIBRE:
            fin_libre = None
            continue
        fin_libre = fin_libre or min(case.fin, fermeture)
        case.fin_libre = fin_libre
        fin = min(fin_libre, case.debut + suggeree)
        case.fin_suggeree = fin if fin - case.debut >= minimum else None
    precedente = None
    for case in cases:
        if case is not None and case.etat == LIBRE:
            case.premiere = precedente is None or precedente.etat != LIBRE
        precedente = case


def _lignes(colonnes, journees, heures, now) -> list[Ligne]:
    # The start of each row, once per day shown: all the rooms of a day share it (a day of
    # 30 rooms made 1 440 time-zone conversions for the same 48 instants).
    debuts: dict[datetime.date, list[datetime.datetime]] = {}
    for c in colonnes:
        if c.jour not in debuts:
            debuts[c.jour] = [temps.aware(c.jour, h) for h in heures]
    par_colonne = [
        _colonne(c, j, heures, debuts[c.jour], now) for c, j in zip(colonnes, journees, strict=True)
    ]
    aujourd_hui, local = temps.jour(now), temps.paris(now).time()
    maintenant = None
    if any(c.jour == aujourd_hui for c in colonnes) and heures[0] <= local:
        i = _haut(now, aujourd_hui, heures)
        if temps.aware(aujourd_hui, heures[i]) + PAS > now:
            maintenant = i
    return [
        Ligne(
            heure=h,
            pleine=h.minute == 0,
            maintenant=i == maintenant,
            cases=[(c, cases[i]) for c, cases in zip(colonnes, par_colonne, strict=True)],
        )
        for i, h in enumerate(heures)
    ]


def grille(
    colonnes: list[Colonne], journees: list[Journee], *, now: datetime.datetime | None = None
) -> Grille:
    """La grille de ces colonnes (une salle un jour chacune) et de leurs journées lues."""
    now = now or timezone.now()
    ouvertes = [c.ressource for c in colonnes if not c.fermee]
    if not ouvertes:
        return Grille(colonnes, [])
    return Grille(colonnes, _lignes(colonnes, journees, _heures(ouvertes), now))


def grille_jour(lignes: list[tuple[Ressource, Journee]], jour: datetime.date, **kw) -> Grille:
    """Toutes les salles un jour, à partir de `planning.jour_toutes_salles`."""
    colonnes = [Colonne(r, jour, j.fermee, j.demandes) for r, j in lignes]
    return grille(colonnes, [j for _, j in lignes], **kw)


def grille_semaine(ressource: Ressource, jours: list[Journee], **kw) -> Grille:
    """Une salle sept jours, à partir de `planning.semaine`."""
    colonnes = [Colonne(ressource, j.jour, j.fermee, j.demandes) for j in jours]
    return grille(colonnes, jours, **kw)
