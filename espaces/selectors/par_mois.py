"""L'occupation mois par mois des bureaux et des postes de co-travail : la règle de comptage
du graphique du rapport annuel, écrite une fois ici (le rapport et la page « Occupation par
mois » la lisent tous deux).

Règle : au prorata des jours. Un bureau tenu par une convention 10 jours d'un mois de 30
compte pour un tiers de sa surface ce mois-là ; un poste tenu tout le mois compte pour un
poste. Dates incluses aux deux bornes (`phares/lib/dates.py`), fin vide = sans terme. Les
espaces comptés sont ceux qui ne sont pas archivés aujourd'hui (les espaces n'ont pas de
dates, comme dans le rapport).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .a_facturer import bornes_du_mois
from .batiment import EspaceInventorie, conventions_entre, inventaire

CENT = Decimal(100)
DIXIEME = Decimal("0.1")


def _dixieme(valeur: Decimal) -> Decimal:
    return valeur.quantize(DIXIEME, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OccupationDuMois:
    mois: datetime.date  # the 1st of the month
    jours: int
    bureaux: int  # offices counted (not archived)
    surface_bureaux: Decimal
    jours_bureaux: int  # office-days held by an agreement
    m2_jours: Decimal  # m² × days held
    postes: int  # coworking desks
    jours_postes: int  # desk-days held

    @property
    def m2_occupes(self) -> Decimal:
        """Surface de bureaux occupée en moyenne sur le mois (m², au dixième)."""
        return _dixieme(self.m2_jours / self.jours)

    @property
    def postes_occupes(self) -> Decimal:
        """Postes de co-travail occupés en moyenne sur le mois (au dixième)."""
        return _dixieme(Decimal(self.jours_postes) / self.jours)

    @property
    def taux_bureaux(self) -> Decimal | None:
        """Jours occupés ÷ (bureaux × jours du mois), en % : le graphique du rapport."""
        if not self.bureaux:
            return None
        return (Decimal(self.jours_bureaux) * CENT / (self.bureaux * self.jours)).quantize(DIXIEME)

    @property
    def taux_m2(self) -> Decimal | None:
        if not self.surface_bureaux:
            return None
        return _dixieme(self.m2_jours * CENT / (self.surface_bureaux * self.jours))

    @property
    def taux_postes(self) -> Decimal | None:
        if not self.postes:
            return None
        return (Decimal(self.jours_postes) * CENT / (self.postes * self.jours)).quantize(DIXIEME)


@dataclass(frozen=True)
class OccupationAnnuelle:
    annee: int
    mois: list[OccupationDuMois]
    # An agreement (on any space, archived or not) ran one day of the year at least: the
    # report draws the previous year only then.
    a_des_conventions: bool


def _jours_dans(debut, fin, du, au) -> int:
    """Jours communs à [debut, fin] (fin vide = sans terme) et [du, au], bornes incluses."""
    return max(0, (min(fin or au, au) - max(debut, du)).days + 1)


def _mois(annee, mois, conventions, bureaux, cotravail) -> OccupationDuMois:
    du, au = bornes_du_mois(datetime.date(annee, mois, 1))
    jours_bureaux, m2_jours, jours_postes = 0, Decimal(0), 0
    for espace_id, _poste, debut, fin in conventions:
        if espace_id in bureaux:
            jours = _jours_dans(debut, fin, du, au)
            jours_bureaux += jours
            m2_jours += (bureaux[espace_id] or Decimal(0)) * jours
        elif espace_id in cotravail:
            jours_postes += _jours_dans(debut, fin, du, au)
    return OccupationDuMois(
        mois=du,
        jours=(au - du).days + 1,
        bureaux=len(bureaux),
        surface_bureaux=sum((s or Decimal(0) for s in bureaux.values()), Decimal(0)),
        jours_bureaux=jours_bureaux,
        m2_jours=m2_jours,
        postes=sum(cotravail.values()),
        jours_postes=jours_postes,
    )


def occupation_mensuelle(
    annees: Iterable[int], *, espaces: list[EspaceInventorie] | None = None
) -> dict[int, OccupationAnnuelle]:
    """Les douze mois de chacune des `annees` : une requête pour les conventions de toutes
    les années, plus une pour l'inventaire des espaces si on ne le donne pas."""
    annees = sorted(set(annees))
    if espaces is None:
        espaces = inventaire()
    bureaux = {e.pk: e.surface_m2 for e in espaces if e.type == "bureau"}
    cotravail = {e.pk: e.nb_postes for e in espaces if e.type == "cotravail"}
    conventions = conventions_entre(
        datetime.date(annees[0], 1, 1), datetime.date(annees[-1], 12, 31)
    )
    resultat = {}
    for annee in annees:
        premier, dernier = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
        resultat[annee] = OccupationAnnuelle(
            annee=annee,
            mois=[_mois(annee, m, conventions, bureaux, cotravail) for m in range(1, 13)],
            a_des_conventions=any(
                _jours_dans(debut, fin, premier, dernier) for _e, _p, debut, fin in conventions
            ),
        )
    return resultat
