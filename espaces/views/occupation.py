"""L'équipe (gestion, comptabilité) : l'occupation des bureaux et du co-travail mois par mois
sur une année (graphique et tableau), et les fins de convention des douze mois à venir avec
les loyers en jeu. Les loyers sont à l'équipe : ces pages ne sont pas aux habitants."""

from django.shortcuts import render
from django.utils import timezone

from phares.lib import graphiques
from phares.lib.dates import MOIS, MOIS_COURTS
from phares.roles import staff_required

from .. import selectors
from ..forms._champs import parse_date

ANNEE_MIN, ANNEE_MAX = 1990, 2100  # as the yearly figures: beyond, nothing was ever hosted


def _annee(valeur: str | None) -> int:
    try:
        annee = int(valeur or "")
    except ValueError:
        return timezone.localdate().year
    return annee if ANNEE_MIN <= annee <= ANNEE_MAX else timezone.localdate().year


def _graphique(cle: str, nom: str, valeurs, unite: str) -> dict:
    svg = graphiques.svg(
        cle=cle, type_="barres", categories=MOIS_COURTS, series=[(nom, valeurs)], unite=unite
    )
    return {"src": graphiques.data_uri(svg), "cle": cle}


@staff_required
def occupation_mensuelle(request):
    annee = _annee(request.GET.get("annee"))
    mois = selectors.occupation_mensuelle([annee])[annee].mois
    return render(
        request,
        "espaces/occupation_mensuelle.html",
        {
            "annee": annee,
            "precedente": annee - 1 if annee > ANNEE_MIN else None,
            "suivante": annee + 1 if annee < ANNEE_MAX else None,
            "mois": [(MOIS[m.mois.month - 1], m) for m in mois],
            "m2": _graphique(
                "occupation-m2", "Bureaux occupés (m²)", [m.m2_occupes for m in mois], "m²"
            ),
            "postes": _graphique(
                "occupation-postes",
                "Postes de co-travail occupés",
                [m.postes_occupes for m in mois],
                "postes",
            ),
        },
    )


@staff_required
def echeances(request):
    le = parse_date(request.GET.get("date"), timezone.localdate())
    return render(
        request,
        "espaces/echeances.html",
        {"le": le, "echeancier": selectors.echeancier(le=le)},
    )
